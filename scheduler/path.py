"""The one path of a crawl, whoever starts it (the monitor's check, `coopwatch crawl`, the web
API's "crawl now"): crawl the source in a child process (it stores items and their alert rows),
then judge the source's health, then deliver the alerts that are due and tell the WebSub hub
which feeds changed.

Callers differ only in what they pass: the trigger recorded on the run, the CLI's --since,
--max-pages and --dry-run, how the child's log is shown (the CLI shows it; the monitor and the
web keep it in the run's log file only: `quiet`), the environment of a server that was started
with a Config of its own, and the monitor's bookkeeping of running crawls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import Any

from core.config import Config, ConfigError, load_config
from crawler.child import crawl_in_child
from scheduler import websub
from scheduler.alerts import DeliveryReport, deliver_pending
from storage.db import session_scope
from storage.health import evaluate
from storage.runs import FAILED_STATUSES

logger = logging.getLogger(__name__)
CHECK_LINE = ("check %(source)s %(trigger)s %(status)s run=%(run_id)s requests=%(requests)s "
              "not_modified=%(not_modified)s new=%(new)s updated=%(updated)s %(duration_s)ss")


def crawl_source(cfg: Config, source: str, *, trigger: str, base_url: str | None = None,
                 since: date | None = None, max_pages: int | None = None,
                 dry_run: bool = False, env: dict[str, str] | None = None,
                 stderr: int | None = None, on_log: Callable[[str], None] | None = None,
                 quiet: bool = False, while_crawling: AbstractContextManager[object] | None = None,
                 stopping: threading.Event | None = None) -> dict[str, Any]:
    """Crawl → health → alerts; returns the crawl's summary (crawler.run's JSON line).

    Nothing is judged after a dry run (it records nothing), a busy child (another crawl holds
    the lock and will do the work) or a crawl cut short because the monitor is stopping
    (`stopping` set: jobs.abandon_crawl records it)."""
    with while_crawling or nullcontext():
        summary = crawl_in_child(source, base_url=base_url, since=since, max_pages=max_pages,
                                 dry_run=dry_run, trigger=trigger,
                                 timeout_s=cfg.get_float("COOPWATCH_CRAWL_TIMEOUT_S"),
                                 env=env, stderr=stderr, on_log=on_log, quiet=quiet)
    if dry_run or summary.get("status") == "busy" or (stopping and stopping.is_set()):
        return summary
    if summary.get("run_id") is None and trigger == "cli":
        # The CLI may name an archive that is not there (no run row could be opened): there
        # is no source row to judge. The monitor and the API serve an upgraded archive.
        return summary
    after_crawl(source, summary, cfg)
    return summary


def log_check(source: str, trigger: str, summary: dict[str, Any], duration_s: float) -> None:
    """The check's one console line (the run's full log is in its file: core.runlogs); its
    fields are the JSON keys under COOPWATCH_LOG_FORMAT=json. "busy": a CLI or API crawl
    holds the source's lock and does the work."""
    fields = {"source": source, "trigger": trigger, "status": summary.get("status"),
              "run_id": summary.get("run_id")} | {
              key: summary.get(key, 0) for key in ("requests", "not_modified", "new", "updated")
              } | {"duration_s": round(duration_s, 1), "reason": summary.get("reason") or ""}
    logger.log(logging.WARNING if summary.get("status") in FAILED_STATUSES else logging.INFO,
               CHECK_LINE + (" — %(reason)s" if fields["reason"] else ""), fields)


def after_crawl(source: str, summary: dict[str, Any], cfg: Config) -> None:
    """Judge the source's health (one alarm per episode; judging a run twice does nothing),
    deliver the alerts the crawl queued and ping the WebSub hub for the feeds it changed."""
    with session_scope(cfg.database_url) as session:
        evaluate(session, source, summary, cfg)
    deliver_due(cfg)
    publish_feeds(cfg)


def deliver_due(cfg: Config) -> DeliveryReport:
    """Deliver every due outbox row (news and health)."""
    report = deliver_pending(cfg.database_url, cfg)
    if report.sent or report.retrying or report.dead:  # one line per batch that did anything
        logger.info("alerts %(channels)s sent=%(sent)s retrying=%(retrying)s dead=%(dead)s",
                    {"channels": ",".join(sorted(report.channels)), "sent": report.sent,
                     "retrying": report.retrying, "dead": report.dead})
    return report


def publish_feeds(cfg: Config | None = None) -> websub.PublishReport | None:
    """One WebSub pass (None: no hub configured); a failed ping is logged and retried."""
    try:
        report = websub.publish_changes(cfg or load_config())
    except ConfigError as err:  # the crawl before it is stored: say what to fix, fail nothing
        logger.error("WebSub: %(error)s", {"error": err})
        return None
    if report and (report.pinged or report.failed):
        logger.info("WebSub: %(report)s", {"report": report})
    return report
