"""relevance.evaluation and `coopwatch evaluate`: the floor on the vendored labelled items.

tests/data/labelled_items.json is a byte-identical copy of shared/samples/labelled_items.json
(82 real items, bodies are excerpts; issue 15). The classifier will also be measured on
labelled items nobody here has seen, so the floor is a floor, not a target to fit: it sits a
little under what the rules reach (precision and recall 1.00, levels 1.00), so a regression
fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coopwatch import cli_relevance
from coopwatch.cli_relevance import REPO_SAMPLES
from core.article import LEVELS
from relevance import load_rules
from relevance.evaluation import Outcome, bootstrap, evaluate, format_report, load_items

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "labelled_items.json"
FLOOR = 0.9
LEVEL_FLOOR = 0.9


@pytest.fixture(scope="module")
def items() -> list[dict[str, object]]:
    return load_items(SAMPLES)


def test_vendored_samples_are_the_labelled_items(items: list[dict[str, object]]) -> None:
    assert SAMPLES == REPO_SAMPLES
    assert len(items) == 82
    assert len({i["id"] for i in items}) == 82
    for item in items:
        assert item["relevance"] in LEVELS
        assert item["about_cooperation"] == (item["relevance"] in ("primary", "secondary"))


def test_floor_on_the_labelled_items(items: list[dict[str, object]]) -> None:
    report = evaluate(items)
    assert report.precision >= FLOOR, format_report(report)
    assert report.recall >= FLOOR, format_report(report)
    assert report.level_accuracy >= LEVEL_FLOOR, format_report(report, misses=True)


def test_sources_other_than_the_two_organisations_are_measured(
        items: list[dict[str, object]]) -> None:
    # third-party republications must name both; their levels follow the same definitions
    parts = evaluate(items).by_source()
    third = parts["third_party"]
    assert third.n == sum(1 for i in items if i["source"] == "third_party") >= 10
    assert third.level_accuracy >= LEVEL_FLOOR, format_report(third, misses=True)
    assert sum(p.n for p in parts.values()) == len(items)


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
    assert "recall 0.000" in text and f"{len(report.mismatches)} miss(es)" in text
    listed = format_report(report, misses=True)
    for miss in report.mismatches:  # each with its id, the deciding rule and why
        line = next(x for x in listed.splitlines() if f" {miss.id} [" in x)
        assert miss.decided_by in line and f"{miss.expected} -> {miss.got}" in line
    assert listed.count("why: ") == len(report.mismatches)


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


def _outcome(want: bool, got: bool, exact: bool = True) -> Outcome:
    level = "primary" if want else "none"
    return Outcome(id=0, source="osce", title="", expected=level,
                   got=level if exact else "mention", want_about=want, got_about=got,
                   score=0.0, decided_by="", detail="", sentence="")


def test_bootstrap_interval_is_seeded_and_holds_the_figure(
        items: list[dict[str, object]]) -> None:
    report = evaluate(items)
    ci = report.intervals()
    assert ci == report.intervals()  # same seed, same interval
    for name, value in [("precision", report.precision), ("recall", report.recall),
                        ("f1", report.f1), ("level_accuracy", report.level_accuracy)]:
        low, high = ci[name] or (2.0, -1.0)
        assert 0.0 <= low <= value <= high <= 1.0, name
    # 10 items, 5 right and 5 wrong: a small set gives a wide interval, a large one narrower
    few = [_outcome(True, True)] * 5 + [_outcome(True, False)] * 5
    narrow, wide = bootstrap(few * 40)["recall"], bootstrap(few)["recall"]
    assert narrow is not None and wide is not None
    assert wide[0] < narrow[0] <= 0.5 <= narrow[1] < wide[1]
    # nothing predicted about co-operation: precision is undefined in every resample
    assert bootstrap([_outcome(True, False)] * 3)["precision"] is None


def test_unknown_label_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="'maybe' is not one of"):
        evaluate([{"id": 7, "title": "x", "body": "y", "relevance": "maybe"}])


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("COOPWATCH_CONFIG", "")
    return cli_relevance.app


def test_evaluate_command(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["evaluate"])
    assert result.exit_code == 0, result.stderr
    assert "confusion matrix" in result.stdout and str(SAMPLES) in result.stdout
    assert "95% bootstrap interval" in result.stdout
    as_json = CliRunner().invoke(cli, ["evaluate", "--json", "--samples", str(SAMPLES)])
    data = json.loads(as_json.stdout)
    assert data["n"] == 82 and data["precision"] >= FLOOR and data["recall"] >= FLOOR
    assert set(data["confusion"]) == set(LEVELS)
    assert data["interval"]["seed"] == 15 and len(data["interval"]["recall"]) == 2
    assert "by_source" not in data


def test_evaluate_command_by_source_and_misses(cli: typer.Typer, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"  # one item labelled against the definitions
    wrong.write_text(json.dumps([
        {"id": "a", "source": "osce", "title": "OSCE and INTERPOL sign a joint action plan",
         "body": None, "relevance": "none", "about_cooperation": False},
        {"id": "b", "source": "interpol", "title": "INTERPOL news", "body": "Nothing else.",
         "relevance": "none", "about_cooperation": False}]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(wrong), "--by", "source", "--misses"])
    assert result.exit_code == 0, result.stderr
    assert "by source:" in result.stdout
    assert any(line.split()[:2] == ["interpol", "1"] for line in result.stdout.splitlines())
    assert " a [osce] none -> primary" in result.stdout and "why: title sentence" in \
        result.stdout
    data = json.loads(CliRunner().invoke(cli, ["evaluate", str(wrong), "--json", "--by",
                                               "source"]).stdout)
    assert data["by_source"]["osce"]["fp"] == 1 and data["by_source"]["interpol"]["tn"] == 1
    [miss] = data["mismatches"]
    assert miss["id"] == "a" and miss["decided_by"].startswith("decision:")
    assert miss["changes_about"] is True and "OSCE and INTERPOL" in miss["sentence"]
    bad = CliRunner().invoke(cli, ["evaluate", str(wrong), "--by", "level"])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: --by 'level'")


def test_evaluate_command_errors(cli: typer.Typer, tmp_path: Path) -> None:
    missing = CliRunner().invoke(cli, ["evaluate", "--samples", str(tmp_path / "nope.json")])
    assert missing.exit_code != 0
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--samples", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot evaluate") and "Traceback" not in result.stderr
