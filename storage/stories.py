"""Group items about the same event into stories, recording why each item joined.

Every item gets a story (a story of one until another item matches), so feeds and queries can
treat "story" as always present. A new item joins the story of the best-matching item published
within STORY_WINDOW_DAYS (storage.batch decides it) by one of three rules, tried in order:
  simhash      near-duplicate text (one organisation re-publishing the other's release);
  title        most of the meaningful title words shared;
  place_terms  same place and several shared multi-word terms (a speech and a news item on the
               day a joint plan was signed share "joint action plan", not wording).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Protocol

from core.sources import ORGANISATIONS
from storage.fingerprint import STOPWORDS, hamming, normalise, significant_words

STORY_WINDOW_DAYS = 3
SIMHASH_BITS = 12
TITLE_JACCARD = 0.6
PLACE_SHARED_BIGRAMS = 4
# Organisation names appear in every candidate; they say nothing about the event.
_ORG_WORDS = frozenset(ORGANISATIONS) | frozenset({
    "icpo", "organization", "security", "cooperation", "europe", "international", "criminal",
    "police"})


# Cached: storage.batch compares a new item with every candidate of the window, and each
# candidate again with the next items stored (bench/upsert.py).
@lru_cache(maxsize=4096)
def _title_words(title: str) -> frozenset[str]:
    return frozenset(significant_words(title) - _ORG_WORDS)


@lru_cache(maxsize=4096)
def place_key(place: str | None) -> str | None:
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
    """What match_reason reads: storage.batch's in-memory row of an item."""

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
    place = place_key(new.place)
    if place and place == place_key(cand.place):
        shared = _bigrams(f"{new.title} {new.body[:20000]}") & _bigrams(
            f"{cand.title} {cand.body[:20000]}")
        if len(shared) >= PLACE_SHARED_BIGRAMS:
            sample = ", ".join(sorted(shared)[:5])
            return ("place_terms", f"same place '{place}' and {len(shared)} shared terms "
                    f"({sample}…)", 1 + len(shared) / 100)
    return None
