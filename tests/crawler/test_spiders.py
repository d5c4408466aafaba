"""Both spiders against the replica: complete first crawl, conditional repeat, new items,
politeness, and every fault ending in a recorded status and reason with nothing lost."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from replica.inventory import expected_items
from replica.server import ReplicaHandle
from storage.canonical import canonical_url
from storage.db import session_scope
from storage.models import CrawlRun, Item

SITES = ("osce", "interpol")
SINCE = "2010-01-01"


def stored(url: str, source: str | None = None) -> dict[str, Item]:
    with session_scope(url) as s:
        stmt = select(Item) if source is None else select(Item).where(Item.source == source)
        return {i.canonical_url: i for i in s.scalars(stmt)}


def runs(url: str) -> list[CrawlRun]:
    with session_scope(url) as s:
        return list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def article_requests(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Paths requested between two replica stats snapshots, listings/feeds/robots excluded."""
    listing = ("/press-releases", "/en/News-and-Events/News?", "/robots.txt", "/_replica")
    grown = [p for p, n in after["requests"].items() if n > before["requests"].get(p, 0)]
    return [p for p in grown if not p.startswith(listing) and
            not p.rstrip("/").endswith(("/News-and-Events/News", "/rss"))]


@pytest.mark.parametrize("site", SITES)
def test_first_crawl_stores_every_item_back_to_since(site: str, crawl, replica: ReplicaHandle,
                                                     archive_url: str) -> None:
    summary = crawl(site)
    assert summary["status"] == "ok", summary
    items = stored(archive_url, site)
    want = [e for e in expected_items(site) if e["published"] >= SINCE]
    assert summary["new"] == len(want) == len(items)
    for e in want:
        key = canonical_url(replica.url(e["url"]), site)
        assert key in items, f"missing {e['title']}"
        got = items[key]
        assert got.title == e["title"]
        assert got.published_at is not None
        assert got.published_at.date().isoformat() == e["published"], e["title"]
        assert got.place == e.get("place"), e["title"]
        assert got.provenance["title"] not in ("meta", "heuristic"), e["title"]
    run = runs(archive_url)[-1]
    assert (run.status, run.new, run.parsed) == ("ok", len(want), len(want))
    assert run.requests > run.parsed and run.finished_at is not None


@pytest.mark.parametrize("site", SITES)
def test_second_crawl_is_conditional_and_fetches_no_article(site: str, crawl,
                                                            replica: ReplicaHandle) -> None:
    crawl(site)
    before = replica.stats()
    again = crawl(site)
    after = replica.stats()
    assert again["status"] == "ok" and again["new"] == 0, again
    assert article_requests(before, after) == []
    assert again["not_modified"] >= 1
    assert again["not_modified"] == again["requests"], "every request should be answered 304"


@pytest.mark.parametrize("site", SITES)
def test_an_idle_scheduled_check_costs_one_conditional_request(site: str, crawl,
                                                               replica: ReplicaHandle) -> None:
    crawl(site)
    before = replica.stats()
    idle = crawl(site, trigger="schedule")
    after = replica.stats()
    sent = {p: n - before["requests"].get(p, 0) for p, n in after["requests"].items()
            if n > before["requests"].get(p, 0)}
    assert (idle["requests"], idle["not_modified"], idle["new"]) == (1, 1, 0), (idle, sent)
    assert sum(sent.values()) == 1 and "/robots.txt" not in sent, sent


@pytest.mark.parametrize("site", SITES)
def test_a_newly_published_item_is_stored_exactly_once(site: str, crawl, replica: ReplicaHandle,
                                                       archive_url: str) -> None:
    crawl(site)
    url = replica.publish(site, title="OSCE and INTERPOL open a joint training centre",
                          body="VIENNA, 3 March 2026 – The OSCE and INTERPOL today opened a joint "
                               "training centre for border police, under their Joint Action Plan.",
                          date="2026-03-03", place="VIENNA")
    summary = crawl(site)
    assert (summary["status"], summary["new"], summary["updated"]) == ("ok", 1, 0), summary
    new = stored(archive_url)[canonical_url(url, site)]
    assert new.title == "OSCE and INTERPOL open a joint training centre"
    assert new.published_at is not None and new.published_at.date().isoformat() == "2026-03-03"
    assert new.relevance_level == "primary"
    assert crawl(site)["new"] == 0


