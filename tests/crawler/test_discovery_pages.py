"""The pure parts of discovery after a redesign (crawler.pages.discovery): announced feeds,
RSS and Atom, sitemaps and indexes, links to a source's article paths — and bad input."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

import pytest

from core.sources import SOURCES
from crawler.pages.base import BrokenFeed, Document
from crawler.pages.discovery import (
    BrokenSitemap,
    feed_links,
    in_page_furniture,
    pattern_listing,
    read_feed,
    read_sitemap,
)

MAX = 2 * 1024 * 1024
URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://www.osce.org/secretariat/599001</loc><lastmod>2026-11-03</lastmod></url>
<url><loc>https://www.osce.org/bishkek/599002</loc></url>
</urlset>"""


@pytest.mark.parametrize(("path", "source", "article"), [
    ("/secretariat/441263", "osce", True), ("/node/580537", "osce", True),
    ("/press-releases", "osce", False), ("/files/f/documents/a/4/86597.pdf", "osce", False),
    ("/en/News-and-Events/News/2019/INTERPOL-and-OSCE-discuss", "interpol", True),
    ("/News-and-Events/News/2019/INTERPOL-and-OSCE-discuss", "interpol", True),
    ("/en/News-and-media/News/2013/PR057/", "interpol", True),
    ("/en/News-and-Events/News/rss", "interpol", False),
    ("/en/News-and-Events/News/feed.atom", "interpol", False),
])
def test_article_paths(path: str, source: str, article: bool) -> None:
    assert SOURCES[source].is_article_path(path) is article


def test_feed_links_are_the_announced_rss_and_atom_feeds() -> None:
    doc = Document.parse("https://www.osce.org/newsroom", """<html><head>
<link rel="stylesheet" href="/a.css"><link rel="alternate" hreflang="fr" href="/fr/newsroom">
<link rel="alternate" type="application/rss+xml" href="/newsroom/rss.xml">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="feed.atom">
<link rel="alternate" type="application/rss+xml" href="/newsroom/rss.xml">
</head><body><p>News</p></body></html>""")
    assert feed_links(doc) == ["https://www.osce.org/newsroom/rss.xml",
                               "https://www.osce.org/feed.atom"]


def test_read_feed_reads_rss_and_atom_publication_dates_only() -> None:
    rss = read_feed("https://x.org/rss", b"""<?xml version="1.0"?><rss version="2.0"><channel>
<title>News</title><item><title>One &amp; two</title><link>https://x.org/a/1</link>
<pubDate>Tue, 03 Nov 2026 09:00:00 +0100</pubDate><description>&lt;p&gt;Lead.&lt;/p&gt;
</description></item><item><title></title><link>https://x.org/a/2</link></item>
</channel></rss>""")
    assert [(e.url, e.title, e.published, e.teaser) for e in rss.entries] == [
        ("https://x.org/a/1", "One & two", date(2026, 11, 3), "Lead.")]
    atom = read_feed("https://x.org/feed.atom", b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><id>x</id><updated>2026-11-20T00:00:00Z</updated>
<entry><title>Published</title><link href="https://x.org/a/3"/><id>3</id>
<published>2026-11-04T10:00:00+01:00</published><updated>2026-11-20T00:00:00Z</updated></entry>
<entry><title>Only updated</title><link href="https://x.org/a/4"/><id>4</id>
<updated>2026-11-20T00:00:00Z</updated></entry></feed>""")
    assert [(e.url, e.published) for e in atom.entries] == [
        ("https://x.org/a/3", date(2026, 11, 4)), ("https://x.org/a/4", None)]


@pytest.mark.parametrize("body", [b"<html><body><p>Page not found</p></body></html>", b"",
                                  b"\x89PNG\r\n"])
def test_read_feed_refuses_what_is_no_feed(body: bytes) -> None:
    with pytest.raises(BrokenFeed, match=r"^https://x.org/feed: not a feed \("):
        read_feed("https://x.org/feed", body)


def test_read_sitemap_urlset_index_and_gzip() -> None:
    page = read_sitemap("https://www.osce.org/s.xml", URLSET, MAX)
    assert not page.is_index
    assert [(e.url, e.lastmod) for e in page.entries] == [
        ("https://www.osce.org/secretariat/599001", datetime(2026, 11, 3, tzinfo=UTC)),
        ("https://www.osce.org/bishkek/599002", None)]
    assert read_sitemap("https://www.osce.org/s.xml.gz", gzip.compress(URLSET), MAX) == page
    index = read_sitemap("https://www.osce.org/sitemap.xml", b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>
<loc>https://www.osce.org/sitemap.xml?page=1</loc><lastmod>2026-11-20T10:00:00+00:00</lastmod>
</sitemap></sitemapindex>""", MAX)
    assert index.is_index and [e.url for e in index.entries] == [
        "https://www.osce.org/sitemap.xml?page=1"]


