"""The JSON API under /api, on the feeds' app (FastAPI writes its document at /openapi.json):
search and read the archive, the sources' health, crawl runs, and one write — POST
/api/crawl/{source}, which needs the API token (`Authorization: Bearer TOKEN`).

Items, stories and sources keep the shapes of `coopwatch query/show/sources --json`
(storage.views). Errors under /api are `{"error": message, "status": code}`: 400 bad parameter,
401 no or wrong token, 403 crawls off, 404 not found, 409 source busy, 503 archive or crawl
unavailable — never a traceback. Paging of /api/items: see web.browse.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from core.sources import registry
from feeds.routes import SessionDep
from feeds.spec import check_source, web_message
from storage.models import CrawlRun, Item, Story
from storage.runs import TRIGGERS
from storage.search import BadQuery
from storage.views import (
    item_detail_json,
    item_json,
    registry_rows,
    run_json,
    source_json,
    spec_json,
    story_json,
)
from web.browse import MAX_PAGE, make_query, search_page
from web.ondemand import CrawlRefused, start_crawl
from web.security import require_token

logger = logging.getLogger(__name__)
MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL: a larger one is a bad request, not a 503
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class ApiError(BaseModel):
    error: str
    status: int


router = APIRouter(prefix="/api", tags=["api"], responses={
    code: {"model": ApiError, "description": what} for code, what in (
        (400, "a parameter is malformed"), (404, "no such thing"),
        (503, "the archive database is not available"))})


def recent_runs(session: Session, source: str, limit: int = 5) -> list[CrawlRun]:
    return list(session.scalars(select(CrawlRun).where(CrawlRun.source == source)
                                .order_by(CrawlRun.id.desc()).limit(limit)))


@router.get("/items")
def list_items(request: Request, session: SessionDep, q: str | None = None,
               source: str | None = None, since: date | None = None, until: date | None = None,
               level: Annotated[list[str] | None, Query()] = None,
               limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
               cursor: str | None = None) -> dict[str, Any]:
    """Search the archive: words and "phrases" in `q` (best match first), or every item newest
    first; `level` repeats or takes commas. Pass `next_cursor` back as `cursor` for more.

    Example:  /api/items?q=border+management&source=osce&level=primary,secondary&limit=50"""
    try:
        page = search_page(session, make_query(request.app.state.cfg, q, source, since, until,
                                               level, limit), cursor)
    except BadQuery as err:
        raise HTTPException(400, web_message(err)) from err
    following = request.url.include_query_params(cursor=page.next_cursor)
    return {"items": [item_json(h.item, snippet=h.snippet, rank=h.rank) for h in page.hits],
            "count": len(page.hits), "total": page.total, "next_cursor": page.next_cursor,
            "next": f"{following.path}?{following.query}" if page.next_cursor else None}


@router.get("/items/{item_id}")
def get_item(item_id: Id, session: SessionDep) -> dict[str, Any]:
    """One item in full: text, field provenance, relevance reasons, revisions, story."""
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(404, f"no item {item_id}")
    return item_detail_json(session, item)


@router.get("/stories/{story_id}")
def get_story(story_id: Id, session: SessionDep) -> dict[str, Any]:
    """A story: each organisation's version, and why each joined it."""
    story = session.get(Story, story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id}")
    return story_json(session, story)


@router.get("/sources")
def list_sources(request: Request, session: SessionDep) -> list[dict[str, Any]]:
    """Each source of the registry — its table and health (as `coopwatch sources --json`) —
    and its last five runs."""
    rows = registry_rows(session, registry(request.app.state.cfg))
    return [spec_json(spec) | source_json(session, src) | {
        "crawl": f"/api/crawl/{src.name}",
        "last_runs": [run_json(r) for r in recent_runs(session, src.name)]}
        for spec, src in sorted(rows, key=lambda r: r[0].name)]


@router.get("/runs")
def list_runs(request: Request, session: SessionDep, source: str | None = None,
              trigger: str | None = None,
              before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
              limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20) -> dict[str, Any]:
    """Crawl runs, newest first; `before` (a run id) pages back."""
    try:
        # as /api/items: a typo is a 400, not an empty list
        check_source(source or None, request.app.state.cfg)
    except BadQuery as err:
        raise HTTPException(400, str(err)) from err
    if trigger and trigger not in TRIGGERS:
        raise HTTPException(400, f"unknown trigger {trigger!r}: use {' or '.join(TRIGGERS)}")
    stmt = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    for column, value in ((CrawlRun.source, source), (CrawlRun.trigger, trigger)):
        if value:
            stmt = stmt.where(column == value)
    if before:
        stmt = stmt.where(CrawlRun.id < before)
    runs = list(session.scalars(stmt))
    return {"runs": [run_json(r) for r in runs],
            "before": runs[-1].id if len(runs) == limit else None}


@router.get("/runs/{run_id}")
def get_run(run_id: Id, session: SessionDep) -> dict[str, Any]:
    """One crawl run: `status` is `running` until it ends."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id}")
    return run_json(run)


@router.post("/crawl/{source}", status_code=202, dependencies=[Depends(require_token)],
             responses={code: {"model": ApiError, "description": what} for code, what in (
                 (401, "no or wrong API token"), (403, "on-demand crawls are off"),
                 (409, "the source is being crawled already"))})
def crawl(source: str, request: Request) -> dict[str, Any]:
    """Crawl a source now, in the background (same entry and lock as the CLI and the monitor).
    Answers with the run's id at once; follow it at `status_url`.

    Example:  curl -X POST -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/crawl/osce"""
    try:
        run_id = start_crawl(request.app.state.cfg, source)
    except CrawlRefused as err:
        raise HTTPException(err.status, str(err)) from err
    if run_id is None:
        return {"run_id": None, "source": source, "status": "starting",
                "status_url": f"/api/runs?source={source}&trigger=api"}
    return {"run_id": run_id, "source": source, "status": "running",
            "status_url": f"/api/runs/{run_id}"}


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status, headers=headers)


def _as_api_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, StarletteHTTPException):
        return error(exc.status_code, str(exc.detail), exc.headers)
    if isinstance(exc, RequestValidationError):
        return error(400, "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or e['loc'][0]}: "
                                    f"{e['msg']}" for e in exc.errors()))
    logger.error("Database error on %(url)s: %(error)s", {"url": request.url.path, "error": exc})
    return error(503, "the archive database is not available; see the server log")


Handler = Callable[[Request, Exception], Awaitable[Response] | Response]


def install(app: FastAPI) -> None:
    """Mount the API on `app`, with its error shape under /api (other paths keep the handlers
    they had) and an OpenAPI document that says 400 where FastAPI would say 422."""
    app.include_router(router)
    for exc_class in (StarletteHTTPException, RequestValidationError, SQLAlchemyError):
        app.add_exception_handler(exc_class, _api_or(app.exception_handlers.get(exc_class)))
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = default_openapi()
            for path, operations in schema["paths"].items():
                for op in operations.values() if path.startswith("/api/") else ():
                    if op.get("responses", {}).pop("422", None):
                        op["responses"].setdefault("400", {"description": "bad parameter"})
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def _api_or(previous: Handler | None) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/") or previous is None:
            return _as_api_error(request, exc)
        response = previous(request, exc)
        return await response if isinstance(response, Awaitable) else response

    return handle
