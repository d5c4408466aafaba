"""A configured source appears wherever a built-in does (issue 17 point 2's wiring): its
archive row, its own feed and its place in the combined one, relevance by whom it speaks for,
/api/sources and the sources page, the on-demand crawl; a removed source's items stay."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.article import Article, Level
from core.config import Config, load_config
from core.sources import registry
from feeds.static import write_static
from relevance import classify_article, load_rules
from storage.batch import upsert_article
from storage.db import session_scope
from storage.models import Source
from storage.search import SearchQuery, search
from storage.source_rows import ensure_source, forget_checks
from storage.views import registry_rows
from web.app import create_app

SOURCES_TOML = """
[sources.unodc]
title = "UNODC press releases"
speaks_for = "other"
start_urls = ["https://www.unodc.org/unodc/en/press/allpress.html"]

[sources.bmsc]
title = "OSCE Border Management Staff College"
speaks_for = "osce"
start_urls = ["https://www.oscebmsc.org/en/news"]
interval_minutes = 30
alerts = true

[sources.old]
title = "A source switched off"
speaks_for = "other"
start_urls = ["https://old.example/news"]
enabled = false
"""
JOINT = ("UNODC hosts OSCE and INTERPOL for joint border security training",
         "The OSCE and INTERPOL today signed a joint action plan with UNODC to train border "
         "guards in the use of INTERPOL databases.")


def cfg_with(tmp_path: Path, url: str, text: str = SOURCES_TOML, **extra: str) -> Config:
    path = tmp_path / "coopwatch.toml"
    path.write_text(text, encoding="utf-8")
    return load_config({"COOPWATCH_CONFIG": str(path), "COOPWATCH_DATABASE_URL": url,
                        "COOPWATCH_DATA_DIR": str(tmp_path / "data")} | extra)


def store(url: str, cfg: Config, source: str, title: str, body: str) -> int:
    rules = load_rules(cfg.table("relevance"), registry(cfg))
    host = registry(cfg)[source].allowed_domains[0]
    article = Article(source=source, url=f"https://{host}/news/{abs(hash(title))}", title=title,
                      body=body, published_at=datetime(2025, 5, 6, tzinfo=UTC))
    article.relevance = classify_article(article, rules)
    with session_scope(url) as session:
        ensure_source(session, registry(cfg)[source])
        return upsert_article(session, article).item.id


def test_a_configured_sources_row_is_made_and_kept_up_to_date(migrated_url: str,
                                                              tmp_path: Path) -> None:
    cfg = cfg_with(tmp_path, migrated_url)
    with session_scope(migrated_url) as session:
        ensure_source(session, registry(cfg)["unodc"])
        osce_title = ensure_source(session, registry(cfg)["osce"]).title
    renamed = cfg_with(tmp_path, migrated_url,
                       SOURCES_TOML.replace("UNODC press releases", "UNODC news"))
    with session_scope(migrated_url) as session:
        ensure_source(session, registry(renamed)["unodc"])
    with session_scope(migrated_url) as session:
        row = session.get_one(Source, "unodc")
        assert (row.title, row.home_url, row.health_state) == (
            "UNODC news", "https://www.unodc.org", "unknown")
        assert session.get_one(Source, "osce").title == osce_title  # the migration's row


def test_relevance_reads_whom_a_configured_source_speaks_for(tmp_path: Path) -> None:
    cfg = cfg_with(tmp_path, "sqlite://")
    rules = load_rules({}, registry(cfg))
    only_interpol = ("INTERPOL trains border guards", "INTERPOL signed a joint action plan "
                     "with border guards to train them in the use of INTERPOL databases.")
    # the OSCE's own college: naming INTERPOL is enough, as for the OSCE newsroom
    bmsc = classify_article(Article(source="bmsc", url="https://www.oscebmsc.org/en/news/1",
                                    title=only_interpol[0], body=only_interpol[1]), rules)
    assert bmsc.level is not Level.NONE
    # a third party must name both organisations
    third = classify_article(Article(source="unodc", url="https://www.unodc.org/1",
                                     title=only_interpol[0], body=only_interpol[1]), rules)
    assert third.level is Level.NONE
    assert "source 'unodc' is not one organisation's, so both must be named" in \
        third.reasons[-1]["detail"]
    both = classify_article(Article(source="unodc", url="https://www.unodc.org/2",
                                    title=JOINT[0], body=JOINT[1]), rules)
    assert both.level is Level.PRIMARY


def test_each_enabled_source_has_its_feed_and_the_combined_feed_has_all(
        migrated_url: str, tmp_path: Path) -> None:
    cfg = cfg_with(tmp_path, migrated_url)
    store(migrated_url, cfg, "unodc", *JOINT)
    out = tmp_path / "site"
    with session_scope(migrated_url) as session:
        write_static(session, cfg, out)
    assert sorted(p.name for p in (out / "feeds").glob("*.atom")) == [
        "all.atom", "bmsc.atom", "interpol.atom", "osce.atom", "unodc.atom"]
    assert JOINT[0] in (out / "feeds" / "unodc.atom").read_text()
    assert JOINT[0] in (out / "feeds" / "all.atom").read_text()
    assert JOINT[0] not in (out / "feeds" / "osce.atom").read_text()
    assert 'value="unodc"' not in (out / "index.html").read_text()  # no search form offline
    assert "unodc.atom" in (out / "index.html").read_text()


def test_api_and_pages_show_configured_sources(migrated_url: str, tmp_path: Path) -> None:
    cfg = cfg_with(tmp_path, migrated_url, COOPWATCH_API_TOKEN="t0ken")
    with TestClient(create_app(cfg)) as client:
        rows = {r["source"]: r for r in client.get("/api/sources").json()}
        assert list(rows) == ["bmsc", "interpol", "old", "osce", "unodc"]
        assert {k: rows["bmsc"][k] for k in ("title", "speaks_for", "start_urls", "enabled",
                                             "alerts", "builtin", "interval_minutes",
                                             "state")} == {
            "title": "OSCE Border Management Staff College", "speaks_for": "osce",
            "start_urls": ["https://www.oscebmsc.org/en/news"], "enabled": True,
            "alerts": True, "builtin": False, "interval_minutes": 30.0, "state": "unknown"}
        assert (rows["unodc"]["alerts"], rows["old"]["enabled"]) == (False, False)
        assert rows["osce"]["builtin"] and rows["osce"]["start_urls"][0].startswith(
            "https://www.osce.org/press-releases")
        page = client.get("/sources").text
        assert "UNODC press releases" in page and "a third party" in page
        assert "Disabled in the config file" in page
        refused = client.post("/api/crawl/old", headers={"Authorization": "Bearer t0ken"})
        assert refused.status_code == 404
        assert "source 'old' is disabled" in refused.json()["error"]
        assert client.get("/feeds/unodc.atom").status_code == 200
        assert client.get("/feeds/old.atom").status_code == 404
        assert client.get("/api/runs?source=unodc").status_code == 200


def test_a_removed_source_is_unlisted_unchecked_and_its_items_stay_searchable(
        migrated_url: str, tmp_path: Path) -> None:
    cfg = cfg_with(tmp_path, migrated_url)
    item_id = store(migrated_url, cfg, "unodc", *JOINT)
    with session_scope(migrated_url) as session:
        session.get_one(Source, "unodc").next_check_at = datetime(2025, 5, 6, tzinfo=UTC)
    removed = cfg_with(tmp_path, migrated_url, "")
    with session_scope(migrated_url) as session:
        assert forget_checks(session, list(registry(removed))) == ["unodc"]
        assert [spec.name for spec, _ in registry_rows(session, registry(removed))] == [
            "osce", "interpol"]
        assert session.get_one(Source, "unodc").next_check_at is None
        hits = search(session, SearchQuery(text="joint border security training"))
        assert [h.item.id for h in hits] == [item_id]
        assert session.scalar(select(Source.title).where(Source.name == "unodc")) == \
            "UNODC press releases"


@pytest.mark.parametrize("name", ["osce", "unodc"])
def test_the_monitors_base_url_is_for_builtins_only(name: str, tmp_path: Path) -> None:
    from core.sources import base_url_for

    source = registry(cfg_with(tmp_path, "sqlite://"))[name]
    assert base_url_for(source, "http://127.0.0.1:8090") == (
        "http://127.0.0.1:8090" if source.builtin else None)


def test_the_schedule_reads_interval_and_time_zone_from_the_source(tmp_path: Path) -> None:
    from scheduler.schedule import budget, fixed_every_s, timezone_of

    cfg = cfg_with(tmp_path, "sqlite://", SOURCES_TOML + "\n[sources.interpol]\n"
                   "check_every_min = 120\ndaily_requests = 12\ntimezone = 'Asia/Singapore'\n")
    assert fixed_every_s(cfg, "bmsc") == 30 * 60
    assert fixed_every_s(cfg, "interpol") == 120 * 60  # the older name, still read
    assert fixed_every_s(cfg, "unodc") is None  # adaptive
    assert budget(cfg, "interpol").daily_checks == 12
    assert str(timezone_of("interpol", cfg)) == "Asia/Singapore"
    assert str(timezone_of("osce", cfg)) == "Europe/Vienna"
    assert str(timezone_of("unodc", cfg)) == "UTC"


def test_the_monitor_start_makes_rows_and_forgets_sources_it_no_longer_checks(
        migrated_url: str, tmp_path: Path) -> None:
    from scheduler.daemon import source_rows

    with session_scope(migrated_url) as session:
        session.get_one(Source, "osce").next_check_at = datetime(2025, 5, 6, tzinfo=UTC)
    source_rows(cfg_with(tmp_path, migrated_url, SOURCES_TOML + "\n[sources.osce]\n"
                         "enabled = false\n"))
    with session_scope(migrated_url) as session:
        rows = {r.name: r for r in session.scalars(select(Source))}
        assert sorted(rows) == ["bmsc", "interpol", "osce", "unodc"]  # not the disabled "old"
        assert rows["osce"].next_check_at is None


def test_metrics_cover_the_sources_watched_now(migrated_url: str, tmp_path: Path) -> None:
    cfg = cfg_with(tmp_path, migrated_url)
    store(migrated_url, cfg, "unodc", *JOINT)  # its row, then the source leaves the file
    with TestClient(create_app(cfg_with(tmp_path, migrated_url,
                                        SOURCES_TOML.replace("[sources.unodc]",
                                                             "[sources.unodc2]")))) as client:
        text = client.get("/metrics").text
    health = [line for line in text.splitlines() if line.startswith("coopwatch_source_")]
    assert 'coopwatch_source_error_streak{source="osce"} 0.0' in health
    assert not [line for line in health if 'source="unodc"' in line]
    assert 'coopwatch_archive_items{level="primary",source="unodc"} 1.0' in text  # its items stay
