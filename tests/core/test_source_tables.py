"""`[sources.NAME]` tables (issue 17 point 1): the built-ins are tables too, a user's table is
merged onto a built-in of its name or adds a source, and every bad table is one line naming
the file, the source and the key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, Self

import pytest
from scrapy import Spider
from scrapy.settings import Settings

from core.config import ConfigError, load_config
from core.sources import (
    BUILTIN_FILE,
    CONFIGURED_PAGES,
    CONFIGURED_SPIDER,
    SOURCES,
    Source,
    build,
    checked_sources,
    enabled_sources,
    registry,
)
from crawler.spiderloader import RegistrySpiderLoader

UNODC = {"title": "UNODC press releases", "speaks_for": "other",
         "start_urls": ["https://www.unodc.org/unodc/en/press/allpress.html"]}


def config(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "coopwatch.toml"
    path.write_text(text, encoding="utf-8")
    return {"COOPWATCH_CONFIG": str(path)}


def test_the_builtins_are_tables_of_the_shipped_file() -> None:
    assert BUILTIN_FILE.name == "builtin_sources.toml" and list(SOURCES) == ["osce", "interpol"]
    osce = SOURCES["osce"]
    assert (osce.title, osce.speaks_for, osce.timezone, osce.home) == (
        "OSCE newsroom", "osce", "Europe/Vienna", "https://www.osce.org")
    assert osce.builtin and osce.enabled and osce.alerts and osce.interval_minutes is None
    assert osce.allowed_domains == ("www.osce.org",) and osce.start_urls == ()
    assert osce.is_article_url("https://www.osce.org/secretariat/123456")
    assert SOURCES["interpol"].entry_points["feed"] == "/en/News-and-Events/News/rss"


def test_the_issue_table_is_a_configured_source(tmp_path: Path) -> None:
    cfg = load_config(config(tmp_path, """
