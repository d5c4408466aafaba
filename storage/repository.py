"""Store an Article and say what happened: new | unchanged | updated | duplicate.

The caller owns the transaction so that the alert rows written by storage.outbox commit or roll
back together with the item that causes them. storage.batch.upsert_articles does the same for
many articles at once, set-based (the crawler's path); this one-at-a-time version is its
reference — tests/storage/test_batch_upsert.py holds the two to the same results.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.article import Article, Level
from storage.canonical import canonical_url, guid_for
from storage.db import utcnow
from storage.fingerprint import content_hash, normalise, resemblance, simhash64
from storage.models import Item, ItemAlias, ItemRevision
from storage.state import bump
from storage.stories import assign_story

logger = logging.getLogger(__name__)

# Near-duplicate within one source and day: nearly the same wording (shingle Jaccard). Simhash
# alone is too coarse for short texts, and the few same-day candidates make the exact test cheap.
NEAR_DUPLICATE_RESEMBLANCE = 0.8
# Fields whose change makes a revision; compared on normalised text, so re-spacing is not one.
MATERIAL_FIELDS = ("title", "subtitle", "summary", "body", "place", "published_at",
                   "content_type", "tags")


class Outcome(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


@dataclass
class UpsertResult:
    outcome: Outcome
    item: Item
    previous_level: str | None = None  # for UPDATED: the level before this upsert
    changed_fields: tuple[str, ...] = ()
    duplicate_rule: str | None = None

    @property
    def level_rose(self) -> bool:
        return (self.previous_level is not None
                and Level(self.item.relevance_level).rank > Level(self.previous_level).rank)


def _comparable(name: str, value: Any) -> Any:
    if isinstance(value, str):
        return normalise(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _values(article: Article) -> dict[str, Any]:
    return {
        "title": article.title.strip(),
        "subtitle": article.subtitle,
        "summary": article.summary,
        "body": article.body or "",
        "place": article.place,
        "published_at": article.published_at,
        "content_type": article.content_type,
        "tags": list(article.tags),
        "language": article.language,
        "published_layer": article.published_layer,
        "published_raw": article.published_raw,
        "provenance": dict(article.provenance),
        "relevance_level": article.relevance.level.value,
        "relevance_score": article.relevance.score,
        "relevance_reasons": list(article.relevance.reasons),
    }


def find_by_url(session: Session, canonical: str) -> tuple[Item | None, bool]:
    """The item under this canonical URL, and whether it was found through an alias."""
    # uq_item__canonical_url, then uq_item_alias__canonical_url
    item = session.scalar(select(Item).where(Item.canonical_url == canonical))
    if item is not None:
        return item, False
    alias = session.scalar(select(ItemAlias).where(ItemAlias.canonical_url == canonical))
    return (session.get(Item, alias.item_id), True) if alias else (None, False)


def _find_duplicate(session: Session, source: str, chash: str, text: str,
                    published: datetime | None) -> tuple[Item | None, str | None]:
    # ix_item__content_hash; limited to one source: the two organisations' versions of one
    # event are a story, not a duplicate. The source is checked here, not in SQL: given both,
    # SQLite without statistics (no ANALYZE) picks ix_item__source_published_at and reads every
    # item of the source on each upsert (bench/upsert.py).
    # Ordered (the index's order anyway): the first match wins, here and in storage.batch.
    same = next((i for i in session.scalars(select(Item).where(Item.content_hash == chash)
                                            .order_by(Item.id))
                 if i.source == source), None)
    if same is not None:
        return same, "content_hash"
    if published is None:
        return None, None
    day = published.replace(hour=0, minute=0, second=0, microsecond=0)
    candidates = session.scalars(  # ix_item__source_published_at
        select(Item).where(Item.source == source, Item.published_at >= day,
                           Item.published_at < day + timedelta(days=1))
        .order_by(Item.published_at, Item.id)
    )
    for cand in candidates:
        if resemblance(f"{cand.title} {cand.body}", text) >= NEAR_DUPLICATE_RESEMBLANCE:
            return cand, "near_duplicate"
    return None, None


def upsert_article(session: Session, article: Article) -> UpsertResult:
    """Insert or update one article; never commits (the caller's transaction does)."""
    canonical = canonical_url(article.url, article.source)
    values = _values(article)
    chash = content_hash(values["title"], values["body"])
    full_text = f"{values['title']} {values['body']}"
    shash = simhash64(full_text)
    now = utcnow()

    item, via_alias = find_by_url(session, canonical)
    if item is not None and via_alias:
        item.last_seen_at = now
        return UpsertResult(Outcome.DUPLICATE, item, duplicate_rule="alias")
    if item is not None:
        result = _update(session, item, values, chash, shash, now)
        if result.outcome is Outcome.UPDATED or result.previous_level != item.relevance_level:
            bump(session)  # what feeds show may have changed
        return result

    dup, rule = _find_duplicate(session, article.source, chash, full_text, article.published_at)
    if dup is not None and rule is not None:
        session.add(ItemAlias(item_id=dup.id, url=article.url, canonical_url=canonical, rule=rule))
        dup.last_seen_at = now
        logger.info("Duplicate of item %(item_id)s by %(rule)s: %(url)s",
                    {"item_id": dup.id, "rule": rule, "url": article.url})
        return UpsertResult(Outcome.DUPLICATE, dup, duplicate_rule=rule)

    item = Item(source=article.source, url=article.url if "://" in article.url else None,
                canonical_url=canonical, guid=guid_for(canonical), content_hash=chash,
                simhash=shash, origin=article.origin.value, first_seen_at=now, last_seen_at=now,
                **values)
    session.add(item)
    session.flush()  # the id, before the story links to it
    assign_story(session, item)
    bump(session)
    return UpsertResult(Outcome.NEW, item)


def _update(session: Session, item: Item, values: dict[str, Any], chash: str, shash: int,
            now: datetime) -> UpsertResult:
    changed = tuple(f for f in MATERIAL_FIELDS
                    if _comparable(f, getattr(item, f)) != _comparable(f, values[f]))
    previous_level = item.relevance_level
    item.last_seen_at = now
    if not changed:
        # Relevance may still move after a rule change; that is not a revision of the text.
        for key in ("relevance_level", "relevance_score", "relevance_reasons", "provenance"):
            setattr(item, key, values[key])
        return UpsertResult(Outcome.UNCHANGED, item, previous_level=previous_level)
    revision = len(item.revisions) + 1
    previous = {f: _jsonable(getattr(item, f)) for f in changed}
    item.revisions.append(ItemRevision(revision=revision, changed_fields=list(changed),
                                       previous=previous, content_hash=item.content_hash,
                                       recorded_at=now))
    for key, value in values.items():
        setattr(item, key, value)
    item.content_hash, item.simhash, item.updated_at = chash, shash, now
    return UpsertResult(Outcome.UPDATED, item, previous_level=previous_level,
                        changed_fields=changed)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
