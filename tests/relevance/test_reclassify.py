"""`coopwatch reclassify`: a rule change re-scores the stored archive and says what moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from coopwatch.cli import app
from relevance import classify_article, load_rules
from relevance.reclassify import reclassify
from storage.batch import upsert_article
from storage.db import session_scope
from storage.models import AlertOutbox, Item
from storage.outbox import AlertPolicy, enqueue_news_alerts
from storage.seed import import_seeds, seed_articles

runner = CliRunner()


def levels(url: str) -> list[str]:
    with session_scope(url) as s:
        return list(s.scalars(select(Item.relevance_level).order_by(Item.id)))


def test_reclassify_fills_levels_and_is_then_stable(session, migrated_url: str) -> None:
    import_seeds(session)  # unclassified: every level "none"
    session.commit()
    report = reclassify(session, load_rules())
    assert report.items == 5 and report.changed == 5
    got = levels(migrated_url)  # seeds 000, 001, 002, 003, 004 in id order
    assert [got[0], got[1], got[2], got[4]] == ["primary"] * 4
    assert got[3] in ("primary", "secondary")
    assert (report.up, report.down) == (5, 0)
    assert report.matrix()["none"] == {"primary": 4, "secondary": 1, "mention": 0, "none": 0}
    again = reclassify(session, load_rules())
    assert again.changed == 0 and (again.up, again.down) == (0, 0)
    assert again.matrix()["primary"]["primary"] == 4 and again.matrix()["none"]["none"] == 0
    # a rule change that no longer knows either name: every seed goes down to none
    blind = reclassify(session, load_rules({"aliases": {"interpol": ["Europol"],
                                                        "osce": ["Frontex"]}}))
    assert (blind.up, blind.down) == (0, 5)
    assert blind.matrix()["primary"] == {"primary": 0, "secondary": 0, "mention": 0,
                                         "none": 4}
    assert "5 changed level: 0 up, 5 down" in blind.format()


def test_reclassify_raises_levels_without_alerts(session) -> None:
    """Items stored under older rules, raised by reclassify: no alert now, and none when the
    next crawl stores them again (their stored level is already the new one)."""
    policy = AlertPolicy(channels=("json-test",))
    for article in seed_articles():
        article.relevance = classify_article(article, load_rules({"primary_score": 50.0,
                                                                  "secondary_score": 40.0}))
        upsert_article(session, article)  # stored as mentions; their first alert is long gone
    session.commit()
    report = reclassify(session, load_rules())
    assert report.up == 5 and report.down == 0
    assert session.scalar(select(func.count()).select_from(AlertOutbox)) == 0
    for article in seed_articles():  # the next crawl sees the same items
        article.relevance = classify_article(article, load_rules())
        result = upsert_article(session, article)
        assert enqueue_news_alerts(session, result, policy) == []
    session.commit()
    assert session.scalar(select(func.count()).select_from(AlertOutbox)) == 0


def test_reclassify_dry_run_writes_nothing(session, migrated_url: str) -> None:
    import_seeds(session)
    session.commit()
    report = reclassify(session, load_rules(), dry_run=True)
    assert report.changed == 5 and set(levels(migrated_url)) == {"none"}


def test_cli_reports_level_changes_after_a_rule_change(cli_env: dict[str, str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["archive", "seed"]).exit_code == 0
    result = runner.invoke(app, ["reclassify", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["changed"] == 0
    # A user who no longer recognises either name sees every seed drop to none.
    cfg = tmp_path / "coopwatch.toml"
    cfg.write_text('[relevance.aliases]\ninterpol = ["Europol"]\nosce = ["Frontex"]\n')
    monkeypatch.setenv("COOPWATCH_CONFIG", str(cfg))
    result = runner.invoke(app, ["reclassify"])
    assert result.exit_code == 0, result.stderr
    assert "5 item(s) re-scored; 5 changed level: 0 up, 5 down" in result.stdout
    assert "old level (rows) → new level (columns)" in result.stdout
    data = json.loads(runner.invoke(app, ["reclassify", "--json", "--dry-run"]).stdout)
    assert (data["changed"], data["up"], data["down"]) == (0, 0, 0)
    assert data["matrix"]["none"]["none"] == 5
