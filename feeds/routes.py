"""HTTP routes of the feeds: `/`, `/feeds/{name}.atom|.rss`, `/feeds/search.atom|.rss`,
`/healthz`. Every request reads the archive afresh, so an item stored by a crawl shows on the
next request; a conditional request that matches is answered 304 before any rendering.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Annotated, cast

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.config import Config
from feeds.build import RenderedFeeds, build_feed, validators_for
from feeds.conditional import cache_headers, is_not_modified, shortest_check_min
from feeds.queries import FeedState, read_feed_state
from feeds.spec import FORMATS, MEDIA_TYPES, FeedSpec, Format, search_feed, web_message
from storage.models import Item
from storage.search import BadQuery

logger = logging.getLogger(__name__)
router = APIRouter()


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:  # read-only: closing it rolls back
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def base_url(request: Request) -> str:
    """COOPWATCH_PUBLIC_URL if set, else the address the client used (links then work from
    wherever the server was reached; the ETag includes it)."""
    cfg: Config = request.app.state.cfg
    return str(cfg["COOPWATCH_PUBLIC_URL"] or request.base_url).rstrip("/")


@router.get("/healthz")
def healthz(session: SessionDep) -> JSONResponse:
    """200 when the archive answers a query on its items table, else 503."""
    try:
        session.execute(select(Item.id).limit(1)).all()
    except SQLAlchemyError as err:
        logger.warning("Health check failed: %(error)s", {"error": err})
        return JSONResponse({"status": "unavailable", "database": "not answering"}, 503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/feeds/{name}.{ext}")
async def feed(request: Request, name: str, ext: str, q: str | None = None,
               source: str | None = None,
               level: Annotated[list[str] | None, Query()] = None) -> Response:
    """A feed, with ETag / Last-Modified; 304 when the reader's copy is current.

    Example:  /feeds/search.atom?q=border+management&source=osce&level=primary"""
    if ext not in FORMATS:
        raise HTTPException(404, f"no feed format {ext!r}: use .atom or .rss")
    fmt = cast(Format, ext)
    cfg: Config = request.app.state.cfg
    spec: FeedSpec | None = request.app.state.feeds.get(name)
    if name == "search":
        try:
            spec = search_feed(cfg, q, source, level or [])
        except BadQuery as err:
            raise HTTPException(400, web_message(err)) from err
    if spec is None:
        known = ", ".join([*request.app.state.feeds, "search"])
        raise HTTPException(404, f"no feed {name!r}: use one of {known}")
    url = base_url(request)
    state = await _feed_state(request.app.state.engine, request.app.state.loop_engine, spec)
    validators = validators_for(state, spec, fmt, url, request.app.state.websub)
    headers = cache_headers(validators.etag, validators.last_modified,
                            shortest_check_min(cfg))
    if is_not_modified(request.headers, validators.etag, validators.last_modified):
        return Response(status_code=304, headers=headers)
    rendered: RenderedFeeds = request.app.state.rendered
    body = rendered.get(validators.etag)
    if body is None:
        # Rendered after the validators were read: if a crawl commits in between, the body
        # is newer than its ETag, which costs the reader one extra download, never an item.
        body = await run_in_threadpool(_render, request, spec, fmt, url)
        rendered.put(validators.etag, body)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


async def _feed_state(engine: Engine, loop_engine: Engine | None,
                      spec: FeedSpec) -> FeedState:
    """A poll's one primary-key read. Feed polling is the server's busiest path, and handing
    work to a thread costs more than this read: the thread then waits for the GIL behind the
    event loop (SQLite, 16 pollers: 3,600 answers/s through a thread, 4,700 in the loop;
    bench/feed.py). So on SQLite it runs in the loop: a WAL-mode reader does not wait for
    writers, and the read takes ~50 µs. It reads on the loop's own connection (`loop_engine`):
    a checkout from the shared pool would block the whole loop whenever the worker threads
    hold every connection — and the threads need the loop to give them back (issue 13: the
    server wedged). A server-based database's round trip stays off the loop."""
    if loop_engine is not None:
        return read_feed_state(loop_engine, spec)
    return await asyncio.get_running_loop().run_in_executor(None, read_feed_state, engine, spec)


def _render(request: Request, spec: FeedSpec, fmt: Format, url: str) -> bytes:
    with request.app.state.sessions() as session:  # read-only: closing it rolls back
        return build_feed(session, spec, fmt, url, request.app.state.websub)
