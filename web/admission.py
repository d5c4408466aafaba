"""Admission to the web app: at most `capacity` requests inside it at once — as many as its
database pool keeps connections — while the rest wait their turn here, on the event loop. A
request that has not got in after COOPWATCH_WEB_QUEUE_S, or that finds MAX_WAITING requests
already waiting, is answered at once by `busy` (503 with Retry-After).

Why (issue 13): a request's session holds a pool connection from its first query to its end,
and the handlers run in AnyIO's 40 worker threads. Let in more requests than the pool has
connections and the surplus threads wait on the pool: a wait that ends after 30 s in an error,
while the requests queued behind them grow. Waiting here holds no thread and no connection,
is first come first served, and is bounded; when the load stops, the queue is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import anyio
from anyio.lowlevel import RunVar
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

MAX_WAITING = 500  # past this, a newcomer would wait longer than anyone should: refuse at once


@dataclass
class _Queue:
    slots: anyio.Semaphore
    waiting: int = 0


class Admission:
    """ASGI middleware: the bounded, fair queue in front of the app (`exempt` paths skip it:
    static files touch no database)."""

    def __init__(self, app: ASGIApp, capacity: int, wait_s: float,
                 busy: Callable[[Scope], Response], max_waiting: int = MAX_WAITING,
                 exempt: tuple[str, ...] = ("/static/",)) -> None:
        self.app, self.capacity, self.wait_s, self.busy = app, capacity, wait_s, busy
        self.max_waiting, self.exempt = max_waiting, exempt
        # One queue per event loop: a semaphore belongs to the loop it was made in, and an app
        # may be served by more than one in its life (tests, `serve --get`).
        self._queue: RunVar[_Queue] = RunVar(f"coopwatch_admission_{id(self)}")

    def queue(self) -> _Queue:
        try:
            return self._queue.get()
        except LookupError:
            queue = _Queue(anyio.Semaphore(self.capacity, fast_acquire=True))
            self._queue.set(queue)
            return queue

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        queue = self.queue()
        if queue.waiting >= self.max_waiting:
            await self.busy(scope)(scope, receive, send)
            return
        queue.waiting += 1
        try:
            with anyio.move_on_after(self.wait_s) as turn:
                await queue.slots.acquire()
        finally:
            queue.waiting -= 1
        if turn.cancelled_caught:  # the acquire was cancelled: no slot is held
            await self.busy(scope)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            queue.slots.release()
