"""Write the feeds as static files for nginx or object storage (`coopwatch feed build`).

The layout mirrors the server's URLs — `index.html` and `feeds/{all,osce,interpol}.{atom,rss}`
— so each feed's rel="self" (COOPWATCH_PUBLIC_URL + /feeds/…) is where the file is served.
Files are replaced atomically: a web server never sends a half-written feed.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session

from core.config import Config
from feeds.build import build_feed
from feeds.index import index_html
from feeds.queries import source_titles
from feeds.spec import FORMATS, public_base_url, standard_feeds
from feeds.websub import websub_for


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_static(session: Session, cfg: Config, out_dir: Path) -> list[dict[str, object]]:
    """Write every standard feed in both formats and the index; returns what was written."""
    feeds = standard_feeds(cfg)
    base = public_base_url(cfg)
    websub = websub_for(cfg)
    written: list[dict[str, object]] = []
    for spec in feeds.values():
        for fmt in FORMATS:
            data = build_feed(session, spec, fmt, base, websub)
            path = out_dir / spec.path(fmt).lstrip("/")
            _write(path, data)
            written.append({"path": str(path), "url": base + spec.path(fmt), "bytes": len(data)})
    page = index_html(feeds, source_titles(session), search=False).encode("utf-8")
    _write(out_dir / "index.html", page)
    written.append({"path": str(out_dir / "index.html"), "url": f"{base}/", "bytes": len(page)})
    return written
