"""`python -m coopwatch.check URL [--pattern RE]`: what a configured source with this start URL
would store, written nowhere. One JSON object on stdout; exit 0 when the URL was read as a feed,
a sitemap, a listing or an article, 1 otherwise (its "error" says why, in one line).

It is the configured source's own crawl (crawler.spiders.configured, through crawler.run.crawl:
robots.txt, the User-Agent, timeouts, the same detection and extraction) run as a dry run that
reads no archive either (COOPWATCH_PREVIEW) and keeps no HTTP cache, stopped after the first
CHECK_ARTICLES articles. `coopwatch sources check` runs it in a child process, as every crawl
runs: Scrapy's reactor cannot be restarted in the caller.

Output: {"url", "kind": "feed"|"sitemap"|"listing"|"article"|null, "articles": [{"url",
"title", "published_at", "place", "level", "provenance": {field: layer}}], "warnings": [...],
"error": null or one line}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any
from urllib.parse import urlsplit

from core.sources import Source

CHECK_ARTICLES = 5
CHECK_SOURCE = "check"  # the name the previewed source's articles carry
PROVENANCE_FIELDS = ("title", "published_at", "place", "body")


class BadCheck(ValueError):
    """A URL or pattern the check cannot use; its message is the one line to print."""


def check_source(url: str, pattern: str | None = None) -> Source:
    """The configured source a check crawls: `url` as its only start URL, its host as its
    only domain, `pattern` as its article_url_pattern."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadCheck(f"{url!r} is not an http(s) URL")
    try:
        compiled = re.compile(pattern) if pattern is not None else None
    except re.error as err:
        raise BadCheck(f"--pattern {pattern!r} does not compile: {err}") from None
    return Source(CHECK_SOURCE, url, f"{parts.scheme}://{parts.netloc}", "other", "UTC",
                  re.compile(""), spider="crawler.spiders.configured:ConfiguredSpider",
                  pages="crawler.pages.configured", start_urls=(url,),
                  allowed_domains=(parts.hostname,), article_url_pattern=compiled,
                  alerts=False, builtin=False)


def _problem(url: str, summary: dict[str, Any]) -> str | None:
    """Why nothing could be read from the URL, in one line; None when it was read."""
    kinds = summary.get("start_kinds") or {}
    errors = summary.get("error_kinds") or {}
    if kinds.get(url):
        return None
    if errors.get("robots_forbidden"):
        return f"refused: the site's robots.txt forbids fetching {url}"
    http = sorted(k.removeprefix("http_") for k in errors if k.startswith("http_"))
    if http:
        return f"{url} answered HTTP {', '.join(http)}"
    if url in kinds:  # read, but none of the kinds
        return (summary.get("start_problems") or {}).get(url) or \
            f"{url} is neither a feed, a sitemap, a listing nor an article"
    what = ", ".join(sorted(errors)) or summary.get("reason") or "no answer"
    return f"cannot fetch {url}: {what}"


def _warnings(summary: dict[str, Any]) -> list[str]:
    found = []
    health = summary.get("health") or {}
    if dates := health.get("missing_date"):
        found.append(f"{dates} article(s) without a date")
    if health.get("fallback_alarm"):
        found.append(summary.get("reason") or "most article pages gave no title, text or date")
    errors = {k: v for k, v in (summary.get("error_kinds") or {}).items()
              if k != "robots_forbidden"}
    if errors:
        found.append("errors: " + ", ".join(f"{k} ×{v}" for k, v in sorted(errors.items())))
    if summary.get("start_kinds") and not summary.get("would_store"):
        found.append("no article found to store")
    return found


def report(url: str, summary: dict[str, Any]) -> dict[str, Any]:
    """The check's JSON object from the crawl's run summary."""
    articles = [{"url": a["url"], "title": a["title"], "published_at": a["published"],
                 "place": a["place"], "level": a["level"],
                 "provenance": {f: a["provenance"][f] for f in PROVENANCE_FIELDS
                                if f in a["provenance"]}}
                for a in summary.get("would_store", [])[:CHECK_ARTICLES]]
    error = _problem(url, summary)
    return {"url": url, "kind": (summary.get("start_kinds") or {}).get(url),
            "articles": articles, "warnings": [] if error else _warnings(summary),
            "error": error}


def run_check(url: str, pattern: str | None, log_level: str) -> dict[str, Any]:
    from crawler.run import crawl
    from crawler.spiders.configured import ConfiguredSpider

    source = check_source(url, pattern)
    args = argparse.Namespace(source=source.name, dry_run=True, trigger="cli",
                              log_level=log_level, base_url=None, since=None, max_pages=1,
                              exit_with_parent=False, quiet=False)
    summary = crawl(args, ConfiguredSpider.bind(source), {
        "COOPWATCH_PREVIEW": True,
        # Items are counted when they leave the pipelines; a few more may be in flight.
        "CLOSESPIDER_ITEMCOUNT": CHECK_ARTICLES,
        # First in, first out: the first articles the start URL lists are the ones read.
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    })
    return report(url, summary)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m coopwatch.check", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url")
    p.add_argument("--pattern", help="article_url_pattern: which links are articles (regex)")
    p.add_argument("--log-level", default=os.environ.get("COOPWATCH_LOG_LEVEL", "WARNING"))
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        result = run_check(args.url, args.pattern, args.log_level.upper())
    except Exception as err:  # one line to the caller, never a traceback
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        result = {"url": args.url, "kind": None, "articles": [], "warnings": [],
                  "error": message}
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    return 1 if result["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
