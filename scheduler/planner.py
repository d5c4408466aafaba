"""When to check a source next: spend a daily budget of checks where the source publishes.

Pure (no clock, no database): callers pass `now` and the times items appeared. The daemon
(scheduler.schedule) and bench/freshness.py use the same functions.

The model. A week has 168 hour bins (weekday × hour, in the source's own time zone). The share
of items appearing in each bin is learnt from past appearances, weighted by age in whole weeks
(half-life HALF_LIFE_DAYS). Sparse data is pooled: the product of the weekday and hour-of-day shares
(which 20 items already outline) is blended with the full 168-bin histogram as items
accumulate, with a small uniform prior so no hour is ever written off.

Checks are spent at a rate proportional to the square root of each bin's share: with an item
found on average half a check interval after it appears, that minimises the mean delay for a
fixed number of checks (minimise Σ pᵢ/2rᵢ subject to Σ rᵢ = budget → rᵢ ∝ √pᵢ). Each rate is
held between 1/max_interval and 1/min_interval, and the rest of the budget is shared out again
(the bounds win over the budget when the two cannot both hold).

The next check is due once the rate accumulated since the last check reaches one check, so a
check made late on a quiet evening is followed soon after the busy hours start, not one quiet
interval later.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BINS = 7 * 24
HALF_LIFE_DAYS = 56.0
HISTORY_DAYS = 182  # older appearances are not read at all
PRIOR = 1.0  # pseudo-items spread evenly over the week
POOLED_UNTIL = 150.0  # items after which the 168-bin histogram weighs as much as the pooled one
HOUR_KERNEL = (0.25, 0.5, 0.25)  # an item at 10:55 says something about 11:00 too
_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Budget:
    daily_checks: float
    min_interval: timedelta
    max_interval: timedelta

    def __post_init__(self) -> None:
        if self.daily_checks <= 0:
            raise ValueError("the daily budget of checks must be more than 0")
        if not timedelta(0) < self.min_interval <= self.max_interval:
            raise ValueError("the minimum check interval must be more than 0 and at most the "
                             "maximum")


@dataclass(frozen=True)
class Rates:
    """Checks per hour in each bin of the week (index: weekday * 24 + hour, local time)."""

    per_hour: tuple[float, ...]
    tz: ZoneInfo
    items: float  # age-weighted items the rates were learnt from (0: no history)

    def at(self, when: datetime) -> float:
        return self.per_hour[bin_of(when, self.tz)]


@dataclass(frozen=True)
class Plan:
    at: datetime
    why: str


def bin_of(when: datetime, tz: ZoneInfo) -> int:
    local = when.astimezone(tz)
    return local.weekday() * 24 + local.hour


def observed_at(first_seen: datetime, previous_check: datetime | None) -> datetime:
    """When an item most likely appeared: it was not there at the previous check and was at
    `first_seen`, so the middle of the two (without it, the learnt hours would lag behind by
    half an interval, and a rarely checked hour would lend its items to the next busy one)."""
    if previous_check is None or previous_check >= first_seen:
        return first_seen
    return previous_check + (first_seen - previous_check) / 2


def weekly_shares(appeared: Iterable[datetime], tz: ZoneInfo, now: datetime) -> tuple[
        list[float], float]:
    """Share of items per bin (sums to 1) and the age-weighted item count behind it.
    Only appearances before `now` count: the plan never learns from the future."""
    full = [0.0] * BINS
    days, hours = [0.0] * 7, [0.0] * 24
    total = 0.0
    oldest = now - timedelta(days=HISTORY_DAYS)
    for when in appeared:
        if not oldest <= when < now:
            continue
        # Aged in whole weeks: each weekday's latest items then weigh the same, where a smooth
        # decay would always weigh today's weekday (last seen a week ago) least and spend ~3 %
        # less than the budget on it.
        weeks = (now - when) // timedelta(days=7)
        weight = 0.5 ** (weeks * 7 / HALF_LIFE_DAYS)
        b = bin_of(when, tz)
        day, hour = divmod(b, 24)
        for shift, k in zip((-1, 0, 1), HOUR_KERNEL, strict=True):
            full[(b + shift) % BINS] += weight * k
            hours[(hour + shift) % 24] += weight * k
        days[day] += weight
        total += weight
    if total == 0:
        return [1.0 / BINS] * BINS, 0.0
    pooled = [days[b // 24] / total * hours[b % 24] / total for b in range(BINS)]
    blend = total / (total + POOLED_UNTIL)
    mixed = [(1 - blend) * p + blend * f / total for p, f in zip(pooled, full, strict=True)]
    prior = PRIOR / (total + PRIOR)
    return [(1 - prior) * m + prior / BINS for m in mixed], total


def learn(appeared: Iterable[datetime], tz: ZoneInfo, now: datetime, budget: Budget) -> Rates:
    """Checks per hour for each bin of the week: the budget where items appear."""
    shares, items = weekly_shares(appeared, tz, now)
    weekly = budget.daily_checks * 7
    low = 1 / (budget.max_interval / _HOUR)
    high = 1 / (budget.min_interval / _HOUR)
    if BINS * low >= weekly or BINS * high <= weekly:
        flat = low if BINS * low >= weekly else high
        return Rates(tuple([flat] * BINS), tz, items)
    roots = [math.sqrt(s) for s in shares]

    def spent(scale: float) -> float:
        return sum(min(high, max(low, scale * r)) for r in roots)

    # spent() grows with scale: bisect for the scale that spends the week's budget exactly.
    lo_scale, hi_scale = 0.0, high / min(roots)
    for _ in range(60):
        mid = (lo_scale + hi_scale) / 2
        lo_scale, hi_scale = (mid, hi_scale) if spent(mid) < weekly else (lo_scale, mid)
    scale = (lo_scale + hi_scale) / 2
    return Rates(tuple(min(high, max(low, scale * r)) for r in roots), tz, items)


def next_check(now: datetime, rates: Rates, budget: Budget,
               not_before: Iterable[tuple[datetime, str]] = (),
               place: Callable[[datetime], datetime] | None = None) -> Plan:
    """The next check after one made at `now`: once one check's worth of rate has accrued,
    moved by `place` (scheduler.spread puts it on the source's own grid), and not before any
    (time, reason) in `not_before` (Retry-After, Cache-Control)."""
    due = reached(rates, now, 1.0)
    plan = Plan(place(due) if place else due, _why(now, rates, budget))
    for when, reason in not_before:
        if when > plan.at:
            plan = Plan(when, reason)
    return plan


def reached(rates: Rates, start: datetime, checks: float) -> datetime:
    """When the rate accrued from `start` reaches `checks` (checks' worth, at least 0)."""
    owed, cursor = checks, start
    while True:  # ends: every rate is at least 1 / max_interval
        hour_end = cursor.replace(minute=0, second=0, microsecond=0) + _HOUR
        rate = rates.at(cursor)
        span = (hour_end - cursor) / _HOUR
        if rate * span >= owed:
            return cursor + _HOUR * (owed / rate)
        owed -= rate * span
        cursor = hour_end


def accrued(rates: Rates, start: datetime, end: datetime) -> float:
    """Checks' worth of rate from `start` to `end` (end >= start)."""
    total, cursor = 0.0, start
    while cursor < end:
        step_end = min(end, cursor.replace(minute=0, second=0, microsecond=0) + _HOUR)
        total += rates.at(cursor) * ((step_end - cursor) / _HOUR)
        cursor = step_end
    return total


def _why(now: datetime, rates: Rates, budget: Budget) -> str:
    every = duration_text(_HOUR / rates.at(now))
    if rates.items == 0:
        return f"no history yet: every {every}"
    mean = budget.daily_checks / 24
    return f"{'busy' if rates.at(now) > mean else 'quiet'} hours: every {every}"


def duration_text(span: timedelta) -> str:
    """"12 min", "1.5 h", "2 h" (seconds only for the test-sized intervals under a minute)."""
    if span < timedelta(minutes=1):
        return f"{span.total_seconds():.3g} s"
    minutes = round(span.total_seconds() / 60)
    if minutes >= 120 and minutes % 60 == 0:
        return f"{minutes // 60} h"
    if minutes >= 90:
        return f"{minutes / 60:.1f} h"
    return f"{max(minutes, 1)} min"