@pytest.mark.parametrize(("body", "why"), [
    (b"", "not XML"), (b"Sitemap coming soon", "not XML"),
    (b"<html><body><p>Not found</p></body></html>", "not a sitemap (root <html>)"),
    (b"\x1f\x8b\x08\x00broken", "bad gzip data"),
])
def test_read_sitemap_refuses_bad_input_in_one_line(body: bytes, why: str) -> None:
    with pytest.raises(BrokenSitemap) as err:
        read_sitemap("https://www.osce.org/sitemap.xml", body, MAX)
    message = str(err.value)
    assert message.startswith("https://www.osce.org/sitemap.xml: ") and why in message
    assert "\n" not in message


def test_pattern_listing_keeps_the_sources_article_links_only() -> None:
    doc = Document.parse("https://www.osce.org/press-releases", """<html><body>
<header><a href="/secretariat/1">In the menu</a></header>
<ul><li><a href="/secretariat/599001#top" aria-label="OSCE and INTERPOL meet"><img alt=""></a>
<div>OSCE and INTERPOL meet</div></li>
<li><a href="/bishkek/599002"><img alt="Course in Bishkek"></a></li>
<li><a href="https://elsewhere.org/secretariat/3">Off-site</a></li>
<li><a href="/secretariat/599001">Same item again</a></li>
<li><a href="/contacts">Contacts</a></li><li><a href="/odihr/599003">Plain link</a></li></ul>
<a href="/press-releases?page=1">Older news</a></body></html>""")
    listing = pattern_listing(doc, SOURCES["osce"])
    assert [(e.url, e.title) for e in listing.entries] == [
        ("https://www.osce.org/secretariat/599001", "OSCE and INTERPOL meet"),
        ("https://www.osce.org/bishkek/599002", "Course in Bishkek"),
        ("https://www.osce.org/odihr/599003", "Plain link")]
    assert listing.next_url == "https://www.osce.org/press-releases?page=1"


def test_an_items_own_header_is_not_page_furniture() -> None:
    """HTML gives a <header>/<footer> to its nearest article or section: a WordPress archive's
    linked post titles sit in <article><header>, the site's menu in the page's <header>."""
    doc = Document.parse("https://wire.example/news/", """<html><body>
<header><nav><a id="menu" href="/about/">About</a></nav><a id="logo" href="/">Wire</a></header>
<article><header class="entry-header"><h2><a id="post" href="/2025/01/02/a/">A</a></h2>
</header><footer><a id="tag" href="/tag/x/">x</a></footer></article>
<section><header><a id="section" href="/2025/01/03/b/">B</a></header></section>
<aside><article><header><a id="widget" href="/2025/01/04/c/">C</a></header></article></aside>
<footer><a id="legal" href="/legal/">Legal</a></footer></body></html>""")
    furniture = {a.get("id"): in_page_furniture(a) for a in doc.root.iter("a")}
    assert furniture == {"menu": True, "logo": True, "post": False, "tag": False,
                         "section": False, "widget": True, "legal": True}
