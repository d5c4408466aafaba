"""Crawl-run rows and the per-source health fields they update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import utcnow
from storage.models import CrawlRun, Item, ItemAlias, Source

COUNT_FIELDS = ("requests", "not_modified", "listing_pages", "parsed", "new", "updated",
                "unchanged", "duplicates", "matched", "errors")
# A run that ended in one of these counts towards the source's error streak.
FAILED_STATUSES = frozenset({"failed", "blocked", "killed"})
# Stopped from outside before it could tell anything (shutdown): neither success nor failure.
NEUTRAL_STATUSES = frozenset({"abandoned", "busy"})


def start_run(session: Session, source: str, trigger: str, pid: int) -> CrawlRun:
    run = CrawlRun(source=source, trigger=trigger, pid=pid, status="running")
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
    if run.new:
        source.last_new_item_at = now


def mark_run(session: Session, run_id: int, status: str, reason: str) -> None:
    """Close a run from outside its process (killed on timeout, abandoned at shutdown)."""
    run = session.get(CrawlRun, run_id)
    if run is None or run.finished_at is not None:
        return
    finish_run(session, run, {"status": status, "reason": reason} | {
        name: getattr(run, name) for name in COUNT_FIELDS})


def known_urls(session: Session, source: str) -> set[str]:
    """Canonical URLs already stored for a source (items and their aliases)."""
    items = session.scalars(select(Item.canonical_url).where(Item.source == source))
    aliases = session.scalars(select(ItemAlias.canonical_url).join(Item).where(
        Item.source == source))
    return set(items) | set(aliases)


def is_primed(session: Session, source: str) -> bool:
    src = session.get(Source, source)
    return bool(src and src.primed_at)
