"""Run the replica on a free 127.0.0.1 port in a background thread, and drive any replica
(this one, or one in another process) through its HTTP control endpoints.

    with serve_replica() as replica:
        url = replica.publish("osce", title="OSCE and INTERPOL …", fault="latin1")
        replica.set_fault("interpol", "429")
        requests_seen = replica.stats()["requests"]
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from replica.app import create_app
from replica.state import ReplicaState

STARTUP_TIMEOUT_S = 10.0
CONTROL_TIMEOUT_S = 10.0


class ReplicaError(RuntimeError):
    """A control request failed; the message carries the replica's own explanation."""


class ReplicaHandle:
    """A client of a replica's control endpoints; `base_url` is "http://127.0.0.1:PORT"."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def url(self, path: str) -> str:
        return self.base_url + path

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None,
              ) -> dict[str, Any]:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.url(path), data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=CONTROL_TIMEOUT_S) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            raise ReplicaError(f"{method} {path}: {err.code} {err.read().decode()}") from err

    def publish(self, site: str, **fields: Any) -> str:
        """Publish an item (title=…, body=…, date="YYYY-MM-DD", place=…, fault=…); it is listed
        first. Returns its absolute URL."""
        return self._call("POST", "/_replica/publish", {"site": site, **fields})["url"]

    def set_fault(self, site: str, kind: str | None, seconds: float | None = None) -> None:
        """kind: "500", "429", "429_bad_retry_after", "403", "slow", "offsite_redirect",
        "redesign", "redesigned_listing" or None (healthy)."""
        self._call("POST", "/_replica/fault", {"site": site, "kind": kind, "seconds": seconds})

    def set_discovery(self, site: str, *, feed_link: bool | None = None,
                      sitemap: bool | None = None) -> None:
        """Serve or withdraw what a redesigned listing's discovery falls back on."""
        self._call("POST", "/_replica/discovery",
                   {"site": site, "feed_link": feed_link, "sitemap": sitemap})

    def set_rss(self, enabled: bool, broken: bool = False) -> None:
        self._call("POST", "/_replica/rss", {"enabled": enabled, "broken": broken})

    def reset(self) -> None:
        self._call("POST", "/_replica/reset", {})

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/_replica/stats")

    def items(self, site: str) -> list[dict[str, Any]]:
        """Every item `site` serves now, newest first, as Item.expected() records it."""
        return self._call("GET", f"/_replica/items?site={site}")["items"]


def free_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A bound socket; binding port 0 lets the OS pick a free port with no race."""
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only then; without it every response on a
    # kept-alive connection waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


@contextmanager
def serve_replica(port: int = 0, state: ReplicaState | None = None) -> Iterator[ReplicaHandle]:
    """Serve the replica on 127.0.0.1 until the block ends; port 0 picks a free port."""
    sock = free_socket(port=port)
    config = uvicorn.Config(create_app(state), log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="coopwatch-replica", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise ReplicaError("the replica server did not start")
        time.sleep(0.01)
    try:
        yield ReplicaHandle(f"http://127.0.0.1:{sock.getsockname()[1]}")
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_S)
        sock.close()
