"""Crawl-run rows and the per-source health fields they update."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.db import utcnow
from storage.models import CrawlRun, Item, ItemAlias, ItemRevision, Source

# Who started a run: `coopwatch crawl` (or scrapy crawl), the monitor, the web API.
TRIGGERS = ("cli", "schedule", "api")
COUNT_FIELDS = ("requests", "not_modified", "listing_pages", "parsed", "new", "updated",
                "unchanged", "duplicates", "matched", "errors")
# A run that ended in one of these counts towards the source's error streak.
FAILED_STATUSES = frozenset({"failed", "blocked", "killed"})
# Stopped from outside before it could tell anything (shutdown): neither success nor failure.
NEUTRAL_STATUSES = frozenset({"abandoned", "busy"})


def start_run(session: Session, source: str, trigger: str, pid: int,
              instance: str | None = None) -> CrawlRun:
    run = CrawlRun(source=source, trigger=trigger, pid=pid, instance=instance, status="running")
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, run: CrawlRun, summary: dict[str, Any]) -> None:
    """Record the run's outcome and move the source's health fields with it."""
    now = utcnow()
    run.finished_at = now
    run.status, run.reason = summary["status"], summary.get("reason")
    for name in COUNT_FIELDS:
        setattr(run, name, int(summary.get(name, 0)))
    run.health = summary.get("health", {})
    run.stats = summary.get("stats", {})
    source = session.get_one(Source, run.source)
    source.last_run_at = now
    if run.new:
        source.last_new_item_at = now
    if run.status in NEUTRAL_STATUSES:
        return
    if run.status in FAILED_STATUSES:
        source.error_streak += 1
        source.last_error_at, source.last_error = now, run.reason
    else:
        source.error_streak = 0
        source.last_success_at = now
        if source.primed_at is None:
            source.primed_at = now  # the first completed crawl was the silent backfill
        if run.status == "errors":
            source.last_error_at, source.last_error = now, run.reason


def stored_since(session: Session, source: str, since: datetime) -> dict[str, int]:
    """What crawls of a source stored from `since` on: new items, updated items, and the new
    ones that matched. A run that died could not count its own committed batches; its source's
    lock kept any other crawl of the source out meanwhile, so these are its own."""
    new = (Item.source == source, Item.origin == "crawl", Item.first_seen_at >= since)
    return {
        "new": session.scalar(select(func.count(Item.id)).where(*new)) or 0,
        "matched": session.scalar(select(func.count(Item.id)).where(
            *new, Item.relevance_level.in_(("primary", "secondary")))) or 0,
        "updated": session.scalar(select(func.count(func.distinct(ItemRevision.item_id)))
                                  .join(Item).where(Item.source == source,
                                                    ItemRevision.recorded_at >= since)) or 0,
    }


def mark_run(session: Session, run_id: int, status: str, reason: str) -> dict[str, Any] | None:
    """Close a run from outside its process (killed on timeout or by a signal, abandoned at
    shutdown or found open), counting what it stored; returns the run's summary, or None when
    the run is unknown or already closed.

    Two closers may race (the monitor abandoning a crawl at shutdown while the check's thread
    sees its child die and records it killed): the conditional UPDATE lets exactly one of them
    close the run, on both backends, and the first word stands."""
    claimed = session.execute(update(CrawlRun).where(
        CrawlRun.id == run_id, CrawlRun.finished_at.is_(None)).values(finished_at=utcnow()))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    run = session.get_one(CrawlRun, run_id, populate_existing=True)
    summary: dict[str, Any] = {name: getattr(run, name) for name in COUNT_FIELDS}
    summary |= stored_since(session, run.source, run.started_at)
    summary |= {"status": status, "reason": reason, "source": run.source, "run_id": run.id}
    finish_run(session, run, summary)
    return summary


def close_stale_runs(session: Session, source: str, reason: str) -> list[int]:
    """Close as abandoned the source's runs left open by a process that died. Call it holding
    the source's lock: no other crawl of the source can then be alive."""
    ids = session.scalars(select(CrawlRun.id).where(CrawlRun.source == source,
                                                    CrawlRun.finished_at.is_(None))).all()
    for run_id in ids:
        mark_run(session, run_id, "abandoned", reason)
    return list(ids)


def last_walk_cut_short(session: Session, source: str) -> bool:
    """True when the source's latest run (busy ones aside) may have left listed items unstored:
    it was killed, abandoned, failed or never closed, or one of its listings failed."""
    run = session.scalar(select(CrawlRun).where(  # ix_crawl_run__source_started_at
        CrawlRun.source == source, CrawlRun.status != "busy").order_by(CrawlRun.id.desc())
        .limit(1))
    if run is None or run.status == "ok":
        return False
    if run.status == "errors":
        return bool(run.stats.get("coopwatch/errors_on/listing"))
    return True


def known_urls(session: Session, source: str) -> set[str]:
    """Canonical URLs already stored for a source (items and their aliases)."""
    items = session.scalars(select(Item.canonical_url).where(Item.source == source))
    aliases = session.scalars(select(ItemAlias.canonical_url).join(Item).where(
        Item.source == source))
    return set(items) | set(aliases)


def is_primed(session: Session, source: str) -> bool:
    src = session.get(Source, source)
    return bool(src and src.primed_at)
