"""What the daemon's jobs do, as plain functions of picklable arguments (APScheduler stores a
reference to the function and its arguments, never an object):

    check_source(name)  claim this interval's check of the source (scheduler.schedule.claim:
                        with several monitors on one database, one wins, the others skip),
                        wait for a crawl slot (scheduler.slots), the crawl path
                        (scheduler.path: crawl in a child → judge health → deliver due
                        alerts), then plan the next check (scheduler.schedule)
    deliver_alerts()    one delivery pass (retries come due between crawls)
    (the WebSub pass, scheduler.path.publish_feeds, runs every websub.PASS_S)

Also the bookkeeping of crawls that did not end on their own: `abandon_crawl` (the monitor is
stopping and the crawl outlived its grace period) and `recover_runs` (runs left open by a
process that died, found when the monitor starts: no live lease covers them). An abandoned run
is neither a success nor a failure of its source, so it changes no source field: no error
streak, no priming. A skipped check (another monitor's slot or lease) is no run at all.
Settings: COOPWATCH_BASE_URL (built-in sources only), COOPWATCH_CRAWL_TIMEOUT_S, COOPWATCH_INSTANCE.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from core.config import Config, ConfigError, load_config
from core.sources import base_url_for, source_named
from scheduler import schedule
from scheduler.alerts import DeliveryReport
from scheduler.path import crawl_source, deliver_due, log_check
from scheduler.slots import CrawlSlots, SlotsClosed, hosts_of
from storage import locks
from storage.db import session_scope, utcnow
from storage.models import CrawlLock, CrawlRun
from storage.runs import is_primed, mark_run

logger = logging.getLogger(__name__)

# Set by the daemon when it stops: a crawl that ends now was cut short, not a source failure.
STOPPING = threading.Event()
# The monitor's crawl slots; the daemon opens them with COOPWATCH_MAX_PARALLEL_CRAWLS on start
# and closes them when it stops.
SLOTS = CrawlSlots(1)
_running: set[str] = set()
_running_lock = threading.Lock()


def running() -> set[str]:
    """Sources whose check is in progress in this process."""
    with _running_lock:
        return set(_running)


@contextmanager
def _crawling(name: str, hosts: frozenset[str]) -> Iterator[None]:
    """Once the check has its crawl slot, and while the child runs, the source is in
    running(): the daemon's shutdown waits for it (not for checks still waiting)."""
    with SLOTS.claim(name, hosts):
        with _running_lock:
            _running.add(name)
        try:
            yield
        finally:
            with _running_lock:
                _running.discard(name)


def check_source(name: str) -> dict[str, Any]:
    """One scheduled check of one source; returns the crawl's summary."""
    cfg = load_config()  # each check reads the file, so an edit reaches it before a restart
    try:
        source = source_named(name, cfg)
    except ConfigError as err:  # removed, disabled or broken since the monitor started
        reason = f"{err} (the configuration changed; restart the monitor to reconcile)"
        logger.warning("Skipped %(source)s: %(reason)s", {"source": name, "reason": reason})
        return {"status": "not started", "source": name, "run_id": None, "reason": reason}
    with session_scope(cfg.database_url) as session:
        primed = is_primed(session, name)
        taken = schedule.claim(session, cfg, name)
        if not taken and (lease := locks.holder(session, name)):  # no child just to hear it
            taken = f"a crawl of {name} is already running ({lease.holder})"
    if taken:  # not an error and no run: the monitor that has the slot checks the source
        logger.info("Skipped %(source)s: %(reason)s", {"source": name, "reason": taken})
        return {"status": "busy", "source": name, "run_id": None, "reason": taken}
    if not primed:
        logger.info("First crawl of %(source)s: priming silently — its backfill sends no "
                    "alerts", {"source": name})
    started = time.monotonic()
    try:
        summary = crawl_source(cfg, name, trigger="schedule",
                               base_url=base_url_for(source,
                                                     cfg["COOPWATCH_BASE_URL"] or None),
                               quiet=True,
                               while_crawling=_crawling(name,
                                                        hosts_of(source, cfg)),
                               stopping=STOPPING)
    except SlotsClosed as err:  # nothing started, nothing to record
        logger.info("%(why)s", {"why": err})
        return {"source": name, "status": "not started", "reason": str(err)}
    if STOPPING.is_set():
        return summary  # abandon_crawl recorded it
    log_check(name, "schedule", summary, time.monotonic() - started)
    return summary | {"next_check": next_check(name, cfg)}


def next_check(source: str, cfg: Config) -> dict[str, Any]:
    """The plan after a check, for the daemon to apply: {"at", "why"}."""
    now = utcnow()
    with session_scope(cfg.database_url) as session:
        plan = schedule.plan(session, cfg, source, now)
    return {"at": schedule.with_jitter(plan.at, cfg), "why": plan.why}


def deliver_alerts() -> DeliveryReport:
    """The monitor's delivery pass: every due outbox row (retries come due between crawls)."""
    return deliver_due(load_config())


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def abandon_crawl(db_url: str, source: str, reason: str, instance: str) -> int | None:
    """Kill this monitor's (`instance`) scheduled crawl child of `source`, free its lease and
    record its run as abandoned.

    Returns the run id, or None when the child has not opened its run yet (try again)."""
    with session_scope(db_url) as session:
        run = session.scalar(select(CrawlRun).where(  # ix_crawl_run__source_started_at
            CrawlRun.source == source, CrawlRun.trigger == "schedule",
            CrawlRun.instance == instance, CrawlRun.finished_at.is_(None))
            .order_by(CrawlRun.id.desc()))
        if run is None:
            return None
        if run.pid and pid_alive(run.pid):
            # crawl_in_child starts each child in its own session: its group is its pid
            os.killpg(run.pid, signal.SIGKILL)
        # Recorded first, as soon after the kill as can be: the check's own thread, seeing its
        # child die, would otherwise close the run as "killed".
        mark_run(session, run.id, "abandoned", reason)  # with what it had stored
        if run.pid:
            locks.release_killed(session, run.pid)
        logger.warning("Abandoned run %(run_id)s of %(source)s: %(reason)s",
                       {"run_id": run.id, "source": source, "reason": reason})
        return run.id


def recover_runs(db_url: str) -> list[int]:
    """Record as abandoned the open runs no live lease covers: their crawl died (a monitor, a
    CLI crawl or a whole host was killed). A run under a live lease, on any host, is left
    alone; so are the open runs of a source whose new holder has not opened its run yet (it
    closes them itself)."""
    with session_scope(db_url) as session:
        now = locks.db_now(session)
        leases = session.scalars(select(CrawlLock).where(CrawlLock.expires_at > now)).all()
        covered = {lease.run_id for lease in leases}
        starting = {lease.source for lease in leases if lease.run_id is None}
        open_runs = session.scalars(select(CrawlRun).where(CrawlRun.finished_at.is_(None)))
        dead = [run for run in open_runs if run.id not in covered and run.source not in starting]
        for run in dead:  # counted with what they had stored, as a CLI crawl counts them
            mark_run(session, run.id, "abandoned",
                     "its crawl process died without recording an end (killed?)")
            logger.warning("Recovered run %(run_id)s of %(source)s: abandoned",
                           {"run_id": run.id, "source": run.source})
        return [run.id for run in dead]
