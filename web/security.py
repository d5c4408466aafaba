"""Security of the web app: a strict Content-Security-Policy (and friends) on every response,
and the token check guarding its one write, the on-demand crawl (API and "crawl now" form).

The pages run no script and load nothing from elsewhere, so the policy allows only our own
stylesheet and forms — on every path: there is no /docs page (web.app).
Settings: COOPWATCH_API_TOKEN (empty: on-demand crawls are off).
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.config import Config

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
           "X-Frame-Options": "DENY"}


class SecurityHeaders:
    """ASGI middleware: CSP, nosniff, no framing, on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def check_token(cfg: Config, supplied: str | None) -> None:
    """Raise the HTTPException that refuses `supplied`: 403 when no token is configured, 401
    when it is missing or wrong. Compared in constant time."""
    expected = str(cfg["COOPWATCH_API_TOKEN"] or "")
    if not expected:
        raise HTTPException(403, "on-demand crawls are off: set COOPWATCH_API_TOKEN on the "
                                 "server to allow them")
    challenge = {"WWW-Authenticate": "Bearer"}
    if not supplied:
        raise HTTPException(401, "this needs the API token (COOPWATCH_API_TOKEN): send "
                                 "`Authorization: Bearer TOKEN`", headers=challenge)
    if not hmac.compare_digest(supplied.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(401, "wrong API token", headers=challenge)


bearer = HTTPBearer(auto_error=False, description="The server's COOPWATCH_API_TOKEN")


def require_token(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Dependency of the API's writes: `Authorization: Bearer TOKEN`."""
    check_token(request.app.state.cfg, credentials.credentials if credentials else None)
