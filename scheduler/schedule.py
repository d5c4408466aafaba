"""The monitor's schedule per source: a fixed interval, or the adaptive plan of
scheduler.planner fed from the archive.

Fixed when the source's interval_minutes (check_every_min, its older name, in [sources.NAME])
or COOPWATCH_CHECK_EVERY_MIN is set; adaptive otherwise, with COOPWATCH_DAILY_REQUESTS (or
daily_requests in [sources.NAME]) checks a day between COOPWATCH_MIN_CHECK_EVERY_MIN and
COOPWATCH_MAX_CHECK_EVERY_MIN, learning publishing hours in the source's time zone.

What the adaptive plan learns from. When an item *appears on the listing* is what a poller has
to catch, so the first-seen time of an item found by a scheduled or on-demand check after the
source was primed is the best witness: it includes any lag between the date an item carries
and the moment the site lists it. It is late by up to one check interval, so it is placed
midway between the check that found it and the completed check before (planner.observed_at).
The first-seen time of a backfilled or seeded item is only the moment of the backfill, so for
those the item's own publication time is used — when it has a time of day: a date alone
(stored as midnight UTC) says nothing about the hour and is left out.

Several monitors on one database share each source's plan: source.next_check_at is the slot.
A check first claims it (claim: a conditional UPDATE that only succeeds when the slot is due,
and moves it one interval on), so of the monitors whose jobs fire for the same interval one
crawls and the others skip; the winner records its plan after the check. A winner that dies
leaves the slot due again after one interval, for whichever monitor fires next.
"""

from __future__ import annotations

import bisect
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core.config import Config, ConfigError
from core.sources import registry
from scheduler import planner, spread
from storage.db import utcnow
from storage.locks import db_now
from storage.models import CrawlRun, Item, Source

COMPLETED = ("ok", "errors")


def fixed_every_s(cfg: Config, source: str) -> float | None:
    """The fixed interval of a source in seconds, or None under the adaptive schedule."""
    known = registry(cfg).get(source)  # its table's value was validated there (> 0)
    if known is not None and known.interval_minutes is not None:
        return known.interval_minutes * 60
    if cfg["COOPWATCH_CHECK_EVERY_MIN"] in ("", None):
        return None
    seconds = cfg.get_float("COOPWATCH_CHECK_EVERY_MIN") * 60
    if not seconds > 0:
        raise ConfigError("COOPWATCH_CHECK_EVERY_MIN must be more than 0 minutes")
    return seconds


def budget(cfg: Config, source: str) -> planner.Budget:
    known = registry(cfg).get(source)
    try:
        daily = known.daily_requests if known and known.daily_requests is not None else \
            cfg.get_float("COOPWATCH_DAILY_REQUESTS")
        return planner.Budget(daily,
                              timedelta(minutes=cfg.get_float("COOPWATCH_MIN_CHECK_EVERY_MIN")),
                              timedelta(minutes=cfg.get_float("COOPWATCH_MAX_CHECK_EVERY_MIN")))
    except (TypeError, ValueError) as err:
        raise ConfigError(f"the adaptive schedule of {source}: {err} (COOPWATCH_DAILY_REQUESTS, "
                          "COOPWATCH_MIN_CHECK_EVERY_MIN, COOPWATCH_MAX_CHECK_EVERY_MIN)") from err


def timezone_of(source: str, cfg: Config | None = None) -> ZoneInfo:
    known = registry(cfg).get(source)
    return ZoneInfo(known.timezone) if known else ZoneInfo("UTC")


def appearances(session: Session, source: str, now: datetime) -> list[datetime]:
    """When the source's items of the last planner.HISTORY_DAYS appeared (see the module)."""
    since = now - timedelta(days=planner.HISTORY_DAYS)
    primed = session.scalar(select(Source.primed_at).where(Source.name == source))
    starts = list(session.scalars(select(CrawlRun.started_at).where(
        CrawlRun.source == source, CrawlRun.started_at >= since - timedelta(days=1),
        CrawlRun.status.in_(COMPLETED), CrawlRun.dry_run.is_(False)).order_by(
        CrawlRun.started_at)))
    rows = session.execute(select(Item.first_seen_at, Item.published_at, Item.origin).where(
        Item.source == source, or_(Item.first_seen_at >= since, Item.published_at >= since)))
    out = []
    for first_seen, published, origin in rows:
        if origin != "seed" and primed is not None and first_seen > primed:
            found_by = bisect.bisect_right(starts, first_seen) - 1
            previous = starts[found_by - 1] if found_by >= 1 else None
            out.append(planner.observed_at(first_seen, previous))
        elif published is not None and published.astimezone(UTC).time() != datetime.min.time():
            out.append(published)
    return out


