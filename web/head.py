"""HEAD wherever GET is answered (uptime checkers and `curl -I` use HEAD; FastAPI's routes
answer only the methods they list, so HEAD got 405).

The request goes through the app as a GET and the body is dropped on the way out: status and
headers — Content-Length, ETag, Last-Modified, Cache-Control — are exactly GET's, and so is
what the request costs. A path with no GET still answers 405 to HEAD.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI middleware: HEAD answered as GET without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, send_headers_only)
