"""Freshness: how long after an item appears its check finds it, polling at a fixed interval
and with the adaptive schedule, at the same number of checks per day.

A year (2025) of publication times per source is replayed, generated with a fixed seed:
- dates: each source's weekday mix is that of its replica catalogue and seeded archive
  (replica/: 57 OSCE and 46 INTERPOL dated items, plus half an item per weekday so the
  odd weekend item happens), spread over the year at ITEMS_PER_YEAR;
- times: office hours where each newsroom works (OSCE: Vienna, INTERPOL: Lyon), a morning and
  an afternoon peak, and a tenth of the items at any hour (a statement after a late meeting).
Fixed polling checks every 24 h / budget from a random phase. The adaptive schedule is
scheduler.planner — the daemon's code: it starts with no history (as if the backfill gave only
dates), learns once a day from what its own checks found before that day (each item placed
midway between the check that found it and the one before, planner.observed_at) and plans
each next check with planner.next_check. Detection delay = the first check at or after the
item appeared, minus its appearance (jitter and crawl time, equal for both, left out).
Target: adaptive median delay ≤ 0.5 × the fixed interval's, at the same checks per day.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import benchlib
from benchlib import median, parser, percentile

YEAR = 2025
ITEMS_PER_YEAR = {"osce": 750, "interpol": 300}  # about 3 and 1.2 per working day
# Local (hour, spread in hours, share) of each newsroom's peaks; the rest of the share is spread
# over the whole day.
PEAKS = {"osce": ((10.5, 1.2, 0.5), (15.0, 1.5, 0.4)),
         "interpol": ((11.0, 1.5, 0.55), (16.0, 1.3, 0.35))}
BUDGETS = (24, 48, 96)  # checks per day; 48 is the default (the old 30-minute interval)
DEFAULT_BUDGET = 48
TARGET_RATIO = 0.5


def weekday_weights(source: str) -> list[float]:
    from replica.inventory import catalogue

    counts = Counter(item.published.weekday() for item in catalogue(source) if item.published)
    return [counts.get(day, 0) + 0.5 for day in range(7)]


def publications(source: str, tz: ZoneInfo, days: int, rng: random.Random) -> list[datetime]:
    """Appearance times (UTC) of one source's items over `days` days from 1 January."""
    weights = weekday_weights(source)
    start = date(YEAR, 1, 1)
    calendar = [start + timedelta(days=n) for n in range(days)]
    day_weights = [weights[d.weekday()] for d in calendar]
    count = round(ITEMS_PER_YEAR[source] * days / 365)
    out = []
    for day in rng.choices(calendar, weights=day_weights, k=count):
        hour = _hour_of_day(source, rng)
        local = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(hours=hour)
        out.append(local.astimezone(UTC))
    return sorted(out)


def _hour_of_day(source: str, rng: random.Random) -> float:
    pick = rng.random()
    for centre, spread, share in PEAKS[source]:
        if pick < share:
            return min(23.99, max(0.0, rng.gauss(centre, spread)))
        pick -= share
    return rng.uniform(0, 24)


def fixed_checks(start: datetime, end: datetime, daily: int, rng: random.Random) -> list[datetime]:
    every = timedelta(days=1) / daily
    first = start + every * rng.random()
    return [first + every * n for n in range(int((end - first) / every) + 1)]


def adaptive_checks(items: list[datetime], tz: ZoneInfo, start: datetime, end: datetime,
                    daily: int) -> list[datetime]:
    """The daemon's loop, in simulated time: learn daily from what was found, plan the next
    check after each one."""
    from scheduler import planner

    budget = planner.Budget(daily, timedelta(minutes=5), timedelta(hours=2))
    checks = [start]
    seen: list[datetime] = []  # observed appearance of each item found so far
    found = 0  # items[:found] have been found
    learnt_on, rates = None, None
    while checks[-1] < end:
        now = checks[-1]
        if rates is None or now.date() != learnt_on:
            rates, learnt_on = planner.learn(seen, tz, now, budget), now.date()
        nxt = planner.next_check(now, rates, budget).at
        upto = bisect.bisect_right(items, nxt)
        seen += [planner.observed_at(nxt, now)] * (upto - found)
        found = upto
        checks.append(nxt)
    return checks


def delays_min(items: list[datetime], checks: list[datetime]) -> list[float]:
    out = []
    for when in items:
        i = bisect.bisect_left(checks, when)
        if i < len(checks):
            out.append((checks[i] - when).total_seconds() / 60)
    return out


def simulate(days: int, daily: int, seed: int) -> dict[str, Any]:
    from core.sources import SOURCES

    rng = random.Random(seed)
    start = datetime(YEAR, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=days)
    result: dict[str, Any] = {"fixed": [], "adaptive": [], "checks_per_day": {}}
    for source in ("osce", "interpol"):
        tz = ZoneInfo(SOURCES[source].timezone)
        items = publications(source, tz, days, rng)
        schedules: dict[str, Callable[[], list[datetime]]] = {
            "fixed": lambda: fixed_checks(start, end, daily, rng),
            "adaptive": lambda tz=tz, items=items: adaptive_checks(items, tz, start, end, daily)}
        for name, make in schedules.items():
            checks = make()
            result[name] += delays_min(items, [c for c in checks if c <= end + timedelta(
                days=1)])
            inside = sum(1 for c in checks if start <= c < end)
            result["checks_per_day"][f"{source}/{name}"] = round(inside / days, 2)
        result.setdefault("items", {})[source] = len(items)
    return result


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--days", type=int, default=365, help="days replayed (default: a year)")
    p.add_argument("--seed", type=int, default=2025)
    args = p.parse_args()
    days = 28 if args.quick else args.days
    report = benchlib.Report("freshness", args)
    details: dict[str, Any] = {"days": days, "seed": args.seed, "year": YEAR,
                               "items_per_year": ITEMS_PER_YEAR, "budgets": {}}
    for daily in ((DEFAULT_BUDGET,) if args.quick else BUDGETS):
        run = simulate(days, daily, args.seed)
        fixed, adaptive = run["fixed"], run["adaptive"]
        figures = {"fixed_median_min": median(fixed), "fixed_p90_min": percentile(fixed, 90),
                   "adaptive_median_min": median(adaptive),
                   "adaptive_p90_min": percentile(adaptive, 90)}
        details["budgets"][daily] = figures | {"items": run["items"],
                                               "checks_per_day": run["checks_per_day"]}
        label = f"{daily} checks/day"
        ratio = figures["adaptive_median_min"] / figures["fixed_median_min"]
        report.add(f"median detection delay, adaptive ({label})", figures["adaptive_median_min"],
                   "min", baseline=figures["fixed_median_min"],
                   baseline_name=f"fixed every {1440 // daily} min",
                   target=f"≤ {TARGET_RATIO} × fixed" if daily == DEFAULT_BUDGET else "",
                   met=ratio <= TARGET_RATIO if daily == DEFAULT_BUDGET else None)
        report.add(f"p90 detection delay, adaptive ({label})", figures["adaptive_p90_min"],
                   "min", baseline=figures["fixed_p90_min"],
                   baseline_name=f"fixed every {1440 // daily} min")
        per_day = run["checks_per_day"]
        report.add(f"checks per day and source, adaptive ({label})",
                   sum(v for k, v in per_day.items() if k.endswith("/adaptive")) / 2, "checks",
                   baseline=sum(v for k, v in per_day.items() if k.endswith("/fixed")) / 2,
                   baseline_name="fixed")
    report.details = details
    report.finish()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
