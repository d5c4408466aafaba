"""Full-text search latency: storage.search.search() (SQLite FTS5, bm25-ranked, with snippet,
20 hits as ORM items — what `coopwatch query` runs) at 100k and 1M items, p50/p95 over a fixed
mix of queries from rare to very common, against a LIKE-scan baseline: every word as
`(title || ' ' || body) LIKE '%word%'`, newest first, 20 rows (what one writes without a
full-text index).

The archive is generated (benchlib.archive: bulk-inserted, FTS index rebuilt, no ANALYZE,
like an archive built by crawls) and cached in bench/results/data/ for the feed benchmark and
later runs. Text: one catalogue paragraph, an event sentence (46 places, 16 topics) and three
people's names drawn by Zipf's law from 20,000, so queries span rare to very common words; the
details list every query's match count. Also measured (not a coopwatch figure): the same
ranking with bm25 computed inside the FTS table before joining the items, a proposed rewrite.
Target: p50 ≤ 20 ms at 1M items.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import benchlib
from benchlib import parser, percentile, surnames

TARGET_P50_MS = 20.0


def queries() -> list[tuple[str, str]]:
    """(label, query): names by Zipf rank (rank 1 is in ~1/3 of items), places, topics, the
    organisations' names, phrases and several-word ANDs."""
    names = surnames()
    return [("rare name", names[4999]), ("rare name", names[1999]),
            ("two names", f"{names[299]} {names[399]}"), ("name", names[199]),
            ("name", names[49]), ("common name", names[4]),
            ("place", "Bratislava"), ("phrase", '"joint action plan"'),
            ("topic phrase", '"border management"'), ("three words", "Bishkek police training"),
            ("organisation", "INTERPOL"), ("organisation", "OSCE")]


def like_statement(text: str) -> Any:
    from sqlalchemy import and_, select

    from storage.models import Item
    from storage.search import parse_terms

    cond = and_(*[(Item.title + " " + Item.body).like(f"%{t}%") for t in parse_terms(text)])
    return select(Item).where(cond).order_by(Item.published_at.desc(), Item.id.desc()).limit(20)


def fts_first_sql(text: str) -> Any:
    """The proposed rewrite: rank inside item_fts (a narrow sorter), then join 20 items."""
    from sqlalchemy import text as sql_text

    from storage.search import _BM25, fts5_expression, parse_terms

    return sql_text(
        f"SELECT item.*, r.rank FROM (SELECT rowid AS id, {_BM25} AS rank FROM item_fts "
        "WHERE item_fts MATCH :match ORDER BY rank, rowid DESC LIMIT 20) AS r "
        "JOIN item ON item.id = r.id ORDER BY r.rank, item.id DESC"
    ).bindparams(match=fts5_expression(parse_terms(text)))


def timed(run: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(url: str, repeat: int, like_repeat: int) -> dict[str, Any]:
    from sqlalchemy import func, select, text

    from storage.db import session_factory
    from storage.search import SearchQuery, fts5_expression, parse_terms, search

    per_query: list[dict[str, Any]] = []
    fts_ms: list[float] = []
    like_ms: list[float] = []
    alt_ms: list[float] = []
    with session_factory(url)() as session:
        for label, q in queries():
            match = fts5_expression(parse_terms(q))
            count = session.scalar(select(func.count()).select_from(text("item_fts")).where(
                text("item_fts MATCH :m").bindparams(m=match)))
            query = SearchQuery(text=q)
            search(session, query)  # warm: statement cache, pages
            f = timed(lambda query=query: search(session, query), repeat)
            session.expunge_all()
            stmt = like_statement(q)
            lk = timed(lambda stmt=stmt: session.scalars(stmt).all(), like_repeat)
            session.expunge_all()
            alt = fts_first_sql(q)
            session.execute(alt).all()
            a = timed(lambda alt=alt: session.execute(alt).all(), repeat)
            fts_ms += f
            like_ms += lk
            alt_ms += a
            per_query.append({"label": label, "query": q, "matches": count,
                              "fts_median_ms": benchlib.median(f),
                              "like_median_ms": benchlib.median(lk),
                              "fts_first_median_ms": benchlib.median(a)})
            print(f"  {label:13} {q!r:40} {count:>8,} matches  fts {benchlib.median(f):8.1f} ms"
                  f"  like {benchlib.median(lk):8.1f} ms  fts-first {benchlib.median(a):7.1f} ms",
                  flush=True)
    return {"queries": per_query,
            "fts": {"p50_ms": percentile(fts_ms, 50), "p95_ms": percentile(fts_ms, 95)},
            "like": {"p50_ms": percentile(like_ms, 50), "p95_ms": percentile(like_ms, 95)},
            "fts_first": {"p50_ms": percentile(alt_ms, 50), "p95_ms": percentile(alt_ms, 95)}}


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--sizes", default="100000,1000000", help="comma-separated archive sizes")
    p.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    args = p.parse_args()
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    report = benchlib.Report("search", args)
    cache = Path(args.results_dir) / "data"
    for size in sizes:
        url, build_s = benchlib.archive(size, cache)
        built = f"built in {build_s:.0f} s" if build_s else "reused"
        print(f"archive of {size:,} items: {built}", flush=True)
        result = measure(url, 2 if args.quick else args.repeat, 1 if size >= 500_000 else 3)
        result["archive_build_s"] = build_s
        report.details[str(size)] = result
        fts, like, alt = result["fts"], result["like"], result["fts_first"]
        big = size >= 1_000_000
        report.add(f"full-text p50 at {size:,} items", fts["p50_ms"], "ms",
                   baseline=like["p50_ms"], baseline_name="LIKE scan",
                   target=f"≤ {TARGET_P50_MS:g} ms" if big else "",
                   met=fts["p50_ms"] <= TARGET_P50_MS if big else None)
        report.add(f"full-text p95 at {size:,} items", fts["p95_ms"], "ms",
                   baseline=like["p95_ms"], baseline_name="LIKE scan")
        report.add(f"proposed FTS-first ranking p50 at {size:,} items", alt["p50_ms"], "ms",
                   baseline=fts["p50_ms"], baseline_name="current search()",
                   note="not what coopwatch runs: see details")
    report.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
