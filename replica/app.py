"""The replica: www.osce.org's and www.interpol.int's news sections on one local port, and a
third party's WordPress newsroom (Border Security Wire) under /wire/.

Their paths do not collide, so one app serves all three. Every page goes through http.site_page
(the site's fault, conditional GET, counting); control and misbehaviour routes: control.py.

    /robots.txt                                both sites' rules in one file
    /press-releases?page=N[&rows=N]            OSCE listing, 0-based, 10 a page
    /press-releases/<words>?page=N             OSCE keyword listing (all words, any case)
    /<section>/<nid>, /node/<nid>              OSCE article (2025 layout from 2024, else 2023)
    /sitemap.xml, /sitemap.xml?page=1          OSCE sitemap index and sitemap
    /newsroom/feed.atom                        OSCE Atom feed, only while its listing is
                                               redesigned (the `redesigned_listing` fault)
    /files/f/documents/…pdf                    OSCE attachment (the speech of seed 004)
    /en/News-and-Events/News?page=N            INTERPOL listing, 1-based, 12 a page
    /en/News-and-Events/News/rss               INTERPOL RSS (20 newest)
    /en/News-and-Events/News/feed.atom         INTERPOL Atom feed, as the OSCE one
    /en/sitemap.xml                            INTERPOL sitemap
    /{en,fr,ar}/News-and-Events/News/<YYYY>/<Slug>, also without a language prefix
    /en/News-and-media/News/<YYYY>/<code>[/]   INTERPOL old site (items before 2019)
    /wire/, /wire/page/N/                      wire blog index, 10 a page (wire_site.py)
    /wire/category/news/[page/N/]              wire category archive; "Next »" links on
    /wire/tag/<slug>/[page/N/]                 wire tag archive (not news: a listing)
    /wire/<YYYY>/<MM>/<DD>/<slug>/             wire post
    /wire/about/, /wire/contact/               wire pages (not news, og:type article)
    /wire/feed/                                wire RSS 2.0 (10 newest)
    /wire/sitemap_index.xml                    wire sitemap index (Yoast) -> post-sitemap.xml,
                                               page-sitemap.xml, each URL with <lastmod>
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from urllib.parse import quote, unquote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from replica import control, interpol_pages, osce_pages, wire_site
from replica.content import Item, listing_order
from replica.http import CountRequests, conditional, site_page
from replica.markup import Page, atom, sitemap, unknown_listing, with_fault
from replica.state import ReplicaState

OSCE_PAGE_SIZE, MAX_ROWS = 10, 100
EPOCH = datetime(2010, 1, 1, tzinfo=UTC)
ROBOTS = """# www.osce.org
User-agent: *
Disallow: /admin/
Disallow: /user/
Disallow: /search
Disallow: /search/

# www.interpol.int
Disallow: /en/Search
Disallow: /fr/Search

# the wire (WordPress's own rules)
Disallow: /wire/wp-admin/
Allow: /wire/wp-admin/admin-ajax.php

# the replica's own control endpoints
Disallow: /_replica/
"""
SITEMAPS = {"osce": "/sitemap.xml", "interpol": "/en/sitemap.xml",
            "wire": wire_site.SITEMAP_INDEX}
ATOM_FEEDS = {"osce": "/newsroom/feed.atom", "interpol": "/en/News-and-Events/News/feed.atom"}
SITE_TITLES = {"osce": "Newsroom | OSCE", "interpol": "News | INTERPOL"}
HOME = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>coopwatch replica
</title></head><body><h1>coopwatch replica</h1><ul>
<li><a href="/press-releases">OSCE Newsroom</a> (<a href="/press-releases/interpol">keyword
"interpol"</a>)</li><li><a href="/en/News-and-Events/News">INTERPOL News</a>
(<a href="/en/News-and-Events/News/rss">RSS</a>)</li><li><a href="/wire/">Border Security
Wire</a> (<a href="/wire/feed/">RSS</a>)</li></ul></body></html>
"""


def origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def state_of(request: Request) -> ReplicaState:
    return request.app.state.replica


def int_param(request: Request, name: str, default: int) -> int:
    try:
        return int(request.query_params.get(name, default))
    except ValueError:  # Drupal and eZ both fall back to the first page
        return default


def newest(items: list[Item]) -> datetime:
    return max((i.modified for i in items), default=EPOCH)


