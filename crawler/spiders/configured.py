"""The spider of a `[sources.NAME]` table (issue 17): a site whose only layer is the generic
one. Each start URL is read as what its response is (pages.configured.read_start): a feed, a
sitemap (FallbackDiscovery's reading, `lastmod` kept), a listing (article_url_pattern, else the
generic reading; its own next link) or an article. The rest is CoopSpider's (README, "Add a
source"). Entries off allowed_domains are dropped here, not left to OffsiteMiddleware, which
counts them as errors. The layout alarm counts article pages where even the generic layer found
no title, text or date, or no article (coopwatch/health/generic_only, incomplete_articles).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from core.article import Article
from core.sources import Source
from crawler.pages.base import Document, Listing, ListingEntry, NotAnArticle
from crawler.pages.configured import UnknownPage, read_listing, read_start
from crawler.spiders.base import CoopSpider

logger = logging.getLogger(__name__)

KINDS_STAT = "coopwatch/start_kinds"  # {start URL: feed | sitemap | listing | article | None}
PROBLEMS_STAT = "coopwatch/start_problems"  # {start URL: why it is none of the kinds}
GENERIC_ONLY_STAT = "coopwatch/health/generic_only"
INCOMPLETE_STAT = "coopwatch/health/incomplete_articles"
SKIPPED_STAT = "coopwatch/sitemap_pages_not_articles"


def rebase(url: str, base_url: str) -> str:
    """`url` with the scheme and host[:port] of `base_url` (a replica, a mirror)."""
    base, parts = urlsplit(base_url), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


class ConfiguredSpider(CoopSpider):
    name = "configured"  # each bound subclass is named after its source

    @classmethod
    def bind(cls, source: Source) -> type[ConfiguredSpider]:
        """The spider class of one configured source (the spider loader calls this)."""
        return type(f"ConfiguredSpider_{source.name}", (cls,),
                    {"name": source.name, "source": source, "__module__": cls.__module__})

    def __init__(self, base_url: str | None = None, since: str | None = None,
                 max_pages: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(base_url=base_url, since=since, max_pages=max_pages, **kwargs)
        source = self.source
        if base_url:
            self.start_urls = [rebase(u, self.base_url) for u in source.start_urls]
            self.allowed_domains = [urlsplit(self.base_url).hostname or ""]
        else:
            self.start_urls = list(source.start_urls)
            self.allowed_domains = list(source.allowed_domains) or sorted(
                {urlsplit(u).hostname or "" for u in source.start_urls})

    # -- where the crawl may go ------------------------------------------------------------
    def on_site(self, url: str) -> bool:
        # OffsiteMiddleware's rule: a domain and its subdomains, on any port.
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith(f".{d}") for d in self.allowed_domains)

    def same_site_article(self, url: str) -> bool:
        pattern = self.source.article_url_pattern
        return self.on_site(url) and (pattern is None or bool(pattern.search(url)))

    def own_entries(self, listing: Listing) -> Listing:
        kept = [e for e in listing.entries if self.on_site(e.url)]
        if dropped := len(listing.entries) - len(kept):
            logger.info("%(n)s entries on other hosts than %(hosts)s left out",
                        {"n": dropped, "hosts": ", ".join(self.allowed_domains)})
        next_url = listing.next_url if listing.next_url and self.on_site(listing.next_url) \
            else None
        return Listing(kept, next_url, listing.provenance)

    # -- discovery -------------------------------------------------------------------------
    def discovery(self) -> Iterable[Request]:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(GENERIC_ONLY_STAT, 1)
        for url in self.start_urls:
            if self.key(url) in self.known:  # only articles are archived: this one is known
                logger.info("Start URL %(url)s is an archived article: not fetched again",
                            {"url": url})
                # Read as far as the run's status goes: nothing there is news.
                self.crawler.stats.inc_value("coopwatch/listing_not_modified")
                continue
            yield Request(url, callback=self.parse_start, errback=self.on_error,
                          cb_kwargs={"start": url}, meta={"coopwatch_kind": "listing"})

    def parse_start(self, response: Response, start: str) -> Iterable[Request | Article]:
        stats = self.crawler.stats
        assert stats is not None
        cached = "cached" in response.flags  # revalidated with a 304: the body is our copy
        stats.inc_value("coopwatch/listing_not_modified" if cached else "coopwatch/listing_pages")
        kinds = stats.get_value(KINDS_STAT) or {}
        text = response.text if isinstance(response, TextResponse) else \
            response.body.decode("utf-8", "replace")
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        try:
            page = read_start(response.url, content_type, response.body, text, self.source,
                              self.settings.getint("DOWNLOAD_MAXSIZE"))
        except UnknownPage as err:
            stats.set_value(KINDS_STAT, kinds | {start: None})
            stats.set_value(PROBLEMS_STAT, (stats.get_value(PROBLEMS_STAT) or {}) |
                            {start: str(err)})
            stats.inc_value("coopwatch/errors/unknown_start_page")
            logger.error("Start URL not read: %(err)s", {"err": err})
            return
        stats.set_value(KINDS_STAT, kinds | {start: page.kind})
        logger.info("Start URL %(url)s is a %(kind)s", {"url": start, "kind": page.kind})
        if page.kind == "sitemap":
            assert page.sitemap is not None
            self.sitemaps_seen.add(response.url)
            yield from self.follow_sitemap(response.url, page.sitemap)
        elif page.kind == "article":
            if (key := self.key(response.url)) is not None:
                self.queued.add(key)
            yield from self.parse_article_page(response, ListingEntry(response.url, ""))
        else:
            assert page.listing is not None
            yield from self.follow_listing(page.listing, cached, start, 0, page.kind)

    def parse_listing_page(self, response: Response, listing: str,
                           page: int) -> Iterable[Request]:
        """The next pages of a listing start URL."""
        stats = self.crawler.stats
        assert stats is not None
        cached = "cached" in response.flags
        stats.inc_value("coopwatch/listing_not_modified" if cached else "coopwatch/listing_pages")
        try:
            parsed = read_listing(Document.parse(response.url, response.text), self.source)
        except NotAnArticle as err:  # an empty page
            stats.inc_value("coopwatch/errors/listing_parse")
            logger.error("Cannot read listing %(url)s: %(err)s", {"url": response.url, "err": err})
            return
        yield from self.follow_listing(parsed, cached, listing, page, "listing")

    def follow_listing(self, parsed: Listing, cached: bool, listing: str, page: int,
                       path: str) -> Iterable[Request]:
        parsed = self.own_entries(parsed)
        if cached and parsed.entries and self.all_archived(parsed):
            logger.info("%(path)s %(listing)s page %(page)s not modified, every item archived: "
                        "stop", {"path": path, "listing": listing, "page": page})
            return
        yield from self.follow_entries(parsed, listing, page, path)

    # -- health ----------------------------------------------------------------------------
    def not_an_article(self, response: Response, err: NotAnArticle) -> None:
        # A sitemap lists every page of a site (home, archives, About): with no
        # article_url_pattern to choose among them, those pages are expected, not an error.
        if response.meta.get("coopwatch_path") == "sitemap" and \
                self.source.article_url_pattern is None:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(SKIPPED_STAT)
            logger.info("Skipped %(url)s, listed by the sitemap: %(err)s",
                        {"url": response.url, "err": err})
            return
        super().not_an_article(response, err)

    def count_health(self, article: Article) -> None:
        # The generic layer is this source's only one: that it read a field is no alarm, that
        # it found no title, text or date is (RunRecorder turns the count into a share).
        if not (article.title and article.body and article.published_at):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(INCOMPLETE_STAT)
