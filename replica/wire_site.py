"""The routes of the replica's third site, Border Security Wire (wire_pages.py), under /wire/.

Every page goes through http.site_page, so the site's fault, conditional GET and counting apply
as on the organisations' sites; the sitemap switch (POST /_replica/discovery) withdraws the
sitemaps and their robots.txt line, the feed_link switch the feed's <link> in every page head.
Pagination follows WordPress: /page/1/ redirects to the archive itself, past the last page 404.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from replica import wire_pages
from replica.content import WIRE, Item
from replica.http import site_page
from replica.markup import Page, with_fault
from replica.state import ReplicaState
from replica.wire_catalogue import SITE_NAME
from replica.wire_pages import PREFIX

SITEMAP_INDEX = f"{PREFIX}/sitemap_index.xml"
FEED = f"{PREFIX}/feed/"
RECENT_POSTS = 5
EPOCH = datetime(2022, 11, 3, tzinfo=UTC)


def _state(request: Request) -> ReplicaState:
    return request.app.state.replica


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _newest(items: list[Item]) -> datetime:
    return max((i.modified for i in items), default=EPOCH)


def _archive(base: str, heading: str, body_class: str,
             ) -> Callable[[Request], Awaitable[Response]]:
    """An archive's endpoint: page 1 at `base`, page N at `base`page/N/; a tag archive (a
    {tag} in `base`) holds the posts with that tag, the others every post."""
    async def endpoint(request: Request) -> Response:
        state = _state(request)
        page = request.path_params.get("page", 1)
        if "page" in request.path_params and page == 1:
            return RedirectResponse(base.format(**request.path_params), status_code=301)
        everything = state.items(WIRE)
        wanted = request.path_params.get("tag")
        items = [i for i in everything if not wanted or wanted in map(wire_pages.tag_slug, i.tags)]
        pages = max(math.ceil(len(items) / wire_pages.PAGE_SIZE), 1)
        shown = items[(page - 1) * wire_pages.PAGE_SIZE:page * wire_pages.PAGE_SIZE]

        def render(_: bool) -> Page | None:
            if not items or not 1 <= page <= pages:
                return None
            tag = next((t for i in items for t in i.tags if wire_pages.tag_slug(t) == wanted), "")
            html = wire_pages.archive(
                shown, _origin(request), base=base.format(**request.path_params),
                heading=heading.format(tag=tag), body_class=body_class.format(
                    **request.path_params), page=page, pages=pages,
                recent=everything[:RECENT_POSTS], feed_link=state.feed_link[WIRE])
            return Page(html, _newest(shown))

        return await site_page(request, WIRE, render)
    return endpoint


async def article(request: Request) -> Response:
    """/wire/<YYYY>/<MM>/<DD>/<slug>/: a post; its neighbours are the older and newer posts."""
    state, p = _state(request), request.path_params
    items = state.items(WIRE)
    key = f"{p['year']}/{p['month']}/{p['day']}/{p['slug']}"
    index = next((n for n, i in enumerate(items) if i.key == key), None)

    def render(_: bool) -> Page | None:
        if index is None:
            return None
        item = items[index]
        page = wire_pages.article(
            item, _origin(request), older=items[index + 1] if index + 1 < len(items) else None,
            newer=items[index - 1] if index else None,
            recent=[i for i in items if i is not item][:RECENT_POSTS],
            feed_link=state.feed_link[WIRE])
        return with_fault(page, item.fault)

    return await site_page(request, WIRE, render)


async def static_page(request: Request) -> Response:
    state = _state(request)
    return await site_page(request, WIRE, lambda _: wire_pages.page(
        request.path_params["slug"], _origin(request), recent=state.items(WIRE)[:RECENT_POSTS],
        feed_link=state.feed_link[WIRE]))


async def feed(request: Request) -> Response:
    items = _state(request).items(WIRE)
    return await site_page(request, WIRE, lambda _: Page(
        wire_pages.rss(items, _origin(request)), _newest(items[:wire_pages.FEED_SIZE]),
        "application/rss+xml"))


async def sitemap(request: Request) -> Response:
    """The sitemap index and its two sitemaps, while the site's sitemap switch is on."""
    state, name = _state(request), request.url.path.removeprefix(PREFIX + "/")
    items, origin = state.items(WIRE), _origin(request)
    modified = _newest(items)
    xml = {"sitemap_index.xml": lambda: wire_pages.sitemap_index(origin, modified, modified),
           "post-sitemap.xml": lambda: wire_pages.post_sitemap(items, origin),
           "page-sitemap.xml": lambda: wire_pages.page_sitemap(origin, modified)}[name]
    return await site_page(request, WIRE, lambda _: Page(xml(), modified, "application/xml")
                           if state.sitemap[WIRE] else None)


def routes() -> list[BaseRoute]:
    news = _archive(f"{PREFIX}/category/news/", "Category: News",
                    "archive category category-news category-2")
    home = _archive(f"{PREFIX}/", SITE_NAME, "home blog")
    tag = _archive(PREFIX + "/tag/{tag}/", "Tag: {tag}", "archive tag tag-{tag}")
    return [
        Route(f"{PREFIX}/", home), Route(PREFIX + "/page/{page:int}/", home),
        Route(f"{PREFIX}/category/news/", news),
        Route(PREFIX + "/category/news/page/{page:int}/", news),
        Route(PREFIX + "/tag/{tag}/", tag), Route(PREFIX + "/tag/{tag}/page/{page:int}/", tag),
        Route(FEED, feed),
        *(Route(f"{PREFIX}/{name}", sitemap)
          for name in ("sitemap_index.xml", "post-sitemap.xml", "page-sitemap.xml")),
        Route(PREFIX + "/{year:int}/{month}/{day}/{slug}/", article),
        Route(PREFIX + "/{slug}/", static_page),
    ]
