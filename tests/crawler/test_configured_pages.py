"""What a configured source's start URL is, read from the response (Content-Type and bytes) and
never from the URL's name: crawler.pages.configured.read_start on saved pages."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from core.sources import Source
from crawler.pages.base import Document
from crawler.pages.configured import UnknownPage, read_listing, read_start

PAGES = Path(__file__).resolve().parents[1] / "pages"
MAX = 10_000_000
OSCE_ARTICLE = re.compile(r"^https?://[^/]+/[a-z][a-z0-9-]*/\d+$")
SITEMAP_INDEX = (b'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.'
                 b'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://example.org/s1.xml'
                 b'</loc><lastmod>2026-01-02</lastmod></sitemap></sitemapindex>')
URLSET = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
          b'https://example.org/news/1</loc></url></urlset>')


def source(pattern: re.Pattern[str] | None = None) -> Source:
    return Source("third", "A third party", "https://example.org", "other", "UTC",
                  re.compile(""), spider="crawler.spiders.configured:ConfiguredSpider",
                  pages="crawler.pages.configured", start_urls=("https://example.org/",),
                  article_url_pattern=pattern, builtin=False)


def saved(case: str) -> tuple[str, bytes]:
    """A saved page's URL and bytes (tests/pages/<site>/<case>/)."""
    folder = PAGES / case
    return json.loads((folder / "meta.json").read_text())["url"], \
        (folder / "input.html").read_bytes()


def kind(url: str, content_type: str, body: bytes,
         pattern: re.Pattern[str] | None = None) -> str:
    text = body.decode("utf-8", "replace")
    return read_start(url, content_type, body, text, source(pattern), MAX).kind


def test_a_feed_is_a_feed_whatever_it_is_called_or_served_as() -> None:
    _, rss = saved("interpol/feed_rss")
    assert kind("https://example.org/sitemap.xml", "text/html", rss) == "feed"
    assert kind("https://example.org/news", "", rss) == "feed"


def test_a_sitemap_index_plain_or_gzipped_is_a_sitemap() -> None:
    page = read_start("https://example.org/rss", "text/plain", SITEMAP_INDEX, "", source(), MAX)
    assert page.kind == "sitemap" and page.sitemap is not None and page.sitemap.is_index
    assert kind("https://example.org/feed", "application/octet-stream",
                gzip.compress(URLSET)) == "sitemap"


def test_a_listing_and_an_article_are_told_apart_by_their_content() -> None:
    url, listing = saved("osce/listing_page0")
    assert kind("https://example.org/article.html", "text/html", listing, OSCE_ARTICLE) \
        == "listing"
    url, article = saved("osce/article_2025_press_release_seed000")
    assert kind(url, "text/html; charset=utf-8", article, OSCE_ARTICLE) == "article"
    assert kind(url, "text/html", article) == "article"


def test_a_patterns_links_take_the_dates_printed_under_their_headings() -> None:
    url, body = saved("osce/listing_page0")
    listing = read_listing(Document.parse(url, body.decode()), source(OSCE_ARTICLE))
    assert len(listing.entries) == 10 and listing.next_url
    assert all(e.published is not None and e.provenance["published"] == "heuristic"
               for e in listing.entries)


@pytest.mark.parametrize(("content_type", "body", "why"), [
    ("text/plain", b"User-agent: *\nDisallow: /admin/\n", "text/plain is neither a feed"),
    ("application/xml", b"<?xml version='1.0'?><note><to>x</to></note>",
     "XML that is neither a feed nor a sitemap"),
    ("text/html", b"<html><body><p>Hello</p></body></html>",
     "neither an article nor links to articles"),
])
def test_a_page_that_is_none_of_the_four_says_why(content_type: str, body: bytes,
                                                   why: str) -> None:
    with pytest.raises(UnknownPage, match=why):
        kind("https://example.org/x", content_type, body)
