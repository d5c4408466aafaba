"""`coopwatch run`: one asyncio process hosting APScheduler 3 and the feed server.

The scheduler only schedules: each job calls a function of scheduler.jobs with a source name.
Jobs live in their own SQLite file in the data directory (FlexGet's habit), so the job store
never fights the archive for locks, and a job's id is a hash of its configuration. On start
the missing jobs are added and stale ones removed; existing jobs are left as they are, because
re-adding them (replace_existing) would recompute next_run_time from now and lose the one
catch-up run that coalesce + misfire_grace_time give after downtime. So a source added to the
configuration gets its job, a source whose interval changed gets a new job in place of the
old one, a source removed (or no longer checked) loses its job, and an unchanged source keeps
its planned next check. New jobs' first checks are spread (scheduler.spread).

At most COOPWATCH_MAX_PARALLEL_CRAWLS checks crawl at once, one per host (scheduler.slots); a
check that must wait holds its job's one instance (max_instances=1), so the runs that come due
meanwhile are folded into it (APScheduler logs them as skipped), never queued behind it.

SIGTERM / SIGINT: stop scheduling, give a running crawl COOPWATCH_SHUTDOWN_GRACE_S to finish,
then kill it and record its run as abandoned; stop the feed server; exit 0. Every item and its
alert rows are one transaction, so nothing is half-written whenever the crawl stops.
Settings: COOPWATCH_CHECK_SOURCES (all: every enabled source), COOPWATCH_CHECK_EVERY_MIN (per
source: interval_minutes, or its older name check_every_min, in a
[sources.NAME] table) or the adaptive schedule's COOPWATCH_DAILY_REQUESTS,
COOPWATCH_MIN_CHECK_EVERY_MIN and COOPWATCH_MAX_CHECK_EVERY_MIN (scheduler.schedule),
COOPWATCH_JITTER_S, COOPWATCH_MAX_PARALLEL_CRAWLS, COOPWATCH_ALERT_RETRY_S,
COOPWATCH_SHUTDOWN_GRACE_S,
COOPWATCH_DATA_DIR, COOPWATCH_WEBSUB_HUB (a WebSub pass every websub.PASS_S),
COOPWATCH_RUN_LOG_DAYS (run logs pruned at start and every runlogs.PRUNE_EVERY_S),
COOPWATCH_INSTANCE (this monitor's name; several monitors may share one PostgreSQL: README
"Running two monitors").
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import signal
import time
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from core import runlogs
from core.config import Config
from core.sources import checked_sources, registry
from feeds.websub import websub_for
from scheduler import jobs, schedule, slots, spread, websub
from storage.db import session_scope
from storage.source_rows import ensure_source, forget_checks

logger = logging.getLogger(__name__)

# A check missed while the monitor was down runs once when it is back if it is at most this
# late (coalesce folds several missed runs into one). APScheduler's default of 1 s would
# silently drop it (agronholm/apscheduler#296).
MISFIRE_GRACE_S = 6 * 3600
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_S}
# After the grace period and the kill, how long to wait for job threads to notice.
KILL_WAIT_S = 15
SERVICE = "service"  # the executor of the alert-delivery and WebSub passes


def wanted_jobs(cfg: Config) -> dict[str, dict[str, object]]:
    """Job id -> add_job arguments, one job per configured source.

    Under the adaptive schedule the job's interval is the budget's average one: it only
    applies when a check ends without a plan (the job failed); otherwise the check's plan
    moves the job's next run time (reschedule_after_check)."""
    out: dict[str, dict[str, object]] = {}
    for source in checked_sources(cfg):
        fixed_s, jitter_s = schedule.fixed_every_s(cfg, source), cfg.get_float("COOPWATCH_JITTER_S")
        adaptive: dict[str, object] = {}
        if fixed_s is None:
            spend = schedule.budget(cfg, source)
            adaptive = {"daily": spend.daily_checks, "min_s": spend.min_interval.total_seconds(),
                        "max_s": spend.max_interval.total_seconds()}
        every_s = fixed_s or 86400 / float(adaptive["daily"])  # type: ignore[arg-type]
        spec = {"func": "scheduler.jobs:check_source", "args": [source], "every_s": every_s,
                "jitter_s": jitter_s} | ({"adaptive": adaptive} if adaptive else {})
        digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
        out[f"check-{source}-{digest}"] = {
            "func": "scheduler.jobs:check_source", "args": [source], "name": f"check {source}",
            "trigger": IntervalTrigger(seconds=every_s, jitter=jitter_s or None)}
    return out


