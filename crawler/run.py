"""The crawl entry: `python -m crawler.run SOURCE [--base-url URL] [--since D] [--max-pages N]
[--dry-run] [--trigger T] [--exit-with-parent] [--quiet]`. One crawl, one JSON summary line on
stdout, and an exit code: 0 ok · 1 failed, blocked or killed · 2 ran with errors · 3 busy
(another crawl holds the source's lock) · 4 stopped before its end (abandoned).

Its full log goes to the run's log file (core.runlogs) and, unless --quiet, to stderr too:
the monitor and the web's "crawl now" pass --quiet, so their console shows one line per check.

The daemon, the CLI and the API all start crawls through this entry in a child process:
Scrapy's reactor cannot be restarted, and a child can be timed out and killed. They pass
--exit-with-parent and keep the child's stdin open: the line "stop" on it, or its end (the
parent died, even by kill -9), stops the crawl gracefully — what is stored is recorded and the
source's lock released — so a crawl never outlives the process that started it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import threading
from collections.abc import Mapping
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from core import runlogs
from core.config import ConfigError, load_config
from core.sources import enabled_sources
from storage.runs import TRIGGERS

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

EXIT_CODES = {"ok": 0, "failed": 1, "blocked": 1, "killed": 1, "errors": 2, "busy": 3,
              "abandoned": 4}
STOP_LINE = "stop"
logger = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__)
    try:
        sources = list(enabled_sources())
    except ConfigError as err:  # a bad [sources.NAME] table: one line, exit 2, nothing started
        p.error(str(err))
    p.add_argument("source", choices=sources)
    p.add_argument("--base-url", help="Crawl this host instead of the real site (a replica)")
    p.add_argument("--since", type=date.fromisoformat, help="Backfill back to YYYY-MM-DD")
    p.add_argument("--max-pages", type=int, help="Most listing pages to follow per listing")
    p.add_argument("--dry-run", action="store_true",
                   help="Show what would be stored; write nothing")
    p.add_argument("--trigger", default="cli", choices=TRIGGERS)
    p.add_argument("--log-level", default=os.environ.get("COOPWATCH_LOG_LEVEL", "INFO"))
    p.add_argument("--exit-with-parent", action="store_true",
                   help='Stop gracefully on "stop" or end of file on stdin')
    p.add_argument("--quiet", action="store_true",
                   help="Log only to the run's log file, not to stderr")
    return p.parse_args(argv)


def describe(err: BaseException) -> str:
    """One line saying why a crawl could not run, with the fix when there is one."""
    if isinstance(err, SQLAlchemyError):
        msg = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        if "no such table" in msg or ("relation" in msg and "does not exist" in msg):
            return f"the archive database has no tables ({msg}): run `coopwatch db upgrade`"
        return f"database error: {msg}"
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def crawl(args: argparse.Namespace, spidercls: type[Spider] | None = None,
          overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Run the crawl `args` describe; `spidercls` instead of the spider the loader finds for
    args.source (a bound ConfiguredSpider), and `overrides` over the settings (coopwatch.check)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("COOPWATCH_DRY_RUN", args.dry_run)
    settings.set("COOPWATCH_TRIGGER", args.trigger)
    level = args.log_level.upper()
    settings.set("LOG_LEVEL", level)
    if args.dry_run:
        settings.set("HTTPCACHE_ENABLED", False)  # a dry run leaves nothing behind
    settings.set("LOG_INSTALL_ROOT_HANDLER", True)
    settings.setdict(dict(overrides or {}))
    if args.dry_run:  # no run row, so no run log: Scrapy's own handler writes stderr
        settings.set("LOG_ENABLED", not args.quiet)
    else:
        log_to_run_file(settings, level, args.quiet)
    process = CrawlerProcess(settings)
    kwargs = {k: v for k, v in {"base_url": args.base_url,
                                "since": args.since.isoformat() if args.since else None,
                                "max_pages": args.max_pages}.items() if v is not None}
    crawler = process.create_crawler(spidercls or args.source)
    failures: list[BaseException] = []
    # The spider could not even be made (bad base URL or since, database not migrated): keep
    # the reason — without it only "Crawler.stats is not set yet" would be left to report.
    process.crawl(crawler, **kwargs).addErrback(lambda f: failures.append(f.value))
    if args.exit_with_parent:
        threading.Thread(target=stop_on_stdin, args=(crawler, sys.stdin), daemon=True).start()
    process.start()
    if failures:
        reason = describe(failures[0])
        logger.error("The crawl of %(source)s did not start: %(reason)s",
                     {"source": args.source, "reason": reason})
        return {"status": "failed", "source": args.source, "run_id": None, "reason": reason}
    assert crawler.stats is not None
    summary = crawler.stats.get_value("coopwatch/summary")
    if summary is None:  # the spider opened but its run was never summed up
        summary = {"status": "failed", "source": args.source, "run_id": None,
                   "reason": "the crawl did not start; see the log above"}
    return summary


def log_to_run_file(settings: Settings, level: str, quiet: bool) -> None:
    """Scrapy's own handler writes the run's log file, in full (INFO, or DEBUG when asked); it
    is re-made (appending) when the crawler applies the spider's settings, so the lines logged
    before that are kept. Unless quiet, stderr also gets the log, at `level`."""
    run_log = runlogs.pending_path(load_config())
    run_log.parent.mkdir(parents=True, exist_ok=True)
    run_log.unlink(missing_ok=True)  # left by a dead child whose pid this one reuses
    settings.set("LOG_LEVEL", "DEBUG" if level == "DEBUG" else "INFO")
    settings.set("LOG_FILE", str(run_log))
    settings.set("LOG_FILE_APPEND", True)
    settings.set("COOPWATCH_RUN_LOG", str(run_log))
    if not quiet:  # before Scrapy's first lines (its version, in CrawlerProcess)
        logging.root.addHandler(stderr_handler(settings, level))


def stderr_handler(settings: Settings, level: str) -> logging.Handler:
    """The log on stderr as Scrapy writes it (`coopwatch crawl`'s live table parses it)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"),
                                           settings.get("LOG_DATEFORMAT")))
    handler.setLevel(level)
    return handler


