"""Many sources on one monitor: first checks and planned checks spread over the interval
(scheduler.spread), without a clock: every test passes the times."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from scheduler import planner, spread

NAMES = [f"source-{n:02d}" for n in range(50)]
START = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)  # a Monday morning
HOUR = timedelta(hours=1)
VIENNA = ZoneInfo("Europe/Vienna")


def most_in_a_window(times: list[datetime], window: timedelta) -> int:
    """The most start times that fall in one window of this width (aligned on the epoch)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return max(Counter((t - epoch) // window for t in times).values())


def test_phases_are_stable_and_different() -> None:
    phases = [spread.phase_of(n) for n in NAMES]
    assert phases == [spread.phase_of(n) for n in NAMES]  # no randomness, no salt
    assert all(0 <= p < 1 for p in phases) and len(set(phases)) == 50
    assert spread.phase_of("osce") == pytest.approx(0.41898, abs=1e-5)  # the same on any machine


def test_fifty_new_sources_at_60_min_do_not_start_together() -> None:
    firsts = sorted(spread.first_check_at(n, START, HOUR) for n in NAMES)
    assert firsts[0] >= START and firsts[-1] < START + spread.FIRST_CHECK_WITHIN
    assert most_in_a_window(firsts, timedelta(seconds=30)) <= 10  # 5 per 30 s if even
    assert firsts[-1] - firsts[0] > spread.FIRST_CHECK_WITHIN * 0.9
    # A short interval spreads the first checks over that interval.
    quick = [spread.first_check_at(n, START, timedelta(minutes=1)) for n in NAMES]
    assert max(quick) < START + timedelta(minutes=1)


def simulate(plan_after: Callable[[str, datetime, datetime], datetime], every: timedelta,
             hours: int) -> dict[str, list[datetime]]:
    """Each source's check start times over `hours`: first checks as the monitor adds them,
    each check taking 0-3 min, then the next at plan_after(name, check start, check end)."""
    rng = random.Random(17)
    starts: dict[str, list[datetime]] = {}
    for name in NAMES:
        at = spread.first_check_at(name, START, every)
        starts[name] = []
        while at < START + hours * HOUR:
            starts[name].append(at)
            ended = at + timedelta(seconds=rng.uniform(0, 180))
            at = plan_after(name, at, ended)
    return starts


def test_fixed_checks_spread_over_the_whole_interval_and_keep_to_it() -> None:
    every = HOUR

    def on_grid(name: str, started: datetime, ended: datetime) -> datetime:
        return spread.fixed_on_phase(started + every, every, spread.phase_of(name),
                                     max(ended, started + every / 2))

    def from_the_end(name: str, started: datetime, ended: datetime) -> datetime:
        return ended + every  # what a plan without a grid does

    spread_out = [t for ts in simulate(on_grid, every, 24).values() for t in ts[1:]]
    # 50 checks an hour: ~4 in each 5 minutes when even.
    assert most_in_a_window(spread_out, timedelta(minutes=5)) <= 10
    bunched = [t for ts in simulate(from_the_end, every, 24).values() for t in ts[1:]]
    assert most_in_a_window(bunched, timedelta(minutes=5)) >= 25  # the test can tell
    for times in simulate(on_grid, every, 24).values():  # every interval an hour, once on it
        assert all(b - a == every for a, b in pairwise(times[1:]))


def office_hours(now: datetime) -> list[datetime]:
    """Three items each weekday at 10:15 Vienna time for eight weeks before `now`."""
    out = []
    for day in range(1, 57):
        local = (now - timedelta(days=day)).astimezone(VIENNA).replace(hour=10, minute=15)
        if local.weekday() < 5:
            out += [local.astimezone(UTC)] * 3
    return out


def test_adaptive_plans_stay_spread_and_spend_the_budget() -> None:
    budget = planner.Budget(48, timedelta(minutes=5), timedelta(hours=2))
    rates = planner.learn(office_hours(START), VIENNA, START, budget)

    def adaptive(name: str, started: datetime, ended: datetime) -> datetime:
        earliest = max(ended, started + budget.min_interval)
        return planner.next_check(started, rates, budget, place=lambda due: (
            spread.adaptive_on_phase(due, rates, spread.phase_of(name), earliest))).at

    def unplaced(name: str, started: datetime, ended: datetime) -> datetime:
        return max(ended, planner.next_check(started, rates, budget).at)

    days = 7
    runs = simulate(adaptive, timedelta(minutes=30), days * 24)
    checks = [t for ts in runs.values() for t in ts[1:]]
    # Busy hours are checked every 5 min: 50 sources, ~10 a minute if even.
    assert most_in_a_window(checks, timedelta(minutes=1)) <= 20
    unspread = [t for ts in simulate(unplaced, timedelta(minutes=30), days * 24).values()
                for t in ts[1:]]
    assert most_in_a_window(unspread, timedelta(minutes=1)) >= 35  # the test can tell
    assert len(checks) == pytest.approx(len(unspread), rel=0.01)  # the same budget spent …
    assert len(checks) / 50 / days == pytest.approx(48, rel=0.02)
    for times in runs.values():  # … and never more often than the minimum interval
        assert min(b - a for a, b in pairwise(times)) >= budget.min_interval
