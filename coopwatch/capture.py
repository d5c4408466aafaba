"""Capture pages as page-object fixtures: fetch, keep the bytes as served, draft expected.json.

The bytes are stored exactly as the server sent them, with the response headers in meta.json,
so decoding (header charset, then <meta charset>) can be redone and checked; expected.json is
drafted from what the page objects read at capture time, for a person to review
(crawler/pages/fixtures.py describes the format). Fetching uses the standard library, our
User-Agent (COOPWATCH_USER_AGENT), a timeout and a 2 MB size cap.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from crawler.pages.dispatch import site_module
from crawler.pages.fixtures import KINDS, Case, dump, extract

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_S = 30.0
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class CaptureError(Exception):
    """One URL could not be captured; the message is one line saying why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, *, user_agent: str, timeout_s: float = TIMEOUT_S,
          max_bytes: int = MAX_BYTES) -> Fetched:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent,
                                                   "Accept": "text/html,application/xml,*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise CaptureError(f"{url}: larger than the {max_bytes // 1024 // 1024} MB cap")
            headers = {k.lower(): v for k, v in response.headers.items()}
            return Fetched(response.url, response.status, headers, body)
    except urllib.error.HTTPError as err:
        raise CaptureError(f"{url}: HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        raise CaptureError(f"{url}: {err.reason}") from err
    except (TimeoutError, OSError) as err:
        raise CaptureError(f"{url}: {err}") from err


def origin_of(url: str) -> str:
    return "replica" if (urlsplit(url).hostname or "") in LOCAL_HOSTS else "live"


def case_name(kind: str, url: str) -> str:
    """article_secretariat-441257, listing_press-releases-page-2 …"""
    parts = urlsplit(url)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{parts.path} {parts.query}").strip("-").lower()
    return f"{kind}_{slug[:80].rstrip('-') or 'home'}"


def capture(source: str, url: str, *, out_dir: Path, kind: str, user_agent: str,
            name: str | None = None, force: bool = False) -> Path:
    """Write one case folder and return it; CaptureError if the page could not be fetched or
    the case exists (and not `force`)."""
    if kind not in KINDS:
        raise CaptureError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    try:
        site_module(source)
    except ValueError as err:
        raise CaptureError(str(err)) from err
    case_dir = out_dir / source / (name or case_name(kind, url))
    if (case_dir / "expected.json").exists() and not force:
        raise CaptureError(f"{url}: {case_dir} exists (reviewed?); pass --force to replace it")
    fetched = fetch(url, user_agent=user_agent)
    case_dir.mkdir(parents=True, exist_ok=True)
    (case_dir / "input.html").write_bytes(fetched.body)
    meta = {"url": fetched.url, "captured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "origin": origin_of(fetched.url), "source": source, "kind": kind,
            "status": fetched.status, "headers": fetched.headers}
    (case_dir / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
    (case_dir / "expected.json").write_text(dump(extract(Case(case_dir, meta))),
                                            encoding="utf-8")
    return case_dir
