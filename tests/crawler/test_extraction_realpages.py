"""The generic layer on 181 real news pages (../shared/realpages, or $COOPWATCH_REALPAGES_DIR):
body F1 at least 0.95 by the shingle metric, and no page left without a body. Outside CI the
test skips when the pages are absent; in CI (CI set) their absence is a failure."""

from __future__ import annotations

import os

import pytest

from crawler.extraction_score import data_dir, load_pages, page_counts, score, shingles
from crawler.pages.extract import GENERIC, extract

MIN_F1 = 0.95


def test_the_metric_counts_shingles_with_multiplicity_and_weighs_pages_equally() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("two words") == {("two", "words"): 1}
    assert page_counts("a b c d", "a b c d x") == (0.5, 0.5, 0.0)
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    result = score([("a b c d e", "a b c d e"), ("w x y z", "")])
    assert (result.precision, result.recall, result.empty) == (1.0, 0.5, 1)


def test_generic_layer_on_real_pages() -> None:
    root = data_dir()
    if not (root / "ground-truth.json").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"no real pages at {root} (set COOPWATCH_REALPAGES_DIR)")
        pytest.skip(f"no real pages at {root}")
    pairs, rejected = [], []
    for page in load_pages(root):
        out = extract(GENERIC, page.url, page.html)
        if not out["parsed"]:
            rejected.append(f"{page.key[:12]}: {out['error']}")
        pairs.append((page.expected_body, out.get("body") or ""))
    result = score(pairs)
    assert not rejected, f"{len(rejected)} real articles without a body: {rejected[:5]}"
    assert result.empty == 0
    assert result.f1 >= MIN_F1, f"body F1 {result.f1:.3f} < {MIN_F1} ({result})"