def feed_href(state: ReplicaState, site: str) -> str | None:
    """The Atom feed a redesigned listing announces (None: it has none)."""
    return ATOM_FEEDS[site] if state.listing_redesigned(site) and state.feed_link[site] else None


def redesigned_listing(state: ReplicaState, site: str, shown: list[Item],
                       next_href: str | None) -> str:
    return unknown_listing(shown, site_title=SITE_TITLES[site], next_href=next_href,
                           feed_href=feed_href(state, site))


def render_article(item: Item | None, page: Page | None) -> Page | None:
    return with_fault(page, item.fault) if item is not None and page is not None else None


# --- www.osce.org ------------------------------------------------------------------------------

async def osce_listing(request: Request) -> Response:
    """/press-releases?page=N (0-based) [&rows=N]; /press-releases/<words>?page=N."""
    state, words = state_of(request), unquote(request.path_params.get("words", ""))
    items = state.items("osce")
    if words.strip():
        wanted = words.lower().split()
        items = [i for i in items if all(w in i.text().lower() for w in wanted)]
    rows = request.query_params.get("rows")
    size = min(max(int_param(request, "rows", OSCE_PAGE_SIZE), 1), MAX_ROWS)
    page, pages = max(int_param(request, "page", 0), 0), max(math.ceil(len(items) / size), 1)
    shown = items[page * size:(page + 1) * size]

    def render(redesigned: bool) -> Page:
        if state.listing_redesigned("osce"):
            later = f"{quote(request.url.path)}?page={page + 1}" if page < pages - 1 else None
            return Page(redesigned_listing(state, "osce", shown, later), newest(shown))
        html = osce_pages.listing(shown, path=request.url.path, page=page, pages=pages,
                                  rows=size if rows else None, redesigned=redesigned)
        return Page(html, newest(shown))

    return await site_page(request, "osce", render)


async def osce_article(request: Request) -> Response:
    """/<section>/<nid> and /node/<nid> (same page; its canonical link names the first)."""
    state, section = state_of(request), request.path_params.get("section")
    item = state.find("osce", str(request.path_params["nid"]))
    if item is not None and section is not None and section != item.section:
        item = None

    def render(redesigned: bool) -> Page | None:
        if item is None:
            return None
        return render_article(item, osce_pages.article(item, origin(request),
                                                       redesigned=redesigned))

    return await site_page(request, "osce", render)


async def osce_sitemap(request: Request) -> Response:
    state = state_of(request)
    items = state.items("osce")
    if not state.sitemap["osce"]:
        page = None
    elif request.query_params.get("page") == "1":
        page = Page(sitemap(items, origin(request)), newest(items), "application/xml")
    else:
        page = Page(osce_pages.sitemap_index(origin(request)), newest(items), "application/xml")
    return await site_page(request, "osce", lambda _: page)


async def atom_feed(request: Request) -> Response:
    """A site's Atom feed: served only while its listing is redesigned and announces it."""
    site = "osce" if request.url.path == ATOM_FEEDS["osce"] else "interpol"
    state = state_of(request)
    items = state.items(site)[:interpol_pages.RSS_SIZE]
    page = Page(atom(items, origin(request), title=SITE_TITLES[site],
                     self_path=ATOM_FEEDS[site]), newest(items), "application/atom+xml") \
        if feed_href(state, site) else None
    return await site_page(request, site, lambda _: page)


async def osce_download(request: Request) -> Response:
    path = request.url.path
    found = [i for i in state_of(request).items("osce") if path in i.downloads]
    if not found:
        return Response("Page not found", status_code=404, media_type="text/plain")
    return Response(osce_pages.minimal_pdf(found[0].title), media_type="application/pdf")


# --- www.interpol.int --------------------------------------------------------------------------

async def interpol_listing(request: Request) -> Response:
    """/en/News-and-Events/News?page=N (1-based); every page but the last links rel="next"."""
    items = state_of(request).items("interpol")
    size = interpol_pages.PAGE_SIZE
    pages = max(math.ceil(len(items) / size), 1)
    page = max(int_param(request, "page", 1), 1)
    shown = items[(page - 1) * size:page * size]

    def render(redesigned: bool) -> Page:
        if state_of(request).listing_redesigned("interpol"):
            later = f"{request.url.path}?page={page + 1}" if page < pages else None
            return Page(redesigned_listing(state_of(request), "interpol", shown, later),
                        newest(shown))
        html = interpol_pages.listing(shown, page=page, pages=pages, redesigned=redesigned)
        return Page(html, newest(shown))

    return await site_page(request, "interpol", render)


