"""Measure the relevance classifier against labelled items (issues 5 and 15).

One job: run relevance over items labelled like shared/samples/labelled_items.json and
report the confusion matrix over the four levels, and precision, recall and F1 of "about
co-operation" (predicted primary or secondary, against the label's ``about_cooperation``) with
a bootstrap interval: the labelled sets are small (82 items, 14 about the co-operation), so a
figure comes with how sure it is. An item's text is its title and its summary and body together
(the samples' bodies are excerpts, often null), exactly as classify_article would read an
Article.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.article import LEVELS, Level
from relevance.classify import classify
from relevance.rules import Rules
from relevance.text import body_with_summary

ABOUT_COOPERATION = frozenset({Level.PRIMARY, Level.SECONDARY})
# Bootstrap: resamples of the items (with replacement) and the seed, fixed so that two runs on
# the same file print the same interval.
RESAMPLES = 2000
SEED = 15
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Outcome:
    """One labelled item, classified: what was expected, what came out, and why."""

    id: Any
    source: str
    title: str
    expected: str
    got: str
    want_about: bool
    got_about: bool
    score: float
    decided_by: str  # the decision reason's rule, e.g. "decision:people_from"
    detail: str  # the decision reason's detail: the scores that decided
    sentence: str  # the deciding sentence (or headline), as classified

    @property
    def exact(self) -> bool:
        return self.expected == self.got

    @property
    def changes_about(self) -> bool:
        """The miss also flips "about co-operation"."""
        return self.want_about != self.got_about


def _counts(outcomes: Iterable[Outcome]) -> tuple[int, int, int, int]:
    tp = fp = fn = tn = 0
    for o in outcomes:
        tp += o.want_about and o.got_about
        fp += o.got_about and not o.want_about
        fn += o.want_about and not o.got_about
        tn += not o.want_about and not o.got_about
    return tp, fp, fn, tn


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _precision(o: Sequence[Outcome]) -> float | None:
    tp, fp, _, _ = _counts(o)
    return _ratio(tp, tp + fp)


def _recall(o: Sequence[Outcome]) -> float | None:
    tp, _, fn, _ = _counts(o)
    return _ratio(tp, tp + fn)


def _f1(o: Sequence[Outcome]) -> float | None:
    tp, fp, fn, _ = _counts(o)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def _exact(o: Sequence[Outcome]) -> float | None:
    return _ratio(sum(x.exact for x in o), len(o))


METRICS: dict[str, Callable[[Sequence[Outcome]], float | None]] = {
    "precision": _precision, "recall": _recall, "f1": _f1, "level_accuracy": _exact}


def bootstrap(outcomes: Sequence[Outcome], resamples: int = RESAMPLES, seed: int = SEED,
              confidence: float = CONFIDENCE) -> dict[str, tuple[float, float] | None]:
    """Percentile bootstrap interval of each metric: resample the items with replacement.

    A resample where a metric is undefined (no item predicted about co-operation, for
    precision) is left out of that metric's interval; None when no resample defines it."""
    if not outcomes:
        return dict.fromkeys(METRICS)
    rng = random.Random(seed)
    values: dict[str, list[float]] = {name: [] for name in METRICS}
    n = len(outcomes)
    for _ in range(resamples):
        sample = [outcomes[rng.randrange(n)] for _ in range(n)]
        for name, metric in METRICS.items():
            value = metric(sample)
            if value is not None:
                values[name].append(value)
    tail = (1 - confidence) / 2
    out: dict[str, tuple[float, float] | None] = {}
    for name, vals in values.items():
        if not vals:
            out[name] = None
            continue
        vals.sort()
        lo = vals[int(tail * len(vals))]
        hi = vals[min(len(vals) - 1, int((1 - tail) * len(vals)))]
        out[name] = (lo, hi)
    return out


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]

    @property
    def n(self) -> int:
        return len(self.outcomes)

    @property
    def confusion(self) -> dict[str, dict[str, int]]:
        """Expected level -> predicted level -> count, all four levels both ways."""
        matrix = {want: dict.fromkeys(LEVELS, 0) for want in LEVELS}
        for o in self.outcomes:
            matrix[o.expected][o.got] += 1
        return matrix

    @property
    def tp(self) -> int:
        return _counts(self.outcomes)[0]

    @property
    def fp(self) -> int:
        return _counts(self.outcomes)[1]

    @property
    def fn(self) -> int:
        return _counts(self.outcomes)[2]

    @property
    def tn(self) -> int:
        return _counts(self.outcomes)[3]

    @property
    def mismatches(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.exact)

    @property
    def precision(self) -> float:
        return _precision(self.outcomes) or 0.0

    @property
    def recall(self) -> float:
        return _recall(self.outcomes) or 0.0

    @property
    def f1(self) -> float:
        return _f1(self.outcomes) or 0.0

    @property
    def level_accuracy(self) -> float:
        return _exact(self.outcomes) or 0.0

    def intervals(self) -> dict[str, tuple[float, float] | None]:
        return bootstrap(self.outcomes)

    def by_source(self) -> dict[str, Report]:
        groups: dict[str, list[Outcome]] = {}
        for o in self.outcomes:
            groups.setdefault(o.source, []).append(o)
        return {source: Report(tuple(group)) for source, group in sorted(groups.items())}

    def figures(self) -> dict[str, Any]:
        return {"n": self.n, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "level_accuracy": round(self.level_accuracy, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}

    def to_dict(self, by_source: bool = False) -> dict[str, Any]:
        intervals = {name: None if ci is None else [round(ci[0], 4), round(ci[1], 4)]
                     for name, ci in self.intervals().items()}
        out = self.figures() | {
            "interval": intervals | {"confidence": CONFIDENCE, "resamples": RESAMPLES,
                                     "seed": SEED},
            "confusion": self.confusion,
            "mismatches": [asdict(m) | {"changes_about": m.changes_about}
                           for m in self.mismatches]}
        if by_source:
            out["by_source"] = {s: r.figures() | {"confusion": r.confusion}
                                for s, r in self.by_source().items()}
        return out


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
    outcomes = []
    for item in items:
        want_level, want_about = _expected(item)
        got = classify(item.get("title") or "",
                       body_with_summary(item.get("summary"), item.get("body")),
                       item.get("subtitle"), item.get("source"), rules)
        decision = got.reasons[-1] if got.reasons else {}
        outcomes.append(Outcome(
            id=item.get("id"), source=str(item.get("source") or "(none)"),
            title=str(item.get("title") or ""), expected=want_level.value,
            got=got.level.value, want_about=want_about,
            got_about=got.level in ABOUT_COOPERATION, score=got.score,
            decided_by=str(decision.get("rule", "")), detail=str(decision.get("detail", "")),
            sentence=str(decision.get("text", ""))))
    return Report(tuple(outcomes))


def _ci(ci: tuple[float, float] | None) -> str:
    return "[undefined]" if ci is None else f"[{ci[0]:.2f}, {ci[1]:.2f}]"


def _matrix(report: Report) -> list[str]:
    width = max(len(level) for level in LEVELS) + 2
    lines = [" " * width + "".join(f"{level:>{width}}" for level in LEVELS)]
    for want in LEVELS:
        row = report.confusion[want]
        lines.append(f"{want:<{width}}" + "".join(f"{row[got]:>{width}}" for got in LEVELS))
    return lines


def format_report(report: Report, misses: bool = False, by_source: bool = False) -> str:
    """A plain-text report: the confusion matrix, the figures with their intervals, then (on
    request) the figures per source and each wrong item with the reason that decided it."""
    ci = report.intervals()
    lines = [f"{report.n} labelled items", "",
             "confusion matrix (rows: label, columns: predicted)", *_matrix(report), "",
             "about co-operation (primary or secondary), "
             f"{CONFIDENCE:.0%} bootstrap interval ({RESAMPLES} resamples, seed {SEED}):",
             f"  precision {report.precision:.3f} {_ci(ci['precision'])}   "
             f"recall {report.recall:.3f} {_ci(ci['recall'])}   "
             f"F1 {report.f1:.3f} {_ci(ci['f1'])}",
             f"  (tp {report.tp}, fp {report.fp}, fn {report.fn}, tn {report.tn})",
             f"  exact level {report.level_accuracy:.3f} {_ci(ci['level_accuracy'])} "
             f"({report.n - len(report.mismatches)}/{report.n})"]
    if by_source:
        lines += ["", "by source:",
                  f"  {'source':<18}{'n':>4}{'tp':>4}{'fp':>4}{'fn':>4}{'precision':>11}"
                  f"{'recall':>8}{'F1':>7}{'exact':>7}"]
        for source, part in report.by_source().items():
            lines.append(f"  {source:<18}{part.n:>4}{part.tp:>4}{part.fp:>4}{part.fn:>4}"
                         f"{part.precision:>11.3f}{part.recall:>8.3f}{part.f1:>7.3f}"
                         f"{part.level_accuracy:>7.3f}")
    wrong = report.mismatches
    if wrong and misses:
        lines += ["", "misses (* = also wrong about co-operation):"]
        for m in wrong:
            flag = "*" if m.changes_about else " "
            lines += [f" {flag} {m.id!s:>5} [{m.source}] {m.expected} -> {m.got} "
                      f"(score {m.score:g}, {m.decided_by})  {m.title[:70]}",
                      f"          why: {m.detail}"]
            if m.sentence:
                lines.append(f"          sentence: {' '.join(m.sentence.split())[:160]}")
    elif wrong:
        lines += ["", f"{len(wrong)} miss(es): --misses lists them with the deciding reason"]
    return "\n".join(lines)
