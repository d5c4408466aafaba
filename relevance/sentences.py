"""Sentence and word boundaries around a name: where its sentence starts and ends
(abbreviations and datelines are no boundary), how many words lie between two spans."""

from __future__ import annotations

import re
from bisect import bisect_left

from relevance.rules import _HYPHENS

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_BOUNDARY = re.compile(
    r"[.!?…]+[\"”’')\]]*\s+"  # end punctuation, then space
    r"|\s*\n\s*"  # a line break (a wrapped sentence is rejected in _is_boundary)
    r"|(?<=[a-z0-9)][.!?])(?=[A-Z“\"][a-z])"  # "two organizations.Participants" (run-on dumps)
)
_ABBREVIATIONS = frozenset(
    "e.g i.e mr mrs ms dr no nos st vs prof gen col lt sgt amb h.e u.s u.k u.n inc ltd jr sr "
    "art para fig approx cf ca vol pp sen rep gov adm capt maj mt ft".split())
_LAST_TOKEN = re.compile(r"[\w.]+$")
# "BISHKEK, 20 December 2010 - ", "BRATISLAVA, Slovakia – ": not part of the lead sentence, and
# its comma must not make "BISHKEK" a list item.
_DATELINE = re.compile(
    rf"[A-Z][A-Z .'’]{{2,}}(?:,\s*[A-Z][\w .'’]{{1,40}}?)?(?:,?\s*\d{{1,2}}\s+[A-Z][a-z]+"
    rf"\s+\d{{4}})?\s+[{_HYPHENS}]\s+")
_SKIP_BACK = " \t\r\n.!?…\"”’')]"


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    start, end = m.span()
    nxt = text[end:end + 1]
    if "\n" in m.group() and text[start:start + 1] not in ".!?…":
        prev = text[start - 1:start]
        # "businesses and\n\nstate institutions": one wrapped sentence, not two
        return not ((prev.islower() or prev == ",") and nxt.islower())
    if nxt.islower():
        return False  # "U.S. and", "approx. five"
    if text[start:start + 1] == ".":
        token = _LAST_TOKEN.search(text, max(0, start - 12), start)
        if token:
            word = token.group()
            if word.lower().rstrip(".") in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                return False  # "Mr. Stock", "e.g. INTERPOL", "J. Stock"
    return True


def _sentence_span(text: str, start: int, end: int, reach: int) -> tuple[int, int]:
    """The sentence holding text[start:end], looked for at most `reach` characters either side
    (so a body without punctuation costs no more than a short one)."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    s, e = lo, hi
    before = []
    for m in _BOUNDARY.finditer(text, lo, hi):
        if m.end() <= start:
            before.append(m)
        elif m.start() >= end and _is_boundary(text, m):
            e = m.start()
            break
    for m in reversed(before):  # the last real boundary before: judged from the end
        if _is_boundary(text, m):
            s = m.end()
            break
    while s < e and text[s].isspace():
        s += 1
    return s, e


def _count_words(text: str) -> int:
    return len(_WORD.findall(text))


def _word_start_back(starts: list[int], pos: int, n: int) -> int:
    """Position of the n-th word before pos (0 when there are fewer; pos when n is 0), given
    the start of every word of the text (a word cut by pos starts before it all the same)."""
    if n <= 0:
        return pos
    before = bisect_left(starts, pos)
    return starts[before - n] if before >= n else 0
