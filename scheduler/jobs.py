"""What the daemon's jobs do, as plain functions of picklable arguments (APScheduler stores a
reference to the function and its arguments, never an object):

    check_source(name)  the crawl path (scheduler.path: crawl in a child → judge health →
                        deliver due alerts), then plan the next check (scheduler.schedule)
    deliver_alerts()    one delivery pass (retries come due between crawls)
    (the WebSub pass, scheduler.path.publish_feeds, runs every websub.PASS_S)

Also the bookkeeping of crawls that did not end on their own: `abandon_crawl` (the monitor is
stopping and the crawl outlived its grace period) and `recover_runs` (runs left open by a
process that died, found when the monitor starts). An abandoned run is neither a success nor
a failure of its source, so it changes no source field: no error streak, no priming.
Settings: COOPWATCH_BASE_URL (built-in sources only), COOPWATCH_CRAWL_TIMEOUT_S.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from core.config import Config, load_config
from core.sources import base_url_for, registry
from scheduler import schedule
from scheduler.alerts import DeliveryReport
from scheduler.path import crawl_source, deliver_due
from storage.db import session_scope, utcnow
from storage.models import CrawlRun
from storage.runs import is_primed, mark_run

logger = logging.getLogger(__name__)

# Set by the daemon when it stops: a crawl that ends now was cut short, not a source failure.
STOPPING = threading.Event()
_running: set[str] = set()
_running_lock = threading.Lock()


def running() -> set[str]:
    """Sources whose check is in progress in this process."""
    with _running_lock:
        return set(_running)


@contextmanager
def _crawling(name: str) -> Iterator[None]:
    """While the child runs, the source is in running(): the daemon's shutdown waits for it."""
    with _running_lock:
        _running.add(name)
    try:
        yield
    finally:
        with _running_lock:
            _running.discard(name)


def check_source(name: str) -> dict[str, Any]:
    """One scheduled check of one source; returns the crawl's summary."""
    cfg = load_config()
    with session_scope(cfg.database_url) as session:
        primed = is_primed(session, name)
    if not primed:
        logger.info("First crawl of %(source)s: priming silently — its backfill sends no "
                    "alerts", {"source": name})
    summary = crawl_source(cfg, name, trigger="schedule",
                           base_url=base_url_for(registry(cfg)[name],
                                                 cfg["COOPWATCH_BASE_URL"] or None),
                           while_crawling=_crawling(name), stopping=STOPPING)
    if STOPPING.is_set():
        return summary  # abandon_crawl recorded it
    log = {"source": name, "run_id": summary.get("run_id"), "status": summary.get("status"),
           "new": summary.get("new", 0), "reason": summary.get("reason") or ""}
    if summary.get("status") == "busy":  # a CLI crawl holds the lock: it will do the work
        logger.info("Skipped %(source)s: %(reason)s", log)
    else:
        logger.info("Checked %(source)s: run %(run_id)s %(status)s, %(new)s new %(reason)s",
                    log)
    return summary | {"next_check": next_check(name, cfg)}


def next_check(source: str, cfg: Config) -> dict[str, Any]:
    """The plan after a check, for the daemon to apply: {"at", "why", "adaptive"}."""
    now = utcnow()
    with session_scope(cfg.database_url) as session:
        plan = schedule.plan(session, cfg, source, now)
    adaptive = schedule.fixed_every_s(cfg, source) is None
    return {"at": schedule.with_jitter(plan.at, cfg) if adaptive else plan.at, "why": plan.why,
            "adaptive": adaptive}


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


def abandon_crawl(db_url: str, source: str, reason: str) -> int | None:
    """Kill this source's scheduled crawl child and record its run as abandoned.

    Returns the run id, or None when the child has not opened its run yet (try again)."""
    with session_scope(db_url) as session:
        run = session.scalar(select(CrawlRun).where(  # ix_crawl_run__source_started_at
            CrawlRun.source == source, CrawlRun.trigger == "schedule",
            CrawlRun.finished_at.is_(None)).order_by(CrawlRun.id.desc()))
        if run is None:
            return None
        if run.pid and pid_alive(run.pid):
            # crawl_in_child starts each child in its own session: its group is its pid
            os.killpg(run.pid, signal.SIGKILL)
        mark_run(session, run.id, "abandoned", reason)  # with what it had stored
        logger.warning("Abandoned run %(run_id)s of %(source)s: %(reason)s",
                       {"run_id": run.id, "source": source, "reason": reason})
        return run.id


def recover_runs(db_url: str) -> list[int]:
    """Record as abandoned the open runs whose process is gone (the monitor or a CLI crawl
    was killed). Pids are checked on this host: run crawls on one host."""
    with session_scope(db_url) as session:
        open_runs = session.scalars(select(CrawlRun).where(CrawlRun.finished_at.is_(None)))
        dead = [run for run in open_runs if not (run.pid and pid_alive(run.pid))]
        for run in dead:  # counted with what they had stored, as a CLI crawl counts them
            mark_run(session, run.id, "abandoned",
                     "its crawl process died without recording an end (killed?)")
            logger.warning("Recovered run %(run_id)s of %(source)s: abandoned",
                           {"run_id": run.id, "source": run.source})
        return [run.id for run in dead]
