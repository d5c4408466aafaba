"""Issue 13: what the server does when it is busy. A feed poll never waits for the connection
pool (its read on the event loop has a connection of its own); a pool that stays exhausted is
reported as a busy server, not a missing database; the admission queue lets in as many
requests as the pool has connections, sheds the rest with 503 + Retry-After after a bounded
wait, and lets the next request in at once when the load stops."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from core.config import ConfigError, load_config
from storage.db import SQLITE_POOL, engine_for
from web.admission import Admission
from web.app import admission_capacity, create_app


@contextmanager
def pool_held(url: str) -> Iterator[None]:
    """Every connection of the archive's pool checked out, as by 32 busy worker threads."""
    engine = engine_for(url)
    with ExitStack() as stack:
        for _ in range(2 * SQLITE_POOL):  # pool_size + max_overflow
            stack.enter_context(engine.connect())
        yield


def test_a_feed_poll_does_not_wait_for_the_pool(web: TestClient, sqlite_url: str) -> None:
    first = web.get("/feeds/all.atom")  # rendered once: polls are answered from memory
    assert first.status_code == 200
    with pool_held(sqlite_url):
        # Was: the poll checked a connection out of the exhausted pool on the event loop, so
        # the whole server stood still for the pool's 30 s timeout, then answered 503.
        poll = web.get("/feeds/all.atom", headers={"If-None-Match": first.headers["etag"]})
        again = web.get("/feeds/all.atom")
    assert poll.status_code == 304
    assert again.status_code == 200 and again.content == first.content


def test_an_exhausted_pool_is_a_busy_server_not_a_missing_database(
        web: TestClient, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_for(sqlite_url).pool, "_timeout", 0.2)  # not 30 s per request
    with pool_held(sqlite_url):
        api, page, health = web.get("/api/items"), web.get("/sources"), web.get("/metrics")
    assert api.status_code == 503 and api.json()["status"] == 503
    assert "busy" in api.json()["error"] and "db upgrade" not in api.json()["error"]
    assert api.headers["retry-after"] == "5"
    assert page.status_code == 503 and "Server busy" in page.text
    assert page.headers["retry-after"] == "5" and page.headers["content-type"].startswith(
        "text/html")
    assert health.status_code == 503 and "busy" in health.json()["detail"]
    assert web.get("/api/items").status_code == 200  # connections back: answered at once


def test_requests_let_in_at_once_are_the_pool_size(sqlite_url: str) -> None:
    assert admission_capacity(engine_for(sqlite_url)) == SQLITE_POOL


class Gate:
    """An ASGI app whose requests wait until `open` is set (a slow archive query)."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.inside = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        await self.open.wait()
        await PlainTextResponse("done")(scope, receive, send)


def busy(scope: Scope) -> Response:
    return PlainTextResponse("busy", 503, headers={"Retry-After": "5"})


def client(app: Admission) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


def test_the_queue_waits_its_turn_then_sheds_with_retry_after() -> None:
    async def run() -> None:
        gate = Gate()
        app = Admission(gate, capacity=2, wait_s=0.3, busy=busy)
        async with client(app) as c:
            inside = [asyncio.create_task(c.get("/x")) for _ in range(2)]
            await asyncio.sleep(0.05)
            shed = await c.get("/x")  # waited its bounded turn: no slot came free
            assert shed.status_code == 503 and shed.headers["retry-after"] == "5"
            assert gate.inside == 2  # it never reached the app
            queued = asyncio.create_task(c.get("/x"))
            await asyncio.sleep(0.05)
            gate.open.set()  # the load stops: the queued request goes in at once
            assert [r.status_code for r in await asyncio.gather(*inside, queued)] == [200] * 3
            assert (await c.get("/x")).status_code == 200
            assert app.queue().waiting == 0

    asyncio.run(run())


def test_a_full_queue_refuses_newcomers_at_once_and_static_files_skip_it() -> None:
    async def run() -> None:
        gate = Gate()
        app = Admission(gate, capacity=1, wait_s=60, busy=busy, max_waiting=1)
        async with client(app) as c:
            held = asyncio.create_task(c.get("/x"))
            waiting = asyncio.create_task(c.get("/x"))
            await asyncio.sleep(0.05)
            refused = await c.get("/x")  # not after 60 s: at once
            assert refused.status_code == 503 and not waiting.done()
            static = asyncio.create_task(c.get("/static/style.css"))
            await asyncio.sleep(0.05)
            assert gate.inside == 2  # the held request and the static file: no queue for it
            gate.open.set()
            assert [r.status_code for r in await asyncio.gather(held, waiting, static)] == [
                200, 200, 200]

    asyncio.run(run())


def test_a_negative_queue_wait_is_refused_at_start(sqlite_url: str) -> None:
    with pytest.raises(ConfigError, match="COOPWATCH_WEB_QUEUE_S must be 0 or more"):
        create_app(load_config({"COOPWATCH_DATABASE_URL": sqlite_url, "COOPWATCH_CONFIG": "",
                                "COOPWATCH_WEB_QUEUE_S": "-1"}))
