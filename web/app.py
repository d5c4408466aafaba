"""The ASGI app serving the feeds: `create_app(cfg)`. FastAPI, so the JSON API (a later issue)
mounts its router on the same app: `app.include_router(api_router)`.

State on `app.state`: `cfg` (Config), `feeds` (the standard FeedSpecs, by name), `sessions`
(a sessionmaker on COOPWATCH_DATABASE_URL), `engine` (its engine), `loop_engine` (SQLite: one
connection of its own for reads on the event loop, see feeds.routes; else None), `rendered`
(recent feed documents by ETag) and `websub` (the hub the feeds link, or None).

Around the routes, outermost first: security headers, HEAD as GET (web.head), the admission
queue (web.admission: as many requests at once as the pool has connections).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import QueuePool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from core.config import Config, ConfigError, load_config
from feeds.build import RenderedFeeds
from feeds.routes import router
from feeds.spec import standard_feeds
from feeds.websub import websub_for
from storage.db import engine_for, make_engine, session_factory
from web import api, metrics, pages
from web.admission import Admission
from web.head import HeadAsGet
from web.security import SecurityHeaders

logger = logging.getLogger(__name__)
MACHINE_PATHS = ("/feeds/", "/healthz", "/metrics", "/api/")
RETRY_AFTER_S = 5
BUSY = f"the server is busy: too many requests at once; try again in {RETRY_AFTER_S} seconds"


def busy(request: Request) -> Response:
    """503 + Retry-After for a request the server has no room for now (the archive is fine),
    in the shape its path answers errors in."""
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if request.url.path.startswith("/api/"):
        return api.error(503, BUSY, headers)
    if request.url.path.startswith(MACHINE_PATHS):
        return JSONResponse({"detail": BUSY}, 503, headers=headers)
    return pages.unavailable(request, "Server busy", f"The server is busy: too many requests at "
                           f"once. Try again in {RETRY_AFTER_S} seconds.", RETRY_AFTER_S)


def admission_capacity(engine: Engine) -> int:
    """Requests let in at once: the pool's steady size, so no admitted request waits for a
    connection; its overflow is left to the monitor's own jobs in the same process."""
    return engine.pool.size() if isinstance(engine.pool, QueuePool) else 1


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    if app.state.loop_engine is not None:
        app.state.loop_engine.dispose()


def create_app(cfg: Config | None = None) -> FastAPI:
    """The app for `cfg` (default: load_config()); a bad feed option fails here, not later."""
    cfg = cfg or load_config()
    wait_s = cfg.get_float("COOPWATCH_WEB_QUEUE_S")
    if wait_s < 0:
        raise ConfigError(f"COOPWATCH_WEB_QUEUE_S must be 0 or more seconds, not {wait_s:g}")
    # No /docs or /redoc: FastAPI's pages load Swagger UI and ReDoc from a CDN, unpinned by
    # any integrity hash. /openapi.json is the API's document.
    app = FastAPI(title="coopwatch", summary="OSCE–INTERPOL co-operation feeds",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.cfg = cfg
    app.state.feeds = standard_feeds(cfg)
    app.state.sessions = session_factory(cfg.database_url)
    app.state.engine = engine = engine_for(cfg.database_url)
    app.state.loop_engine = (make_engine(cfg.database_url, one_connection=True)
                             if engine.dialect.name == "sqlite" else None)
    app.state.rendered = RenderedFeeds()
    app.state.websub = websub_for(cfg)
    pages.install(app)  # the archive pages; first, so that `/` is the archive's search page
    app.include_router(router)
    app.include_router(metrics.router)

    @app.exception_handler(SQLAlchemyError)
    async def database_unavailable(request: Request, err: SQLAlchemyError) -> Response:
        # An unmigrated or unreachable archive is the server's state, not a bug in the request:
        # 503 tells readers to come back later; the log says what to fix. People get a page,
        # programs (feeds, health checks, metrics; /api has its own shape) get JSON.
        logger.error("Database error on %(url)s: %(error)s", {"url": request.url.path,
                                                             "error": err})
        if not request.url.path.startswith(MACHINE_PATHS):
            return pages.unavailable(request)
        return JSONResponse({"detail": "the archive database is not available; see the "
                                       "server log (run `coopwatch db upgrade`?)"}, 503)

    @app.exception_handler(StarletteHTTPException)
    async def not_found_page(request: Request, err: StarletteHTTPException) -> Response:
        # An address no route answers gets the site's 404 page, like a missing item does;
        # programs' paths (feeds, health, metrics; /api has its own shape) keep JSON.
        if err.status_code == 404 and not request.url.path.startswith(MACHINE_PATHS):
            return pages.no_such_page(request)
        return await http_exception_handler(request, err)

    api.install(app)  # after the handlers above: /api answers errors in its own shape

    @app.exception_handler(PoolTimeout)
    async def pool_exhausted(request: Request, err: PoolTimeout) -> Response:
        # Every connection stayed busy for the pool's whole timeout: load, not a broken archive.
        logger.warning("No database connection free on %(url)s: %(error)s",
                       {"url": request.url.path, "error": err})
        return busy(request)

    def busy_for(scope: Scope) -> Response:
        return busy(Request(scope))

    app.add_middleware(Admission, capacity=admission_capacity(engine), wait_s=wait_s,
                       busy=busy_for)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    return app
