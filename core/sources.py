"""The registry: the two organisations whose co-operation is watched, and the watched sources.

One definition per source. Everything else derives from it: the CLI's and the crawl entry's
choices, `scrapy list` (crawler.spiderloader), relevance's organisation names, storage's and
the web's list of sources, the monitor's check list and schedule, the page objects a
dispatcher picks, the spiders' discovery entry points, feeds and alerts.

A source is a `[sources.NAME]` table. The built-ins are tables of builtin_sources.toml in this
package; the config file (COOPWATCH_CONFIG) adds tables of its own and may change a built-in by
naming it (its keys are merged onto the built-in's). `registry(cfg)` reads both and validates
every table: one bad key is a ConfigError naming the file, the source and the key, so no
command starts on a half-understood configuration. A Source is plain data naming its code by
import path (never importing it), so the ground floor imports no stage.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.config import Config, ConfigError, load_config


@dataclass(frozen=True)
class Organisation:
    name: str  # "osce" | "interpol": what relevance's `of` and a source's speaks_for name
    display: str  # in titles and messages: "OSCE"
    published_by: str  # in a sentence: "published by the OSCE"


ORGANISATIONS: Mapping[str, Organisation] = MappingProxyType({
    "osce": Organisation("osce", "OSCE", "the OSCE"),
    "interpol": Organisation("interpol", "INTERPOL", "INTERPOL"),
})


def other_organisation(name: str) -> str:
    """The organisation a co-operation item of `name`'s newsroom is about besides itself."""
    return next(o for o in ORGANISATIONS if o != name)


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    home: str  # scheme + host of the real site; `--base-url` replaces it
    speaks_for: str  # the organisation whose newsroom it is (ORGANISATIONS)
    # Where its newsroom works: the adaptive schedule learns publishing hours in this zone, so
    # "weekdays 9-17" stays one pattern across daylight saving time.
    timezone: str
    # The path of an article page (osce.md, interpol.md): how discovery tells the site's own
    # news items from everything else linked on a listing or listed in a sitemap.
    article_path: re.Pattern[str]
    spider: str  # "module:Class" of its Scrapy spider
    pages: str  # module of its page objects (ARTICLE_PAGE, LISTING_PAGE, FEED, PAGE_OBJECTS)
    # Where discovery starts, by role (paths on `home`); the spider says how roles are used.
    entry_points: Mapping[str, str] = field(default_factory=dict)
    # A source from a `[sources.NAME]` table of the config file (issue 17). Built-ins leave
    # start_urls empty: their spiders know their entry points.
    start_urls: tuple[str, ...] = ()  # each a feed, a sitemap (index) or a listing page
    allowed_domains: tuple[str, ...] = ()  # default: the hosts of start_urls (or of home)
    # Searched (re.search) in a link's absolute URL: which links on a listing are articles.
    # None: any same-site link the generic listing reading takes for an article.
    article_url_pattern: re.Pattern[str] | None = None
    interval_minutes: float | None = None  # fixed check interval; None: adaptive schedule
    daily_requests: float | None = None  # adaptive schedule's budget; None: the global option
    enabled: bool = True  # checked by the monitor, crawlable, listed
    alerts: bool = True  # new items raise alerts (configured sources opt in)
    builtin: bool = True  # defined by coopwatch (may still be changed by a table)

    def entry_urls(self) -> tuple[str, ...]:
        """Where its crawl starts: a configured source's start_urls, a built-in's entry
        points on its home."""
        return self.start_urls or tuple(self.home + p for p in self.entry_points.values())

    def is_article_path(self, path: str) -> bool:
        return bool(self.article_path.match(path))

    def is_article_url(self, url: str) -> bool:
        """Whether a link (absolute URL) is one of this source's articles."""
        if self.article_url_pattern is not None:
            return bool(self.article_url_pattern.search(url))
        return self.is_article_path(urlsplit(url).path)


BUILTIN_FILE = Path(__file__).with_name("builtin_sources.toml")
CONFIGURED_SPIDER = "crawler.spiders.configured:ConfiguredSpider"
CONFIGURED_PAGES = "crawler.pages.configured"
SPEAKS_FOR = (*ORGANISATIONS, "other")  # "other": a third party, whose items must name both
NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")  # the archive's source.name is String(32)
# `coopwatch crawl all`, COOPWATCH_CHECK_SOURCES=all; the feeds /feeds/all.atom and
# /feeds/search.atom sit beside each source's /feeds/NAME.atom; `coopwatch extract --source
# generic` is the generic layer alone
RESERVED = frozenset({"all", "search", "generic"})

# What a `[sources.NAME]` table of the config file may say. check_every_min is the older name
# of interval_minutes (one concept: a fixed check interval in minutes), kept so existing
# configs go on working; a table gives one or the other.
PUBLIC_KEYS = frozenset({"title", "speaks_for", "start_urls", "allowed_domains",
                         "article_url_pattern", "interval_minutes", "check_every_min",
                         "daily_requests", "enabled", "alerts", "timezone"})
