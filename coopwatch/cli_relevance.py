"""`coopwatch classify` and `coopwatch evaluate`: the relevance classifier from the shell.

Registered on the main app by coopwatch.cli through register(app). Both read the [relevance]
table of the config file (COOPWATCH_CONFIG) over the shipped relevance/defaults.toml.
A user mistake ends in one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from coopwatch.common import config, db_session, fail
from core.config import ConfigError, load_config
from core.sources import registry
from relevance import Rules, body_with_summary, classify, load_rules
from relevance.evaluation import evaluate, format_report, load_items
from relevance.reclassify import reclassify

# The vendored labelled items live with the tests; an installed package has no copy, so there
# `evaluate` needs --samples (the samples are for tuning, not for running the watcher).
REPO_SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled_items.json"


def _rules() -> Rules:
    try:
        cfg = load_config()
        return load_rules(cfg.table("relevance"), registry(cfg))
    except ConfigError as err:  # RulesError is one too: it names the bad key
        fail(str(err))


def _skip(number: int, why: str) -> None:
    typer.echo(f"line {number}: {why}; skipped", err=True)


def classify_command() -> None:
    """Classify items: JSON lines on stdin, one JSON line per item on stdout.

    Input, one object per line: "title", "body", and optionally "subtitle", "summary", "source".

    Output, one line per item: {"level", "score", "reasons"}; the last reason is the decision.

    A bad line is reported on stderr with its number and skipped; the exit code is then 1.

    Example:  echo '{"title": "OSCE and INTERPOL sign MoU", "source": "osce"}' | coopwatch classify
    """
    rules = _rules()
    # Bytes, so that one line of bad UTF-8 is reported instead of ending the whole run.
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    bad = 0
    for number, raw in enumerate(stdin, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            bad += 1
            _skip(number, f"not UTF-8 (byte {err.start} of the line)")
            continue
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            bad += 1
            _skip(number, f"not valid JSON ({err.msg} at column {err.colno})")
            continue
        except (ValueError, RecursionError) as err:  # huge numbers, absurd nesting
            bad += 1
            _skip(number, f"not usable JSON ({type(err).__name__})")
            continue
        if not isinstance(item, dict):
            bad += 1
            _skip(number, f'expected a JSON object like {{"title": …, "body": …}}, '
                          f"got {type(item).__name__}")
            continue
        result = classify(item.get("title", ""),
                          body_with_summary(item.get("summary"), item.get("body")),
                          item.get("subtitle"), item.get("source"), rules)
        out = {"level": result.level.value, "score": result.score, "reasons": result.reasons}
        stdout.write(json.dumps(out, ensure_ascii=False).encode("utf-8") + b"\n")
        stdout.flush()  # one result per line as it comes: usable in a pipe
    if bad:
        typer.echo(f"{bad} bad line(s) skipped", err=True)
        raise typer.Exit(1)


def evaluate_command(
    file: Annotated[Path | None, typer.Argument(
        help="Labelled items (JSON list) [default: tests/data/labelled_items.json]",
        dir_okay=False, show_default=False)] = None,
    samples: Annotated[Path | None, typer.Option(
        "--samples", help="The same as FILE (kept for scripts written before FILE).",
        dir_okay=False)] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Also give the figures per group; the one grouping is 'source'.",
        metavar="source")] = None,
    misses: Annotated[bool, typer.Option(
        "--misses", help="List each wrong item with the reason that decided it.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Measure the classifier on labelled items: confusion matrix, precision, recall and F1.

    "About co-operation" means primary or secondary, against each item's about_cooperation
    label. Each figure comes with a 95 % bootstrap interval (seeded: the same file gives the
    same interval). --json always holds the misses; --by source adds the figures per source.

    Example:  coopwatch evaluate tests/data/labelled_items.json --by source --misses
    """
    if file is not None and samples is not None and file != samples:
        fail("give the labelled file once: FILE or --samples, not both")
    if by not in (None, "source"):
        fail(f"--by {by!r}: the figures can be grouped by 'source' only")
    by_source = by == "source"
    path = file or samples or REPO_SAMPLES
    if not path.is_file():
        fail(f"no labelled items at {path}; pass the file as FILE")
    rules = _rules()
    try:
        report = evaluate(load_items(path), rules)
    except (OSError, ValueError) as err:  # unreadable file, bad JSON, unknown label
        fail(f"cannot evaluate {path}: {err}")
    if as_json:
        typer.echo(json.dumps(report.to_dict(by_source) | {"samples": str(path)},
                              ensure_ascii=False, indent=2))
    else:
        typer.echo(f"{format_report(report, misses=misses, by_source=by_source)}"
                   f"\n\nsamples: {path}")


def reclassify_command(
    source: Annotated[str | None, typer.Option(help="Only this source")] = None,
    dry_run: Annotated[bool, typer.Option(help="Report the changes; write nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Re-score the stored archive with the current rules; report what changed level.

    Run it after editing the [relevance] table of the config file (or after upgrading
    coopwatch: the shipped rules change too). Prints how many items went up and down and the
    old → new level matrix. It sends no alerts: a rule change is not news.

    Example:  coopwatch reclassify --dry-run
    """
    rules = _rules()
    with db_session(config(), one_transaction=False) as session:
        report = reclassify(session, rules, dry_run=dry_run, source=source)
    if as_json:
        typer.echo(json.dumps(report.to_dict() | {"dry_run": dry_run}, indent=2))
        return
    typer.echo(report.format(dry_run))


app = typer.Typer()
app.command("classify")(classify_command)
app.command("evaluate")(evaluate_command)
app.command("reclassify")(reclassify_command)
