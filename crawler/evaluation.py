"""Measure the relevance classifier against labelled items (issue 5).

One job: run crawler.relevance over items labelled like shared/samples/labelled_items.json and
report the confusion matrix over the four levels, and precision, recall and F1 of "about
co-operation" (predicted primary or secondary, against the label's ``about_cooperation``).
An item's text is its title and its summary and body together (the samples' bodies are
excerpts, often null), exactly as classify_article would read an Article.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from crawler.relevance import Rules, body_with_summary, classify
from storage.article import LEVELS, Level

ABOUT_COOPERATION = frozenset({Level.PRIMARY, Level.SECONDARY})


@dataclass(frozen=True)
class Mismatch:
    """One item whose predicted level differs from its label."""

    id: Any
    title: str
    expected: str
    got: str
    score: float
    decided_by: str  # the decision reason's rule, e.g. "decision:people_from"
    changes_about: bool  # True when the miss also flips "about co-operation"


@dataclass(frozen=True)
class Report:
    n: int
    confusion: dict[str, dict[str, int]]  # expected level -> predicted level -> count
    tp: int
    fp: int
    fn: int
    tn: int
    mismatches: tuple[Mismatch, ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def level_accuracy(self) -> float:
        return (self.n - len(self.mismatches)) / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "level_accuracy": round(self.level_accuracy, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "confusion": self.confusion,
                "mismatches": [asdict(m) for m in self.mismatches]}


def load_items(path: Path) -> list[dict[str, Any]]:
    """Labelled items from a JSON file: a list of objects (or {"items": [...]})."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError(f"{path}: expected a JSON list of labelled items")
    return items


def _expected(item: Mapping[str, Any]) -> tuple[Level, bool]:
    label = str(item.get("relevance") or "none")
    if label not in LEVELS:
        raise ValueError(f"item {item.get('id')!r}: relevance {label!r} is not one of "
                         f"{', '.join(LEVELS)}")
    level = Level(label)
    about = item.get("about_cooperation")
    return level, (level in ABOUT_COOPERATION) if about is None else bool(about)


def evaluate(items: Iterable[Mapping[str, Any]], rules: Rules | None = None) -> Report:
    """Classify every labelled item and compare with its label."""
    confusion = {want: dict.fromkeys(LEVELS, 0) for want in LEVELS}
    tp = fp = fn = tn = 0
    mismatches = []
    n = 0
    for item in items:
        n += 1
        want_level, want_about = _expected(item)
        got = classify(item.get("title") or "",
                       body_with_summary(item.get("summary"), item.get("body")),
                       item.get("subtitle"), item.get("source"), rules)
        got_about = got.level in ABOUT_COOPERATION
        confusion[want_level.value][got.level.value] += 1
        tp += want_about and got_about
        fp += got_about and not want_about
        fn += want_about and not got_about
        tn += not want_about and not got_about
        if got.level != want_level:
            mismatches.append(Mismatch(
                id=item.get("id"), title=str(item.get("title") or ""),
                expected=want_level.value, got=got.level.value, score=got.score,
                decided_by=got.reasons[-1]["rule"] if got.reasons else "",
                changes_about=got_about != want_about))
    return Report(n=n, confusion=confusion, tp=tp, fp=fp, fn=fn, tn=tn,
                  mismatches=tuple(mismatches))


def format_report(report: Report) -> str:
    """A plain-text table: the confusion matrix, the figures, then each mismatch."""
    width = max(len(level) for level in LEVELS) + 2
    lines = [f"{report.n} labelled items",
             "",
             "confusion matrix (rows: label, columns: predicted)",
             " " * width + "".join(f"{level:>{width}}" for level in LEVELS)]
    for want in LEVELS:
        row = report.confusion[want]
        lines.append(f"{want:<{width}}" + "".join(f"{row[got]:>{width}}" for got in LEVELS))
    lines += ["",
              "about co-operation (primary or secondary):",
              f"  precision {report.precision:.3f}   recall {report.recall:.3f}   "
              f"F1 {report.f1:.3f}   (tp {report.tp}, fp {report.fp}, fn {report.fn}, "
              f"tn {report.tn})",
              f"  exact level {report.level_accuracy:.3f} "
              f"({report.n - len(report.mismatches)}/{report.n})"]
    if report.mismatches:
        lines += ["", "mismatches (* = also wrong about co-operation):"]
        for m in report.mismatches:
            flag = "*" if m.changes_about else " "
            lines.append(f" {flag} {m.id!s:>5}  {m.expected} -> {m.got} ({m.score:g}, "
                         f"{m.decided_by})  {m.title[:70]}")
    return "\n".join(lines)
