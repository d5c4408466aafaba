"""Start a crawl on demand from the web app (`POST /api/crawl/{source}`, the "crawl now" button)
without holding the request for the whole crawl.

The crawl goes through the one crawl path (scheduler.path.crawl_source: a child, trigger
"api", the source's lock, the same timeout and kill, then the source's health and the alerts
the crawl queued, as after a scheduled check or a CLI crawl) in a background thread that waits
for the child (no zombie). The request waits only until the child has opened its run row,
and answers with its id.
Settings: COOPWATCH_BASE_URL (crawl the built-in sources from a replica or mirror),
COOPWATCH_CRAWL_TIMEOUT_S.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from typing import Any

from sqlalchemy import func, select

from core.config import OPTIONS, Config, ConfigError
from core.sources import base_url_for, registry, source_named
from scheduler.path import crawl_source, log_check
from storage import locks
from storage.db import session_scope
from storage.models import CrawlRun

logger = logging.getLogger(__name__)
START_WAIT_S = 10.0  # Scrapy needs a second or two before the child opens its run
_POLL_S = 0.2
# (archive, source) of API crawls this process started whose child may not hold the lock yet;
# per archive, as the lock is: two apps in one process may serve two archives.
_in_flight: set[tuple[str, str]] = set()
_in_flight_lock = threading.Lock()


class CrawlRefused(Exception):
    """The crawl cannot start; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def child_env(cfg: Config) -> dict[str, str]:
    """The server's own options for the child, so it crawls into the archive the server shows
    (a server started with a Config rather than the environment included)."""
    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return " ".join(map(str, value)) if isinstance(value, list) else str(value)

    return {opt.name: text(cfg[opt.name]) for opt in OPTIONS}


def _crawl(cfg: Config, source: str, result: Future[dict[str, Any]]) -> None:
    summary: dict[str, Any] = {"status": "failed", "source": source, "run_id": None,
                               "reason": "the crawl thread failed; see the server log"}
    started = time.monotonic()
    try:  # quiet: the child's log goes to the run's log file, not the server's console
        summary = crawl_source(cfg, source, trigger="api", quiet=True,
                               base_url=base_url_for(registry(cfg)[source],
                                                     cfg["COOPWATCH_BASE_URL"] or None),
                               env=child_env(cfg))
        log_check(source, "api", summary, time.monotonic() - started)
    except Exception:  # a thread's exception would vanish: log it
        logger.exception("API crawl of %(source)s failed", {"source": source})
    finally:
        with _in_flight_lock:
            _in_flight.discard((cfg.database_url, source))
        result.set_result(summary)


def start_crawl(cfg: Config, source: str, wait_s: float = START_WAIT_S) -> int | None:
    """Start crawling `source`; returns its run id (None if the child is still starting after
    `wait_s`). Raises CrawlRefused: 404 unknown source, 409 busy, 503 did not start."""
    try:
        source_named(source, cfg)
    except ConfigError as err:  # unknown, or switched off with enabled = false
        raise CrawlRefused(404, str(err)) from err
    with session_scope(cfg.database_url) as session:
        if lock := locks.holder(session, source):
            raise CrawlRefused(409, f"a crawl of {source} is already running (run "
                                    f"{lock.run_id}, {lock.holder}): follow it in /api/runs")
        newest = session.scalar(select(func.max(CrawlRun.id))) or 0
    with _in_flight_lock:
        if (cfg.database_url, source) in _in_flight:
            # The same answer as a held lock: the child may not have taken it yet.
            raise CrawlRefused(409, f"a crawl of {source} is already running (just started): "
                                    "follow it in /api/runs")
        _in_flight.add((cfg.database_url, source))
    result: Future[dict[str, Any]] = Future()
    threading.Thread(target=_crawl, args=(cfg, source, result), name=f"crawl-{source}",
                     daemon=True).start()
    deadline = time.monotonic() + wait_s
    while True:
        with session_scope(cfg.database_url) as session:  # ix_crawl_run__source_started_at
            run_id = session.scalar(select(CrawlRun.id).where(
                CrawlRun.source == source, CrawlRun.trigger == "api", CrawlRun.id > newest)
                .order_by(CrawlRun.id))
        if run_id is not None:
            return run_id
        if result.done():  # the child ended without a run row of its own
            summary = result.result()
            if summary.get("run_id") is not None:  # opened and closed between two polls
                return int(summary["run_id"])
            if summary.get("status") == "busy":
                raise CrawlRefused(409, str(summary.get("reason")))
            raise CrawlRefused(503, f"the crawl did not start: {summary.get('reason')}")
        if time.monotonic() > deadline:
            return None
        time.sleep(_POLL_S)
