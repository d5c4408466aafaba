"""The source registry (core.sources): one definition per source, and what derives from it."""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from scrapy.settings import Settings

from core.config import ConfigError, load_config
from core.sources import ORGANISATIONS, SOURCES, checked_sources, other_organisation
from crawler.run import parse_args
from crawler.spiderloader import RegistrySpiderLoader
from relevance import load_rules


@pytest.mark.parametrize("name", list(SOURCES))
def test_each_source_names_code_that_exists(name: str) -> None:
    source = SOURCES[name]
    spider = RegistrySpiderLoader.from_settings(Settings()).load(name)
    assert spider.name == name and spider.source is source  # type: ignore[attr-defined]
    pages = import_module(source.pages)
    assert {"ARTICLE_PAGE", "LISTING_PAGE", "PAGE_OBJECTS"} <= set(vars(pages))
    assert source.speaks_for in ORGANISATIONS
    assert re.fullmatch(r"https://[a-z0-9.-]+", source.home)
    assert ZoneInfo(source.timezone)
    assert source.entry_points and all(p.startswith("/") for p in source.entry_points.values())


def test_the_spider_loader_lists_the_registry() -> None:
    loader = RegistrySpiderLoader.from_settings(Settings())
    assert loader.list() == list(SOURCES)
    with pytest.raises(KeyError, match="Spider not found: nowhere"):
        loader.load("nowhere")


def test_the_crawl_entry_takes_only_registry_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_args([next(iter(SOURCES))]).source == next(iter(SOURCES))
    with pytest.raises(SystemExit):
        parse_args(["nowhere"])
    assert "invalid choice: 'nowhere'" in capsys.readouterr().err


def test_a_bad_source_table_stops_the_crawl_entry_with_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "coopwatch.toml"
    config.write_text("[sources.osce]\nspider = 'x:Y'\n")
    monkeypatch.setenv("COOPWATCH_CONFIG", str(config))
    with pytest.raises(SystemExit) as exited:
        parse_args(["osce"])
    assert exited.value.code != 0
    assert f"{config}: [sources.osce] spider: set only by coopwatch's built-in sources" in \
        capsys.readouterr().err


def test_relevance_knows_who_publishes_each_source() -> None:
    rules = load_rules({})
    assert {name: rules.sources[name] for name in SOURCES} == {
        name: s.speaks_for for name, s in SOURCES.items()}
    assert {other_organisation(o) for o in ORGANISATIONS} == set(ORGANISATIONS)


def test_the_monitor_checks_every_source_by_default() -> None:
    assert checked_sources(load_config({})) == list(SOURCES)
    assert checked_sources(load_config({"COOPWATCH_CHECK_SOURCES": "osce"})) == ["osce"]


def test_an_unknown_checked_source_is_one_clear_error() -> None:
    with pytest.raises(ConfigError) as err:
        checked_sources(load_config({"COOPWATCH_CHECK_SOURCES": "osce nowhere"}))
    assert str(err.value) == ("COOPWATCH_CHECK_SOURCES names unknown or disabled source(s) "
                              f"nowhere: use all or {' '.join(SOURCES)}")
