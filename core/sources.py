"""The registry: the two organisations whose co-operation is watched, and the watched sources.

One definition per source. Everything else derives from it: the CLI's and the crawl entry's
choices, `scrapy list` (crawler.spiderloader), relevance's organisation names, storage's and
the web's list of sources, the monitor's default check list, the page objects a dispatcher
picks, the spiders' discovery entry points and the adaptive schedule's time zone.

A Source is plain data naming its code by import path (never importing it), so the ground
floor imports no stage and a source could be described by a `[sources.NAME]` table of the
config file as well as here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

from core.config import Config, ConfigError


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
    enabled: bool = True  # checked by the monitor, crawlable, listed
    alerts: bool = True  # new items raise alerts (configured sources opt in)
    builtin: bool = True  # defined by coopwatch (may still be changed by a table)

    def is_article_path(self, path: str) -> bool:
        return bool(self.article_path.match(path))

    def is_article_url(self, url: str) -> bool:
        """Whether a link (absolute URL) is one of this source's articles."""
        if self.article_url_pattern is not None:
            return bool(self.article_url_pattern.search(url))
        return self.is_article_path(urlsplit(url).path)


SOURCES: Mapping[str, Source] = MappingProxyType({
    "osce": Source(
        "osce", "OSCE newsroom", "https://www.osce.org", "osce", "Europe/Vienna",
        # /<section-slug>/<node id>, /node/<node id>
        re.compile(r"^/[a-z][a-z0-9-]*/\d+/?$"),
        spider="crawler.spiders.osce:OsceSpider", pages="crawler.pages.osce",
        entry_points=MappingProxyType({"keyword": "/press-releases/interpol?page=0",
                                       "main": "/press-releases?page=0"})),
    "interpol": Source(
        "interpol", "INTERPOL news", "https://www.interpol.int", "interpol",
        "Europe/Paris",  # Lyon keeps Paris time
        # /en/News-and-Events/News/<YYYY>/<Slug> (2019 site, also without a language prefix)
        # and /en/News-and-media/News/<YYYY>/<code> (the old site)
        re.compile(r"^(?:/[a-z]{2})?/News-and-(?:Events|media)/News/\d{4}/[^/?#]+/?$"),
        spider="crawler.spiders.interpol:InterpolSpider", pages="crawler.pages.interpol",
        entry_points=MappingProxyType({"feed": "/en/News-and-Events/News/rss",
                                       "listing": "/en/News-and-Events/News"})),
})



def checked_sources(cfg: Config) -> list[str]:
    """The sources the monitor checks: COOPWATCH_CHECK_SOURCES, where "all" is the registry."""
    names = cfg.get_list("COOPWATCH_CHECK_SOURCES")
    if names == ["all"]:
        return list(SOURCES)
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise ConfigError(f"COOPWATCH_CHECK_SOURCES names unknown source(s) "
                          f"{', '.join(unknown)}: use all or {' '.join(SOURCES)}")
    return names