def forget_unnamed_log() -> None:
    """A crawl that opened no run (busy source, did not start) keeps no log file: nothing
    could show it, and its summary says why."""
    # A config or file error failed the crawl already; its summary says so.
    with contextlib.suppress(ConfigError, OSError):
        runlogs.pending_path(load_config()).unlink(missing_ok=True)


def stop_on_stdin(crawler: Crawler, stream: IO[str]) -> None:
    """Wait for the parent's "stop" line or for the end of stdin (the parent died), then close
    the spider like any finished crawl: batches stored, run recorded, lock released."""
    line = stream.readline()
    reason = "interrupted" if line.strip() == STOP_LINE else "parent_gone"
    from twisted.internet import reactor

    reactor.callFromThread(close_spider, crawler, reason)  # type: ignore[attr-defined]


def close_spider(crawler: Crawler, reason: str) -> None:
    from scrapy.utils.asyncio import call_later
    from scrapy.utils.defer import deferred_from_coro

    if not crawler.crawling:
        return  # finished (or never started) meanwhile
    try:
        engine = crawler.engine
    except RuntimeError:  # set once the crawl starts
        engine = None
    if engine is None or engine.spider is None or not engine.running:
        call_later(0.2, close_spider, crawler, reason)
        return  # the spider is not open yet: ask again shortly
    deferred_from_coro(engine.close_spider_async(reason=reason))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        summary = crawl(args)
    except Exception as err:  # report, never a bare traceback to the caller's parser
        summary = {"status": "failed", "source": args.source, "run_id": None,
                   "reason": describe(err)}
    if summary.get("run_id") is None:
        forget_unnamed_log()
    try:
        sys.stdout.write(json.dumps(summary, default=str) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the parent died: the run row holds the summary
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_CODES.get(summary["status"], 1)


if __name__ == "__main__":
    sys.exit(main())
