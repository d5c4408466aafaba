"""Discovery that survives a redesigned listing (issue 14): with listing markup no page object
knows, both spiders still store every new item, through the feed the listing announces, the
sitemap, or the listing's links to article paths, and the run and the health alarm say which."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.config import load_config
from replica.server import ReplicaHandle
from storage.canonical import canonical_url
from storage.db import session_scope
from storage.health import evaluate
from storage.models import CrawlRun, HealthAlarm, Item

NEW = {
    "osce": [
        ("OSCE and INTERPOL train border guards in Dushanbe", "DUSHANBE", "2026-11-02"),
        ("OSCE workshop on travel document security opens in Skopje", "SKOPJE", "2026-11-09"),
        ("OSCE and INTERPOL sign a new Joint Action Plan", "VIENNA/WARSAW", "2026-11-16"),
    ],
    "interpol": [
        ("INTERPOL and OSCE hold joint border security exercise", "LYON, France", "2026-11-02"),
        ("INTERPOL opens cybercrime course in Singapore", "SINGAPORE, Singapore", "2026-11-09"),
        ("INTERPOL and OSCE review their Joint Action Plan", "VIENNA, Austria", "2026-11-16"),
    ],
}
# path -> (the listing announces a feed, the site has a sitemap)
SWITCHES = {"autodiscovered_feed": (True, True), "sitemap": (False, True),
            "url_pattern": (False, False)}
CFG = load_config({"COOPWATCH_HEALTH_URLS": "", "COOPWATCH_ALERT_URLS": ""})


def publish_new(replica: ReplicaHandle, site: str) -> dict[str, tuple[str, str, str]]:
    """Publish the site's new items, oldest first; canonical URL -> (title, place, date)."""
    found = {}
    for title, place, day in NEW[site]:
        url = replica.publish(site, title=title, place=place, date=day,
                              body=f"{title} today.\nThe meeting continues tomorrow.")
        found[canonical_url(url, site)] = (title, place, day)
    return found


def stored_items(url: str, site: str) -> dict[str, Item]:
    with session_scope(url) as s:
        return {i.canonical_url: i for i in s.scalars(select(Item).where(Item.source == site))}


def last_run(url: str) -> CrawlRun:
    with session_scope(url) as s:
        return s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()


def alarm_detail(url: str, site: str, summary: dict[str, Any]) -> str:
    with session_scope(url) as s:
        evaluate(s, site, summary, CFG)
        s.flush()
        alarm = s.scalars(select(HealthAlarm).where(HealthAlarm.source == site,
                                                    HealthAlarm.kind == "discovery")).one()
        return alarm.detail


@pytest.mark.slow
@pytest.mark.parametrize("path", SWITCHES)
@pytest.mark.parametrize("site", ["osce", "interpol"])
def test_a_redesigned_listing_still_finds_every_new_item(
        site: str, path: str, crawl, replica: ReplicaHandle, archive_url: str) -> None:
    first = crawl(site)
    assert first["status"] == "ok", first
    normal = {"osce": "listing", "interpol": "feed"}[site]
    assert normal in first["health"]["discovery"], first["health"]
    before = set(stored_items(archive_url, site))

    feed_link, sitemap = SWITCHES[path]
    replica.set_fault(site, "redesigned_listing")
    replica.set_discovery(site, feed_link=feed_link, sitemap=sitemap)
    if site == "interpol":
        replica.set_rss(enabled=False)  # the redesign also moved the known feed
    new = publish_new(replica, site)
    summary = crawl(site)

    items = stored_items(archive_url, site)
    assert set(items) - before == set(new), summary
    for key, (title, place, day) in new.items():
        got = items[key]
        assert (got.title, got.place) == (title, place)
        assert got.published_at is not None and got.published_at.date().isoformat() == day
        # the articles kept their layout: the site's page object read them
        assert got.provenance["title"] == "selector", got.provenance
    assert summary["new"] == len(new) and summary["status"] == "errors", summary
    used = summary["health"]["discovery"]
    assert used[path] > 0, used
    skipped = list(SWITCHES)[:list(SWITCHES).index(path)]
    assert not any(used.get(p) for p in skipped), used  # earlier paths had nothing to offer
    assert summary["health"]["listing_unrecognised"] >= 1
    assert "listing layout not recognised on" in summary["reason"]
    assert f"found items through {path}" in summary["reason"], summary["reason"]
    run = last_run(archive_url)
    assert run.health["discovery"][path] > 0 and path in (run.reason or "")
    detail = alarm_detail(archive_url, site, summary)
    assert "listing layout is not recognised" in detail and f"through {path}" in detail


@pytest.mark.slow
def test_the_discovery_alarm_resolves_when_the_listing_is_read_again(
        crawl, replica: ReplicaHandle, archive_url: str) -> None:
    crawl("osce", max_pages=1)
    replica.set_fault("osce", "redesigned_listing")
    redesigned = crawl("osce", max_pages=1)
    replica.set_fault("osce", None)
    healthy = crawl("osce", max_pages=1)
    assert healthy["status"] == "ok" and "listing_unrecognised" not in healthy["health"]
    with session_scope(archive_url) as s:
        raised = evaluate(s, "osce", redesigned, CFG)
        s.flush()
        resolved = evaluate(s, "osce", healthy, CFG)
    assert [(e.kind, e.event) for e in raised] == [("discovery", "raised")]
    assert [(e.kind, e.event) for e in resolved] == [("discovery", "resolved")]
