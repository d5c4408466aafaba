"""Conditional GET (RFC 9110 §13): decide a 304 from request headers and the feed's validators,
and the caching headers every feed response carries.

Options: COOPWATCH_CHECK_EVERY_MIN, or under the adaptive schedule COOPWATCH_MIN_CHECK_EVERY_MIN
— max-age is half the (shortest) crawl interval, so a cached copy is at most half a crawl
behind the archive, and a reader polling at the crawl rate revalidates (a cheap 304) rather
than re-downloading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.config import Config

_ENTITY_TAG = re.compile(r'(?:W/)?"[^"]*"')
# Stored timestamps (first_seen_at, updated_at) are taken before their transaction commits, so
# a change can become visible with a time slightly in the past — and HTTP dates drop the
# sub-second part. A Last-Modified is therefore only sent, and If-Modified-Since only honoured,
# once the newest change is this old: no later commit can then hide behind a date a reader
# already holds (RFC 9110 §8.8.2.2: a date is a strong validator only if safely in the past).
# The ETag has no such gap: it is built from counts and ids, which change on commit.
SETTLED_S = 60


def http_date(value: datetime) -> str:
    """IMF-fixdate, e.g. `Thu, 05 Dec 2019 00:00:00 GMT`."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    """The date of an If-Modified-Since value, or None if it is not a valid HTTP-date."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison against a list of entity tags, or `*` (RFC 9110 §13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == ours for tag in _ENTITY_TAG.findall(if_none_match))


def settled(last_modified: datetime | None, now: datetime | None = None) -> datetime | None:
    """`last_modified` if it is old enough to serve as a validator, else None."""
    now = now or datetime.now(UTC)
    if last_modified is None or (now - last_modified).total_seconds() < SETTLED_S:
        return None
    return last_modified


def is_not_modified(headers: Mapping[str, str], etag: str,
                    last_modified: datetime | None, now: datetime | None = None) -> bool:
    """True when a GET/HEAD may be answered 304. If-None-Match, when present, decides alone;
    If-Modified-Since is then ignored (RFC 9110 §13.1.3), as is an invalid date."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    since = parse_http_date(headers.get("if-modified-since") or "")
    last_modified = settled(last_modified, now)
    if since is None or last_modified is None:
        return False
    # HTTP dates have whole seconds: compare what we sent (Last-Modified) with what came back.
    return last_modified.replace(microsecond=0) <= since


def shortest_check_min(cfg: Config) -> float:
    """Minutes between two checks at the busiest: the fixed interval, when one is set."""
    fixed = cfg["COOPWATCH_CHECK_EVERY_MIN"]
    return cfg.get_float("COOPWATCH_CHECK_EVERY_MIN" if fixed not in ("", None)
                         else "COOPWATCH_MIN_CHECK_EVERY_MIN")


def cache_headers(etag: str, last_modified: datetime | None, check_every_min: float,
                  now: datetime | None = None) -> dict[str, str]:
    """ETag, Cache-Control and, once settled, Last-Modified."""
    max_age = int(check_every_min * 60 // 2)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if (date := settled(last_modified, now)) is not None:
        headers["Last-Modified"] = http_date(date)
    return headers
