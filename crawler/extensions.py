"""Record every crawl: take the source's lease (renewed by a heartbeat while the crawl runs),
open a run row, keep its counts current while it runs, and at the end turn the stats into the
run's status, reason, counts and health
signals.

Used by both entries (`scrapy crawl …` and `python -m crawler.run …`), so a crawl started
either way is locked and recorded alike. The summary is left in stats under
coopwatch/summary for crawler.run to print, and the run's log file (COOPWATCH_RUN_LOG, set by
crawler.run) named after its run. Settings: COOPWATCH_DATABASE_URL, COOPWATCH_DRY_RUN,
COOPWATCH_TRIGGER, COOPWATCH_FALLBACK_ALARM_SHARE, COOPWATCH_INSTANCE, COOPWATCH_LEASE_S.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from core import runlogs
from core.sources import registry
from storage import locks
from storage.db import session_factory, session_scope
from storage.models import CrawlRun
from storage.runs import close_stale_runs, finish_run, start_run
from storage.source_rows import ensure_source

logger = logging.getLogger(__name__)

# The discovery paths, in the order a run may take them (crawler.spiders.fallback).
PATHS = ("feed", "listing", "autodiscovered_feed", "sitemap", "url_pattern")
FALLBACK_PATHS = frozenset({"autodiscovered_feed", "sitemap", "url_pattern"})


def discovery(stats: dict[str, Any]) -> dict[str, int]:
    """Each discovery path the run used -> the entries it read there."""
    return {p: stats[f"coopwatch/path/{p}"] for p in PATHS if f"coopwatch/path/{p}" in stats}


def discovery_note(unrecognised: int, paths: dict[str, int]) -> str:
    """What the run did about listing pages whose layout it did not recognise."""
    found = [p for p in paths if p in FALLBACK_PATHS and paths[p]]
    through = (f"found items through {' and '.join(found)}" if found
               else "no feed, sitemap or article link found any item")
    return f"listing layout not recognised on {unrecognised} page(s): {through}"


# How often a running crawl writes its counts to its run row (a few cheap updates a run).
PROGRESS_EVERY_S = 2.0

# Why a run was stopped from outside before its end (Scrapy's finish reason -> run reason). Such
# a run is neither a success nor a failure of its source: it ends "abandoned".
STOPPED = {
    "interrupted": "stopped on request (Ctrl-C) before the end",
    "parent_gone": "the coopwatch process that started it died: stopped before the end",
    "shutdown": "stopped by a signal (SIGINT or SIGTERM) before the end",
    "lease_lost": "its lease on the source ran out and another crawl took it over: stopped "
                  "before the end",
}


def progress(stats: dict[str, Any]) -> dict[str, int]:
    """The counts a run has so far, recorded while it runs (PROGRESS_EVERY_S) and at its end."""
    get = stats.get
    return {
        # Requests sent over the network: a fresh cache hit (robots.txt) never left the process.
        "requests": get("downloader/request_count", 0) - get("httpcache/hit", 0),
        "not_modified": get("httpcache/revalidate", 0),
        "listing_pages": get("coopwatch/listing_pages", 0),
        "parsed": get("coopwatch/articles_parsed", 0),
    }


def layout_share(stats: dict[str, Any]) -> tuple[float, int]:
    """The share of article pages the layout alarm counts, and how many pages it judged.

    A site with its own page objects: articles whose title, date or text only a fallback read.
    A configured source, whose only layer is the generic one (generic_only): article pages
    where even it found no title, text or date, or no article at all."""
    parsed = stats.get("coopwatch/articles_parsed", 0)
    if stats.get("coopwatch/health/generic_only"):
        not_articles = stats.get("coopwatch/errors/not_an_article", 0)
        bad = stats.get("coopwatch/health/incomplete_articles", 0) + not_articles
        pages = parsed + not_articles
    else:
        bad, pages = stats.get("coopwatch/health/fallback_articles", 0), parsed
    return (bad / pages if pages else 0.0), pages


def summarise(stats: dict[str, Any], finish_reason: str | None, fallback_share: float) -> dict:
    """Status, reason, counts and health of a run, read from its Scrapy stats."""
    get = stats.get
    errors = {k.removeprefix("coopwatch/errors/"): v for k, v in stats.items()
              if k.startswith("coopwatch/errors/")}
    if offsite := get("offsite/filtered"):  # dropped before any errback: an off-site redirect
        errors["offsite_redirect"] = offsite
    listing_pages = get("coopwatch/listing_pages", 0)
    share, judged = layout_share(stats)
    generic_only = bool(get("coopwatch/health/generic_only"))
    blocked = get("coopwatch/http/blocked", 0)
    empty = get("coopwatch/health/empty_listing", 0)
    listings_failed = get("coopwatch/errors_on/listing", 0) + get("coopwatch/errors_on/feed", 0)
    health = {"empty_listing": bool(empty), "fallback_share": round(share, 3),
              "fallback_alarm": judged > 0 and share > fallback_share, "blocked": bool(blocked),
              "missing_date": get("coopwatch/health/missing_date", 0),
              "listing_not_modified": get("coopwatch/listing_not_modified", 0),
              "discovery": discovery(stats)}
    if generic_only:
        health |= {"generic_only": True, "article_pages": judged}
    if unrecognised := get("coopwatch/health/listing_unrecognised", 0):
        health["listing_unrecognised"] = unrecognised
    listed = listing_pages or get("coopwatch/listing_not_modified", 0)
    if get("coopwatch/busy"):
        status, reason = "busy", get("coopwatch/busy")
    elif get("coopwatch/not_started"):
        status, reason = "failed", get("coopwatch/not_started")
    elif blocked and not listed:
        status, reason = "blocked", f"HTTP 403 on {blocked} request(s): the site blocks us"
    elif finish_reason in STOPPED:
        status, reason = "abandoned", STOPPED[finish_reason]
    elif finish_reason not in (None, "finished"):
        status, reason = "failed", f"crawl ended early: {finish_reason}"
    elif not listed:
        what = ", ".join(f"{k} ×{v}" for k, v in sorted(errors.items())) or "no answer"
        status, reason = "failed", f"no listing could be read ({what})"
    elif errors or empty or unrecognised or health["fallback_alarm"] or health["missing_date"]:
        status = "errors"
        parts = [f"{k} ×{v}" for k, v in sorted(errors.items())]
        if empty:
            parts.append(f"{empty} listing page(s) with no entries")
        if unrecognised:
            parts.append(discovery_note(unrecognised, health["discovery"]))
        if health["fallback_alarm"]:
            parts.append(f"no title, text or date found on {share:.0%} of article pages"
                         if generic_only else
                         f"title/date from a fallback on {share:.0%} of articles")
        if health["missing_date"]:
            parts.append(f"{health['missing_date']} article(s) without a date")
        reason = "; ".join(parts)
        if listings_failed:
            reason += " (a listing failed)"
    else:
        status, reason = "ok", None
    if feed := get("coopwatch/feed_problem"):
        health["feed"] = feed
        # Only the HTML listing is left to count as listed when the feed failed.
        note = f"feed {feed}: " + ("used the HTML listing" if listed else
                                  "the HTML listing could not be read either")
        reason = f"{reason}; {note}" if reason else note
    return {
        "status": status, "reason": reason, **progress(stats),
        "new": get("coopwatch/outcome/new", 0), "updated": get("coopwatch/outcome/updated", 0),
        "unchanged": get("coopwatch/outcome/unchanged", 0),
        "duplicates": get("coopwatch/outcome/duplicate", 0),
        "matched": get("coopwatch/matched", 0), "errors": sum(errors.values()),
        "new_item_ids": get("coopwatch/new_item_ids", []), "health": health,
        "error_kinds": errors,
        # a configured source's start URLs: what each was read as (None: none of the kinds,
        # start_problems says why)
        **{k: v for k in ("start_kinds", "start_problems") if (v := get(f"coopwatch/{k}"))},
    }


class RunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.url = settings.get("COOPWATCH_DATABASE_URL")
        self.dry_run = settings.getbool("COOPWATCH_DRY_RUN")
        self.trigger = settings.get("COOPWATCH_TRIGGER", "cli")
        self.fallback_share = settings.getfloat("COOPWATCH_FALLBACK_ALARM_SHARE", 0.5)
        self.instance = settings.get("COOPWATCH_INSTANCE", "")
        self.lease = timedelta(seconds=settings.getfloat("COOPWATCH_LEASE_S", 60))
        self.run_id: int | None = None
        self.heartbeat: locks.Heartbeat | None = None
        self.next_progress = 0.0  # time.monotonic() after which the next response records it

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def response_received(self) -> None:
        """Record the run's counts so far, at most every PROGRESS_EVERY_S: a run killed before
        its end (timeout, kill -9) then shows how many requests it had made, and a running
        one shows its progress on the run page and in /api/runs."""
        if self.run_id is None or time.monotonic() < self.next_progress:
            return
        self.next_progress = time.monotonic() + PROGRESS_EVERY_S
        stats = self.crawler.stats
        assert stats is not None
        try:
            with session_scope(self.url) as session:
                session.execute(update(CrawlRun).where(
                    CrawlRun.id == self.run_id, CrawlRun.finished_at.is_(None)).values(
                    **progress(stats.get_stats())))
        except SQLAlchemyError as err:  # the end of the run records the counts anyway
            logger.warning("Could not record the progress of run %(run_id)s: %(err)s",
                           {"run_id": self.run_id, "err": err})

    def spider_opened(self, spider: Spider) -> None:
        stats = self.crawler.stats
        assert stats is not None
        if self.dry_run:
            return  # a dry run writes nothing, not even a run row
        # A signal handler cannot stop the crawl: on busy or not_started the spider starts
        # nothing. A crawl that cannot be locked and recorded does not crawl.
        try:
            self.open_run(spider.name)
        except locks.SourceBusy as err:
            stats.set_value("coopwatch/busy", str(err))
            logger.error("%(err)s", {"err": err})
            return
        except SQLAlchemyError as err:
            why = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
            reason = f"cannot write the crawl lock or run row, so no crawl: {why}"
            stats.set_value("coopwatch/not_started", reason)
            logger.error("%(reason)s", {"reason": reason})
            self.release(spider.name)
            return
        stats.set_value("coopwatch/run_id", self.run_id)
        pending = self.crawler.settings.get("COOPWATCH_RUN_LOG")  # set by crawler.run
        if pending and self.run_id is not None:
            runlogs.name_after_run(Path(pending), self.run_id)
        logger.info("Run %(run_id)s of %(source)s started", {"run_id": self.run_id,
                                                            "source": spider.name})

    def open_run(self, source: str) -> None:
        # A plain session: acquiring the lease commits on its own, before the run row.
        with session_factory(self.url)() as session:
            # a configured source's first crawl makes its row; committed, as the lease
            # (which refers to it) is taken in a transaction of its own
            ensure_source(session, registry()[source])
            session.commit()
            locks.acquire(session, source, instance=self.instance, lease=self.lease)
            self.heartbeat = locks.Heartbeat(self.url, source, self.instance, self.lease,
                                             on_lost=self.lease_lost)
            self.heartbeat.start()
            if stale := close_stale_runs(session, source, "its crawl process died without "
                                                          "recording an end (killed?)"):
                logger.warning("Closed run(s) %(ids)s of %(source)s as abandoned",
                               {"ids": stale, "source": source})
            run = start_run(session, source, self.trigger, os.getpid(), self.instance)
            locks.set_run(session, source, self.instance, run.id)
            session.commit()
            self.run_id = run.id

    def release(self, source: str) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()
            self.heartbeat = None
            with session_factory(self.url)() as session:
                locks.release(session, source)

    def lease_lost(self) -> None:
        """From the heartbeat's thread: another process crawls the source now, so stop."""
        from twisted.internet import reactor

        from crawler.run import close_spider

        reactor.callFromThread(close_spider, self.crawler, "lease_lost")  # type: ignore[attr-defined]

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        summary = summarise(stats.get_stats(), reason, self.fallback_share)
        summary |= {"run_id": self.run_id, "source": spider.name, "dry_run": self.dry_run}
        if self.dry_run:
            summary["would_store"] = stats.get_value("coopwatch/dry_run_items", [])
        elif self.run_id is not None:
            keep = {k: v for k, v in stats.get_stats().items()
                    if isinstance(v, int | float | str) and not isinstance(v, bool)}
            with session_scope(self.url) as session:
                run = session.get_one(CrawlRun, self.run_id)
                finish_run(session, run, summary | {"stats": keep})
        self.release(spider.name)
        stats.set_value("coopwatch/summary", summary)
        logger.info("Run %(run_id)s of %(source)s: %(status)s %(reason)s",
                    {"run_id": self.run_id, "source": spider.name, "status": summary["status"],
                     "reason": summary["reason"] or ""})
