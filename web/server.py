"""Run the feed app: under uvicorn for `coopwatch serve` in the foreground or inside the
daemon's asyncio loop next to the scheduler, or for one in-process request (`serve --get`).

    server = make_server(cfg)                  # embedded: the host owns signals and logging
    task = asyncio.create_task(server.serve())
    ...
    server.should_exit = True                  # graceful stop: finish requests, close socket
    await task

Options: COOPWATCH_HOST, COOPWATCH_PORT (overridden by the arguments).

On SIGTERM (or `should_exit`) the server stops accepting, lets the requests in progress finish
for up to GRACEFUL_S, then cancels the rest: a stop never waits on a queue of clients.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import uvicorn
from starlette.types import ASGIApp

from core.config import Config, load_config
from web.app import create_app

GRACEFUL_S = 5


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves SIGINT/SIGTERM to its host: uvicorn's own handlers would
    replace the daemon's while serving and re-raise the signal on exit."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def make_server(cfg: Config | None = None, host: str | None = None, port: int | None = None,
                *, embedded: bool = True) -> uvicorn.Server:
    """A configured server; await `serve()` (or call `run()`), stop with `should_exit = True`.

    `embedded=False` is for `coopwatch serve`: uvicorn's signal handling and log format."""
    cfg = cfg or load_config()
    config = uvicorn.Config(
        create_app(cfg),
        host=host or str(cfg["COOPWATCH_HOST"]),
        port=cfg.get_int("COOPWATCH_PORT") if port is None else port,
        log_config=None if embedded else uvicorn.config.LOGGING_CONFIG,
        timeout_graceful_shutdown=GRACEFUL_S,
    )
    return EmbeddedServer(config) if embedded else uvicorn.Server(config)


@dataclass(frozen=True)
class InProcessResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def request_in_process(app: ASGIApp, path: str, host: str = "127.0.0.1", port: int = 8080,
                       method: str = "GET") -> InProcessResponse:
    """One request through the ASGI app, no socket (`coopwatch serve --get`). Written out here
    rather than with httpx's ASGI transport because httpx is only a test dependency."""
    split = urlsplit(path)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": unquote(split.path or "/"),
             "raw_path": (split.path or "/").encode(), "query_string": split.query.encode(),
             "root_path": "", "headers": [(b"host", f"{host}:{port}".encode("latin-1"))],
             "client": ("127.0.0.1", 0), "server": (host, port)}
    messages: list[dict[str, Any]] = []
    request_sent = False

    async def receive() -> dict[str, Any]:
        nonlocal request_sent
        if request_sent:
            return {"type": "http.disconnect"}
        request_sent = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    start = next(m for m in messages if m["type"] == "http.response.start")
    return InProcessResponse(
        status=start["status"],
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]],
        body=b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body"))