def site_hints(session: Session, source: str) -> list[tuple[datetime, str]]:
    """Retry-After and Cache-Control: max-age of the last finished crawl, as not-before times."""
    run = session.scalar(select(CrawlRun).where(
        CrawlRun.source == source, CrawlRun.finished_at.is_not(None),
        CrawlRun.dry_run.is_(False)).order_by(CrawlRun.id.desc()))
    if run is None or run.finished_at is None:
        return []
    hints = []
    if wait := run.stats.get("coopwatch/http/retry_after_s"):
        hints.append((run.finished_at + timedelta(seconds=wait),
                      f"Retry-After: the site asked to wait {wait} s"))
    if max_age := run.stats.get("coopwatch/http/max_age_s"):
        hints.append((run.started_at + timedelta(seconds=max_age),
                      f"Cache-Control: max-age={max_age} on its listing"))
    return hints


def last_start(session: Session, source: str) -> datetime | None:
    return session.scalar(select(func.max(CrawlRun.started_at)).where(
        CrawlRun.source == source, CrawlRun.dry_run.is_(False)))


def plan(session: Session, cfg: Config, source: str, now: datetime) -> planner.Plan:
    """The next check of `source` after one that ended at `now`, before jitter: an interval
    after the check's start (how long the crawl took, or waited for a slot, does not lengthen
    it), on the source's own grid (scheduler.spread), never sooner after that start than the
    minimum interval (half the interval when it is fixed) and never before `now`."""
    phase, started = spread.phase_of(source), min(last_start(session, source) or now, now)
    every_s = fixed_every_s(cfg, source)
    if every_s is not None:
        every = timedelta(seconds=every_s)
        return planner.Plan(spread.fixed_on_phase(started + every, every, phase,
                                                  max(now, started + every / 2)),
                            f"fixed: every {planner.duration_text(every)}")
    spend = budget(cfg, source)
    rates = planner.learn(appearances(session, source, now), timezone_of(source, cfg), now,
                          spend)
    earliest = max(now, started + spend.min_interval)
    return planner.next_check(
        started, rates, spend, site_hints(session, source),
        place=lambda due: spread.adaptive_on_phase(due, rates, phase, earliest))


def with_jitter(at: datetime, cfg: Config, rng: random.Random | None = None) -> datetime:
    """Up to COOPWATCH_JITTER_S later, so monitors started together do not poll in step."""
    jitter = cfg.get_float("COOPWATCH_JITTER_S")
    return at + timedelta(seconds=(rng or random).uniform(0, jitter)) if jitter > 0 else at


def claim(session: Session, cfg: Config, source: str) -> str | None:
    """Claim this interval's check of `source` for this monitor; None when claimed, else why
    not (another monitor has the slot). The slot moves one interval on (the fixed one, or the
    adaptive schedule's shortest); a tenth of it early still counts as due, so a slot recorded
    a moment after the job's own time does not make that job skip."""
    every = fixed_every_s(cfg, source)
    gap = timedelta(seconds=every) if every is not None else budget(cfg, source).min_interval
    now = db_now(session)
    claimed = session.execute(update(Source).where(
        Source.name == source,
        or_(Source.next_check_at.is_(None), Source.next_check_at <= now + gap / 10))
        .values(next_check_at=now + gap, next_check_why=f"checking now ({cfg.instance})"[:200]))
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return None
    src = session.get(Source, source)
    if src is None:  # no row to claim: the crawl says what is wrong
        return None
    return (f"another monitor has this interval's check (next check "
            f"{src.next_check_at:%H:%M:%S}: {src.next_check_why})")


def record(session: Session, source: str, at: datetime | None, why: str, *,
           keep_future: bool = False) -> None:
    """Show the source's next check; with keep_future, leave a plan that is still ahead (a
    monitor starting beside another must not pull the shared slot to now)."""
    src = session.get(Source, source)
    if src is not None and keep_future and src.next_check_at and src.next_check_at > utcnow():
        return
    if src is not None:
        src.next_check_at, src.next_check_why = at, why[:200]
