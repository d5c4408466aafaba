"""The replica's third site, Border Security Wire (/wire/): WordPress archives paginated by their
own links, the post template, the RSS feed, the Yoast sitemap index with lastmod, robots.txt's
Sitemap line, conditional GET, faults, publishing, and GET /_replica/items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import lxml.etree
import pytest
from replica_http import get, walk

from replica.inventory import catalogue, expected_items
from replica.server import ReplicaError, ReplicaHandle, serve_replica

NEWS = "/wire/category/news/"
FEED = "/wire/feed/"
INDEX = "/wire/sitemap_index.xml"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
OSCE = re.compile(r"\bOSCE\b|Organization for Security and Co-?operation", re.I)
INTERPOL = re.compile(r"\bINTERPOL\b|International Criminal Police", re.I)


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


@pytest.fixture
def replica(server: ReplicaHandle) -> Iterator[ReplicaHandle]:
    server.reset()
    yield server
    server.reset()


def test_wire_items_mix_relevant_one_sided_and_unrelated_news() -> None:
    items = catalogue("wire")
    assert 25 <= len(items) <= 40
    assert {i.published.year for i in items if i.published} == {2023, 2024, 2025, 2026}
    for item in items:  # a third party's item is relevant only if it names both
        both = bool(OSCE.search(item.text())) and bool(INTERPOL.search(item.text()))
        assert both == (item.relevance != "none"), item.title
    one_sided = [i for i in items if bool(OSCE.search(i.text())) != bool(
        INTERPOL.search(i.text()))]
    unrelated = [i for i in items if not OSCE.search(i.text()) and not INTERPOL.search(i.text())]
    assert len(one_sided) >= 5 and len(unrelated) >= 5
    assert {i.relevance for i in items} == {"primary", "secondary", "mention", "none"}
    # the same events as the organisations' own items: a day apart at most
    own = [i.published for site in ("osce", "interpol") for i in catalogue(site) if i.published]
    same_days = [i for i in items if i.published and any(
        abs(i.published - day) <= timedelta(days=1) for day in own)]
    assert len(same_days) >= 8
    assert any(i.place for i in items) and any(not i.place for i in items)


def test_category_archive_paginates_by_its_next_links(replica: ReplicaHandle) -> None:
    pages = walk(replica, NEWS, "a.next.page-numbers")
    items = catalogue("wire")
    assert len(pages) == -(-len(items) // 10) == 3
    links = [a.get("href") for p in pages for a in p.tree.cssselect(
        "article.type-post h2.entry-title a[rel=bookmark]")]
    assert links == [i.path for i in items]
    dates = [t.get("datetime")[:10] for p in pages for t in p.tree.cssselect(
        "article.type-post time.entry-date.published")]
    assert dates == [i.published.isoformat() for i in items if i.published]
    assert all("category-news" in p.tree.find("body").get("class") for p in pages)
    assert pages[1].tree.cssselect("a.next.page-numbers")[0].get("href") == \
        "/wire/category/news/page/3/"
    first_again = get(replica.url(NEWS + "page/1/"))
    assert (first_again.status, first_again.headers["location"]) == (301, NEWS)
    assert get(replica.url(NEWS + "page/4/")).status == 404


def test_tag_archives_and_the_blog_index_are_listings_too(replica: ReplicaHandle) -> None:
    tagged = [i.path for i in catalogue("wire") if "INTERPOL" in i.tags]
    pages = walk(replica, "/wire/tag/interpol/", "a.next.page-numbers")
    assert [a.get("href") for p in pages for a in p.tree.cssselect("h2.entry-title a")] == tagged
    assert pages[0].tree.findtext(".//h1") == "Tag: INTERPOL"
    assert get(replica.url("/wire/tag/no-such-tag/")).status == 404
    home = get(replica.url("/wire/")).tree
    assert "blog" in home.find("body").get("class").split()
    assert len(home.cssselect("article.type-post")) == 10


def test_post_template_is_wordpress_with_yoast_metadata(replica: ReplicaHandle) -> None:
    item = next(i for i in catalogue("wire") if i.place and "INTERPOL" in i.tags)
    reply = get(replica.url(item.path))
    tree = reply.tree
    assert reply.status == 200 and "single-post" in tree.find("body").get("class").split()
    article = tree.cssselect(f"article#post-{item.post_id}")[0]
    assert {"post", "type-post", f"post-{item.post_id}", "tag-interpol"} <= set(
        article.get("class").split())
    assert article.cssselect("h1.entry-title")[0].text_content() == item.title
    published = article.cssselect("time.entry-date.published")[0]
    assert published.get("datetime").startswith(item.published.isoformat())
    assert published.text == f"{item.published.day} {item.published:%B %Y}"
    lead = article.cssselect(".entry-content p")[0].text_content()
    assert lead == f"{item.place} (BSW) — {item.lead}"
    assert tree.cssselect('link[rel="canonical"]')[0].get("href") == replica.url(item.path)
    assert tree.cssselect('meta[property="og:type"]')[0].get("content") == "article"
    graph = tree.cssselect("script.yoast-schema-graph")[0].text
    assert '"@graph"' in graph and '"@type": "Article"' in graph
    assert get(replica.url(item.path.rstrip("/") + "x/")).status == 404


def test_feed_is_rss_2_with_the_ten_newest_posts(replica: ReplicaHandle) -> None:
    reply = get(replica.url(FEED))
    assert reply.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(reply.body)
    assert not feed.bozo and feed.version == "rss20"
    newest = catalogue("wire")[:10]
    assert [e.link for e in feed.entries] == [replica.url(i.path) for i in newest]
    assert [date(*e.published_parsed[:3]) for e in feed.entries] == [i.published for i in newest]
    assert feed.entries[0].title == newest[0].title
    assert feed.feed.link == replica.url("/wire/")


def test_sitemap_index_points_at_post_and_page_sitemaps_with_lastmod(
        replica: ReplicaHandle) -> None:
    index = lxml.etree.fromstring(get(replica.url(INDEX)).body)
    maps = {loc: lastmod for loc, lastmod in zip(
        index.xpath("//s:sitemap/s:loc/text()", namespaces=SITEMAP_NS),
        index.xpath("//s:sitemap/s:lastmod/text()", namespaces=SITEMAP_NS), strict=True)}
    assert list(maps) == [replica.url("/wire/post-sitemap.xml"),
                          replica.url("/wire/page-sitemap.xml")]
    posts = lxml.etree.fromstring(get(replica.url("/wire/post-sitemap.xml")).body)
    urls = posts.xpath("//s:url", namespaces=SITEMAP_NS)
    assert [u.findtext("s:loc", namespaces=SITEMAP_NS) for u in urls] == \
        [replica.url(i.path) for i in catalogue("wire")]
    assert [u.findtext("s:lastmod", namespaces=SITEMAP_NS) for u in urls] == \
        [i.modified.isoformat() for i in catalogue("wire")]
    assert maps[replica.url("/wire/post-sitemap.xml")] == catalogue("wire")[0].modified.isoformat()
    pages = get(replica.url("/wire/page-sitemap.xml")).body.decode()
    assert replica.url("/wire/about/") in pages and "<lastmod>" in pages
    about = get(replica.url("/wire/about/")).tree
    assert "page" in about.find("body").get("class").split()  # a page, not a post


def test_robots_names_the_sitemap_index_while_it_is_served(replica: ReplicaHandle) -> None:
    line = f"Sitemap: {replica.url(INDEX)}"
    assert line in get(replica.url("/robots.txt")).body.decode().splitlines()
    replica.set_discovery("wire", sitemap=False)
    assert line not in get(replica.url("/robots.txt")).body.decode()
    assert get(replica.url(INDEX)).status == 404
    assert get(replica.url("/sitemap.xml")).status == 200  # the other sites keep theirs


def test_feed_link_switch_withdraws_the_feed_from_page_heads(replica: ReplicaHandle) -> None:
    css = 'link[rel="alternate"][type="application/rss+xml"]'
    assert get(replica.url(NEWS)).tree.cssselect(css)[0].get("href") == FEED
    replica.set_discovery("wire", feed_link=False)
    assert not get(replica.url(NEWS)).tree.cssselect(css)


def test_conditional_get_answers_304_on_every_kind_of_page(replica: ReplicaHandle) -> None:
    paths = (NEWS, NEWS + "page/2/", catalogue("wire")[3].path, FEED, INDEX,
             "/wire/post-sitemap.xml", "/wire/about/", "/wire/tag/osce/")
    for path in paths:
        first = get(replica.url(path))
        assert first.status == 200, path
        assert get(replica.url(path), {"If-None-Match": first.headers["etag"]}).status == 304
        assert get(replica.url(path),
                   {"If-Modified-Since": first.headers["last-modified"]}).status == 304
    stats = replica.stats()
    assert all(stats["statuses"][p] == {"200": 1, "304": 2} for p in paths)
    assert parsedate_to_datetime(get(replica.url(NEWS)).headers["last-modified"]) == \
        catalogue("wire")[0].modified


def test_faults_apply_to_the_wire_alone(replica: ReplicaHandle) -> None:
    replica.set_fault("wire", "500")
    assert get(replica.url(NEWS)).status == 500
    assert get(replica.url(catalogue("wire")[0].path)).status == 500
    assert get(replica.url("/press-releases")).status == 200
    replica.set_fault("wire", "429")
    assert get(replica.url(FEED)).headers["retry-after"]
    with pytest.raises(ReplicaError, match="unknown fault 'redesign' for wire"):
        replica.set_fault("wire", "redesign")


def test_publish_puts_a_wire_post_first_everywhere(replica: ReplicaHandle) -> None:
    before = get(replica.url(NEWS))
    url = replica.publish("wire", title="OSCE and INTERPOL open a joint liaison office",
                          body="The two organizations opened an office.\nMore to follow.",
                          date="2026-11-20", place="VIENNA", tags="OSCE, INTERPOL",
                          relevance="primary")
    path = "/wire/2026/11/20/osce-and-interpol-open-a-joint-liaison-office/"
    assert url == replica.url(path)
    assert get(replica.url(NEWS)).tree.cssselect("h2.entry-title a")[0].get("href") == path
    assert get(replica.url(NEWS), {"If-None-Match": before.headers["etag"]}).status == 200
    assert feedparser.parse(get(replica.url(FEED)).body).entries[0].link == url
    assert replica.url(path) in get(replica.url("/wire/post-sitemap.xml")).body.decode()
    assert get(replica.url("/wire/tag/interpol/")).tree.cssselect(
        "h2.entry-title a")[0].get("href") == path
    post = get(url).tree
    assert post.cssselect(".entry-content p")[0].text_content() == \
        "VIENNA (BSW) — The two organizations opened an office."
    newest_id = max(i.post_id for i in catalogue("wire"))
    assert post.cssselect(f"article#post-{newest_id + 1}")
    assert replica.items("wire")[0] == {
        "site": "wire", "key": "2026/11/20/osce-and-interpol-open-a-joint-liaison-office",
        "url": path, "alt_urls": [], "title": "OSCE and INTERPOL open a joint liaison office",
        "published": "2026-11-20", "published_on_page": "2026-11-20", "place": "VIENNA",
        "content_type": "News", "tags": ["OSCE", "INTERPOL"], "relevance": "primary"}
    again = replica.publish("wire", title="OSCE and INTERPOL open a joint liaison office",
                            date="2026-11-20")
    assert again == replica.url(path.rstrip("/") + "-2/")


def test_a_wire_post_published_without_a_date_shows_none(replica: ReplicaHandle) -> None:
    url = replica.publish("wire", title="Undated wire post", fault="missing_date")
    tree = get(url).tree
    assert not tree.cssselect("time.entry-date") and \
        not tree.cssselect('meta[property="article:published_time"]')
    assert replica.items("wire")[0]["published"] is None


def test_items_endpoint_lists_what_each_site_serves(replica: ReplicaHandle) -> None:
    assert replica.items("wire") == expected_items("wire")
    assert replica.items("osce") == expected_items("osce")
    with pytest.raises(ReplicaError, match="send \\?site= one of osce, interpol, wire"):
        replica.items("nato")
