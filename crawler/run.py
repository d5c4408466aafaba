"""The crawl entry: `python -m crawler.run SOURCE [--base-url URL] [--since D] [--max-pages N]
[--dry-run] [--trigger T]`. One crawl, one JSON summary line on stdout, and an exit code:
0 ok · 1 failed or blocked · 2 ran with errors · 3 busy (another crawl holds the source's lock).

The daemon, the CLI and the API all start crawls through this entry in a child process:
Scrapy's reactor cannot be restarted, and a child can be timed out and killed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from typing import Any

EXIT_CODES = {"ok": 0, "failed": 1, "blocked": 1, "errors": 2, "busy": 3}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__)
    p.add_argument("source", choices=["osce", "interpol"])
    p.add_argument("--base-url", help="Crawl this host instead of the real site (a replica)")
    p.add_argument("--since", type=date.fromisoformat, help="Backfill back to YYYY-MM-DD")
    p.add_argument("--max-pages", type=int, help="Most listing pages to follow per listing")
    p.add_argument("--dry-run", action="store_true",
                   help="Show what would be stored; write nothing")
    p.add_argument("--trigger", default="cli", choices=["cli", "schedule", "api"])
    p.add_argument("--log-level", default=os.environ.get("COOPWATCH_LOG_LEVEL", "INFO"))
    return p.parse_args(argv)


def crawl(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("COOPWATCH_DRY_RUN", args.dry_run)
    settings.set("COOPWATCH_TRIGGER", args.trigger)
    settings.set("LOG_LEVEL", args.log_level.upper())
    if args.dry_run:
        settings.set("HTTPCACHE_ENABLED", False)  # a dry run leaves nothing behind
    settings.set("LOG_INSTALL_ROOT_HANDLER", True)
    process = CrawlerProcess(settings)
    kwargs = {k: v for k, v in {"base_url": args.base_url,
                                "since": args.since.isoformat() if args.since else None,
                                "max_pages": args.max_pages}.items() if v is not None}
    crawler = process.create_crawler(args.source)
    process.crawl(crawler, **kwargs)
    process.start()
    assert crawler.stats is not None
    summary = crawler.stats.get_value("coopwatch/summary")
    if summary is None:  # the spider never opened (bad arguments, database down)
        summary = {"status": "failed", "source": args.source, "run_id": None,
                   "reason": "the crawl did not start; see the log above"}
    return summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        summary = crawl(args)
    except Exception as err:  # report, never a bare traceback to the caller's parser
        summary = {"status": "failed", "source": args.source, "run_id": None,
                   "reason": f"{type(err).__name__}: {err}"}
    sys.stdout.write(json.dumps(summary, default=str) + "\n")
    sys.stdout.flush()
    return EXIT_CODES.get(summary["status"], 1)


if __name__ == "__main__":
    sys.exit(main())
