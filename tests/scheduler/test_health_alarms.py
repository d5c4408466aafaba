"""Source-health alarms: one "raised" and one "resolved" per episode, on the health channels
only, judged from real crawl-run rows — on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import load_config
from storage.health import HealthEvent, evaluate, usual_gap
from storage.models import AlertOutbox, HealthAlarm, Item, Source
from storage.outbox import channel_name
from storage.runs import finish_run, start_run

HEALTH = "json://127.0.0.1:9/health"
CFG = load_config({"COOPWATCH_HEALTH_URLS": HEALTH, "COOPWATCH_ALERT_URLS": "json://x/news",
                   "COOPWATCH_ERROR_STREAK": "3"})


def crawl(session: Session, status: str, now: datetime | None = None,
          **summary: Any) -> list[tuple[str, str]]:
    """One crawl run of osce as the child records it, then its health evaluation."""
    run = start_run(session, "osce", "schedule", os.getpid())
    data = {"run_id": run.id, "source": "osce", "status": status, "reason": f"test {status}",
            "parsed": 10, "health": {}} | summary
    finish_run(session, run, data)
    session.commit()
    events = evaluate(session, "osce", data, CFG, now=now)
    session.commit()
    return [(e.kind, e.event) for e in events]


def health_rows(session: Session) -> list[tuple[str, str, str]]:
    rows = session.scalars(select(AlertOutbox).order_by(AlertOutbox.id))
    return [(r.kind, r.event, r.channel) for r in rows]


def test_error_streak_raises_once_and_resolves_once(session: Session) -> None:
    assert crawl(session, "ok") == []
    assert crawl(session, "failed") == crawl(session, "failed") == []
    assert crawl(session, "failed") == [("error_streak", "raised")]
    assert crawl(session, "killed") == []  # still the same episode
    src = session.get_one(Source, "osce")
    assert src.health_state == "alarm" and src.health_detail["open_alarms"] == ["error_streak"]
    assert crawl(session, "ok") == [("error_streak", "resolved")]
    assert health_rows(session) == [("health", "raised", channel_name(HEALTH)),
                                    ("health", "resolved", channel_name(HEALTH))]
    alarm = session.scalars(select(HealthAlarm)).one()
    assert alarm.kind == "error_streak" and alarm.resolved_at is not None
    assert "3 failed crawls in a row" in alarm.detail
    assert session.get_one(Source, "osce").health_state == "ok"


def test_blocked_stays_open_through_runs_that_cannot_tell(session: Session) -> None:
    assert crawl(session, "blocked", health={"blocked": True}) == [("blocked", "raised")]
    assert crawl(session, "failed") == []
    assert crawl(session, "errors") == [("blocked", "resolved")]
    assert session.get_one(Source, "osce").health_state == "degraded"


def test_layout_signals(session: Session) -> None:
    assert crawl(session, "ok", health={"empty_listing": True}) == [("empty_listing", "raised")]
    assert crawl(session, "ok", health={"fallback_share": 0.8}) == [
        ("empty_listing", "resolved"), ("fallback", "raised")]
    assert crawl(session, "ok", parsed=0, health={}) == []  # nothing parsed: cannot tell
    assert crawl(session, "ok", health={"fallback_share": 0.1}) == [("fallback", "resolved")]


def test_a_generic_only_source_alarms_on_pages_the_generic_layer_could_not_read(
        session: Session) -> None:
    # A configured source: the generic layer reading every field is its normal (no alarm) …
    read = {"generic_only": True, "article_pages": 10, "fallback_share": 0.0}
    assert crawl(session, "ok", health=read) == []
    # … pages where it found no title, text or date, or no article, are not — even when none
    # of them parsed (parsed 0: a built-in's run could not tell).
    unread = {"generic_only": True, "article_pages": 5, "fallback_share": 1.0}
    assert crawl(session, "errors", parsed=0, health=unread) == [("fallback", "raised")]
    alarm = session.scalars(select(HealthAlarm)).one()
    assert alarm.detail.startswith("on 100% of 5 article pages even the generic layer found "
                                   "no title, text or date")
    assert crawl(session, "ok", health=read) == [("fallback", "resolved")]


def test_evaluating_a_run_twice_changes_nothing(session: Session) -> None:
    crawl(session, "blocked")
    run_id = session.get_one(Source, "osce").health_detail["evaluated_run_id"]
    again = evaluate(session, "osce", {"run_id": run_id, "status": "blocked"}, CFG)
    assert again == [] and len(health_rows(session)) == 1


def test_stale_source(session: Session) -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(6):  # one item every two days
        session.add(Item(source="osce", canonical_url=f"https://www.osce.org/node/{n}",
                         guid=f"urn:uuid:{n}", title=f"item {n}", content_hash=str(n), simhash=0,
                         published_at=day + timedelta(days=2 * n)))
    session.commit()
    assert usual_gap(session, "osce") == timedelta(days=2)
    now = datetime.now(UTC)
    assert crawl(session, "ok", new=1) == []  # found something new just now
    assert crawl(session, "ok", now=now + timedelta(days=9)) == []  # within 5 × 2 days
    assert crawl(session, "ok", now=now + timedelta(days=11)) == [("stale", "raised")]
    assert crawl(session, "ok", new=1, now=datetime.now(UTC)) == [("stale", "resolved")]


def test_without_health_channels_alarms_are_still_recorded(session: Session) -> None:
    run = start_run(session, "osce", "cli", os.getpid())
    finish_run(session, run, {"status": "blocked"})
    events = evaluate(session, "osce", {"run_id": run.id, "status": "blocked"}, load_config({}))
    session.commit()
    assert [type(e) for e in events] == [HealthEvent] and health_rows(session) == []
