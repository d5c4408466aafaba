"""HEAD wherever GET is answered (issue 13: uptime checkers use HEAD and got 405): the same
status and headers as GET, no body — through the app and through a real server."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from core.config import load_config
from web.server import make_server

PATHS = ["/", "/?q=border", "/healthz", "/api/items", "/api/items?q=border", "/api/items/1",
         "/api/stories/1", "/api/sources", "/api/runs", "/items/1", "/stories/1", "/sources",
         "/metrics", "/feeds/all.atom", "/feeds/osce.rss", "/openapi.json", "/static/style.css",
         "/items/999", "/api/items/999"]
SAME = ("content-type", "content-length", "etag", "last-modified", "cache-control",
        "content-security-policy")


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_as_get_without_a_body(web: TestClient, path: str) -> None:
    get, head = web.get(path), web.head(path)
    assert head.status_code == get.status_code != 405, path
    assert head.content == b""
    for name in SAME:
        assert head.headers.get(name) == get.headers.get(name), (path, name)


def test_head_on_a_path_without_get_is_still_405(web: TestClient) -> None:
    assert web.head("/sources/osce/crawl").status_code == 405


@pytest.mark.slow
def test_head_through_a_real_server(sqlite_url: str) -> None:
    cfg = load_config({"COOPWATCH_DATABASE_URL": sqlite_url, "COOPWATCH_CONFIG": ""})
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = make_server(cfg)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with httpx.Client(base_url=base, timeout=10) as client:
            for path in ("/", "/healthz", "/api/items", "/metrics", "/feeds/all.atom"):
                get, head = client.get(path), client.head(path)
                assert head.status_code == get.status_code == 200, path
                assert head.content == b""
                assert head.headers["content-length"] == get.headers["content-length"], path
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
