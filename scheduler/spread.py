"""Spread the checks of many sources over time, so 50 sources at 60 minutes never start
together. Pure: callers pass the times.

Each source has a phase, a fraction of its interval taken from a hash of its name: the same on
every machine and after every restart, and different from source to source.

- A source's first check after the monitor adds its job comes `phase` of the way into
  min(its interval, FIRST_CHECK_WITHIN): a new source is checked within minutes, and many new
  ones are spread over those minutes (the crawl slots, scheduler.slots, queue what overlaps).
- Every later plan is moved to the nearest point of the source's own grid. A fixed interval's
  grid is the times epoch + (k + phase) × interval. The adaptive schedule's grid is the times
  at which the checks' worth of rate (scheduler.planner) accrued since the start of the week
  (Monday 00:00 in the source's zone) is k + phase: sources with the same interval, or the same
  learnt hours, are spread over the whole interval in the order of their phases, busy hours
  and quiet ones alike, and a check that waited for a slot or ran long does not push the next
  ones later. Moving onto the grid shifts one check by at most half an interval; after that
  the checks keep to it. (Where a week's total is not a whole number of checks, the adaptive
  grid shifts once a week, on Monday.)
- A plan never comes before `earliest`: the caller's floor (the last check's start plus the
  minimum interval, or half the fixed one, and never before now).
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, time, timedelta

from scheduler.planner import Rates, accrued, reached

FIRST_CHECK_WITHIN = timedelta(minutes=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Checks' worth by which a grid point may fall short of the floor: rounding, not a real miss
# (a check on its grid point, floored at one minimum interval after it, must get the next).
_SLACK = 1e-6


def phase_of(source: str) -> float:
    """A stable fraction in [0, 1) for a source name."""
    digest = hashlib.sha256(source.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def first_check_at(source: str, now: datetime, every: timedelta) -> datetime:
    """When the first check of a job added at `now` runs."""
    return now + min(every, FIRST_CHECK_WITHIN) * phase_of(source)


def _nearest(position: float, phase: float, floor: float) -> float:
    """The value k + phase nearest to `position`, raised by whole steps to at least `floor`."""
    target = math.floor(position - phase + 0.5) + phase
    if target < floor - _SLACK:
        target += math.ceil(floor - _SLACK - target)
    return target


def fixed_on_phase(at: datetime, every: timedelta, phase: float,
                   earliest: datetime) -> datetime:
    """`at` moved to the nearest time epoch + (k + phase) × every, not before `earliest`."""
    steps = _nearest((at - _EPOCH) / every, phase, (earliest - _EPOCH) / every)
    return _EPOCH + every * steps


def adaptive_on_phase(at: datetime, rates: Rates, phase: float,
                      earliest: datetime) -> datetime:
    """`at` moved to the nearest time when the rate accrued since the start of the week of
    `earliest` is k + phase checks, not before `earliest`."""
    local = earliest.astimezone(rates.tz)
    week = datetime.combine(local.date() - timedelta(days=local.weekday()), time(0),
                            tzinfo=rates.tz).astimezone(UTC)
    target = _nearest(accrued(rates, week, at), phase, accrued(rates, week, earliest))
    return reached(rates, week, target)