def sync_jobs(scheduler: AsyncIOScheduler, cfg: Config) -> tuple[list[str], list[str]]:
    """Add missing check jobs (first run spread: scheduler.spread) and remove stale ones;
    returns (added, removed)."""
    wanted = wanted_jobs(cfg)
    stored = {job.id for job in scheduler.get_jobs(jobstore="default")}
    removed = sorted(stored - wanted.keys())
    for job_id in removed:
        scheduler.remove_job(job_id, jobstore="default")
    added = sorted(wanted.keys() - stored)
    now = datetime.now(UTC)
    for job_id in added:
        spec = wanted[job_id]
        first = spread.first_check_at(spec["args"][0], now,  # type: ignore[index]
                                      spec["trigger"].interval)  # type: ignore[attr-defined]
        scheduler.add_job(id=job_id, jobstore="default", next_run_time=first,
                          **spec)  # type: ignore[arg-type]
    return added, removed


def reschedule_after_check(scheduler: AsyncIOScheduler, event: JobExecutionEvent,
                           db_url: str) -> None:
    """After a check: move the job to the check's planned time (on the source's own grid,
    scheduler.spread) and record the job's next run and why for `coopwatch sources` and the
    sources page."""
    if event.jobstore != "default" or not isinstance(event.retval, dict):
        return
    planned = event.retval.get("next_check")
    job = scheduler.get_job(event.job_id, jobstore="default")
    if not isinstance(planned, dict) or job is None:
        return
    job = scheduler.modify_job(event.job_id, "default", next_run_time=planned["at"])
    with session_scope(db_url) as session:
        schedule.record(session, job.args[0], job.next_run_time, str(planned["why"]))


def make_scheduler(cfg: Config) -> AsyncIOScheduler:
    jobs_db = cfg.data_dir / "jobs.sqlite"
    jobs_db.parent.mkdir(parents=True, exist_ok=True)
    return AsyncIOScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobs_db}"),
                   "memory": MemoryJobStore()},  # the delivery pass needs no persistence
        # Threads, not the loop's executor: jobs block on a child process, and on shutdown
        # APScheduler's asyncio executor would cancel their futures while they still run.
        # A thread per source for the checks, which may wait for a crawl slot
        # (scheduler.slots); the alert and WebSub passes have threads of their own, so
        # waiting checks never hold them up.
        executors={"default": ThreadPoolExecutor(max_workers=max(1, len(checked_sources(cfg)))),
                   SERVICE: ThreadPoolExecutor(max_workers=2)},
        job_defaults=JOB_DEFAULTS, timezone=UTC)


async def _stop_crawls(db_url: str, grace_s: float, instance: str) -> None:
    """Let running crawls finish for grace_s, then kill them and record them abandoned."""
    deadline = time.monotonic() + grace_s
    if jobs.running():
        logger.info("Waiting up to %(grace)s s for the crawl of %(sources)s to finish",
                    {"grace": grace_s, "sources": ", ".join(sorted(jobs.running()))})
    while jobs.running() and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    jobs.STOPPING.set()
    reason = f"the monitor stopped and the crawl did not finish within {grace_s:g} s"
    deadline = time.monotonic() + KILL_WAIT_S
    while jobs.running() and time.monotonic() < deadline:
        for source in jobs.running():
            await asyncio.to_thread(jobs.abandon_crawl, db_url, source, reason, instance)
        await asyncio.sleep(0.2)
    if jobs.running():
        logger.error("Crawls still running at exit: %(sources)s", {"sources": jobs.running()})


