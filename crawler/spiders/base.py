"""What both spiders share: listing pages → unknown article pages → Articles.

Pagination follows the page's own next link, never a guessed URL. A listing stops at the first
page holding only known (or too old) items, or at --max-pages. A listing page answered 304 is
read from the cached copy: it ends the walk only when every item it links to is in the archive
(a crawl cut short may have stored only some of them). After a run that may have left listed
items unstored (killed, abandoned, failed, a listing failed), the next run walks on past known
pages down to --since or --max-pages. Page parsing is delegated to the
pure page objects (crawler.pages); every failure is counted in stats under
coopwatch/errors/<kind>, so RunRecorder can say why a run was not clean. A listing page whose
layout is not recognised hands discovery to crawler.spiders.fallback (feed, sitemap, links).
Arguments (-a): base_url, since (YYYY-MM-DD), max_pages.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy import func, select
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from core.article import Article
from core.sources import Source
from crawler.options import apply_config
from crawler.pages.base import Listing, ListingEntry, NotAnArticle
from crawler.pages.dispatch import parse_article, parse_listing_with_page
from crawler.pages.generic import GenericListingPage
from crawler.spiders.fallback import PATH_STAT, FallbackDiscovery
from storage.canonical import BadURL, canonical_url
from storage.db import session_scope
from storage.models import CrawlRun
from storage.runs import known_urls, last_walk_cut_short

logger = logging.getLogger(__name__)


def error_kind(failure: Failure) -> str:
    """A short, stable name for a failed request: http_500, timeout, too_large, offsite …"""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "dns"
    if failure.check(DownloadCancelledError) and "max size" in str(failure.value):
        return "too_large"
    if failure.check(IgnoreRequest):
        # Scrapy's RobotsTxtMiddleware says "Forbidden by robots.txt"; else an off-site
        # redirect was dropped.
        return "robots_forbidden" if "robots.txt" in str(failure.value) else "ignored"
    return type(failure.value).__name__


class CoopSpider(FallbackDiscovery, Spider):
    source: ClassVar[Source]

    def __init__(self, base_url: str | None = None, since: str | None = None,
                 max_pages: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = (base_url or self.source.home).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be http(s)://host[:port], got {base_url!r}")
        # Off-site links and redirects are dropped by Scrapy's OffsiteMiddleware.
        self.allowed_domains = [parts.hostname]
        self._since_arg, self._max_pages_arg = since, max_pages
        self.since: date | None = None  # set from the argument or settings in from_crawler
        self.max_pages = 1
        self.known: set[str] = set()
        self.queued: set[str] = set()
        self.last_completed: datetime | None = None
        self.resume = False  # the last run was cut short: walk past known pages

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        apply_config(settings)  # before from_crawler reads them

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        since = spider._since_arg or settings.get("COOPWATCH_SINCE")
        try:
            spider.since = date.fromisoformat(since) if since else None
        except ValueError:
            where = "since" if spider._since_arg else "COOPWATCH_SINCE (config)"
            raise ValueError(f"{where}: {since!r} is not a date; use YYYY-MM-DD") from None
        spider.max_pages = int(spider._max_pages_arg or settings.getint("COOPWATCH_MAX_PAGES"))
        if settings.getbool("COOPWATCH_PREVIEW"):
            spider.init_fallback()  # `coopwatch sources check`: no archive, nothing is known
            return spider
        with session_scope(settings.get("COOPWATCH_DATABASE_URL")) as session:
            spider.known = known_urls(session, cls.source.name)
            spider.last_completed = session.scalar(  # ix_crawl_run__source_started_at
                select(func.max(CrawlRun.started_at)).where(
                    CrawlRun.source == cls.source.name, CrawlRun.status.in_(("ok", "errors"))))
            spider.resume = last_walk_cut_short(session, cls.source.name)
        if spider.resume:
            logger.info("The last run of %(source)s was cut short: walking every listing page "
                        "down to --since or --max-pages", {"source": cls.source.name})
        spider.init_fallback()
        return spider

    # -- discovery ---------------------------------------------------------------------
    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def listing_request(self, url: str, listing: str, page: int = 0) -> Request:
        return Request(url, callback=self.parse_listing_page, errback=self.on_error,
                       cb_kwargs={"listing": listing, "page": page},
                       meta={"coopwatch_kind": "listing"})

    async def start(self) -> AsyncIterator[Request]:
        stats = self.crawler.stats
        if stats and any(stats.get_value(k) for k in ("coopwatch/busy", "coopwatch/not_started")):
            return  # RunRecorder could not lock or record the crawl
        for request in self.discovery():
            yield request

    def discovery(self) -> Iterable[Request]:
        raise NotImplementedError

    # -- listings ----------------------------------------------------------------------
    def parse_listing_page(self, response: Response, listing: str,
                           page: int) -> Iterable[Request]:
        stats = self.crawler.stats
        assert stats is not None
        cached = "cached" in response.flags  # revalidated with a 304: the body is our copy
        stats.inc_value("coopwatch/listing_not_modified" if cached else "coopwatch/listing_pages")
        try:
            parsed, page_object = parse_listing_with_page(self.source.name, response.url,
                                                          response.text)
        except Exception as err:  # a broken page must not end the run
            stats.inc_value("coopwatch/errors/listing_parse")
            logger.error("Cannot parse listing %(url)s: %(err)s", {"url": response.url, "err": err})
            return
        if page_object == GenericListingPage.name or not parsed.entries:
            # The site's page object does not know this layout (or finds nothing in it): the
            # generic "linked headings" guess is not trusted with discovery. Counted once, as
            # listing_unrecognised (not also as an empty listing): one cause, one alarm.
            yield from self.listing_unrecognised(response, listing, page)
            return
        if cached and self.all_archived(parsed):
            logger.info("Listing %(listing)s page %(page)s not modified, every item archived: "
                        "stop", {"listing": listing, "page": page})
            return
        yield from self.follow_entries(parsed, listing, page, "listing")

    def all_archived(self, parsed: Listing) -> bool:
        """Nothing on this unchanged page is missing from the archive, and the last run was
        not cut short: the walk may end here."""
        return not self.resume and not any(
            (key := self.key(e.url)) is not None and self.is_fresh(e, key)
            for e in parsed.entries)

    def follow_entries(self, parsed: Listing, listing: str, page: int,
                       path: str) -> Iterable[Request]:
        """Request the fresh entries of one page found through discovery `path` (feed,
        listing, autodiscovered_feed, sitemap, url_pattern) and walk on to its next page."""
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(PATH_STAT.format(path), len(parsed.entries))
        if not parsed.entries:
            stats.inc_value("coopwatch/health/empty_listing")
            logger.warning("Listing %(listing)s page %(page)s has no entries",
                           {"listing": listing, "page": page})
            return
        stats.inc_value("coopwatch/listing_entries", len(parsed.entries))
        keyed = [(e, self.key(e.url)) for e in parsed.entries]
        if bad := sum(k is None for _, k in keyed):
            stats.inc_value("coopwatch/errors/bad_url", bad)
        fresh = [(e, k) for e, k in keyed if k is not None and self.is_fresh(e, k)]
        logger.info("Listing %(listing)s page %(page)s: %(entries)s entries, %(fresh)s fresh",
                    {"listing": listing, "page": page, "entries": len(parsed.entries),
                     "fresh": len(fresh)})
        for entry, key in fresh:
            if key not in self.queued:  # request each article once per run
                self.queued.add(key)
                yield Request(entry.url, callback=self.parse_article_page, errback=self.on_error,
                              cb_kwargs={"entry": entry},
                              meta={"coopwatch_kind": "article", "coopwatch_path": path})
        # Resuming, known items do not end the walk: only --since (or --max-pages) does.
        walk_on = bool(fresh) or (self.resume and not all(self.too_old(e) for e in parsed.entries))
        if not walk_on:
            logger.info("Listing %(listing)s page %(page)s holds only known items: stop",
                        {"listing": listing, "page": page})
        elif parsed.next_url and page + 1 < self.max_pages:
            yield self.listing_request(parsed.next_url, listing, page + 1)

    def key(self, url: str) -> str | None:
        """The entry's canonical URL (the archive's key), or None for a URL that is not one."""
        try:
            return canonical_url(url, self.source.name)
        except BadURL:
            return None

    def is_fresh(self, entry: ListingEntry, key: str) -> bool:
        """Not stored before this run and not older than --since. Entries queued earlier in
        this run (the INTERPOL feed, the other OSCE listing) still count as fresh here, so a
        second listing walks on past them."""
        return key not in self.known and not self.too_old(entry)

    def too_old(self, entry: ListingEntry) -> bool:
        return bool(self.since and entry.published and entry.published < self.since)

    def is_new(self, url: str) -> bool:
        key = self.key(url)
        return key is not None and key not in self.known

    # -- articles ----------------------------------------------------------------------
    def parse_article_page(self, response: Response, entry: ListingEntry) -> Iterable[Article]:
        stats = self.crawler.stats
        assert stats is not None
        try:
            article = parse_article(self.source, response.url, response.text)
        except NotAnArticle as err:
            self.not_an_article(response, err)
            return
        except Exception as err:
            stats.inc_value("coopwatch/errors/article_parse")
            logger.error("Cannot parse article %(url)s: %(err)s", {"url": response.url, "err": err})
            return
        self.fill_from_listing(article, entry)
        stats.inc_value("coopwatch/articles_parsed")
        self.count_health(article)
        if article.published_at is None:
            stats.inc_value("coopwatch/health/missing_date")
            logger.warning("No date found on %(url)s", {"url": response.url})
        yield article

    def not_an_article(self, response: Response, err: NotAnArticle) -> None:
        """A page taken for an article that is none: the site's layout has changed."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("coopwatch/errors/not_an_article")
        logger.warning("Not an article: %(url)s (%(err)s)", {"url": response.url, "err": err})

    def count_health(self, article: Article) -> None:
        """The article's share of the run's layout alarm: fields only a fallback found."""
        stats = self.crawler.stats
        assert stats is not None
        for name in article.fallback_fields():
            stats.inc_value(f"coopwatch/field_fallback/{name}")
        # the fields a reader and the relevance rules rely on (body: issue 14's per-field fallback)
        if {"title", "published_at", "body"} & set(article.fallback_fields()):
            stats.inc_value("coopwatch/health/fallback_articles")

    @staticmethod
    def fill_from_listing(article: Article, entry: ListingEntry) -> None:
        """The listing knew the date or the type when the page did not say: use it, and say so."""
        if article.published_at is None and entry.published is not None:
            day = entry.published
            article.published_at = datetime(day.year, day.month, day.day, tzinfo=UTC)
            article.provenance["published_at"] = "listing"
        if not article.content_type and entry.content_type:
            article.content_type = entry.content_type
            article.provenance["content_type"] = "listing"
        if not article.tags and entry.tags:
            article.tags = list(entry.tags)
            article.provenance["tags"] = "listing"

    # -- failures ----------------------------------------------------------------------
    def on_error(self, failure: Failure) -> Iterable[Request]:
        stats = self.crawler.stats
        assert stats is not None
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("coopwatch_kind", "page")
        name = error_kind(failure)
        if name == "http_403":
            # INTERPOL answers some non-browser clients with 403: "blocked", never "no news".
            stats.inc_value("coopwatch/http/blocked")
        if kind == "feed":
            # A feed is an optional shortcut: its absence is noted, and the listing takes over.
            stats.set_value("coopwatch/feed_problem", f"missing ({name})")
            logger.warning("Feed %(url)s failed: %(name)s", {"url": request.url, "name": name})
        else:
            stats.inc_value(f"coopwatch/errors/{name}")
            stats.inc_value(f"coopwatch/errors_on/{kind}")
            logger.error("%(name)s on %(kind)s %(url)s: %(err)s",
                         {"name": name, "kind": kind, "url": request.url, "err": failure.value})
        return self.on_listing_failure(request, name) or ()

    def on_listing_failure(self, request: Request, why: str) -> Iterable[Request] | None:
        """A site-specific fallback when a discovery request fails (INTERPOL: RSS → HTML)."""
        return None
