"""crawler.evaluation and `coopwatch evaluate`: the floor on the vendored labelled items.

tests/data/labelled_items.json is a byte-identical copy of shared/samples/labelled_items.json
(18 real items, bodies are excerpts). The classifier will also be measured on labelled items
nobody here has seen, so the floor is a floor, not a target to fit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coopwatch.cli_relevance import REPO_SAMPLES, register
from crawler.evaluation import evaluate, format_report, load_items
from crawler.relevance import load_rules
from storage.article import LEVELS

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "labelled_items.json"
FLOOR = 0.85


@pytest.fixture(scope="module")
def items() -> list[dict[str, object]]:
    return load_items(SAMPLES)


def test_vendored_samples_are_the_labelled_items(items: list[dict[str, object]]) -> None:
    assert SAMPLES == REPO_SAMPLES
    assert len(items) == 18
    for item in items:
        assert item["relevance"] in LEVELS
        assert item["about_cooperation"] == (item["relevance"] in ("primary", "secondary"))


def test_floor_on_the_labelled_items(items: list[dict[str, object]]) -> None:
    report = evaluate(items)
    assert report.precision >= FLOOR, format_report(report)
    assert report.recall >= FLOOR, format_report(report)


def test_confusion_matrix_counts_every_item(items: list[dict[str, object]]) -> None:
    report = evaluate(items)
    assert report.n == len(items)
    assert sum(sum(row.values()) for row in report.confusion.values()) == len(items)
    for want in LEVELS:  # rows are the labels
        labelled = sum(1 for i in items if i["relevance"] == want)
        assert sum(report.confusion[want].values()) == labelled
    assert report.tp + report.fp + report.fn + report.tn == len(items)


def test_misses_are_listed_and_counted(items: list[dict[str, object]]) -> None:
    # A classifier that never reaches secondary finds nothing about co-operation.
    blind = load_rules({"primary_score": 1000.0, "secondary_score": 999.0})
    report = evaluate(items, blind)
    about = sum(1 for i in items if i["about_cooperation"])
    assert (report.tp, report.fn, report.fp) == (0, about, 0)
    assert report.recall == 0.0 and report.precision == 0.0
    assert len([m for m in report.mismatches if m.changes_about]) == about
    text = format_report(report)
    assert "recall 0.000" in text and "mismatches" in text


def test_body_null_uses_the_summary() -> None:
    item = {"id": 1, "title": "Visit", "source": "osce", "body": None,
            "summary": "The OSCE and INTERPOL signed a joint action plan today.",
            "relevance": "primary", "about_cooperation": True}
    report = evaluate([item])
    assert report.confusion["primary"]["primary"] == 1


def test_format_report_shows_the_matrix(items: list[dict[str, object]]) -> None:
    text = format_report(evaluate(items))
    lines = text.splitlines()
    header = next(line for line in lines if line.split() == list(LEVELS))
    assert lines.index(header) > 0
    assert "precision" in text and "recall" in text


def test_unknown_label_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="'maybe' is not one of"):
        evaluate([{"id": 7, "title": "x", "body": "y", "relevance": "maybe"}])


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("COOPWATCH_CONFIG", "")
    app = typer.Typer()
    register(app)
    return app


def test_evaluate_command(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["evaluate"])
    assert result.exit_code == 0, result.stderr
    assert "confusion matrix" in result.stdout and str(SAMPLES) in result.stdout
    as_json = CliRunner().invoke(cli, ["evaluate", "--json", "--samples", str(SAMPLES)])
    data = json.loads(as_json.stdout)
    assert data["n"] == 18 and data["precision"] >= FLOOR and data["recall"] >= FLOOR
    assert set(data["confusion"]) == set(LEVELS)


def test_evaluate_command_errors(cli: typer.Typer, tmp_path: Path) -> None:
    missing = CliRunner().invoke(cli, ["evaluate", "--samples", str(tmp_path / "nope.json")])
    assert missing.exit_code != 0
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--samples", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot evaluate") and "Traceback" not in result.stderr
