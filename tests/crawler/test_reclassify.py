"""`coopwatch reclassify`: a rule change re-scores the stored archive and says what moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from coopwatch.cli import app
from crawler.reclassify import reclassify
from crawler.relevance import load_rules
from storage.db import session_scope
from storage.models import Item
from storage.seed import import_seeds

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
    again = reclassify(session, load_rules())
    assert again.changed == 0


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
    # A user who no longer recognises the name "INTERPOL" sees every seed drop to none.
    cfg = tmp_path / "coopwatch.toml"
    cfg.write_text('[relevance.aliases]\ninterpol = ["Europol"]\n')
    monkeypatch.setenv("COOPWATCH_CONFIG", str(cfg))
    result = runner.invoke(app, ["reclassify"])
    assert result.exit_code == 0, result.stderr
    assert "5 item(s) re-scored" in result.stdout and "changed level" in result.stdout
