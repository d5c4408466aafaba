"""HTTP behaviour shared by every replica page: conditional GET, per-site faults, counting.

Every page response carries a strong ETag (a hash of its bytes) and Last-Modified; a matching
If-None-Match, or (without one) an If-Modified-Since no older than Last-Modified, gets a 304
with no body (RFC 9110 §13.1.1-2: If-None-Match wins over If-Modified-Since).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from replica.markup import Page
from replica.state import ReplicaState

OFFSITE = "http://offsite.invalid"
CONTROL_PREFIX = "/_replica/"


def _etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    # If-None-Match uses the weak comparison: W/"x" matches "x".
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def _not_modified_since(header: str, page: Page) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored, as RFC 9110 §13.1.3 says
    return since.tzinfo is not None and page.last_modified.replace(microsecond=0) <= since


def conditional(request: Request, page: Page, status: int = 200) -> Response:
    body = page.encoded()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Last-Modified": format_datetime(page.last_modified, usegmt=True)}
    inm, ims = request.headers.get("if-none-match"), request.headers.get("if-modified-since")
    if status == 200 and (_etag_matches(inm, etag) if inm is not None
                          else ims is not None and _not_modified_since(ims, page)):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, headers={**headers,
                                                       "Content-Type": page.content_type})


def fault_response(request: Request, kind: str) -> Response | None:
    """The answer a faulty site gives instead of its page (None: serve the page)."""
    if kind == "500":
        return PlainTextResponse("Internal Server Error", status_code=500)
    if kind == "429":
        return PlainTextResponse("Too Many Requests", status_code=429,
                                 headers={"Retry-After": "1"})
    if kind == "429_bad_retry_after":  # a date no calendar has: the client must not crash
        return PlainTextResponse("Too Many Requests", status_code=429,
                                 headers={"Retry-After": "Mon, 01 Jan 99999999999 00:00:00 GMT"})
    if kind == "403":  # what a web application firewall tells a client it does not trust
        return PlainTextResponse("Access Denied", status_code=403)
    if kind == "offsite_redirect":
        return RedirectResponse(OFFSITE + request.url.path, status_code=302)
    return None


async def site_page(request: Request, site: str,
                    render: Callable[[bool], Page | None]) -> Response:
    """Serve one page of a site, honouring that site's fault; render(redesigned) may return
    None for "no such page"."""
    state: ReplicaState = request.app.state.replica
    kind = state.faults[site]
    if kind == "slow":
        await asyncio.sleep(state.slow_s)
    elif kind and (faulty := fault_response(request, kind)):
        return faulty
    page = render(kind == "redesign")
    if page is None:
        return PlainTextResponse("Page not found", status_code=404)
    return conditional(request, page)


class CountRequests:
    """ASGI middleware: count each request by target (path and query), status and User-Agent,
    so tests can see what a crawl fetched and who asked. Control endpoints are not counted."""

    def __init__(self, app: ASGIApp, state: ReplicaState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        target = scope["path"] + (f"?{query}" if query else "")
        agent = dict(scope["headers"]).get(b"user-agent", b"").decode("latin-1")

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.state.record(target, message["status"], agent)
            await send(message)

        await self.app(scope, receive, counting_send)
