"""Extraction: the generic article layer on real news pages, against the libraries alone.

    python bench/extraction.py [--data DIR] [--quick] [--results-dir DIR]

On the 181 pages of ../shared/realpages (or --data DIR / $COOPWATCH_REALPAGES_DIR: a checkout
of the public article-extraction benchmark has the same layout), in one run and in the same
process: coopwatch's generic layer (crawler.pages.extract, as `coopwatch extract --source
generic` runs it), trafilatura alone (extract(html, url, include_comments=False): the 0.960 of
the data's README) and readability-lxml. Each gets body F1 / precision / recall (the shingle
metric of the data's README, crawler/extraction_score.py), the pages without a body, and CPU
ms per page from the HTML string (p50, p95). Baseline: trafilatura alone. Targets (issue 14):
F1 ≥ 0.96, 0 pages without a body, p50 ≤ 25 ms, F1 ≥ trafilatura's.
Also reported for the generic layer: how often its title is the page's only <h1> or its
og:title, and how often it found a date (the pages have no expected title or date).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import benchlib
from benchlib import parser, percentile

from crawler.extraction_score import RealPage, Score, data_dir, load_pages, score
from crawler.pages.extract import GENERIC, extract
from crawler.pages.generic import visible_h1s
from crawler.pages.text import parse_html

TARGET_F1, TARGET_P50_MS = 0.96, 25.0
QUICK_PAGES = 12


def coopwatch(page: RealPage) -> str:
    return extract(GENERIC, page.url, page.html).get("body") or ""


def trafilatura_alone(page: RealPage) -> str:
    import trafilatura

    return trafilatura.extract(page.html, url=page.url, include_comments=False) or ""


def readability(page: RealPage) -> str:
    from readability import Document

    summary = Document(page.html, url=page.url).summary(html_partial=True)
    return "\n".join(" ".join(t.split()) for t in parse_html(summary).itertext() if t.strip())


EXTRACTORS: dict[str, Callable[[RealPage], str]] = {
    "coopwatch generic layer": coopwatch, "trafilatura alone": trafilatura_alone,
    "readability-lxml": readability}


def run(extractor: Callable[[RealPage], str], pages: list[RealPage]) -> tuple[Score, list[float]]:
    bodies, times = [], []
    for page in pages:
        # CPU time: the machine is shared, and waiting for a core is not the extractor's cost
        started = time.process_time()
        try:
            body = extractor(page)
        except Exception as err:  # an extractor's crash is a page without a body, not a stop
            print(f"  {page.key[:12]}: {type(err).__name__}: {err}", file=sys.stderr)
            body = ""
        times.append((time.process_time() - started) * 1000)
        bodies.append((page.expected_body, body))
    return score(bodies), times


def title_and_date(pages: list[RealPage]) -> dict[str, Any]:
    """How the generic layer's title relates to the page's <h1> and og:title; dates found."""
    counts = {"pages": 0, "parsed": 0, "title_is_only_h1": 0, "pages_with_one_h1": 0,
              "title_is_og_title": 0, "pages_with_og_title": 0, "date_found": 0,
              "title_layers": {}, "date_layers": {}}
    for page in pages:
        counts["pages"] += 1
        out = extract(GENERIC, page.url, page.html)
        if not out["parsed"]:
            continue
        counts["parsed"] += 1
        root = parse_html(page.html)
        h1s = visible_h1s(root)
        og = next((m.get("content") for m in root.iter("meta")
                   if m.get("property") == "og:title" and m.get("content")), None)
        title = out["title"]
        if len(h1s) == 1:
            counts["pages_with_one_h1"] += 1
            counts["title_is_only_h1"] += title == h1s[0]
        if og:
            counts["pages_with_og_title"] += 1
            counts["title_is_og_title"] += title == " ".join(og.split())
        counts["date_found"] += out["published"] is not None
        for key, field in (("title_layers", "title"), ("date_layers", "published")):
            layer = out["provenance"].get(field, "none")
            counts[key][layer] = counts[key].get(layer, 0) + 1
    return counts


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--data", help="the pages' directory (ground-truth.json, html/KEY.html.gz)")
    args = p.parse_args()
    root = data_dir(args.data)
    if not (root / "ground-truth.json").is_file():
        print(f"no real pages at {root}: pass --data DIR or set the environment variable "
              "COOPWATCH_REALPAGES_DIR", file=sys.stderr)
        return 2
    pages = list(load_pages(root))[:QUICK_PAGES if args.quick else None]
    report = benchlib.Report("extraction", args)
    results = {name: run(extractor, pages) for name, extractor in EXTRACTORS.items()}
    base_score, base_times = results["trafilatura alone"]
    n = len(pages)
    for name, (found, times) in results.items():
        ours = name == "coopwatch generic layer"
        baseline = {} if name == "trafilatura alone" else {"baseline_name": "trafilatura alone"}
        report.add(f"{name}: body F1", round(found.f1, 4), "",
                   **baseline, **({"baseline": round(base_score.f1, 4)} if baseline else {}),
                   **({"target": f"≥ {TARGET_F1} and ≥ trafilatura",
                       "met": found.f1 >= TARGET_F1 and found.f1 >= base_score.f1}
                      if ours else {}))
        report.add(f"{name}: precision", round(found.precision, 4), "")
        report.add(f"{name}: recall", round(found.recall, 4), "")
        report.add(f"{name}: pages without a body", found.empty, f"of {n}",
                   **({"target": "0", "met": found.empty == 0} if ours else {}))
        p50 = percentile(times, 50)
        report.add(f"{name}: p50 per page", round(p50, 1), "ms",
                   **({"baseline": round(percentile(base_times, 50), 1),
                       "baseline_name": "trafilatura alone"} if baseline else {}),
                   **({"target": f"≤ {TARGET_P50_MS:g} ms", "met": p50 <= TARGET_P50_MS}
                      if ours else {}))
        report.add(f"{name}: p95 per page", round(percentile(times, 95), 1), "ms")
    report.details["title_and_date"] = title_and_date(pages)
    report.details["data"] = str(root)
    path = report.finish()
    for name, (found, _) in results.items():  # the table rounds to 2 digits: F1s differ in the 3rd
        print(f"{name}: F1 {found.f1:.3f}  P {found.precision:.3f}  R {found.recall:.3f}")
    print(f"title and date of the generic layer: {report.details['title_and_date']}")
    return 0 if path.exists() else 1


if __name__ == "__main__":
    sys.exit(main())

