"""The ASGI app serving the feeds: `create_app(cfg)`. FastAPI, so the JSON API (a later issue)
mounts its router on the same app: `app.include_router(api_router)`.

State on `app.state`: `cfg` (Config), `feeds` (the standard FeedSpecs, by name), `sessions`
(a sessionmaker on COOPWATCH_DATABASE_URL), `engine` (its engine) and `rendered` (recent feed
documents by ETag).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from coopwatch.config import Config, load_config
from feeds import api, metrics, web
from feeds.build import RenderedFeeds
from feeds.routes import router
from feeds.security import SecurityHeaders
from feeds.spec import standard_feeds
from storage.db import engine_for, session_factory

logger = logging.getLogger(__name__)
MACHINE_PATHS = ("/feeds/", "/healthz", "/metrics", "/api/")


def create_app(cfg: Config | None = None) -> FastAPI:
    """The app for `cfg` (default: load_config()); a bad feed option fails here, not later."""
    cfg = cfg or load_config()
    app = FastAPI(title="coopwatch", summary="OSCE–INTERPOL co-operation feeds")
    app.state.cfg = cfg
    app.state.feeds = standard_feeds(cfg)
    app.state.sessions = session_factory(cfg.database_url)
    app.state.engine = engine_for(cfg.database_url)
    app.state.rendered = RenderedFeeds()
    web.install(app)  # the archive pages; first, so that `/` is the archive's search page
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
            return web.unavailable(request)
        return JSONResponse({"detail": "the archive database is not available; see the "
                                       "server log (run `coopwatch db upgrade`?)"}, 503)

    api.install(app)  # after the handlers above: /api answers errors in its own shape
    app.add_middleware(SecurityHeaders)
    return app
