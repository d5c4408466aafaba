"""Storage throughput: upsert with dedupe, items/s, into an archive of 10k and of 100k items
(SQLite; also PostgreSQL when COOPWATCH_TEST_PG_URL names a server).

The archive of N items is bulk-built (benchdata.archive, cached in bench/results/data/; on
PostgreSQL the same rows are copied in), then --articles generated Articles (benchdata.articles:
~90 % new, 7 % another URL of an earlier one — outcome unchanged, 3 % an earlier one's text
under a new URL — outcome duplicate), dated across the archive's 26 years so that story and
near-duplicate checks meet the archive's items, are stored three ways, each into its own copy
of the archive:
  batched   storage.batch.upsert_articles, COOPWATCH_STORE_BATCH (50) articles per
            transaction, as the crawler's StoreItem does — the figure;
  1000/txn  the same, 1,000 per transaction (a variant the crawler does not use);
  1 txn/item  storage.batch.upsert_article (a batch of one), one transaction per item (as the
            crawler retries a failed batch; the price of not batching).
Baseline: the same articles' rows (canonical URL and fingerprints computed) as core multi-row
INSERTs, 50 per transaction — the floor of the batched path, without lookups, dedupe or
stories. Where the rest goes: on SQLite the baseline is measured again with the FTS5 insert
trigger dropped (in the private copy), which prices the full-text indexing alone, and the
canonical URL and fingerprints are timed without any SQL (the CPU floor of every path).
Target: ≥ 5,000 items/s on SQLite.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import benchdata
import benchlib
from benchlib import parser

TARGET_ITEMS_S = 5000
BIG_BATCH = 1000
ARCHIVE_DAYS = 26 * 365


@contextlib.contextmanager
def copy_of(backend: str, archive_url: str, work: Path) -> Iterator[str]:
    """A private copy of the cached SQLite archive, or a PostgreSQL database holding its rows."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from storage import migrate
    from storage.db import engine_for

    source = Path(archive_url.removeprefix("sqlite:///"))
    if backend == "sqlite":
        path = work / f"upsert-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(source, path)
        url = f"sqlite:///{path}"
        yield url
        engine_for(url).dispose()
        path.unlink()
        return
    admin_url = os.environ["COOPWATCH_TEST_PG_URL"]
    name = f"coopwatch_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        copy_rows(archive_url, url)
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def copy_rows(from_url: str, to_url: str) -> None:
    """The story and item rows of one archive into another (PostgreSQL)."""
    from sqlalchemy import Table, insert, select, text

    from storage.db import engine_for
    from storage.models import Item, Story

    src, dst = engine_for(from_url), engine_for(to_url)
    for table in (Story.__table__, Item.__table__):
        assert isinstance(table, Table)
        with src.connect() as read, dst.begin() as write:
            rows = read.execute(select(table)).mappings()
            while chunk := rows.fetchmany(10_000):
                write.execute(insert(table), [dict(r) for r in chunk])
    with dst.begin() as conn:
        for name in ("story", "item"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                              f"(SELECT max(id) FROM {name}))"))


def upsert_one_per_txn(url: str, arts: list[Any]) -> tuple[float, list[str]]:
    """Seconds to upsert every article with upsert_article, one transaction each; outcomes."""
    from storage.batch import upsert_article
    from storage.db import session_factory

    factory = session_factory(url)
    outcomes = []
    started = time.perf_counter()
    for art in arts:
        with factory() as session, session.begin():
            outcomes.append(upsert_article(session, art).outcome.value)
    return time.perf_counter() - started, outcomes


def upsert_batched(url: str, arts: list[Any], batch: int) -> tuple[float, list[str]]:
    """Seconds to upsert every article with upsert_articles, `batch` per transaction."""
    from storage.batch import upsert_articles
    from storage.db import session_factory

    factory = session_factory(url)
    outcomes = []
    started = time.perf_counter()
    for first in range(0, len(arts), batch):
        with factory() as session, session.begin():
            outcomes += [r.outcome.value for r in upsert_articles(session,
                                                                  arts[first:first + batch])]
    return time.perf_counter() - started, outcomes


def core_insert(url: str, arts: list[Any], batch: int, fts: bool = True) -> float:
    """Seconds to INSERT the new articles' rows, `batch` per transaction and per multi-row
    INSERT (no lookups). Without `fts`, SQLite's FTS5 insert trigger is dropped first."""
    from sqlalchemy import Table, insert, text

    from storage.canonical import canonical_url, guid_for
    from storage.db import engine_for, utcnow
    from storage.fingerprint import fingerprints
    from storage.models import Item

    engine = engine_for(url)
    if not fts:
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER item_fts_ai"))
    table = Item.__table__
    assert isinstance(table, Table)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    started = time.perf_counter()
    seen: set[str] = set()
    for first in range(0, len(arts), batch):
        rows = []
        now = utcnow()
        for art in arts[first:first + batch]:
            canonical = canonical_url(art.url, art.source)
            if canonical in seen:
                continue
            seen.add(canonical)
            chash, shash, _ = fingerprints(art.title, art.body)
            rows.append({"source": art.source, "url": art.url, "canonical_url": canonical,
                         "guid": guid_for(canonical), "title": art.title, "body": art.body,
                         "place": art.place, "published_at": art.published_at,
                         "tags": art.tags, "provenance": art.provenance, "first_seen_at": now,
                         "last_seen_at": now, "content_hash": chash, "simhash": shash,
                         "relevance_level": art.relevance.level.value,
                         "relevance_reasons": []})
        if rows:
            with engine.begin() as conn:
                conn.execute(stmt, rows).all()
    return time.perf_counter() - started


