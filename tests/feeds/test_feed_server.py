"""A real uvicorn server on a free local port, run the way the daemon runs it: as a task in
the caller's asyncio loop, stopped with `should_exit`."""

from __future__ import annotations

import asyncio
import signal
import socket

import httpx
import pytest
from feed_helpers import config_for, parse_valid

from storage.db import session_scope
from storage.seed import import_seeds
from web.server import make_server


@pytest.mark.slow
def test_embedded_server_serves_feeds_and_stops_cleanly(sqlite_url: str) -> None:
    with session_scope(sqlite_url) as session:
        import_seeds(session)
    cfg = config_for(sqlite_url)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]

    async def run() -> None:
        handler_before = signal.getsignal(signal.SIGINT)  # asyncio.run's own, here
        server = make_server(cfg, "127.0.0.1", port)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.01)
        assert server.started
        # The daemon's signal handlers stay in place while the feed server runs.
        assert signal.getsignal(signal.SIGINT) is handler_before
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            first = await client.get("/feeds/all.rss")
            assert first.status_code == 200
            assert len(parse_valid(first.content).entries) == 3
            again = await client.get("/feeds/all.rss",
                                     headers={"If-None-Match": first.headers["etag"]})
            assert again.status_code == 304
            assert (await client.get("/healthz")).json()["status"] == "ok"
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)

    asyncio.run(run())
    sock.close()
    with socket.socket() as probe:  # the port is free again
        probe.bind(("127.0.0.1", port))
