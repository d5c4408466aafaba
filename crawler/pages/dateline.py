"""Find the dateline that opens a news item's lead: where, and often when, it was written.

The varieties seen on the two sites (osce.md, interpol.md, samples/labelled_items.json):
    BISHKEK, 20 December 2010 - …          VIENNA/WARSAW, 5 May 2015 – …
    Warsaw, 14 April 2025 – …              TIRANA / BRUSSELS / GENEVA – 6 October 2020. …
    DUSHANBE, 12 May 2011 (OSCE) - …       NOVOPOKROVKA, Kyrgyzstan, 8 November 2010 - …
    BRATISLAVA, Slovakia – …               SYRIA, Damascus – …  UNITED NATIONS, New York – …
    SINGAPORE – The …  LYON – …            Lyon, France – The …
    BISHKEK, 1-5 July 2024 – …             DUSHANBE (TCA) — …
The place is kept exactly as written (only runs of white space are folded).

A place with a date after it is believed as it stands. Without a date the lead could be any
sentence with a dash ("Participants – …", "INTERPOL – the world's …", "Vienna – the"), so a
dateless place is believed only if the text after the dash starts a new sentence and the place
is either a capitalised city with its country ("LYON, France", "Lyon, France") or cities in
capitals that are not an organisation's or a label's name ("LYON", "VIENNA/WARSAW").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from crawler.pages.dates import DAY_MONTH_YEAR, ascii_digits, find_date

_WORD = r"[A-ZÀ-ÞĀ-Ž][\w.'’-]*"                 # a capitalised word: "ST", "St.", "Johann"
_JOINER = r"(?:[A-Za-zÀ-ž][\w.'’-]*)"            # "im", "am", "upon" inside a place name
_CITY = rf"{_WORD}(?:[ ]{_JOINER}){{0,4}}"       # at most five words
_PLACE = rf"{_CITY}(?:\s*/\s*{_CITY})*(?:,[ ]{_CITY})?"
# month names in any case; place words stay capitalised. "1-5 July 2024": an event's days.
_DATE = rf"(?:\d{{1,2}}\s*[-–]\s*)?(?i:{DAY_MONTH_YEAR.pattern})"
# A dash with a space after it ("OSCE-INTERPOL plan" at the start of a lead is no dateline),
# optionally after the agency that wrote it: "(OSCE)", "(TCA)".
_SEP = r"\s*(?:\([A-Z][\w .]{0,30}\)\s*)?[-–—]\s+"
_DATELINE = re.compile(
    rf"^\s*(?P<place>{_PLACE})"
    rf"(?:,?[ ](?P<date>{_DATE})\.?{_SEP}|{_SEP}(?P<date_after>{_DATE})\.?\s+|{_SEP})",
)
MAX_PLACE_CHARS = 60
# Words in capitals that open leads with a dash but name no place.
NOT_PLACES = frozenset({
    "INTERPOL", "ICPO", "OSCE", "ODIHR", "UN", "UNODC", "UNHCR", "UNDP", "EU", "EUROPOL",
    "FRONTEX", "NATO", "IOM", "UPDATE", "NOTE", "PHOTO", "PHOTOS", "VIDEO", "WATCH", "BREAKING",
})
_CAPITALS_ONLY = re.compile(r"[A-ZÀ-ÞĀ-Ž .'’-]+")
_SENTENCE_START = re.compile(r"[A-ZÀ-ÞĀ-Ž0-9\"“‘'(]")


@dataclass(frozen=True)
class Dateline:
    place: str
    published: datetime | None
    date_raw: str | None
    raw: str  # the whole dateline as written, separator included


def _dateless_place(place: str, rest: str) -> bool:
    """Is `place`, followed by a dash but no date, a dateline's place (see the module doc)?"""
    if rest and not _SENTENCE_START.match(rest):
        return False
    cities, _, country = place.partition(",")
    if country:
        first = cities.split("/")[0].strip()
        return first.isupper() or first.istitle()
    names = [c.strip() for c in cities.split("/")]
    return all(_CAPITALS_ONLY.fullmatch(n) and n not in NOT_PLACES and len(n) >= 3
               for n in names)


def find_dateline(lead: str) -> Dateline | None:
    """The dateline at the start of `lead` (the first paragraph of an item), or None."""
    text = ascii_digits(lead.lstrip())
    match = _DATELINE.match(text)
    if match is None:
        return None
    place = " ".join(match.group("place").split())
    date_raw = match.group("date") or match.group("date_after")
    if len(place) > MAX_PLACE_CHARS or (
            date_raw is None and not _dateless_place(place, text[match.end():])):
        return None
    found = find_date(date_raw) if date_raw else None
    return Dateline(
        place=place,
        published=found[0] if found else None,
        date_raw=date_raw,
        raw=match.group(0).strip(),
    )
