"""What a feed holds: `FeedSpec`, the standard feeds (combined + one per organisation) and the
saved-search feed, validated here so a bad query string is refused before any work is done.

Options: COOPWATCH_FEED_SIZE (entries per feed), COOPWATCH_FEED_LEVELS (levels of the combined
and per-source feeds, and the default levels of a search feed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from core.article import LEVELS
from core.config import Config, ConfigError
from core.sources import enabled_sources, registry
from storage.search import MAX_LIMIT, BadQuery, QuerySyntax, parse_terms

FeedKind = Literal["combined", "source", "search"]
Format = Literal["atom", "rss"]
FORMATS: tuple[Format, ...] = ("atom", "rss")
MEDIA_TYPES: dict[str, str] = {"atom": "application/atom+xml; charset=utf-8",
                               "rss": "application/rss+xml; charset=utf-8"}
MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class FeedSpec:
    kind: FeedKind
    name: str  # the URL stem: /feeds/{name}.atom
    source: str | None = None
    levels: tuple[str, ...] = ("primary", "secondary")
    query: str | None = None
    size: int = 50

    def path(self, fmt: Format) -> str:
        """The feed's path on the server (and under `feed build --out`), query string included."""
        path = f"/feeds/{self.name}.{fmt}"
        if self.kind != "search":
            return path
        params = [("q", self.query)] if self.query else []
        params += [("source", self.source)] if self.source else []
        params += [("level", level) for level in self.levels]
        return f"{path}?{urlencode(params)}" if params else path


def public_base_url(cfg: Config) -> str:
    """COOPWATCH_PUBLIC_URL, or the server's own address (http://HOST:PORT)."""
    url = str(cfg["COOPWATCH_PUBLIC_URL"]) or (
        f"http://{cfg['COOPWATCH_HOST']}:{cfg.get_int('COOPWATCH_PORT')}")
    return url.rstrip("/")


def _levels(values: list[str], what: str) -> tuple[str, ...]:
    """Known levels in canonical order, from repeated and/or comma-separated values."""
    asked = {v.strip() for value in values for v in value.replace(",", " ").split()}
    if unknown := sorted(asked - set(LEVELS)):
        raise BadQuery(f"unknown level {', '.join(unknown)} in {what}: use {', '.join(LEVELS)}")
    return tuple(lv for lv in LEVELS if lv in asked)


def feed_defaults(cfg: Config) -> tuple[tuple[str, ...], int]:
    """(levels, size) of the standard feeds, checked once so a typo fails at start-up."""
    try:
        levels = _levels(cfg.get_list("COOPWATCH_FEED_LEVELS"), "COOPWATCH_FEED_LEVELS")
    except BadQuery as err:
        raise ConfigError(str(err)) from err
    if not levels:
        raise ConfigError(f"COOPWATCH_FEED_LEVELS needs at least one level: {', '.join(LEVELS)}")
    size = cfg.get_int("COOPWATCH_FEED_SIZE")
    if not 1 <= size <= MAX_LIMIT:
        raise ConfigError(f"COOPWATCH_FEED_SIZE must be between 1 and {MAX_LIMIT}, got {size}")
    return levels, size


def standard_feeds(cfg: Config) -> dict[str, FeedSpec]:
    """`all` (one entry per story, every source) and one feed per enabled source."""
    levels, size = feed_defaults(cfg)
    feeds = {"all": FeedSpec("combined", "all", levels=levels, size=size)}
    for name in enabled_sources(cfg):
        feeds[name] = FeedSpec("source", name, source=name, levels=levels, size=size)
    return feeds


def check_source(source: str | None, cfg: Config) -> None:
    """BadQuery (a 400) naming the known sources, unless `source` is one or None. A disabled
    source is known: its items stay in the archive, searchable."""
    known = registry(cfg)
    if source is not None and source not in known:
        raise BadQuery(f"unknown source {source!r}: use {' or '.join(known)}")


def search_feed(cfg: Config, q: str | None, source: str | None,
                levels: list[str]) -> FeedSpec:
    """The saved-search feed for a query string; BadQuery (a 400) says what to fix."""
    default_levels, size = feed_defaults(cfg)
    source = source or None  # `?source=` means any source
    text = (q or "").strip() or None
    if text is not None:
        if len(text) > MAX_QUERY_CHARS:
            raise BadQuery(f"q is {len(text)} characters long; keep it under {MAX_QUERY_CHARS}")
        if any(ord(c) < 32 and c not in "\t\n\r" for c in text):  # NUL breaks PostgreSQL
            raise BadQuery("q contains control characters; search words or \"phrases\"")
        parse_terms(text)  # the same rules search() applies, checked before the 304 shortcut
    check_source(source, cfg)
    chosen = _levels(levels, "level") if levels else default_levels
    if not chosen:
        raise BadQuery(f"level is empty: use {', '.join(LEVELS)}")
    return FeedSpec("search", "search", source=source, levels=chosen, query=text, size=size)


def web_message(err: BadQuery) -> str:
    """What a bad query is told on the web: in the terms of the API and pages (no CLI flags)."""
    return err.plain if isinstance(err, QuerySyntax) else str(err)


# The hub the feeds link and the URL they name themselves under (feeds.websub builds it from
# the config); here, beside FeedSpec, so building a feed needs nothing of feeds.websub.
@dataclass(frozen=True)
class WebSub:
    hub: str
    public_url: str  # no trailing slash; topic = public_url + FeedSpec.path(fmt)

    def topic(self, spec: FeedSpec, fmt: Format) -> str:
        return self.public_url + spec.path(fmt)