def test_interpol_falls_back_to_the_html_listing(crawl, replica: ReplicaHandle,
                                                 archive_url: str) -> None:
    replica.set_rss(enabled=False)
    off = crawl("interpol")
    assert off["status"] == "ok" and off["new"] > 40, off
    replica.set_rss(enabled=True, broken=True)
    url = replica.publish("interpol", title="INTERPOL and OSCE review their joint projects",
                          body="LYON, France – INTERPOL and the OSCE reviewed joint projects.",
                          date="2026-04-01", place="LYON, France")
    assert "feed missing (http_404)" in off["reason"]
    broken = crawl("interpol")
    assert broken["status"] == "ok" and "feed broken" in broken["reason"], broken
    assert broken["new"] == 1 and canonical_url(url, "interpol") in stored(archive_url)


@pytest.mark.parametrize("kind, status, reason", [
    ("500", "failed", "http_500"),
    ("429", "failed", "rate_limited"),
    ("403", "blocked", "403"),
    ("offsite_redirect", "failed", "offsite_redirect"),
])
@pytest.mark.parametrize("site", SITES)
def test_site_faults_end_in_a_recorded_status_and_lose_nothing(
        site: str, kind: str, status: str, reason: str, crawl, replica: ReplicaHandle,
        archive_url: str) -> None:
    first = crawl(site, max_pages=1)
    before = len(stored(archive_url))
    replica.set_fault(site, kind)
    summary = crawl(site, max_pages=1)
    assert summary["status"] == status and reason in summary["reason"], summary
    assert len(stored(archive_url)) == before == first["new"]
    run = runs(archive_url)[-1]
    assert (run.status, run.reason) == (status, summary["reason"])
    replica.set_fault(site, None)
    assert crawl(site, max_pages=1)["status"] == "ok"


def test_a_slow_site_times_out_cleanly(crawl, replica: ReplicaHandle, archive_url: str) -> None:
    replica.set_fault("osce", "slow", seconds=5)
    summary = crawl("osce", max_pages=1, env={"COOPWATCH_DOWNLOAD_TIMEOUT_S": "1"})
    assert summary["status"] == "failed" and "timeout" in summary["reason"], summary


@pytest.mark.parametrize("fault", ["missing_date", "latin1", "truncated", "huge"])
def test_broken_articles_are_reported_and_the_rest_is_stored(
        fault: str, crawl, replica: ReplicaHandle, archive_url: str) -> None:
    crawl("osce", max_pages=1)
    good = replica.publish("osce", title="OSCE and INTERPOL hold joint workshop in Zürich",
                           body="ZURICH, 2 May 2026 – The OSCE and INTERPOL held a joint workshop.",
                           date="2026-05-02", place="ZURICH")
    bad = replica.publish("osce", title="OSCE and INTERPOL experts meet in Genève",
                          body="GENEVA, 3 May 2026 – Experts of the OSCE and INTERPOL met.",
                          date="2026-05-03", place="GENEVA", fault=fault)
    summary = crawl("osce", max_pages=1)
    items = stored(archive_url)
    assert canonical_url(good, "osce") in items, summary
    assert summary["reason"] is None or "Traceback" not in summary["reason"]
    if fault == "missing_date":
        assert summary["status"] == "errors" and "without a date" in summary["reason"]
        assert items[canonical_url(bad, "osce")].published_at is None
    elif fault == "latin1":
        assert summary["status"] == "ok", summary
        assert items[canonical_url(bad, "osce")].title == "OSCE and INTERPOL experts meet in Genève"
    elif fault == "huge":
        assert summary["status"] == "errors" and "too_large" in summary["reason"], summary
        assert canonical_url(bad, "osce") not in items
    else:  # truncated: stored if its title and text survived, else reported
        assert summary["status"] in ("ok", "errors"), summary
        if canonical_url(bad, "osce") not in items:
            assert summary["status"] == "errors" and summary["reason"]


