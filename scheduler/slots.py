"""Crawl slots: at most COOPWATCH_MAX_PARALLEL_CRAWLS crawls at once in the monitor, and at
most one per host, so two sources on one site never crawl it together (each crawl is polite
on its own — one request at a time per site — but two crawls would double the load).

A check that finds no free slot waits for one, in its own thread (the monitor gives check
jobs an executor with a thread per source, so a waiting check never holds up the alert or
WebSub passes, and never one of another host). Waiting checks are served first come, first
served: when a slot frees, the earliest waiter that can start (its hosts free) starts, so a
check waits at most for the checks queued before it. Waiting is not a run: nothing is
recorded until the crawl starts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.config import Config, ConfigError
from core.sources import Source, base_url_for

logger = logging.getLogger(__name__)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class SlotsClosed(RuntimeError):
    """The monitor is stopping: a check still waiting for a slot does not start."""


def hosts_of(source: Source, cfg: Config) -> frozenset[str]:
    """The hosts a crawl of `source` talks to: its start URLs' (configured sources) or its
    home's (built-ins) — or COOPWATCH_BASE_URL's for a built-in, when set, since its crawl then
    goes there (core.sources.base_url_for).
    A host is the URL's host name with any port but the scheme's own (two replicas on two
    ports are two hosts)."""
    base = base_url_for(source, cfg["COOPWATCH_BASE_URL"] or None)
    urls = [base] if base else (source.start_urls or (source.home,))
    return frozenset(_host(url) for url in urls)


def _host(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port if parts.port != _DEFAULT_PORTS.get(parts.scheme) else None
    return f"{parts.hostname or ''}{f':{port}' if port else ''}"


def max_parallel(cfg: Config) -> int:
    limit = cfg.get_int("COOPWATCH_MAX_PARALLEL_CRAWLS")
    if limit < 1:
        raise ConfigError(f"COOPWATCH_MAX_PARALLEL_CRAWLS must be 1 or more, got {limit}")
    return limit


@dataclass(eq=False)
class _Waiter:
    name: str
    hosts: frozenset[str]


class CrawlSlots:
    """`limit` crawls at once, one per host; see the module."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._cond = threading.Condition()
        self._held: dict[str, frozenset[str]] = {}  # running crawl -> its hosts
        self._waiting: list[_Waiter] = []  # in order of arrival
        self._closed = False

    def _may_start(self, waiter: _Waiter) -> bool:
        """Whether `waiter` is among those a first-come-first-served hand-out of the free
        slots would start now (earlier waiters whose hosts are free go first)."""
        taken = set().union(*self._held.values())
        count = len(self._held)
        for other in self._waiting:
            if count >= self.limit:
                return False
            if other.hosts.isdisjoint(taken):
                if other is waiter:
                    return True
                taken |= other.hosts
                count += 1
        return False

    def _why_waiting(self, waiter: _Waiter) -> str:
        same_host = sorted(n for n, hosts in self._held.items() if hosts & waiter.hosts)
        if same_host:
            return f"its host is being crawled for {', '.join(same_host)}"
        if len(self._held) >= self.limit:
            return (f"{len(self._held)} crawl(s) running, as many as "
                    "COOPWATCH_MAX_PARALLEL_CRAWLS allows")
        return "checks queued before it go first"

    @contextmanager
    def claim(self, name: str, hosts: frozenset[str]) -> Iterator[None]:
        """Hold a slot for the crawl of `name` (waiting for one); raises SlotsClosed when the
        monitor stops while it waits."""
        waiter = _Waiter(name, hosts)
        with self._cond:
            self._waiting.append(waiter)
            try:
                if not self._closed and not self._may_start(waiter):
                    logger.info("Check of %(source)s waits for a crawl slot: %(why)s",
                                {"source": name, "why": self._why_waiting(waiter)})
                while not self._closed and not self._may_start(waiter):
                    self._cond.wait()
                if self._closed:
                    raise SlotsClosed(f"the monitor is stopping: the check of {name} did not "
                                      "start")
                self._held[name] = hosts
            finally:
                self._waiting.remove(waiter)
                self._cond.notify_all()  # the queue changed: a later waiter may start now
        try:
            yield
        finally:
            with self._cond:
                del self._held[name]
                self._cond.notify_all()

    def close(self) -> None:
        """No check starts any more; the waiting ones raise SlotsClosed."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def open(self, limit: int) -> None:
        """Start handing out slots again, `limit` at once (a monitor started in this process)."""
        with self._cond:
            self.limit, self._closed = limit, False