def source_rows(cfg: Config) -> None:
    """Each checked source has its archive row; a source no longer checked (removed from the
    config file, disabled, left out of COOPWATCH_CHECK_SOURCES) loses its planned check."""
    sources, checked = registry(cfg), checked_sources(cfg)
    with session_scope(cfg.database_url) as session:
        for name in checked:
            ensure_source(session, sources[name])
        if forgotten := forget_checks(session, checked):
            logger.info("No longer checked: %(names)s (their items stay in the archive)",
                        {"names": ", ".join(forgotten)})


async def run(cfg: Config, stop: asyncio.Event | None = None) -> None:
    """Run until SIGTERM/SIGINT (or until `stop` is set)."""
    from web.server import make_server

    wanted_jobs(cfg)  # a bad interval fails here, before anything starts
    cfg.get_seconds("COOPWATCH_LEASE_S")  # and a bad lease, which each crawl child reads
    hub = websub_for(cfg)  # and a bad hub URL
    jobs.SLOTS.open(slots.max_parallel(cfg))  # and a bad COOPWATCH_MAX_PARALLEL_CRAWLS
    runlogs.prune(cfg)  # and a bad COOPWATCH_RUN_LOG_DAYS
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    jobs.STOPPING.clear()
    db_url = cfg.database_url
    await asyncio.to_thread(jobs.recover_runs, db_url)
    await asyncio.to_thread(source_rows, cfg)

    # The server first: if its port is taken, uvicorn exits before any crawl has started.
    server = make_server(cfg)
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.05)

    scheduler = make_scheduler(cfg)
    scheduler.start(paused=True)  # the job store is readable once started
    added, removed = sync_jobs(scheduler, cfg)
    retry_s = max(1.0, min(cfg.get_float("COOPWATCH_ALERT_RETRY_S"), 60.0))
    scheduler.add_job("scheduler.jobs:deliver_alerts", IntervalTrigger(seconds=retry_s),
                      id="deliver-alerts", jobstore="memory", executor=SERVICE,
                      next_run_time=datetime.now(UTC))
    scheduler.add_job(runlogs.prune, IntervalTrigger(seconds=runlogs.PRUNE_EVERY_S), args=[cfg],
                      id="prune-run-logs", jobstore="memory", executor=SERVICE)
    if hub:  # also after each check; this pass retries failed pings and sees other writers
        scheduler.add_job("scheduler.path:publish_feeds", IntervalTrigger(seconds=websub.PASS_S),
                          id="websub-publish", jobstore="memory", executor=SERVICE,
                          next_run_time=datetime.now(UTC))
    scheduler.add_listener(lambda event: reschedule_after_check(scheduler, event, db_url),
                           EVENT_JOB_EXECUTED)
    scheduler.resume()
    with session_scope(db_url) as session:
        for job in scheduler.get_jobs(jobstore="default"):
            logger.info("Scheduled %(job)s (%(trigger)s), next run %(next)s",
                        {"job": job.id, "trigger": job.trigger, "next": job.next_run_time})
            schedule.record(session, job.args[0], job.next_run_time,
                            "first check after start" if job.id in added else
                            "planned before the monitor restarted", keep_future=True)
    logger.info("Monitor %(instance)s started: %(added)s job(s) added, %(removed)s removed; "
                "alert delivery every %(retry)g s", {"instance": cfg.instance, "added": len(added),
                                                     "removed": len(removed), "retry": retry_s})

    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set():
        logger.error("The feed server stopped; stopping the monitor")
    logger.info("Stopping: no new checks")
    jobs.SLOTS.close()  # checks waiting for a slot give up: no crawl starts now
    scheduler.shutdown(wait=False)
    await _stop_crawls(db_url, cfg.get_float("COOPWATCH_SHUTDOWN_GRACE_S"), cfg.instance)
    server.should_exit = True
    await serving
    stopped.cancel()
    logger.info("Monitor stopped")
