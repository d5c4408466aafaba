"""Group items about the same event into stories, recording why each item joined.

Every item gets a story (a story of one until another item matches), so feeds and queries can
treat "story" as always present. A new item joins the story of the best-matching item published
within STORY_WINDOW_DAYS (storage.batch decides it) by one of three rules, tried in order:
  simhash      near-duplicate text (one organisation re-publishing the other's release);
  title        most of the meaningful title words shared;
  place_terms  same place and several shared multi-word terms (a speech and a news item on the
               day a joint plan was signed share "joint action plan", not wording).

Third parties (any source but the organisations' own newsrooms: a configured source, or a name
storage has never heard of) report on many events, often in one place and with the same
boilerplate, so they must not glue stories together (may_link): a third party's item joins a
story only through an organisation's version, never through another third-party item; and an
organisation's item joins a third party's story only while no organisation's version is in it
(the report stands alone). So every third-party item in a story was matched with one of the
organisation's versions, and a third-party item links at most one organisation's item to it.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Protocol

from core.sources import ORGANISATIONS, SOURCES
from storage.fingerprint import STOPWORDS, hamming, normalise, significant_words

STORY_WINDOW_DAYS = 3
SIMHASH_BITS = 12
TITLE_JACCARD = 0.6
PLACE_SHARED_BIGRAMS = 4
# Organisation names appear in every candidate; they say nothing about the event.
_ORG_WORDS = frozenset(ORGANISATIONS) | frozenset({
    "icpo", "organization", "security", "cooperation", "europe", "international", "criminal",
    "police"})


# The organisations' own newsrooms, in registry order: their versions lead a story.
OWN_SOURCES = tuple(name for name, source in SOURCES.items()
                    if source.speaks_for in ORGANISATIONS)


def is_third_party(source: str) -> bool:
    return source not in OWN_SOURCES


def version_rank(source: str) -> int:
    """Where a source's version stands among a story's versions: the organisations' own in
    registry order, then every third party."""
    return OWN_SOURCES.index(source) if source in OWN_SOURCES else len(OWN_SOURCES)


def may_link(new_source: str, cand_source: str, cand_story_has_own: bool) -> bool:
    """Whether an item of `new_source` may join a story through an item of `cand_source`
    (see the module doc): a third-party candidate links only an organisation's item, and only
    while its story holds no organisation's version."""
    if is_third_party(cand_source):
        return not is_third_party(new_source) and not cand_story_has_own
    return True


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
