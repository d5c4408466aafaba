"""Body quality of an extractor on real pages: the word 4-gram shingle metric of
../shared/realpages/README.md, and the loader of that set.

Per page, tp / fp / fn are shared / extra / missed shingles (counted with multiplicity);
precision and recall are means over pages of per-page ratios (so each page weighs the same),
and an empty prediction counts as recall 0. Shared by bench/extraction.py and its test.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA_ENV = "COOPWATCH_REALPAGES_DIR"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "realpages"
_TOKEN = re.compile(r"\w+")
NGRAM = 4


def data_dir(given: str | Path | None = None) -> Path:
    """--data DIR, else $COOPWATCH_REALPAGES_DIR, else ../shared/realpages beside the repo."""
    return Path(given or os.environ.get(DATA_ENV) or DEFAULT_DATA)


@dataclass(frozen=True)
class RealPage:
    key: str
    url: str
    html: str
    expected_body: str


def load_pages(root: Path) -> Iterator[RealPage]:
    """The pages of root (ground-truth.json + html/<key>.html.gz), in key order."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        with gzip.open(root / "html" / f"{key}.html.gz", "rt", encoding="utf-8",
                       errors="replace") as page:
            html = page.read()
        yield RealPage(key, truth[key]["url"], html, truth[key].get("articleBody") or "")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < NGRAM:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + NGRAM]) for i in range(len(tokens) - NGRAM + 1))


def page_counts(expected: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, divided by their sum."""
    want, got = shingles(expected), shingles(predicted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Score:
    f1: float
    precision: float
    recall: float
    pages: int
    empty: int  # pages with no body predicted (rejected, or an exception)


def score(pairs: list[tuple[str, str]]) -> Score:
    """The metric over (expected, predicted) bodies, one pair per page."""
    precisions, recalls = [], []
    for expected, predicted in pairs:
        tp, fp, fn = page_counts(expected, predicted)
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    empty = sum(1 for _, predicted in pairs if not predicted.strip())
    return Score(f1, precision, recall, len(pairs), empty)
