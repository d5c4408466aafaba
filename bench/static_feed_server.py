"""The feed-load baseline: the same server stack as `coopwatch serve` (uvicorn, its default
logging with an access log line per request) answering from memory — a fixed feed document with
a fixed ETag, and 304 when If-None-Match matches — so the difference is coopwatch's own work
per request (queries, validators, rendering).

    python bench/static_feed_server.py FEED_FILE ETAG PORT
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import uvicorn


def make_app(body: bytes, etag: str) -> Any:
    headers = [(b"etag", etag.encode()), (b"cache-control", b"public, max-age=900")]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        inm = dict(scope["headers"]).get(b"if-none-match", b"").decode()
        if inm == etag:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            *headers, (b"content-type", b"application/atom+xml; charset=utf-8")]})
        await send({"type": "http.response.body", "body": body})

    return app


def main(argv: list[str]) -> int:
    feed_file, etag, port = argv
    uvicorn.run(make_app(Path(feed_file).read_bytes(), etag), host="127.0.0.1", port=int(port))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