[sources.unodc]
title = "UNODC press releases"
speaks_for = "other"
start_urls = ["https://www.unodc.org/unodc/en/press/allpress.html"]
allowed_domains = ["www.unodc.org"]
article_url_pattern = "/press/releases/"
interval_minutes = 60
enabled = true
"""))
    unodc = registry(cfg)["unodc"]
    assert list(registry(cfg)) == ["osce", "interpol", "unodc"]
    assert unodc == Source(
        "unodc", "UNODC press releases", "https://www.unodc.org", "other", "UTC",
        re.compile(""), spider=CONFIGURED_SPIDER, pages=CONFIGURED_PAGES,
        start_urls=("https://www.unodc.org/unodc/en/press/allpress.html",),
        allowed_domains=("www.unodc.org",), article_url_pattern=re.compile("/press/releases/"),
        interval_minutes=60.0, enabled=True, alerts=False, builtin=False)
    assert unodc.is_article_url("https://www.unodc.org/unodc/press/releases/2024/x.html")
    assert not unodc.is_article_url("https://www.unodc.org/unodc/en/about.html")


def test_defaults_of_a_configured_source() -> None:
    source = build({"unodc": {**UNODC, "start_urls": ["https://a.example/news",
                                                      "http://b.example:8080/feed.xml"]}})["unodc"]
    assert source.allowed_domains == ("a.example", "b.example")
    assert (source.alerts, source.enabled, source.timezone, source.interval_minutes,
            source.article_url_pattern) == (False, True, "UTC", None, None)
    assert build({"unodc": {**UNODC, "alerts": True, "timezone": "Europe/Vienna",
                            "check_every_min": 30, "daily_requests": 12}})["unodc"] == \
        Source("unodc", UNODC["title"], "https://www.unodc.org", "other", "Europe/Vienna",
               re.compile(""), spider=CONFIGURED_SPIDER, pages=CONFIGURED_PAGES,
               start_urls=tuple(UNODC["start_urls"]), allowed_domains=("www.unodc.org",),
               interval_minutes=30.0, daily_requests=12.0, alerts=True, builtin=False)


def test_a_users_table_merges_onto_a_builtin() -> None:
    sources = build({"osce": {"enabled": False, "interval_minutes": 15},
                     "interpol": {"alerts": False, "title": "INTERPOL"}})
    assert sources["osce"].enabled is False and sources["osce"].interval_minutes == 15
    assert sources["osce"].spider == SOURCES["osce"].spider and sources["osce"].builtin
    assert (sources["interpol"].alerts, sources["interpol"].title) == (False, "INTERPOL")
    assert sources["interpol"].timezone == "Europe/Paris"


@pytest.mark.parametrize(("tables", "line"), [
    ({"unodc": {**UNODC, "start_urls": ["ftp://x"]}},
     "[sources.unodc] start_urls: 'ftp://x' is not an http(s) URL"),
    ({"unodc": {**UNODC, "start_urls": ["https:///path-only"]}},
     "[sources.unodc] start_urls: 'https:///path-only' is not an http(s) URL"),
    ({"unodc": {**UNODC, "start_urls": []}},
     "[sources.unodc] start_urls: empty: give at least one URL"),
    ({"unodc": {**UNODC, "start_urls": "https://www.unodc.org/"}},
     "[sources.unodc] start_urls: 'https://www.unodc.org/' is not a list of URLs"),
    ({"unodc": {**UNODC, "feed": "x"}},
     "[sources.unodc] feed: unknown key (use alerts, allowed_domains, article_url_pattern, "
     "check_every_min, daily_requests, enabled, interval_minutes, speaks_for, start_urls, "
     "timezone, title)"),
    ({"unodc": {**UNODC, "article_url_pattern": "/press/(releases"}},
     "[sources.unodc] article_url_pattern: '/press/(releases' does not compile: missing ), "
     "unterminated subpattern at position 7"),
    ({"unodc": {**UNODC, "speaks_for": "unodc"}},
     "[sources.unodc] speaks_for: 'unodc' is not one of osce, interpol, other"),
    ({"unodc": {k: v for k, v in UNODC.items() if k != "title"}},
     "[sources.unodc] title: missing (required for a source that is not built in)"),
    ({"unodc": {k: v for k, v in UNODC.items() if k != "speaks_for"}},
     "[sources.unodc] speaks_for: missing (required for a source that is not built in)"),
    ({"unodc": {k: v for k, v in UNODC.items() if k != "start_urls"}},
     "[sources.unodc] start_urls: missing (required for a source that is not built in)"),
    ({"unodc": {**UNODC, "enabled": "yes"}}, "[sources.unodc] enabled: 'yes' is not true or false"),
    ({"unodc": {**UNODC, "alerts": 1}}, "[sources.unodc] alerts: 1 is not true or false"),
    ({"unodc": {**UNODC, "interval_minutes": "60"}},
     "[sources.unodc] interval_minutes: '60' is not a number of minutes"),
    ({"unodc": {**UNODC, "interval_minutes": 0}},
     "[sources.unodc] interval_minutes: 0 is not a number of minutes above 0"),
    ({"unodc": {**UNODC, "interval_minutes": 5, "check_every_min": 5}},
     "[sources.unodc] check_every_min: the older name of interval_minutes: give one"),
    ({"unodc": {**UNODC, "title": 3}}, "[sources.unodc] title: 3 is not a text"),
    ({"unodc": {**UNODC, "allowed_domains": ["https://www.unodc.org/"]}},
     "[sources.unodc] allowed_domains: 'https://www.unodc.org/' is not a host name "
     "(no scheme, port or path)"),
    ({"unodc": {**UNODC, "timezone": "Vienna"}},
     "[sources.unodc] timezone: 'Vienna' is not an IANA time zone (e.g. Europe/Vienna)"),
    ({"osce": {"spider": "mine:Spider"}},
     "[sources.osce] spider: set only by coopwatch's built-in sources"),
    ({"unodc": {**UNODC, "pages": "mine"}},
     "[sources.unodc] pages: set only by coopwatch's built-in sources"),
    ({"osce": {"start_urls": ["https://www.osce.org/"]}},
     "[sources.osce] start_urls: cannot be changed for a built-in source (its spider knows its "
     "pages): add a source of another name"),
    ({"unodc": UNODC, "UNODC": UNODC},
     "[sources.UNODC] and [sources.unodc] name one source: give each source one lower-case "
     "name"),
    ({"OSCE": {"enabled": False}},
     "[sources.OSCE] and [sources.osce] name one source: give each source one lower-case name"),
    ({"all": UNODC}, "[sources.all]: a source name is 1-32 lower-case letters, digits, - or _, "
                     "starting with a letter, and not all, generic, search"),
    ({"search": UNODC}, "[sources.search]: a source name is 1-32 lower-case letters, digits, - "
                        "or _, starting with a letter, and not all, generic, search"),
    ({"x" * 33: UNODC}, f"[sources.{'x' * 33}]: a source name is 1-32 lower-case letters, "
                        "digits, - or _, starting with a letter, and not all, generic, search"),
    ({"unodc": "on"}, "sources.unodc must be a table ([sources.unodc])"),
])
def test_a_bad_table_is_one_line_naming_file_source_and_key(tables: dict[str, Any],
                                                            line: str) -> None:
    with pytest.raises(ConfigError) as err:
        build(tables, "coopwatch.toml")
    assert str(err.value) == f"coopwatch.toml: {line}"


def test_two_tables_of_one_name_in_the_file_are_refused(tmp_path: Path) -> None:
    env = config(tmp_path, "[sources.unodc]\ntitle = 'a'\n[sources.unodc]\ntitle = 'b'\n")
    with pytest.raises(ConfigError, match=r"coopwatch.toml is not valid TOML: Cannot declare "
                                          r"\('sources', 'unodc'\) twice"):
        load_config(env)


def test_the_registry_names_the_config_file(tmp_path: Path) -> None:
    env = config(tmp_path, "[sources.unodc]\ntitle = 'x'\n")
    with pytest.raises(ConfigError) as err:
        registry(load_config(env))
    assert str(err.value) == (f"{env['COOPWATCH_CONFIG']}: [sources.unodc] speaks_for: missing "
                              "(required for a source that is not built in)")


def test_the_process_registry_is_read_once_per_config_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = config(tmp_path, "[sources.osce]\nenabled = false\n")
    monkeypatch.setenv("COOPWATCH_CONFIG", env["COOPWATCH_CONFIG"])
    first = registry()
    assert first["osce"].enabled is False and registry() is first
    monkeypatch.delenv("COOPWATCH_CONFIG")
    assert registry()["osce"].enabled is True


def test_the_monitor_checks_every_enabled_source(tmp_path: Path) -> None:
    env = config(tmp_path, "[sources.osce]\nenabled = false\n"
                           "[sources.unodc]\ntitle = 'U'\nspeaks_for = 'other'\n"
                           "start_urls = ['https://www.unodc.org/']\n")
    cfg = load_config(env)
    assert list(enabled_sources(cfg)) == ["interpol", "unodc"]
    assert checked_sources(cfg) == ["interpol", "unodc"]
    with pytest.raises(ConfigError) as err:
        checked_sources(load_config({**env, "COOPWATCH_CHECK_SOURCES": "osce unodc"}))
    assert str(err.value) == ("COOPWATCH_CHECK_SOURCES names unknown or disabled source(s) osce "
                              "(osce: enabled = false): use all or interpol unodc")


class TinySpider(Spider):
    """Stands for crawler.spiders.configured:ConfiguredSpider: one class for many sources."""

    source: ClassVar[Source]

    @classmethod
    def bind(cls, source: Source) -> type[Self]:
        return type(f"{cls.__name__}_{source.name}", (cls,), {"name": source.name,
                                                               "source": source})


def test_the_spider_loader_binds_a_configured_sources_class() -> None:
    sources = build({"unodc": UNODC, "osce": {"alerts": False}})
    unodc = Source(**{**vars(sources["unodc"]), "spider": f"{__name__}:TinySpider"})
    loader = RegistrySpiderLoader({"unodc": unodc, "osce": sources["osce"]})
    bound = loader.load("unodc")
    assert issubclass(bound, TinySpider) and bound.name == "unodc"
    assert bound.source is unodc  # type: ignore[attr-defined]
    changed = loader.load("osce")
    assert changed.name == "osce" and changed.source.alerts is False  # type: ignore[attr-defined]
    assert RegistrySpiderLoader.from_settings(Settings()).load("osce").source is SOURCES["osce"]  # type: ignore[attr-defined]


def test_scrapys_loader_lists_enabled_sources_and_stops_on_a_bad_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = config(tmp_path, "[sources.osce]\nenabled = false\n")
    monkeypatch.setenv("COOPWATCH_CONFIG", env["COOPWATCH_CONFIG"])
    assert RegistrySpiderLoader.from_settings(Settings()).list() == ["interpol"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[sources.osce]\nspeaks_for = 'interpol'\n")
    monkeypatch.setenv("COOPWATCH_CONFIG", str(bad))
    with pytest.raises(SystemExit) as exited:
        RegistrySpiderLoader.from_settings(Settings())
    assert str(exited.value) == (f"coopwatch: {bad}: [sources.osce] speaks_for: cannot be "
                                 "changed for a built-in source (its spider knows its pages): "
                                 "add a source of another name")
