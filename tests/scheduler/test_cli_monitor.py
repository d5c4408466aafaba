"""`coopwatch sources`, `coopwatch alerts list|retry|test` on a real archive and real
receivers."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
from receivers import Webhook
from sqlalchemy import select
from typer.testing import CliRunner

from coopwatch.cli import app
from core.config import load_config
from storage.db import session_scope, utcnow
from storage.health import evaluate
from storage.models import AlertOutbox, CrawlLock, Source
from storage.outbox import channel_name
from storage.runs import finish_run, start_run

runner = CliRunner()


def cw(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def archive(cli_env: dict[str, str]) -> str:
    assert cw("db", "upgrade")[0] == 0
    return cli_env["COOPWATCH_DATABASE_URL"]


def record_run(url: str, status: str, **counts: int) -> None:
    with session_scope(url) as session:
        run = start_run(session, "osce", "schedule", os.getpid())
        summary = {"run_id": run.id, "status": status, "reason": f"test {status}"} | counts
        finish_run(session, run, summary)
        evaluate(session, "osce", summary, load_config())


def test_sources_shows_state_alarms_and_304_ratio(archive: str) -> None:
    record_run(archive, "ok", requests=10, not_modified=8)
    record_run(archive, "blocked", requests=10, not_modified=0)
    code, out, _ = cw("sources", "--json")
    assert code == 0
    rows = {r["source"]: r for r in json.loads(out)}
    osce = rows["osce"]
    assert osce["state"] == "alarm" and list(osce["open_alarms"]) == ["blocked"]
    assert osce["not_modified_ratio"] == 0.4 and osce["error_streak"] == 1
    assert osce["last_success"] and osce["last_error"] == "test blocked"
    assert rows["interpol"]["state"] == "unknown" and rows["interpol"]["last_success"] is None
    code, out, _ = cw("sources")
    assert code == 0 and "osce" in out and "alarm" in out


def test_sources_shows_who_holds_a_live_lease(archive: str) -> None:
    with session_scope(archive) as session:
        session.add_all([
            CrawlLock(source="osce", holder="mon-b (4242@host-b)", pid=4242, host="host-b",
                      run_id=9, expires_at=utcnow() + timedelta(minutes=1)),
            CrawlLock(source="interpol", holder="gone (1@host-c)", pid=1, host="host-c",
                      expires_at=utcnow() - timedelta(seconds=1))])
    rows = {r["source"]: r for r in json.loads(cw("sources", "--json")[1])}
    assert rows["osce"]["lease"]["holder"] == "mon-b (4242@host-b)"
    assert rows["osce"]["lease"]["run_id"] == 9
    assert rows["interpol"]["lease"] is None  # expired: nobody crawls it
    code, out, _ = cw("sources")
    assert code == 0 and "mon-b" in out


def test_alerts_list_retry_and_test(archive: str, webhook: Webhook,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPWATCH_HEALTH_URLS", webhook.url)
    record_run(archive, "blocked")
    with session_scope(archive) as session:
        row = session.scalars(select(AlertOutbox)).one()
        row.status, row.attempts, row.last_error = "dead", 8, "503 from the receiver"
    code, out, _ = cw("alerts", "list", "--status", "dead", "--json")
    [listed] = json.loads(out)
    assert code == 0 and listed["channel"] == channel_name(webhook.url)
    assert listed["kind"] == "health" and listed["last_error"] == "503 from the receiver"

    code, out, err = cw("alerts", "retry")
    assert code == 0 and "1 alert(s) queued again" in err and "1 sent" in out
    [call] = webhook.calls
    assert call["title"] == "[coopwatch] OSCE health alarm: blocked"
    assert cw("alerts", "list", "--status", "pending", "--json")[1].strip() == "[]"

    monkeypatch.setenv("COOPWATCH_ALERT_URLS", "json://127.0.0.1:1/nobody")
    code, out, _ = cw("alerts", "test")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("news ") and "FAILED" in lines[0]
    assert lines[1].startswith("health") and lines[1].endswith("sent")
    assert "test message" in webhook.calls[-1]["title"]


def test_mistakes_are_one_clear_line(archive: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = cw("alerts", "list", "--status", "lost")
    assert code == 2 and "use pending, sent or dead" in err
    code, _, err = cw("alerts", "test")
    assert code == 1 and "no channel configured" in err
    monkeypatch.setenv("COOPWATCH_CHECK_EVERY_MIN", "soon")
    code, _, err = cw("run")
    assert code == 1 and "COOPWATCH_CHECK_EVERY_MIN must be a number" in err
    monkeypatch.setenv("COOPWATCH_CHECK_EVERY_MIN", "30")
    monkeypatch.setenv("COOPWATCH_LEASE_S", "0")
    code, _, err = cw("run")
    assert code == 1 and "COOPWATCH_LEASE_S must be a number of seconds above 0" in err
    with session_scope(archive) as session:
        assert session.get_one(Source, "osce").health_state == "unknown"
