"""Read the dates the two sites print: "5 December 2019", ISO 8601, RFC 822, "05/12/2019".

Every function returns a tz-aware UTC datetime (a date without a time is midnight UTC) or None;
none raises on text that is not a date. Arabic-Indic digits (INTERPOL's /ar/ pages) and French
and Arabic month names are read too. Numeric dates are read day first (both sites are European):
"05/12/2019" is 5 December, and "12/31/2019" is refused rather than guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MONTH_NAMES = (
    ("january", "jan", "janvier", "يناير", "كانون الثاني"),
    ("february", "feb", "février", "fevrier", "فبراير", "شباط"),
    ("march", "mar", "mars", "مارس", "آذار"),
    ("april", "apr", "avril", "أبريل", "ابريل", "نيسان"),
    ("may", "mai", "مايو", "أيار"),
    ("june", "jun", "juin", "يونيو", "حزيران"),
    ("july", "jul", "juillet", "يوليو", "تموز"),
    ("august", "aug", "août", "aout", "أغسطس", "آب"),
    ("september", "sep", "sept", "septembre", "سبتمبر", "أيلول"),
    ("october", "oct", "octobre", "أكتوبر", "اكتوبر", "تشرين الأول"),
    ("november", "nov", "novembre", "نوفمبر", "تشرين الثاني"),
    ("december", "dec", "décembre", "decembre", "ديسمبر", "كانون الأول"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_MONTH_ALT = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
# "5 December 2019", "05 Dec. 2019", "1er janvier 2020"; the day may be Arabic-Indic.
DAY_MONTH_YEAR = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:er)?\s+({_MONTH_ALT})\.?,?\s+(\d{{4}})(?!\w)", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+", re.IGNORECASE)
_NUMERIC = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
# Arabic-Indic (U+0660…) and Extended Arabic-Indic (U+06F0…) digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def ascii_digits(text: str) -> str:
    return text if text.isascii() else text.translate(_DIGITS)  # translate is slow: skip it


def _utc(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:  # 31 February and the like: not a date
        return None


def parse_iso(text: str) -> datetime | None:
    """ISO 8601 date or datetime; a naive time is taken as UTC."""
    text = ascii_digits(text.strip())
    if not _ISO.match(text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_rfc822(text: str) -> datetime | None:
    """An RSS pubDate, "Thu, 05 Dec 2019 09:12:00 +0000"."""
    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def find_date(text: str) -> tuple[datetime, str] | None:
    """The first "D Month YYYY" date anywhere in text, with the text it was read from."""
    for match in DAY_MONTH_YEAR.finditer(ascii_digits(text)):
        day, month, year = match.groups()
        value = _utc(int(year), MONTHS[month.lower()], int(day))
        if value is not None:
            return value, match.group(0)
    return None


def parse_date(text: str) -> datetime | None:
    """Text that is a date and nothing else (give or take punctuation), in any known form."""
    text = _WEEKDAY.sub("", " ".join(ascii_digits(text).split()).strip(" .,;:–—-"))
    if not text:
        return None
    if (iso := parse_iso(text)) is not None:
        return iso
    if numeric := _NUMERIC.match(text):
        day, month, year = map(int, numeric.groups())
        return _utc(year, month, day)
    match = DAY_MONTH_YEAR.fullmatch(text)
    if match is None:
        return None
    return _utc(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