def related(items: list[Item], item: Item, count: int = 3) -> list[Item]:
    """Other items for the "Related news" block: the next older ones, with other dates."""
    older = [i for i in items if i.published and i.published != item.published
             and listing_order(i) < listing_order(item)]
    return (older or [i for i in items if i.published != item.published])[:count]


async def interpol_article(request: Request) -> Response:
    """/{en,fr,ar}/News-and-Events/News/<YYYY>/<Slug>, also without a language prefix."""
    state = state_of(request)
    lang = request.path_params.get("lang", "en")
    key = f"{request.path_params['year']}/{request.path_params['slug']}"
    item = state.find("interpol", key) if lang in ("en", "fr", "ar") else None

    def render(redesigned: bool) -> Page | None:
        if item is None:
            return None
        if redesigned:
            return render_article(item, interpol_pages.article_redesigned(item, origin(request)))
        return render_article(item, interpol_pages.article_2019(
            item, origin(request), related(state.items("interpol"), item), lang))

    return await site_page(request, "interpol", render)


async def interpol_old_article(request: Request) -> Response:
    """/en/News-and-media/News/<YYYY>/<code>[/]: the pre-2019 site."""
    p = request.path_params
    item = state_of(request).find_old(f"/{p['lang']}/News-and-media/News/{p['year']}/{p['code']}")
    return await site_page(request, "interpol", lambda _: render_article(
        item, interpol_pages.article_legacy(item) if item else None))


async def interpol_rss(request: Request) -> Response:
    """/en/News-and-Events/News/rss: off → 404, broken → malformed XML (POST /_replica/rss)."""
    state = state_of(request)
    items = state.items("interpol")

    def render(redesigned: bool) -> Page | None:
        if state.rss == "off":
            return None
        xml = interpol_pages.rss(items, origin(request), broken=state.rss == "broken")
        return Page(xml, newest(items[:interpol_pages.RSS_SIZE]), "application/rss+xml")

    return await site_page(request, "interpol", render)


# --- both --------------------------------------------------------------------------------------

async def interpol_sitemap(request: Request) -> Response:
    state = state_of(request)
    items = state.items("interpol")
    page = Page(sitemap(items, origin(request)), newest(items), "application/xml") \
        if state.sitemap["interpol"] else None
    return await site_page(request, "interpol", lambda _: page)


async def robots(request: Request) -> Response:
    state = state_of(request)
    lines = "".join(f"\nSitemap: {origin(request)}{path}" for site, path in SITEMAPS.items()
                    if state.sitemap[site])
    return conditional(request, Page(ROBOTS + lines + "\n", EPOCH, "text/plain"))


async def home(request: Request) -> Response:
    return conditional(request, Page(HOME, EPOCH))


def create_app(state: ReplicaState | None = None) -> Starlette:
    state = state or ReplicaState()
    news, old = "/News-and-Events/News/{year:int}/{slug}", "/News-and-media/News/{year:int}/{code}"
    routes = [
        Route("/", home), Route("/robots.txt", robots),
        *control.routes(), *wire_site.routes(),
        Route("/sitemap.xml", osce_sitemap), Route("/en/sitemap.xml", interpol_sitemap),
        Route(ATOM_FEEDS["osce"], atom_feed), Route(ATOM_FEEDS["interpol"], atom_feed),
        Route("/press-releases", osce_listing), Route("/press-releases/{words:path}", osce_listing),
        Route("/files/f/documents/{path:path}", osce_download),
        Route("/node/{nid:int}", osce_article),
        Route("/en/News-and-Events/News", interpol_listing),
        Route("/News-and-Events/News", interpol_listing),
        Route("/en/News-and-Events/News/rss", interpol_rss),
        Route(news, interpol_article), Route("/{lang}" + news, interpol_article),
        Route("/{lang}" + old, interpol_old_article), Route("/{lang}" + old + "/",
                                                            interpol_old_article),
        Route("/{section}/{nid:int}", osce_article),  # last: the most general shape
    ]
    app = Starlette(routes=routes, middleware=[Middleware(CountRequests, state=state)])
    app.state.replica = state
    return app
