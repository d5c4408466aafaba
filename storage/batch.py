"""The upsert engine: store Articles in one transaction and say, for each, what happened —
new | unchanged | updated | duplicate (storage.repository.Outcome). Set-based: a few bulk reads,
every decision in memory, then bulk writes (multi-row INSERT … RETURNING, executemany UPDATE).

What the outcomes mean, for each article in turn:
  duplicate   its canonical URL is an alias of an item; or no item has its URL and an item of
              the same source has its content hash, or (same publication day) nearly its wording
              — the article's URL becomes an alias of that item;
  unchanged   an item has its URL and no material field changed (relevance may still move);
  updated     an item has its URL and a material field changed: a revision keeps the old values;
  new         none of these: a new item, in the story of the best-matching item published within
              the story window, or in a story of its own (storage.stories.match_reason).
The change counter (storage.state) counts new items, revisions and moved relevance levels.

Why set-based: one article at a time through the ORM took a dozen round trips each. And on
SQLite the FTS5 insert trigger flushes FTS5's pending terms at every statement, so one
multi-row INSERT indexes a whole batch for the price of one flush instead of one per item
(bench/upsert.py).

How a batch decides as one article at a time would: every row a decision can read is loaded
before the first one — items by canonical URL and by alias, items with the batch's content
hashes, and items published in the date windows of the articles that may be new (stories look
3 days either way; near-duplicates are same-day). The articles are then decided in order against
that state, which each decision updates (new items, revisions, aliases, stories), so an article
sees what the earlier ones of its batch did: the results do not depend on the batch size
(tests/storage/test_batch_upsert.py). New items and stories get their ids at the INSERT after
the last decision; until then they are referred to by object.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from core.article import Article
from storage.batch_io import (
    WINDOW,
    Decision,
    NewStory,
    Prepared,
    Row,
    State,
    load,
    results,
    write,
)
from storage.canonical import canonical_url, guid_for
from storage.db import utcnow
from storage.fingerprint import jaccard, normalise, shingle_set
from storage.models import SOURCE_NAME_CHARS, Source
from storage.repository import Outcome, UpsertResult
from storage.stories import is_third_party, match_reason, may_link

logger = logging.getLogger(__name__)

# Near-duplicate within one source and day: nearly the same wording (shingle Jaccard). Simhash
# alone is too coarse for short texts, and the few same-day candidates make the exact test cheap.
NEAR_DUPLICATE_RESEMBLANCE = 0.8
# Fields whose change makes a revision; compared on normalised text, so re-spacing is not one.
MATERIAL_FIELDS = ("title", "subtitle", "summary", "body", "place", "published_at",
                   "content_type", "tags")


def upsert_articles(session: Session, articles: Sequence[Article]) -> list[UpsertResult]:
    """Insert or update the articles, in order; never commits (the caller's transaction
    does). Raises before writing anything if an article's URL is unusable or its source name
    too long for a source row."""
    if not articles:
        return []
    session.flush()  # the lookups below read the database, not the session
    prepared = [_prepare(a) for a in articles]
    state = State(now=utcnow())
    load(session, state, prepared)
    decisions = [_decide(state, p) for p in prepared]
    if state.new_rows:
        _add_unknown_sources(session, state.new_rows)
    write(session, state)
    for row, url, _, rule in state.aliases:
        logger.info("Duplicate of item %(item_id)s by %(rule)s: %(url)s",
                    {"item_id": row.id, "rule": rule, "url": url})
    return results(session, state, decisions)


def upsert_article(session: Session, article: Article) -> UpsertResult:
    """upsert_articles for one article."""
    return upsert_articles(session, [article])[0]


def _add_unknown_sources(session: Session, rows: list[Row]) -> None:
    """Give each source storage has no row for (a configured source's first items) a row named
    after it and homed at its first item's site: the item's foreign key needs one."""
    homes: dict[str, str] = {}
    for row in rows:
        parts = urlsplit(row.canonical_url)
        homes.setdefault(row.source, f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "")
    table: Table = Source.__table__  # type: ignore[assignment]
    known = set(session.scalars(select(table.c.name).where(table.c.name.in_(homes))))
    missing = [name for name in homes if name not in known]
    if too_long := [n for n in missing if len(n) > SOURCE_NAME_CHARS]:
        raise ValueError(f"source name {too_long[0]!r} is longer than {SOURCE_NAME_CHARS} "
                         "characters")
    if missing:
        session.execute(insert(table), [{"name": name, "title": name, "home_url": homes[name]}
                                        for name in missing])


def _prepare(article: Article) -> Prepared:
    return Prepared(article, canonical_url(article.url, article.source), _values(article))


# --- decisions, in order -------------------------------------------------------------------

def _decide(state: State, p: Prepared) -> Decision:
    row = state.by_url.get(p.canonical)
    if row is None and (target := state.by_alias.get(p.canonical)) is not None:
        target.set(last_seen_at=state.now)
        return Decision(Outcome.DUPLICATE, target, duplicate_rule="alias")
    if row is not None:
        decision = _update(state, row, p)
        if decision.outcome is Outcome.UPDATED or decision.previous_level != row.relevance_level:
            state.bumps += 1
        return decision
    chash, shash = p.hashes()
    dup, rule = _find_duplicate(state, p, chash)
    if dup is not None and rule is not None:
        state.aliases.append((dup, p.article.url, p.canonical, rule))
        state.by_alias[p.canonical] = dup
        dup.set(last_seen_at=state.now)
        return Decision(Outcome.DUPLICATE, dup, duplicate_rule=rule)
    new = {"source": p.article.source,
           "url": p.article.url if "://" in p.article.url else None,
           "canonical_url": p.canonical, "guid": guid_for(p.canonical),
           "content_hash": chash, "simhash": shash, "origin": p.article.origin.value,
           "first_seen_at": state.now, "last_seen_at": state.now, "updated_at": None,
           **p.values}
    row = Row(new, new.values(), seq=len(state.new_rows))
    _assign_story(state, row)
    state.new_rows.append(row)
    state.by_url[p.canonical] = row
    state.index(row)
    state.bumps += 1
    return Decision(Outcome.NEW, row)


def _update(state: State, row: Row, p: Prepared) -> Decision:
    values = p.values
    changed = tuple(f for f in MATERIAL_FIELDS
                    if _comparable(getattr(row, f)) != _comparable(values[f]))
    previous_level = row.relevance_level
    row.set(last_seen_at=state.now)
    if not changed:
        row.set(**{k: values[k] for k in ("relevance_level", "relevance_score",
                                          "relevance_reasons", "provenance")})
        return Decision(Outcome.UNCHANGED, row, previous_level=previous_level)
    row.revisions += 1
    state.revisions.append((row, row.revisions, list(changed),
                            {f: _jsonable(getattr(row, f)) for f in changed}, row.content_hash))
    chash, shash = p.hashes()
    state.unindex(row)
    row.set(**values, content_hash=chash, simhash=shash, updated_at=state.now)
    state.index(row)
    return Decision(Outcome.UPDATED, row, previous_level=previous_level,
                     changed_fields=changed)


def _find_duplicate(state: State, p: Prepared, chash: str) -> tuple[Row | None, str | None]:
    source = p.article.source
    same = sorted((r for r in state.by_hash.get(chash, ()) if r.source == source),
                  key=lambda r: r.order)
    if same:
        return same[0], "content_hash"
    published = p.values["published_at"]
    if published is None:
        return None, None
    day = published.replace(hour=0, minute=0, second=0, microsecond=0)
    end = day + timedelta(days=1)
    mine: frozenset[str] | None = None
    for cand in state.published_between(day, end):
        if cand.source != source or cand.published_at == end:
            continue
        mine = p.shingle_set() if mine is None else mine
        # the article's side shingled once, by hashes()
        if jaccard(shingle_set(f"{cand.title} {cand.body}"), mine) >= (
                NEAR_DUPLICATE_RESEMBLANCE):
            return cand, "near_duplicate"
    return None, None


def _assign_story(state: State, row: Row) -> None:
    """Join the best-matching story published within the window (ties: the first candidate
    in (published_at, id) order), or start a story of the row's own."""
    best: tuple[Row, str, str, float] | None = None
    story: int | NewStory
    if row.published_at is not None:
        for cand in state.published_between(row.published_at - WINDOW,
                                            row.published_at + WINDOW):
            if cand.story is None or not may_link(row.source, cand.source,
                                                  cand.story in state.stories_with_own):
                continue
            found = match_reason(row, cand)
            if found and (best is None or found[2] > best[3]):
                best = (cand, *found)
    if best is None:
        story = NewStory(row.title, row.published_at)
        state.new_stories.append(story)
        state.merges.append((row, story, None, "new_story", "no item of a nearby date matched"))
    else:
        cand, rule, reason, _ = best
        assert cand.story is not None
        story = cand.story
        published = row.published_at
        assert published is not None  # there were candidates
        if isinstance(story, NewStory):
            if story.first_published_at is None or published < story.first_published_at:
                story.first_published_at = published
        elif story not in state.story_first or published < state.story_first[story]:
            state.story_first[story] = published  # applied by _write only if earlier
        state.merges.append((row, story, cand, rule, reason))
    row.story = story
    if not is_third_party(row.source):
        state.stories_with_own.add(story)




def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return normalise(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


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
