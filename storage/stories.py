"""Group items about the same event into stories, recording why each item joined.

Every item gets a story (a story of one until another item matches), so feeds and queries can
treat "story" as always present. A new item joins the story of the best-matching item published
within STORY_WINDOW_DAYS by one of three rules, tried in order:
  simhash      near-duplicate text (one organisation re-publishing the other's release);
  title        most of the meaningful title words shared;
  place_terms  same place and several shared multi-word terms (a speech and a news item on the
               day a joint plan was signed share "joint action plan", not wording).
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from functools import lru_cache
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from storage.fingerprint import STOPWORDS, hamming, normalise, significant_words
from storage.models import Item, Story, StoryMerge

STORY_WINDOW_DAYS = 3
SIMHASH_BITS = 12
TITLE_JACCARD = 0.6
PLACE_SHARED_BIGRAMS = 4
# Organisation names appear in every candidate; they say nothing about the event.
_ORG_WORDS = frozenset({"osce", "interpol", "icpo", "organization", "security", "cooperation",
                        "europe", "international", "criminal", "police"})


# Cached: assign_story compares the new item with every candidate of the window, and each
# candidate again with the next items stored (bench/upsert.py).
@lru_cache(maxsize=4096)
def _title_words(title: str) -> frozenset[str]:
    return frozenset(significant_words(title) - _ORG_WORDS)


@lru_cache(maxsize=4096)
def _place_key(place: str | None) -> str | None:
    if not place:
        return None
    head = re.split(r"[,/]", place)[0]
    key = normalise(head.replace("St.", "St"))
    return key or None


@lru_cache(maxsize=512)
def _bigrams(text: str) -> frozenset[str]:
    tokens = [w for w in normalise(text).split() if w not in STOPWORDS and not w.isdigit()]
    return frozenset(f"{a} {b}" for a, b in itertools.pairwise(tokens)
                     if a not in _ORG_WORDS or b not in _ORG_WORDS)


class Matchable(Protocol):
    """What match_reason reads: an Item, or storage.batch's in-memory row."""

    @property
    def title(self) -> str: ...
    @property
    def place(self) -> str | None: ...
    @property
    def simhash(self) -> int: ...
    @property
    def body(self) -> str: ...


def match_reason(new: Matchable, cand: Matchable) -> tuple[str, str, float] | None:
    """(rule, reason, strength) if the two items look like the same event, else None."""
    bits = hamming(new.simhash, cand.simhash)
    if bits <= SIMHASH_BITS:
        return "simhash", f"near-duplicate text ({bits} of 64 simhash bits differ)", 3 - bits / 64
    a, b = _title_words(new.title), _title_words(cand.title)
    if a and b:
        jaccard = len(a & b) / len(a | b)
        if jaccard >= TITLE_JACCARD:
            return "title", f"titles share {len(a & b)} of {len(a | b)} words", 2 + jaccard
    place = _place_key(new.place)
    if place and place == _place_key(cand.place):
        shared = _bigrams(f"{new.title} {new.body[:20000]}") & _bigrams(
            f"{cand.title} {cand.body[:20000]}")
        if len(shared) >= PLACE_SHARED_BIGRAMS:
            sample = ", ".join(sorted(shared)[:5])
            return ("place_terms", f"same place '{place}' and {len(shared)} shared terms "
                    f"({sample}…)", 1 + len(shared) / 100)
    return None


def assign_story(session: Session, item: Item) -> StoryMerge:
    """Attach a freshly inserted item to a matching story or to a new one of its own."""
    best: tuple[Item, str, str, float] | None = None
    if item.published_at is not None:
        window = timedelta(days=STORY_WINDOW_DAYS)
        candidates = session.scalars(  # ix_item__published_at
            select(Item).where(Item.id != item.id, Item.story_id.is_not(None),
                               Item.published_at.between(item.published_at - window,
                                                         item.published_at + window))
            # only what match_reason reads (no JSON columns to decode)
            .options(load_only(Item.title, Item.place, Item.simhash, Item.story_id,
                               Item.published_at, Item.body))
            # The index's own order, said out loud: ties go to the first candidate, and
            # PostgreSQL promises no order without it (storage.batch keeps the same one).
            .order_by(Item.published_at, Item.id)
        )
        for cand in candidates:
            found = match_reason(item, cand)
            if found and (best is None or found[2] > best[3]):
                best = (cand, *found)
    if best is None:
        story = Story(title=item.title, first_published_at=item.published_at)
        session.add(story)
        session.flush()
        merge = StoryMerge(story_id=story.id, item_id=item.id, rule="new_story",
                           reason="no item of a nearby date matched")
    else:
        cand, rule, reason, _ = best
        story = session.get_one(Story, cand.story_id)
        if item.published_at and (story.first_published_at is None
                                  or item.published_at < story.first_published_at):
            story.first_published_at = item.published_at
        merge = StoryMerge(story_id=story.id, item_id=item.id, matched_item_id=cand.id,
                           rule=rule, reason=f"matched item {cand.id}: {reason}")
    item.story_id = story.id
    session.add(merge)
    return merge
