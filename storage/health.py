"""Source-health alarms: after each crawl run, open or resolve one HealthAlarm per problem
episode — not one per run — and write one outbox row per health channel when an alarm is
raised and one when it is resolved (the health channels are separate from the news ones).

Kinds, each judged from the run summary and the source row (storage.runs keeps its counters):
  blocked        the site answered 403 (status "blocked" or health.blocked)
  error_streak   COOPWATCH_ERROR_STREAK failed crawls in a row (failed | blocked | killed)
  empty_listing  a feed read as a listing had zero entries (a listing page with none is a
                 listing not recognised: see discovery)
  discovery      a listing page's layout was not recognised, so discovery fell back on an
                 announced feed, the sitemap or the listing's article links; says which found
                 the items (health.discovery), or that none did
  fallback       more than COOPWATCH_FALLBACK_ALARM_SHARE of the articles took their title or
                 date only from the generic fallback; for a configured source, whose only
                 layer is the generic one (health.generic_only), of its article pages gave no
                 title, text or date even to it, or were no article
  stale          nothing new for COOPWATCH_STALE_FACTOR times the source's usual gap between
                 items (the median gap between its latest publication dates)
A check the run could not observe (a failed run says nothing about listings) leaves its alarm
as it is, so an alarm flaps neither open nor shut on runs that cannot tell.
Settings: COOPWATCH_HEALTH_URLS, COOPWATCH_ERROR_STREAK, COOPWATCH_FALLBACK_ALARM_SHARE,
COOPWATCH_STALE_FACTOR.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import utcnow
from storage.models import AlertOutbox, HealthAlarm, Item, Source
from storage.outbox import channels

if TYPE_CHECKING:
    from core.config import Config

logger = logging.getLogger(__name__)

COMPLETED = frozenset({"ok", "errors"})  # runs that read listings and articles
STALE_SAMPLE = 20  # latest publication dates the usual gap is measured on
# A quiet weekend is not an outage, however often the site publishes on weekdays.
STALE_FLOOR = timedelta(days=2)


@dataclass(frozen=True)
class Thresholds:
    error_streak: int = 3
    fallback_share: float = 0.5
    stale_factor: float = 5.0

    @classmethod
    def from_config(cls, cfg: Config) -> Thresholds:
        return cls(error_streak=cfg.get_int("COOPWATCH_ERROR_STREAK"),
                   fallback_share=cfg.get_float("COOPWATCH_FALLBACK_ALARM_SHARE"),
                   stale_factor=cfg.get_float("COOPWATCH_STALE_FACTOR"))


@dataclass(frozen=True)
class HealthEvent:
    source: str
    kind: str
    event: str  # raised | resolved
    detail: str
    alarm_id: int


def usual_gap(session: Session, source: str) -> timedelta | None:
    """Median gap between the source's latest publication dates; None with too few items."""
    latest = session.scalars(  # ix_item__source_published_at
        select(Item.published_at).where(Item.source == source, Item.published_at.is_not(None))
        .order_by(Item.published_at.desc()).limit(STALE_SAMPLE))
    dates = sorted(d for d in latest if d is not None)
    gaps = sorted(b - a for a, b in itertools.pairwise(dates) if b > a)
    return gaps[len(gaps) // 2] if len(gaps) >= 2 else None  # the (upper) median


FALLBACK_PATHS = ("autodiscovered_feed", "sitemap", "url_pattern")


def _discovery_verdict(health: dict[str, Any]) -> str | bool:
    pages = int(health.get("listing_unrecognised") or 0)
    if not pages:
        return False
    used = health.get("discovery") or {}
    found = [f"{path} ({used[path]} entries)" for path in FALLBACK_PATHS if used.get(path)]
    how = (f"new items were discovered through {', then '.join(found)}" if found else
           "no announced feed, sitemap or article link found any item: new items are missed")
    return (f"the listing layout is not recognised on {pages} page(s): its markup may have "
            f"changed; {how}")


def _verdicts(session: Session, src: Source, summary: dict[str, Any], th: Thresholds,
              now: datetime) -> dict[str, str | bool | None]:
    """kind -> detail text (problem), False (clear) or None (this run cannot tell)."""
    status, health = summary.get("status"), summary.get("health") or {}
    done = status in COMPLETED
    why = f"last crawl {status}: {summary.get('reason') or 'no reason given'}"
    out: dict[str, str | bool | None] = {}

    blocked = status == "blocked" or bool(health.get("blocked"))
    out["blocked"] = (f"{src.name} answers 403 Forbidden: the site blocks the crawler ({why})"
                      if blocked else False if done else None)

    if src.error_streak >= th.error_streak:
        out["error_streak"] = f"{src.error_streak} failed crawls in a row; {why}"
    else:
        out["error_streak"] = False if src.error_streak == 0 else None

    if done:
        out["empty_listing"] = ("a listing page parsed to zero entries: its layout may have "
                                "changed" if health.get("empty_listing") else False)
    else:
        out["empty_listing"] = None

    if done:
        out["discovery"] = _discovery_verdict(health)
    else:
        out["discovery"] = None

    share = float(health.get("fallback_share") or 0.0)
    judged = int(health.get("article_pages") or summary.get("parsed") or 0)
    if done and judged and health.get("generic_only"):
        out["fallback"] = (f"on {share:.0%} of {judged} article pages even the generic layer "
                           f"found no title, text or date (alarm above {th.fallback_share:.0%})"
                           ": the pages may not be articles (check article_url_pattern) or the "
                           "site may have changed" if share > th.fallback_share else False)
    elif done and judged:
        out["fallback"] = (f"{share:.0%} of {judged} articles took their title or date only "
                           f"from the fallback (alarm above {th.fallback_share:.0%}): the "
                           "article layout may have changed" if share > th.fallback_share
                           else False)
    else:
        out["fallback"] = None

    out["stale"] = None
    since = src.last_new_item_at or src.primed_at
    gap = usual_gap(session, src.name) if th.stale_factor > 0 and since and done else None
    if gap is not None and since is not None:
        limit = max(gap * th.stale_factor, STALE_FLOOR)
        quiet = now - since
        out["stale"] = (f"nothing new since {since:%Y-%m-%d %H:%M} UTC ({quiet.days} days); "
                        f"it usually publishes every {gap}, alarm after {limit}"
                        if quiet > limit else False)
    return out


def _enqueue(session: Session, alarm: HealthAlarm, event: str, names: list[str]) -> None:
    verb = "health alarm" if event == "raised" else "recovered"
    title = f"[coopwatch] {alarm.source.upper()} {verb}: {alarm.kind}"
    body = (f"{alarm.detail}\n\nRaised {alarm.raised_at:%Y-%m-%d %H:%M} UTC" +
            (f", resolved {alarm.resolved_at:%Y-%m-%d %H:%M} UTC." if alarm.resolved_at else ".")
            + "\nSee `coopwatch sources` for the state of every source.")
    session.add_all(AlertOutbox(kind="health", event=event, channel=name, alarm_id=alarm.id,
                                title=title, body=body) for name in names)


def evaluate(session: Session, source: str, summary: dict[str, Any], cfg: Config,
             now: datetime | None = None) -> list[HealthEvent]:
    """Judge one finished run (after storage.runs.finish_run); the caller commits.

    Evaluating the same run twice changes nothing (the run id is remembered)."""
    now = now or utcnow()
    src = session.get_one(Source, source)
    run_id = summary.get("run_id")
    if run_id is not None and src.health_detail.get("evaluated_run_id") == run_id:
        return []
    names = list(channels(cfg, "COOPWATCH_HEALTH_URLS"))
    events: list[HealthEvent] = []
    for kind, verdict in _verdicts(session, src, summary, Thresholds.from_config(cfg),
                                   now).items():
        # ix_health_alarm__source_kind_resolved_at
        alarm = session.scalar(select(HealthAlarm).where(
            HealthAlarm.source == source, HealthAlarm.kind == kind,
            HealthAlarm.resolved_at.is_(None)))
        if isinstance(verdict, str) and alarm is None:
            alarm = HealthAlarm(source=source, kind=kind, detail=verdict, raised_at=now)
            session.add(alarm)
            session.flush()
            _enqueue(session, alarm, "raised", names)
            events.append(HealthEvent(source, kind, "raised", verdict, alarm.id))
        elif verdict is False and alarm is not None:
            alarm.resolved_at = now
            _enqueue(session, alarm, "resolved", names)
            events.append(HealthEvent(source, kind, "resolved", alarm.detail, alarm.id))
    for ev in events:
        logger.warning("Health alarm %(event)s for %(source)s: %(kind)s — %(detail)s",
                       {"event": ev.event, "source": ev.source, "kind": ev.kind,
                        "detail": ev.detail})
    open_kinds = sorted(session.scalars(select(HealthAlarm.kind).where(
        HealthAlarm.source == source, HealthAlarm.resolved_at.is_(None))))
    src.health_state = ("alarm" if open_kinds else
                        "ok" if summary.get("status") == "ok" else "degraded")
    src.health_detail = {"evaluated_run_id": run_id, "open_alarms": open_kinds,
                         "last_status": summary.get("status"), "last_reason": summary.get("reason")}
    return events
