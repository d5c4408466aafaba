"""/metrics: the Prometheus exposition of crawl runs, sources and alerts, read from the archive."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from storage.db import session_scope, utcnow
from storage.models import AlertOutbox, CrawlRun, HealthAlarm, Source


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/plain; version=")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def test_metrics_per_source_and_for_alerts(web: TestClient, sqlite_url: str) -> None:
    now = utcnow()
    with session_scope(sqlite_url) as session:
        session.add_all([
            CrawlRun(source="osce", status="ok", requests=10, not_modified=7, new=2, updated=1),
            CrawlRun(source="osce", status="failed", requests=1, errors=1),
            CrawlRun(source="osce", status="ok", requests=50, new=9, dry_run=True),  # not counted
            CrawlRun(source="interpol", status="ok", requests=3, not_modified=3),
            HealthAlarm(source="interpol", kind="stale", detail="quiet"),
            AlertOutbox(kind="news", channel="a", title="t", body="b", status="sent", attempts=2),
            AlertOutbox(kind="news", channel="b", title="t", body="b", status="dead", attempts=8),
            AlertOutbox(kind="news", channel="c", title="t", body="b", status="pending"),
        ])
        session.get_one(Source, "osce").last_success_at = now - timedelta(seconds=90)
        session.get_one(Source, "osce").error_streak = 1
    got = samples(web)

    def value(name: str, **labels: str) -> float:
        return got[(name, tuple(sorted(labels.items())))]

    assert value("coopwatch_crawl_runs_total", source="osce", status="ok") == 1
    assert value("coopwatch_crawl_runs_total", source="osce", status="failed") == 1
    assert value("coopwatch_crawl_requests_total", source="osce") == 11
    assert value("coopwatch_crawl_not_modified_total", source="interpol") == 3
    assert value("coopwatch_items_new_total", source="osce") == 2
    assert value("coopwatch_items_updated_total", source="osce") == 1
    assert value("coopwatch_crawl_errors_total", source="osce") == 1
    assert 89 <= value("coopwatch_source_last_success_age_seconds", source="osce") < 120
    assert ("coopwatch_source_last_success_age_seconds", (("source", "interpol"),)) not in got
    assert value("coopwatch_source_error_streak", source="osce") == 1
    assert value("coopwatch_source_open_alarms", source="interpol") == 1
    assert value("coopwatch_archive_items", source="osce", level="primary") == 2
    for status in ("sent", "dead", "pending"):
        assert value("coopwatch_alerts", kind="news", status=status) == 1
    assert value("coopwatch_alert_failed_attempts", kind="news") == 1 + 8
