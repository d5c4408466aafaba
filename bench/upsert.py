"""Storage throughput: upsert with dedupe, items/s, into an archive of 10k and of 100k items
(SQLite; also PostgreSQL when COOPWATCH_TEST_PG_URL names a server).

The archive of N items is bulk-built (benchlib.archive, cached in bench/results/data/; on
PostgreSQL the same rows are copied in), then --articles generated Articles (benchlib.articles:
~90 % new, 7 % another URL of an earlier one — outcome unchanged, 3 % an earlier one's text
under a new URL — outcome duplicate), dated across the archive's 26 years so that story and
near-duplicate checks meet the archive's items, go through storage.repository.upsert_article:
one transaction per item as the crawler's StoreItem does (the figure), and 1,000 per
transaction (a variant the crawler does not use). Baseline: the same articles' rows as plain
SQLAlchemy core INSERTs in one executemany — the floor, without lookups, dedupe or stories.
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

import benchlib
from benchlib import parser

TARGET_ITEMS_S = 5000
BATCH = 1000
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


def upsert_all(url: str, arts: list[Any], batch: int) -> tuple[float, Counter[str]]:
    """Seconds to upsert every article, `batch` per transaction, and the outcomes."""
    from storage.db import session_factory
    from storage.repository import upsert_article

    factory = session_factory(url)
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for first in range(0, len(arts), batch):
        with factory() as session, session.begin():
            for art in arts[first:first + batch]:
                outcomes[upsert_article(session, art).outcome.value] += 1
    return time.perf_counter() - started, outcomes


def core_insert(url: str, arts: list[Any]) -> float:
    """Seconds to INSERT the new articles' rows with one core executemany (no lookups)."""
    from sqlalchemy import insert

    from storage.canonical import canonical_url, guid_for
    from storage.db import engine_for, utcnow
    from storage.fingerprint import content_hash, simhash64
    from storage.models import Item

    started = time.perf_counter()
    seen: set[str] = set()
    rows = []
    now = utcnow()
    for art in arts:
        canonical = canonical_url(art.url, art.source)
        if canonical in seen:
            continue
        seen.add(canonical)
        rows.append({"source": art.source, "url": art.url, "canonical_url": canonical,
                     "guid": guid_for(canonical), "title": art.title, "body": art.body,
                     "place": art.place, "published_at": art.published_at, "tags": art.tags,
                     "provenance": art.provenance, "first_seen_at": now, "last_seen_at": now,
                     "content_hash": content_hash(art.title, art.body),
                     "simhash": simhash64(f"{art.title} {art.body}"),
                     "relevance_level": art.relevance.level.value, "relevance_reasons": []})
    with engine_for(url).begin() as conn:
        conn.execute(insert(Item), rows)
    return time.perf_counter() - started


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--sizes", default="10000,100000", help="comma-separated archive sizes")
    p.add_argument("--articles", type=int, default=2000, help="articles upserted per run")
    args = p.parse_args()
    sizes, count = ([2000], 200) if args.quick else (
        [int(s) for s in args.sizes.split(",")], args.articles)
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("COOPWATCH_TEST_PG_URL") else [])
    report = benchlib.Report("upsert", args)
    cache = Path(args.results_dir) / "data"
    arts = list(benchlib.articles(count, start=date(2000, 1, 1),
                                  per_day=count / ARCHIVE_DAYS))
    with tempfile.TemporaryDirectory(prefix="coopwatch-bench-upsert-") as tmp:
        for backend in backends:
            for size in sizes:
                archive_url, _ = benchlib.archive(size, cache)
                with copy_of(backend, archive_url, Path(tmp)) as url:
                    base_s = core_insert(url, arts)
                with copy_of(backend, archive_url, Path(tmp)) as url:
                    one_s, outcomes = upsert_all(url, arts, 1)
                with copy_of(backend, archive_url, Path(tmp)) as url:
                    batch_s, _ = upsert_all(url, arts, BATCH)
                base, one, batched = count / base_s, count / one_s, count / batch_s
                report.details[f"{backend}/{size}"] = {
                    "articles": count, "outcomes": dict(outcomes), "core_insert_s": base_s,
                    "per_item_txn_s": one_s, "batched_s": batch_s, "batch": BATCH}
                target = backend == "sqlite"
                report.add(f"upsert+dedupe, 1 txn/item, {backend}, {size:,}-item archive", one,
                           "items/s", baseline=base, baseline_name="core executemany INSERT",
                           target=f"≥ {TARGET_ITEMS_S:,} items/s" if target else "",
                           met=one >= TARGET_ITEMS_S if target else None,
                           note=f"outcomes {dict(outcomes)}")
                report.add(f"upsert+dedupe, {BATCH}/txn, {backend}, {size:,}-item archive",
                           batched, "items/s", baseline=base,
                           baseline_name="core executemany INSERT")
                print(f"{backend}/{size}: {dict(outcomes)}; {one:,.0f} items/s one per txn, "
                      f"{batched:,.0f} batched, {base:,.0f} core", flush=True)
    report.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