# Keys a built-in's spider has no use for: it finds its own pages from home and entry points,
# so accepting them would silently change nothing.
FIXED_FOR_BUILTINS = frozenset({"speaks_for", "start_urls", "allowed_domains",
                                "article_url_pattern"})
# Keys only builtin_sources.toml sets: they name code.
CODE_KEYS = frozenset({"home", "article_path", "spider", "pages", "entry_points"})


class _Table:
    """One `[sources.NAME]` table being read: every complaint names the file, source and key."""

    def __init__(self, file: str, name: str, table: Mapping[str, Any]) -> None:
        self.file, self.name, self.table = file, name, table

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.file}: [sources.{self.name}] {key}: {problem}")

    def get(self, key: str, kind: type | tuple[type, ...], what: str, default: Any = None) -> Any:
        if key not in self.table:
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int to Python, never a number to a user
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.error(key, f"{value!r} is not {what}")
        return value

    def required(self, key: str, kind: type, what: str) -> Any:
        if key not in self.table:
            raise self.error(key, "missing (required for a source that is not built in)")
        return self.get(key, kind, what)

    def positive(self, key: str, what: str) -> float | None:
        value = self.get(key, (int, float), what)
        if value is not None and not (math.isfinite(value) and value > 0):
            raise self.error(key, f"{value!r} is not {what} above 0")
        return None if value is None else float(value)

    def urls(self) -> tuple[str, ...]:
        urls = self.required("start_urls", list, "a list of URLs")
        if not urls:
            raise self.error("start_urls", "empty: give at least one URL")
        for url in urls:
            parts = urlsplit(url) if isinstance(url, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
                raise self.error("start_urls", f"{url!r} is not an http(s) URL")
        return tuple(urls)

    def hosts(self, start_urls: tuple[str, ...]) -> tuple[str, ...]:
        default = list(dict.fromkeys(urlsplit(u).hostname for u in start_urls))
        hosts = self.get("allowed_domains", list, "a list of host names", default)
        for host in hosts:
            if not isinstance(host, str) or not re.fullmatch(r"[A-Za-z0-9.-]+", host):
                raise self.error("allowed_domains", f"{host!r} is not a host name "
                                                    "(no scheme, port or path)")
        return tuple(hosts)

    def pattern(self, key: str) -> re.Pattern[str] | None:
        text = self.get(key, str, "a regular expression")
        try:
            return None if text is None else re.compile(text)
        except re.error as err:
            raise self.error(key, f"{text!r} does not compile: {err}") from err

    def timezone(self, default: str) -> str:
        zone = self.get("timezone", str, "a time zone name", default)
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise self.error("timezone", f"{zone!r} is not an IANA time zone "
                                         "(e.g. Europe/Vienna)") from err
        return zone

    def interval(self) -> float | None:
        if "interval_minutes" in self.table and "check_every_min" in self.table:
            raise self.error("check_every_min", "the older name of interval_minutes: give one")
        return self.positive("interval_minutes", "a number of minutes") or \
            self.positive("check_every_min", "a number of minutes")

    def switches(self, alerts: bool) -> dict[str, Any]:
        """The keys every source may set, as Source fields; `alerts` is the default."""
        return {"interval_minutes": self.interval(),
                "daily_requests": self.positive("daily_requests", "a number of checks"),
                "enabled": self.get("enabled", bool, "true or false", True),
                "alerts": self.get("alerts", bool, "true or false", alerts)}


def _builtin(table: _Table) -> Source:
    """A built-in from builtin_sources.toml, with the user's table already merged onto it."""
    t = table.table
    return Source(
        table.name, table.get("title", str, "a text"), t["home"], t["speaks_for"],
        table.timezone("UTC"), re.compile(t["article_path"]), spider=t["spider"],
        pages=t["pages"], entry_points=MappingProxyType(dict(t["entry_points"])),
        allowed_domains=(urlsplit(t["home"]).hostname or "",),
        builtin=True, **table.switches(alerts=True))


def _configured(table: _Table) -> Source:
    speaks_for = table.required("speaks_for", str, "a text")
    if speaks_for not in SPEAKS_FOR:
        raise table.error("speaks_for", f"{speaks_for!r} is not one of {', '.join(SPEAKS_FOR)}")
    title = table.required("title", str, "a text")
    if not title.strip():
        raise table.error("title", "empty")
    start_urls = table.urls()
    first = urlsplit(start_urls[0])
    return Source(
        table.name, title, f"{first.scheme}://{first.netloc}", speaks_for,
        table.timezone("UTC"),
        # No article path: the pattern, or the generic listing reading, tells articles apart.
        re.compile(""), spider=CONFIGURED_SPIDER, pages=CONFIGURED_PAGES,
        start_urls=start_urls, allowed_domains=table.hosts(start_urls),
        article_url_pattern=table.pattern("article_url_pattern"),
        builtin=False, **table.switches(alerts=False))  # alerts are opt-in


@cache
def _builtin_tables() -> Mapping[str, Mapping[str, Any]]:
    with BUILTIN_FILE.open("rb") as f:
        return MappingProxyType(tomllib.load(f)["sources"])


def build(tables: Mapping[str, Any], file: str = "the config file") -> Mapping[str, Source]:
    """The built-ins with `tables` (the config file's `[sources]`, from `file`) applied."""
    builtins = _builtin_tables()
    seen: dict[str, str] = {name.lower(): name for name in builtins}
    for name in tables:
        if seen.setdefault(name.lower(), name) != name:
            raise ConfigError(f"{file}: [sources.{name}] and [sources.{seen[name.lower()]}] "
                              "name one source: give each source one lower-case name")
    out: dict[str, Source] = {}
    for name, user in tables.items():
        if not isinstance(user, dict):
            raise ConfigError(f"{file}: sources.{name} must be a table ([sources.{name}])")
        if name in RESERVED or not NAME.fullmatch(name):
            raise ConfigError(f"{file}: [sources.{name}]: a source name is 1-32 lower-case "
                              "letters, digits, - or _, starting with a letter, and not "
                              f"{', '.join(sorted(RESERVED))}")
        table = _Table(file, name, user)
        for key in user:
            if key in CODE_KEYS:
                raise table.error(key, "set only by coopwatch's built-in sources")
            if key not in PUBLIC_KEYS:
                raise table.error(key, f"unknown key (use {', '.join(sorted(PUBLIC_KEYS))})")
            if name in builtins and key in FIXED_FOR_BUILTINS:
                raise table.error(key, "cannot be changed for a built-in source (its spider "
                                       "knows its pages): add a source of another name")
        out[name] = _builtin(_Table(file, name, {**builtins[name], **user})) \
            if name in builtins else _configured(table)
    return MappingProxyType({**{n: out.get(n) or _builtin(_Table(str(BUILTIN_FILE), n, t))
                                for n, t in builtins.items()},
                             **{n: s for n, s in out.items() if n not in builtins}})


# The built-in sources as coopwatch defines them, whatever the config file says: for code that
# must not depend on configuration (a spider class's default, the replica's sites). What is
# watched, and how, is registry(cfg).
SOURCES: Mapping[str, Source] = build({}, str(BUILTIN_FILE))


@cache
def _registry_of(config_path: str) -> Mapping[str, Source]:
    # keyed by the file: a process (or test) that points COOPWATCH_CONFIG elsewhere reads that
    return registry(load_config())


def registry(cfg: Config | None = None) -> Mapping[str, Source]:
    """Every source, enabled or not: the built-ins and the config file's `[sources.NAME]`
    tables. Without `cfg`, the process's configuration (read once per COOPWATCH_CONFIG)."""
    if cfg is None:
        return _registry_of(os.environ.get("COOPWATCH_CONFIG", ""))
    return build(cfg.table("sources"), str(cfg.values.get("COOPWATCH_CONFIG") or
                                           "the config file"))


def enabled_sources(cfg: Config | None = None) -> Mapping[str, Source]:
    """The sources to crawl, list and publish: those not switched off with enabled = false."""
    return MappingProxyType({n: s for n, s in registry(cfg).items() if s.enabled})


def source_named(name: str, cfg: Config | None = None) -> Source:
    """An enabled source by name, or a ConfigError that says what the names are."""
    sources = registry(cfg)
    if name not in sources:
        raise ConfigError(f"no source {name!r}: use {' or '.join(enabled_sources(cfg))}")
    if not sources[name].enabled:
        raise ConfigError(f"source {name!r} is disabled (enabled = false in its "
                          "[sources.NAME] table)")
    return sources[name]

def base_url_for(source: Source, base_url: str | None) -> str | None:
    """The host to crawl a source from instead of its site (--base-url, COOPWATCH_BASE_URL):
    only a built-in's spider knows its site's paths to find them on another host; a
    configured source always crawls its own start_urls."""
    return base_url if source.builtin else None


def checked_sources(cfg: Config) -> list[str]:
    """The sources the monitor checks: COOPWATCH_CHECK_SOURCES, where "all" is every enabled
    source of the registry; naming a disabled or unknown source is an error."""
    names = cfg.get_list("COOPWATCH_CHECK_SOURCES")
    enabled = enabled_sources(cfg)
    if names == ["all"]:
        return list(enabled)
    unknown = [n for n in names if n not in enabled]
    if unknown:
        disabled = [n for n in unknown if n in registry(cfg)]
        why = f" ({', '.join(disabled)}: enabled = false)" if disabled else ""
        raise ConfigError(f"COOPWATCH_CHECK_SOURCES names unknown or disabled source(s) "
                          f"{', '.join(unknown)}{why}: use all or {' '.join(enabled)}")
    return names