def test_a_redesign_raises_the_fallback_alarm(crawl, replica: ReplicaHandle,
                                              archive_url: str) -> None:
    crawl("osce", max_pages=1)
    replica.set_fault("osce", "redesign")
    for n in range(3):
        replica.publish("osce", title=f"OSCE and INTERPOL joint course number {n}",
                        body=f"VIENNA, 1 June 2026 – Course {n} of the OSCE and INTERPOL.",
                        date="2026-06-01", place="VIENNA")
    summary = crawl("osce", max_pages=1)
    assert summary["health"]["fallback_alarm"] and summary["status"] == "errors", summary
    assert "fallback" in summary["reason"]


def test_dry_run_writes_nothing(crawl, archive_url: str) -> None:
    summary = crawl("osce", dry_run=True, max_pages=1)
    assert summary["dry_run"] and summary["would_store"]
    assert {"url", "title", "level", "published"} <= summary["would_store"][0].keys()
    assert stored(archive_url) == {} and runs(archive_url) == []


def test_a_second_crawl_of_a_locked_source_says_busy(crawl, archive_url: str) -> None:
    from storage import locks
    from storage.db import session_factory

    with session_factory(archive_url)() as session:
        locks.acquire(session, "osce")  # held by this (live) test process
        summary = crawl("osce", max_pages=1)
        locks.release(session, "osce")
    assert summary["status"] == "busy" and "already running" in summary["reason"], summary
    assert stored(archive_url) == {}
    assert crawl("osce", max_pages=1)["status"] == "ok"


def test_a_crawl_over_its_time_is_killed_and_recorded(crawl, replica: ReplicaHandle,
                                                      archive_url: str) -> None:
    replica.set_fault("osce", "slow", seconds=30)
    # Time for the child to start and open its run even on a loaded machine (6 s was not).
    summary = crawl("osce", timeout_s=15)
    assert summary["status"] == "killed" and "timeout" in summary["reason"]
    last = runs(archive_url)[-1]
    assert last.status == "killed" and last.finished_at is not None
    replica.set_fault("osce", None)
    assert crawl("osce", max_pages=1)["status"] == "ok"  # the dead child's lock was freed


def test_run_counts_survive_in_the_database(crawl, archive_url: str) -> None:
    crawl("interpol")
    with session_scope(archive_url) as s:
        assert s.scalar(select(func.count(Item.id))) > 40
        run = s.scalars(select(CrawlRun)).one()
        assert run.stats["downloader/request_count"] - run.stats.get("httpcache/hit", 0) == (
            run.requests)


def test_politeness_robots_user_agent_and_retry_after(crawl, replica: ReplicaHandle,
                                                      archive_url: str) -> None:
    crawl("osce", max_pages=1)
    stats = replica.stats()
    assert stats["requests"].get("/robots.txt") == 1
    agents = set(stats["user_agents"])
    assert agents and all(a.startswith("coopwatch/") and "+http" in a for a in agents), agents
    replica.set_fault("osce", "429")  # answers 429 with Retry-After: 1
    crawl("osce", max_pages=1)
    run = runs(archive_url)[-1]
    # Each of the two listings waited and was retried twice (RETRY_TIMES), then given up.
    assert run.stats["coopwatch/http/retry_after"] == 2 * 2
    assert run.stats["coopwatch/errors/rate_limited"] >= 1
    assert (run.finished_at - run.started_at).total_seconds() >= 2  # it really waited
