"""The adaptive planner, without a clock: every test passes `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler import planner

VIENNA = ZoneInfo("Europe/Vienna")
BUDGET = planner.Budget(48, timedelta(minutes=5), timedelta(hours=2))
NOW = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)  # a Monday, 02:00 in Vienna


def office_hours(weeks: int = 8, hour: int = 10) -> list[datetime]:
    """Three items each weekday at `hour` local time (Vienna), for `weeks` weeks before NOW."""
    out = []
    for day in range(1, weeks * 7 + 1):
        local = (NOW - timedelta(days=day)).astimezone(VIENNA).replace(hour=hour, minute=15)
        if local.weekday() < 5:
            out += [local.astimezone(UTC)] * 3
    return out


def test_no_history_checks_at_the_budget_rate() -> None:
    rates = planner.learn([], VIENNA, NOW, BUDGET)
    assert set(rates.per_hour) == {2.0}  # 48 a day
    plan = planner.next_check(NOW, rates, BUDGET)
    assert plan == planner.Plan(NOW + timedelta(minutes=30), "no history yet: every 30 min")


def test_the_budget_is_spent_where_items_appear_and_nowhere_else_beyond_the_bounds() -> None:
    rates = planner.learn(office_hours(), VIENNA, NOW, BUDGET)
    assert sum(rates.per_hour) == pytest.approx(48 * 7)
    tuesday_10 = 1 * 24 + 10
    sunday_3 = 6 * 24 + 3
    assert rates.per_hour[tuesday_10] == max(rates.per_hour)
    assert rates.per_hour[tuesday_10] == pytest.approx(12)  # held at the 5 min bound …
    assert 0.5 <= rates.per_hour[sunday_3] < 12 / 5  # … so the rest goes to quiet hours


def test_busy_hours_are_checked_more_often_than_the_fixed_interval() -> None:
    wide = planner.Budget(48, timedelta(minutes=1), timedelta(hours=2))
    rates = planner.learn(office_hours(), VIENNA, NOW, wide)
    tuesday_10 = datetime(2025, 6, 3, 8, 20, tzinfo=UTC)  # 10:20 in Vienna (summer time)
    busy = planner.next_check(tuesday_10, rates, wide)
    assert busy.at - tuesday_10 < timedelta(minutes=15)
    assert busy.why.startswith("busy hours: every ")
    night = datetime(2025, 6, 3, 0, 0, tzinfo=UTC)
    quiet = planner.next_check(night, rates, wide)
    assert timedelta(hours=1, minutes=30) < quiet.at - night <= timedelta(hours=2)
    assert quiet.why.startswith("quiet hours: every ")


def test_a_quiet_interval_ends_early_when_busy_hours_begin() -> None:
    rates = planner.learn(office_hours(hour=9), VIENNA, NOW, BUDGET)
    before_nine = datetime(2025, 6, 3, 6, 50, tzinfo=UTC)  # 08:50 in Vienna
    plan = planner.next_check(before_nine, rates, BUDGET)
    assert plan.at < before_nine + timedelta(minutes=30)  # not 2 h later


def test_hours_follow_the_source_time_zone_across_daylight_saving() -> None:
    winter = datetime(2025, 1, 13, 0, 0, tzinfo=UTC)
    items = [(winter - timedelta(days=d)).astimezone(VIENNA).replace(hour=10).astimezone(UTC)
             for d in range(1, 40)]
    summer_now = datetime(2025, 4, 1, 0, 0, tzinfo=UTC)
    rates = planner.learn(items, VIENNA, summer_now, BUDGET)
    busiest = rates.per_hour.index(max(rates.per_hour)) % 24
    assert busiest == 10  # local 10:00, though 09:00 UTC in winter and 08:00 UTC now


def test_the_future_is_never_learnt() -> None:
    future = [NOW + timedelta(hours=h) for h in range(1, 200)]
    assert planner.learn(future, VIENNA, NOW, BUDGET) == planner.learn([], VIENNA, NOW, BUDGET)


def test_not_before_wins_with_its_reason() -> None:
    rates = planner.learn([], VIENNA, NOW, BUDGET)
    later = NOW + timedelta(hours=3)
    plan = planner.next_check(NOW, rates, BUDGET, [(NOW + timedelta(minutes=1), "max-age"),
                                                   (later, "Retry-After: 3 h")])
    assert plan == planner.Plan(later, "Retry-After: 3 h")


def test_observed_at_is_the_middle_of_the_two_checks() -> None:
    assert planner.observed_at(NOW, NOW - timedelta(hours=2)) == NOW - timedelta(hours=1)
    assert planner.observed_at(NOW, None) == NOW
    assert planner.observed_at(NOW, NOW + timedelta(minutes=1)) == NOW


def test_bounds_win_when_the_budget_cannot_be_spent_within_them() -> None:
    small = planner.Budget(2, timedelta(minutes=5), timedelta(hours=2))  # 2 a day < 12 needed
    assert set(planner.learn(office_hours(), VIENNA, NOW, small).per_hour) == {0.5}
    with pytest.raises(ValueError, match="daily budget"):
        planner.Budget(0, timedelta(minutes=5), timedelta(hours=2))
    with pytest.raises(ValueError, match="minimum check interval"):
        planner.Budget(48, timedelta(hours=3), timedelta(hours=2))