def compute_only(arts: list[Any]) -> float:
    """Seconds for what every new article costs before any SQL: canonical URL, content hash,
    simhash (the CPU floor of any path)."""
    from storage.canonical import canonical_url
    from storage.fingerprint import fingerprints

    started = time.perf_counter()
    for art in arts:
        canonical_url(art.url, art.source)
        fingerprints(art.title, art.body)
    return time.perf_counter() - started


def main() -> int:
    from crawler.settings import COOPWATCH_STORE_BATCH as STORE_BATCH

    p = parser(__doc__)
    p.add_argument("--sizes", default="10000,100000", help="comma-separated archive sizes")
    p.add_argument("--articles", type=int, default=2000, help="articles upserted per run")
    args = p.parse_args()
    sizes, count = ([2000], 200) if args.quick else (
        [int(s) for s in args.sizes.split(",")], args.articles)
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("COOPWATCH_TEST_PG_URL") else [])
    report = benchlib.Report("upsert", args)
    cache = Path(args.results_dir) / "data"
    arts = list(benchdata.articles(count, start=date(2000, 1, 1),
                                  per_day=count / ARCHIVE_DAYS))
    with tempfile.TemporaryDirectory(prefix="coopwatch-bench-upsert-") as tmp:
        for backend in backends:
            for size in sizes:
                archive_url, _ = benchdata.archive(size, cache)
                with copy_of(backend, archive_url, Path(tmp)) as url:
                    base_s = core_insert(url, arts, STORE_BATCH)
                no_fts_s = None
                if backend == "sqlite":
                    with copy_of(backend, archive_url, Path(tmp)) as url:
                        no_fts_s = core_insert(url, arts, STORE_BATCH, fts=False)
                with copy_of(backend, archive_url, Path(tmp)) as url:
                    batch_s, outcomes = upsert_batched(url, arts, STORE_BATCH)
                with copy_of(backend, archive_url, Path(tmp)) as url:
                    big_s, big_outcomes = upsert_batched(url, arts, BIG_BATCH)
                with copy_of(backend, archive_url, Path(tmp)) as url:
                    one_s, one_outcomes = upsert_one_per_txn(url, arts)
                cpu_s = min(compute_only(arts) for _ in range(3))
                same = outcomes == one_outcomes == big_outcomes
                counts = dict(Counter(outcomes))
                base, batched, big, one = (count / t for t in (base_s, batch_s, big_s, one_s))
                report.details[f"{backend}/{size}"] = {
                    "articles": count, "outcomes": counts, "same_outcomes_every_way": same,
                    "batch": STORE_BATCH, "batched_s": batch_s, "big_batch": BIG_BATCH,
                    "big_batch_s": big_s, "per_item_txn_s": one_s, "core_insert_s": base_s,
                    "core_insert_without_fts_s": no_fts_s,
                    "canonical_and_fingerprints_us_per_article": cpu_s / count * 1e6,
                    "fts_us_per_new_item": (base_s - no_fts_s) / counts.get("new", 1) * 1e6
                    if no_fts_s is not None else None}
                target = backend == "sqlite"
                floor = {"baseline": base,
                         "baseline_name": f"core multi-row INSERT, {STORE_BATCH}/txn"}
                report.add(f"upsert+dedupe, batched {STORE_BATCH}/txn as the crawler, {backend}, "
                           f"{size:,}-item archive", batched, "items/s", **floor,
                           target=f"≥ {TARGET_ITEMS_S:,} items/s" if target else "",
                           met=batched >= TARGET_ITEMS_S if target else None,
                           note=f"outcomes {counts}" + ("" if same else
                                                        "; OUTCOMES DIFFER between the ways"))
                report.add(f"upsert+dedupe, batched {BIG_BATCH}/txn, {backend}, "
                           f"{size:,}-item archive", big, "items/s", **floor)
                report.add(f"upsert+dedupe, 1 txn/item (upsert_article), {backend}, "
                           f"{size:,}-item archive", one, "items/s", **floor)
                report.add(f"canonical URL + fingerprints only (no SQL), {backend}, "
                           f"{size:,}-item archive", count / cpu_s, "items/s", **floor,
                           note="the CPU floor of every path")
                if no_fts_s is not None:
                    report.add(f"core multi-row INSERT without the FTS5 trigger, {backend}, "
                               f"{size:,}-item archive", count / no_fts_s, "items/s", **floor,
                               note="prices full-text indexing: compare with the baseline")
                print(f"{backend}/{size}: {counts}{'' if same else ' (outcomes differ!)'}; "
                      f"{batched:,.0f} items/s batched {STORE_BATCH}, {big:,.0f} batched "
                      f"{BIG_BATCH}, {one:,.0f} one per txn, {base:,.0f} core INSERT"
                      + (f", {count / no_fts_s:,.0f} core without FTS" if no_fts_s else ""),
                      flush=True)
    report.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
