"""The JSON shapes people script against (ARCHITECTURE.md): one item in a list, one in full,
a story, a source's health."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.sources import Source as SourceSpec
from storage import locks
from storage.models import CrawlRun, HealthAlarm, Item, ItemAlias, Source, Story, StoryMerge
from storage.runs import COUNT_FIELDS


def iso_published(value: datetime | None) -> str | None:
    """A date when only the day is known (stored as UTC midnight), else a UTC datetime."""
    if value is None:
        return None
    if value.timetz().replace(tzinfo=None) == time(0):
        return value.date().isoformat()
    return iso(value)


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def item_json(item: Item, snippet: str | None = None, rank: float | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "source": item.source,
        "url": item.url,
        "canonical_url": item.canonical_url,
        "guid": item.guid,
        "title": item.title,
        "subtitle": item.subtitle,
        "published": iso_published(item.published_at),
        "place": item.place,
        "content_type": item.content_type,
        "tags": item.tags,
        "relevance": item.relevance_level,
        "score": round(item.relevance_score, 3),
        "story": item.story_id,
        "origin": item.origin,
        "first_seen": iso(item.first_seen_at),
        "updated": iso(item.updated_at),
        "summary": item.summary,
    }
    if snippet is not None:
        data["snippet"] = snippet
    if rank is not None:
        data["rank"] = round(float(rank), 4)
    return data


def item_detail_json(session: Session, item: Item) -> dict[str, Any]:
    """Everything about one item: text, field provenance, reasons, story, revisions."""
    data = item_json(item)
    data |= {
        "body": item.body,
        "language": item.language,
        "published_raw": item.published_raw,
        "published_layer": item.published_layer,
        "provenance": item.provenance,
        "reasons": item.relevance_reasons,
        "last_seen": iso(item.last_seen_at),
        "content_hash": item.content_hash,
        "aliases": [],
        "revisions": [
            {"revision": r.revision, "recorded_at": iso(r.recorded_at),
             "changed_fields": r.changed_fields, "previous": r.previous}
            for r in item.revisions
        ],
        "story_detail": story_json(session, item.story) if item.story else None,
    }
    data["aliases"] = [
        {"url": a.url, "rule": a.rule, "first_seen": iso(a.first_seen_at)}
        for a in session.scalars(select(ItemAlias).where(ItemAlias.item_id == item.id))
    ]
    return data


def story_json(session: Session, story: Story) -> dict[str, Any]:
    merges = session.scalars(select(StoryMerge).where(StoryMerge.story_id == story.id)
                             .order_by(StoryMerge.id)).all()
    return {
        "id": story.id,
        "title": story.title,
        "first_published": iso_published(story.first_published_at),
        "items": [{"id": i.id, "source": i.source, "title": i.title, "url": i.url,
                   "published": iso_published(i.published_at)} for i in story.items],
        "merges": [{"item_id": m.item_id, "matched_item_id": m.matched_item_id, "rule": m.rule,
                    "reason": m.reason} for m in merges],
    }


RATIO_RUNS = 20  # the 304 ratio is measured on this many latest runs of a source


def spec_json(spec: SourceSpec) -> dict[str, Any]:
    """What the registry says of a source (its `[sources.NAME]` table, merged)."""
    return {"source": spec.name, "title": spec.title, "speaks_for": spec.speaks_for,
            "home_url": spec.home, "start_urls": list(spec.entry_urls()),
            "allowed_domains": list(spec.allowed_domains),
            "article_url_pattern": spec.article_url_pattern.pattern
            if spec.article_url_pattern else None, "timezone": spec.timezone,
            "interval_minutes": spec.interval_minutes, "enabled": spec.enabled,
            "alerts": spec.alerts, "builtin": spec.builtin}


def registry_rows(session: Session,
                  sources: Mapping[str, SourceSpec]) -> list[tuple[SourceSpec, Source]]:
    """Each source of the registry with its archive row; a source never crawled yet has a
    row-shaped placeholder (health unknown) that is not added to the archive. A source
    removed from the config file is left out: its row and items stay, unlisted."""
    rows = {r.name: r for r in session.scalars(select(Source).where(
        Source.name.in_(list(sources))))}
    return [(spec, rows.get(name) or Source(name=name, title=spec.title, home_url=spec.home,
                                            health_state="unknown", error_streak=0))
            for name, spec in sources.items()]


def source_json(session: Session, src: Source) -> dict[str, Any]:
    """A source's health, as `coopwatch sources --json` and GET /api/sources show it."""
    runs = select(CrawlRun.requests, CrawlRun.not_modified).where(
        CrawlRun.source == src.name, CrawlRun.dry_run.is_(False)).order_by(
        CrawlRun.id.desc()).limit(RATIO_RUNS).subquery()
    requests, not_modified = session.execute(
        select(func.coalesce(func.sum(runs.c.requests), 0),
               func.coalesce(func.sum(runs.c.not_modified), 0))).one()
    alarms = session.scalars(select(HealthAlarm).where(
        HealthAlarm.source == src.name, HealthAlarm.resolved_at.is_(None)))
    lease = locks.holder(session, src.name)  # the crawl running now, on any monitor
    return {"source": src.name, "state": src.health_state,
            "open_alarms": {a.kind: a.detail for a in alarms},
            "last_run": iso(src.last_run_at), "last_success": iso(src.last_success_at),
            "last_error_at": iso(src.last_error_at), "last_error": src.last_error,
            "error_streak": src.error_streak, "last_new_item": iso(src.last_new_item_at),
            "primed": iso(src.primed_at),
            "next_check": iso(src.next_check_at), "next_check_why": src.next_check_why,
            "lease": {"holder": lease.holder, "run_id": lease.run_id,
                      "until": iso(lease.expires_at)} if lease else None,
            "not_modified_ratio": round(not_modified / requests, 3) if requests else None}


def run_json(run: CrawlRun) -> dict[str, Any]:
    """A crawl run: the child's summary fields, as recorded."""
    return {"id": run.id, "source": run.source, "trigger": run.trigger,
            "instance": run.instance, "status": run.status, "reason": run.reason,
            "started": iso(run.started_at), "finished": iso(run.finished_at),
            "dry_run": run.dry_run} | {f: getattr(run, f) for f in COUNT_FIELDS} | {
            "health": run.health}
