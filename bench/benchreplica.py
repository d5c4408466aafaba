"""A replica with a generated catalogue of N items for the crawl benchmarks, served on a
free local port, and a proxy that counts what a crawl asks of it.

Nothing here asserts a time.
"""

from __future__ import annotations

import contextlib
import random
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from benchdata import CITIES, corpus, generated_text
from benchlib import wait_until

# --- a replica with a generated catalogue ----------------------------------------------------

def replica_state(total: int, seed: int = 7) -> Any:
    """A ReplicaState whose two sites hold `total` articles together (about half each): the
    base catalogue plus generated items, published oldest first so listings stay newest first.
    """
    from replica.inventory import catalogue
    from replica.state import ReplicaState

    state = ReplicaState()
    rng = random.Random(seed)
    c = corpus()
    start = date(2011, 1, 1)
    for site in ("osce", "interpol"):
        extra = max(0, total // 2 - len(catalogue(site)))
        templates = [i for i in catalogue(site) if i.published]
        for n in range(extra):
            t = rng.choice(templates)
            place = rng.choice(CITIES)
            title, body = generated_text(rng, c, n, place, paragraphs=2, base_title=t.title)
            body = "\n".join([t.paragraphs[0], body])
            day = start + timedelta(days=n * 5000 // max(extra, 1))
            fields: dict[str, Any] = {
                "site": site, "title": title, "body": body, "date": day.isoformat(),
                "place": place.upper() if site == "osce" else f"{place.upper()}, Country",
                "relevance": t.relevance, "tags": list(t.tags), "summary": t.summary,
                "content_type": t.content_type or None, "with_meta": n % 2 == 0}
            if site == "osce":
                fields |= {"section": t.section, "layout": "2025" if n % 3 else "2023"}
            state.publish(fields)
    return state


@contextlib.contextmanager
def serve_replica(state: Any) -> Iterator[Any]:
    """replica.server.serve_replica, but on a socket made with IPPROTO_TCP.

    serve_replica binds `socket.socket(AF_INET, SOCK_STREAM)`, whose proto is 0; asyncio sets
    TCP_NODELAY only on sockets whose proto is IPPROTO_TCP, so every response on a kept-alive
    connection waits ~40 ms for a delayed ACK (Nagle). That would add the same 40 ms to every
    page of both crawls and hide the cost being measured."""
    import threading

    import uvicorn

    from replica.app import create_app
    from replica.server import ReplicaHandle

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(state), log_level="warning",
                                           lifespan="off", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until("the replica started", lambda: server.started or not thread.is_alive(), 10)
        if not server.started:
            raise RuntimeError("the replica server did not start")
        yield ReplicaHandle(f"http://127.0.0.1:{sock.getsockname()[1]}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class CountingProxy:
    """A TCP relay on 127.0.0.1 that counts the bytes each way: what a crawl costs on the wire
    (Scrapy's own downloader/response_bytes counts a 304 as the cached page it stands for)."""

    def __init__(self, upstream_port: int) -> None:
        import asyncio
        import threading

        self.upstream_port = upstream_port
        self.sent = 0  # client -> server (requests)
        self.received = 0  # server -> client (responses)
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        import asyncio

        asyncio.set_event_loop(self.loop)

        async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       up: bool) -> None:
            try:
                while data := await reader.read(65536):
                    if up:
                        self.sent += len(data)
                    else:
                        self.received += len(data)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            await asyncio.gather(pump(reader, up_writer, True), pump(up_reader, writer, False))

        async def start() -> None:
            self.server = await asyncio.start_server(handle, "127.0.0.1", 0)
            self.port = self.server.sockets[0].getsockname()[1]
            self._ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def counts(self) -> tuple[int, int, int]:
        return self.sent, self.received, self.connections

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)


def site_counts(state: Any) -> dict[str, int]:
    return {site: len(state.items(site)) for site in ("osce", "interpol")}
