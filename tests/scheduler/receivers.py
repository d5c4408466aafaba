"""Real receivers on 127.0.0.1: an SMTP server (aiosmtpd), a webhook endpoint and a WebSub
hub's publish endpoint.

A module of its own (not conftest), so tests import it by a name no other directory uses."""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def text_of(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    return ""


@dataclass
class Mailbox:
    """Mail accepted by the local SMTP server; `refuse` makes it answer 451 (try later)."""

    port: int
    messages: list[Message] = field(default_factory=list)
    refuse: bool = False

    @property
    def url(self) -> str:
        return (f"mailto://127.0.0.1:{self.port}?from=coopwatch@example.org"
                "&to=ops@example.org")

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return "451 4.3.0 mailbox temporarily unavailable"
        assert isinstance(envelope.content, bytes)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, count: int, timeout_s: float = 30) -> list[Message]:
        return _wait(lambda: len(self.messages) >= count, timeout_s, self.messages)


@dataclass
class Webhook:
    """JSON posts received; `status` is what it answers, `delay_s` how long it takes."""

    port: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)  # answered 2xx
    refused: int = 0
    status: int = 200
    delay_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"

    def wait_for(self, count: int, timeout_s: float = 30) -> list[dict[str, Any]]:
        return _wait(lambda: len(self.calls) >= count, timeout_s, self.calls)


@dataclass
class Hub:
    """A WebSub hub's publish endpoint: form posts it accepted (`status` 2xx), refused count."""

    port: int = 0
    published: list[dict[str, list[str]]] = field(default_factory=list)
    refused: int = 0
    status: int = 204
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hub"

    def topics(self) -> list[str]:
        """hub.url of every accepted publish ping, in order."""
        with self.lock:
            return [url for form in self.published for url in form.get("hub.url", [])]


def _wait(done: Any, timeout_s: float, result: Any) -> Any:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s; have {len(result)}")
        time.sleep(0.05)
    return result


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """A threaded HTTP server for `handler` on a free 127.0.0.1 port; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(hook.delay_s)
            with hook.lock:
                if 200 <= hook.status < 300:
                    hook.calls.append(data | {"path": self.path})
                else:
                    hook.refused += 1
            self.send_response(hook.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    with serving(Handler) as hook.port:
        yield hook


@pytest.fixture
def hub() -> Iterator[Hub]:
    receiver = Hub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = parse_qs(self.rfile.read(length).decode("ascii"), strict_parsing=True)
            assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
            with receiver.lock:
                if 200 <= receiver.status < 300:
                    receiver.published.append(form)
                else:
                    receiver.refused += 1
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    with serving(Handler) as receiver.port:
        yield receiver
