"""The replica over real HTTP: pagination by the pages' own links, conditional GET, publishing,
every fault kind, the feed switch, robots.txt, latin-1 bytes, and a server that frees its port."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import lxml.etree
import lxml.html
import pytest
from replica_http import get, walk

from replica.inventory import catalogue
from replica.server import ReplicaError, ReplicaHandle, serve_replica

OSCE_LISTING, INTERPOL_LISTING = "/press-releases", "/en/News-and-Events/News"
RSS = "/en/News-and-Events/News/rss"
SEED_000 = "/secretariat/441263"


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaHandle]:
    with serve_replica() as handle:
        yield handle


@pytest.fixture
def replica(server: ReplicaHandle) -> Iterator[ReplicaHandle]:
    server.reset()
    yield server
    server.reset()


def test_robots_txt_carries_both_sites_rules(replica: ReplicaHandle) -> None:
    reply = get(replica.url("/robots.txt"))
    text = reply.body.decode()
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/plain")
    assert "Disallow: /search" in text and "Disallow: /en/Search" in text
    assert "Crawl-delay" not in text and f"Sitemap: {replica.base_url}/sitemap.xml" in text


def test_osce_listing_paginates_until_the_last_page(replica: ReplicaHandle) -> None:
    pages = walk(replica, OSCE_LISTING, "ul.pager li.pager-next > a")
    items = len(catalogue("osce"))
    assert len(pages) == -(-items // 10)
    titles = [a.text_content() for p in pages for a in p.tree.cssselect("dt.search-title h3 a")]
    assert len(titles) == items and len(set(titles)) == items
    assert all(p.tree.cssselect("li.pager-last > a") for p in pages[:-1])
    assert "Newsroom" in pages[0].body.decode() and "News and press releases" in \
        pages[0].body.decode()
    many = get(replica.url(OSCE_LISTING + "?rows=50")).tree
    assert len(many.cssselect(".pane-apachesolr-result .search-result-news")) == 50
    assert many.cssselect("li.pager-next > a")[0].get("href") == "/press-releases?rows=50&page=1"


def test_osce_keyword_listing_holds_only_matching_items(replica: ReplicaHandle) -> None:
    pages = walk(replica, "/press-releases/human%20trafficking", "li.pager-next > a")
    snippets = [r for p in pages for r in p.tree.cssselect(".search-result-news")]
    expected = [i for i in catalogue("osce") if "human" in i.text().lower()
                and "trafficking" in i.text().lower()]
    assert 0 < len(snippets) == len(expected)


def test_interpol_listing_always_links_the_next_page(replica: ReplicaHandle) -> None:
    pages = walk(replica, INTERPOL_LISTING, 'a[rel="next"]')
    assert len(pages) == -(-len(catalogue("interpol")) // 12) > 2
    assert all(p.tree.cssselect("a.pagination__next") for p in pages[:-1])
    assert not pages[-1].tree.cssselect('a[rel="next"]')
    links = [a.get("href") for p in pages for a in p.tree.cssselect(".news-list__title a")]
    assert len(links) == len(catalogue("interpol"))


def test_conditional_get_answers_304_and_is_counted(replica: ReplicaHandle) -> None:
    for path in (OSCE_LISTING, SEED_000, INTERPOL_LISTING, RSS, "/robots.txt"):
        first = get(replica.url(path))
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('"') and not etag.startswith('W/')
        again = get(replica.url(path), {"If-None-Match": etag})
        assert (again.status, again.body) == (304, b""), path
        assert again.headers["etag"] == etag
        assert get(replica.url(path), {"If-Modified-Since": modified}).status == 304
        older = format_datetime(parsedate_to_datetime(modified) - timedelta(days=1), usegmt=True)
        assert get(replica.url(path), {"If-Modified-Since": older}).status == 200
        # If-None-Match wins: a stale ETag means 200 even with a fresh If-Modified-Since
        assert get(replica.url(path), {"If-None-Match": '"stale"',
                                       "If-Modified-Since": modified}).status == 200
    stats = replica.stats()
    assert stats["statuses"][OSCE_LISTING] == {"200": 3, "304": 2}
    assert stats["requests"][SEED_000] == 5 and stats["by_status"]["304"] == 10


def test_listing_last_modified_is_its_newest_item(replica: ReplicaHandle) -> None:
    newest = catalogue("osce")[0].modified
    assert get(replica.url(OSCE_LISTING)).headers["last-modified"] == \
        format_datetime(newest, usegmt=True)


def test_publish_puts_the_item_first_everywhere(replica: ReplicaHandle) -> None:
    before = get(replica.url(OSCE_LISTING))
    url = replica.publish("osce", title="OSCE and INTERPOL open joint training centre",
                          body="VIENNA – The OSCE and INTERPOL opened a centre.\nMore.",
                          date="2026-11-20", relevance="primary")
    assert url.startswith(replica.base_url + "/secretariat/")
    path = url.removeprefix(replica.base_url)
    for listing in (OSCE_LISTING, "/press-releases/interpol"):
        first = get(replica.url(listing)).tree.cssselect("dt.search-title h3 a")[0]
        assert first.get("href") == path
    changed = get(replica.url(OSCE_LISTING), {"If-None-Match": before.headers["etag"],
                                              "If-Modified-Since": before.headers["last-modified"]})
    assert changed.status == 200
    article = get(url)
    assert article.status == 200
    assert article.tree.findtext(".//h1/span") == "OSCE and INTERPOL open joint training centre"
    ipol = replica.publish("interpol", title="INTERPOL and OSCE chief’s visit", date="2026-11-21")
    assert ipol.endswith("/en/News-and-Events/News/2026/INTERPOL-and-OSCE-chief-s-visit")
    assert get(replica.url(INTERPOL_LISTING)).tree.cssselect(".news-list__title a")[0].get(
        "href") == ipol.removeprefix(replica.base_url)
    rss = lxml.etree.fromstring(get(replica.url(RSS)).body)
    assert rss.findtext("channel/item/link") == ipol


def test_bad_control_requests_are_refused_with_a_reason(replica: ReplicaHandle) -> None:
    with pytest.raises(ReplicaError, match="unknown fault 'teapot'"):
        replica.set_fault("osce", "teapot")
    with pytest.raises(ReplicaError, match="needs a site"):
        replica.publish("nato", title="x")
    with pytest.raises(ReplicaError, match="date must be YYYY-MM-DD"):
        replica.publish("osce", title="x", date="5 December")
    with pytest.raises(ReplicaError, match="unknown site 'nato'"):
        replica.set_discovery("nato", sitemap=False)
    with pytest.raises(ReplicaError, match=r"send .*feed_link"):
        replica.set_discovery("osce")
    with pytest.raises(ReplicaError, match="must be true or false"):
        replica.set_discovery("osce", sitemap="no")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["500", "429", "403", "offsite_redirect"])
def test_a_faulty_site_answers_every_page_that_way(replica: ReplicaHandle, kind: str) -> None:
    replica.set_fault("interpol", kind)
    article = catalogue("interpol")[0].path
    for path in (INTERPOL_LISTING, article, RSS):
        reply = get(replica.url(path))
        if kind == "offsite_redirect":
            assert reply.status == 302
            assert reply.headers["location"] == "http://offsite.invalid" + path.split("?")[0]
        else:
            assert reply.status == int(kind), path
        if kind == "429":
            assert reply.headers["retry-after"] == "1"
    assert get(replica.url(OSCE_LISTING)).status == 200  # the other site is healthy
    replica.set_fault("interpol", None)
    assert get(replica.url(article)).status == 200


def test_slow_fault_delays_pages(replica: ReplicaHandle) -> None:
    replica.set_fault("osce", "slow", seconds=0.4)
    started = time.monotonic()
    assert get(replica.url(SEED_000)).status == 200
    assert time.monotonic() - started >= 0.4
    with pytest.raises(TimeoutError):
        get(replica.url(OSCE_LISTING), timeout=0.1)


def test_redesign_fault_serves_unknown_markup_with_metadata(replica: ReplicaHandle) -> None:
    replica.set_fault("osce", "redesign")
    listing, article = get(replica.url(OSCE_LISTING)).tree, get(replica.url(SEED_000)).tree
    assert not listing.cssselect(".pane-apachesolr-result") and listing.cssselect('a[rel="next"]')
    assert not article.cssselect("dl dt") and article.cssselect('meta[property="og:title"]')


@pytest.mark.parametrize(("site", "listing", "article_path", "feed"), [
    ("osce", OSCE_LISTING, "/secretariat/", "/newsroom/feed.atom"),
    ("interpol", INTERPOL_LISTING, "/en/News-and-Events/News/20", "/en/News-and-Events/News/"
                                                                 "feed.atom"),
])
def test_redesigned_listing_fault_keeps_only_feed_sitemap_and_links(
        replica: ReplicaHandle, site: str, listing: str, article_path: str, feed: str) -> None:
    assert get(replica.url(feed)).status == 404  # no Atom feed before the redesign
    replica.set_fault(site, "redesigned_listing")
    tree = get(replica.url(listing)).tree
    # nothing the page objects know: no results pane, no headings, card links without text
    assert not tree.cssselect(".pane-apachesolr-result, .news-list, h2, h3")
    links = [a for a in tree.iter("a") if (a.get("href") or "").startswith(article_path)]
    assert links and all(not a.text_content().strip() and a.get("aria-label") for a in links)
    announced = tree.cssselect('link[rel="alternate"][type="application/atom+xml"]')
    assert [link.get("href") for link in announced] == [feed]
    atom = lxml.etree.fromstring(get(replica.url(feed)).body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert len(atom.findall("a:entry", ns)) == 20
    assert all(e.findtext("a:published", namespaces=ns) for e in atom.findall("a:entry", ns))
    article = get(replica.url(links[0].get("href")))
    assert article.status == 200 and article.tree.cssselect("h1")  # articles keep their layout

    replica.set_discovery(site, feed_link=False, sitemap=False)
    tree = get(replica.url(listing)).tree
    assert not tree.cssselect('link[rel="alternate"]') and get(replica.url(feed)).status == 404
    sitemap = "/sitemap.xml" if site == "osce" else "/en/sitemap.xml"
    assert get(replica.url(sitemap)).status == 404
    assert f"Sitemap: {replica.base_url}{sitemap}" not in get(replica.url("/robots.txt")).body \
        .decode()


def test_interpol_sitemap_lists_every_item_with_lastmod(replica: ReplicaHandle) -> None:
    assert f"Sitemap: {replica.base_url}/en/sitemap.xml" in \
        get(replica.url("/robots.txt")).body.decode()
    urlset = lxml.etree.fromstring(get(replica.url("/en/sitemap.xml")).body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [u.findtext("s:loc", namespaces=ns) for u in urlset.findall("s:url", ns)]
    assert locs == [replica.url(i.path) for i in catalogue("interpol")]
    assert all(u.findtext("s:lastmod", namespaces=ns) for u in urlset.findall("s:url", ns))


def test_rss_can_be_switched_off_and_broken(replica: ReplicaHandle) -> None:
    feed = get(replica.url(RSS))
    assert feed.headers["content-type"].startswith("application/rss+xml")
    items = lxml.etree.fromstring(feed.body).findall("channel/item")
    assert len(items) == 20 and all(i.findtext(t) for i in items
                                    for t in ("title", "link", "pubDate", "guid", "description"))
    replica.set_rss(enabled=False)
    assert get(replica.url(RSS)).status == 404
    replica.set_rss(enabled=True, broken=True)
    broken = get(replica.url(RSS))
    assert broken.status == 200
    with pytest.raises(lxml.etree.XMLSyntaxError):
        lxml.etree.fromstring(broken.body)
    replica.set_rss(enabled=True)
    assert lxml.etree.fromstring(get(replica.url(RSS)).body) is not None


def test_item_faults(replica: ReplicaHandle) -> None:
    latin1 = get(replica.publish("osce", title="Zürich and Genève", body="In Zürich – today.",
                                 fault="latin1"))
    assert latin1.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert b"Z\xfcrich" in latin1.body and "Zürich".encode() not in latin1.body
    assert b"&#8211;" in latin1.body  # an en dash has no latin-1 byte: a character reference
    truncated = get(replica.publish("osce", title="Cut", body="One.\nTwo.\nThree.",
                                    fault="truncated"))
    assert truncated.status == 200 and b"</html>" not in truncated.body
    huge = get(replica.publish("interpol", title="Huge page", fault="huge"))
    assert len(huge.body) > 2 * 1024 * 1024
    undated = replica.publish("interpol", title="No date here", place="LYON, France",
                              fault="missing_date")
    assert get(undated).tree.cssselect(".article__date") == []
    first = get(replica.url(INTERPOL_LISTING)).tree.cssselect(".news-list__item")[0]
    assert not first.cssselect(".news-list__date")
    # a body that brings its own dated dateline loses the date too, and is not doubled
    own = get(replica.publish("osce", title="Own dateline", body="GENEVA, 3 May 2026 – Met.",
                              date="2026-05-03", fault="missing_date"))
    assert b"May 2026" not in own.body and b"2026-05-03" not in own.body
    dated = get(replica.publish("osce", title="Dated", body="GENEVA, 3 May 2026 – Met.",
                                date="2026-05-03"))
    assert dated.body.count(b"GENEVA, 3 May 2026") == 1


@pytest.mark.parametrize(("path", "status"), [
    ("/status/503", 503), ("/status/404", 404), ("/redirect-offsite", 302), ("/latin1", 200),
    ("/huge", 200), ("/truncated", 200), ("/slow?seconds=0.05", 200), ("/nowhere/1", 404),
])
def test_misbehaviour_routes(replica: ReplicaHandle, path: str, status: int) -> None:
    reply = get(replica.url(path))
    assert reply.status == status
    if path == "/latin1":
        assert "charset=iso-8859-1" in reply.headers["content-type"]
        assert b"Gen\xe8ve" in reply.body
    if path == "/huge":
        assert len(reply.body) > 2 * 1024 * 1024
    if path == "/truncated":
        assert not reply.body.rstrip().endswith(b"</html>")
    if path == "/redirect-offsite":
        assert reply.headers["location"].startswith("http://offsite.invalid")


def test_article_variants_serve_the_same_item(replica: ReplicaHandle) -> None:
    node = get(replica.url("/node/441263")).tree
    assert node.cssselect('link[rel="canonical"]')[0].get("href") == replica.url(SEED_000)
    assert get(replica.url("/bishkek/441263")).status == 404  # a node lives in one section
    slug = ("2017/OSCE-Secretariat-and-INTERPOL-launch-joint-action-plan-to-combat-"
            "transnational-crime")
    for path in (f"/en/News-and-Events/News/{slug}", f"/News-and-Events/News/{slug}",
                 f"/fr/News-and-Events/News/{slug}", "/en/News-and-media/News/2017/N2017-065",
                 "/en/News-and-media/News/2017/N2017-065/"):
        assert get(replica.url(path)).tree.findtext(".//h1") == \
            "OSCE Secretariat and INTERPOL launch joint action plan to combat transnational crime"
    pdf = get(replica.url("/files/f/documents/3/1/319010.pdf"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body.startswith(b"%PDF-")


def test_sitemap_index_points_at_every_article(replica: ReplicaHandle) -> None:
    index = lxml.etree.fromstring(get(replica.url("/sitemap.xml")).body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    child = index.findtext("s:sitemap/s:loc", namespaces=ns)
    urls = lxml.etree.fromstring(get(child).body).findall("s:url/s:loc", ns)
    assert {u.text for u in urls} == {replica.url(i.path) for i in catalogue("osce")}


def test_serve_replica_frees_its_port() -> None:
    with serve_replica() as handle:
        port = int(handle.base_url.rsplit(":", 1)[1])
        assert get(handle.url("/robots.txt")).status == 200
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with serve_replica(port) as again:  # the same port can be served at once
        assert get(again.url("/robots.txt")).status == 200
