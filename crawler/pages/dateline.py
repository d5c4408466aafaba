"""Find the dateline that opens a news item's lead: where, and often when, it was written.

The varieties seen on the two sites (osce.md, interpol.md):
    BISHKEK, 20 December 2010 - …          VIENNA/WARSAW, 5 May 2015 – …
    Warsaw, 14 April 2025 – …              TIRANA / BRUSSELS / GENEVA – 6 October 2020. …
    DUSHANBE, 12 May 2011 (OSCE) - …       NOVOPOKROVKA, Kyrgyzstan, 8 November 2010 - …
    BRATISLAVA, Slovakia – …               (INTERPOL: a place and country, no date)
A place without a date is only believed in INTERPOL's form, a city in capitals and a country:
"Participants – …", "INTERPOL – the world's …" or "Vienna – the" must not become a place.
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
_DATE = f"(?i:{DAY_MONTH_YEAR.pattern})"  # month names in any case; place words stay capitalised
# a dash with a space after it: "OSCE-INTERPOL plan" at the start of a lead is no dateline
_SEP = r"\s*(?:\(OSCE\)\s*)?[-–—]\s+"
_DATELINE = re.compile(
    rf"^\s*(?P<place>{_PLACE})"
    rf"(?:,?[ ](?P<date>{_DATE})\.?{_SEP}|{_SEP}(?P<date_after>{_DATE})\.?\s+|{_SEP})",
)
MAX_PLACE_CHARS = 60


@dataclass(frozen=True)
class Dateline:
    place: str
    published: datetime | None
    date_raw: str | None
    raw: str  # the whole dateline as written, separator included


def find_dateline(lead: str) -> Dateline | None:
    """The dateline at the start of `lead` (the first paragraph of an item), or None."""
    text = ascii_digits(lead.lstrip())
    match = _DATELINE.match(text)
    if match is None:
        return None
    place = " ".join(match.group("place").split())
    date_raw = match.group("date") or match.group("date_after")
    first_city = re.split(r"[/,]", place)[0].strip()
    if len(place) > MAX_PLACE_CHARS or (
            date_raw is None and not ("," in place and first_city.isupper())):
        return None
    found = find_date(date_raw) if date_raw else None
    return Dateline(
        place=place,
        published=found[0] if found else None,
        date_raw=date_raw,
        raw=match.group(0).strip(),
    )
