"""`GET /metrics` in the Prometheus text format, read from the archive at each scrape: crawls
run in child processes and alerts are delivered by the monitor, so the database is where their
counts live (and a restart of the server loses none).

Per source: crawl runs by status, requests, 304 answers, items new and updated, errors (totals
over non-dry runs), seconds since the last successful crawl, error streak, open health alarms;
items in the archive by source and level; alert rows by kind and status (sent, pending, dead)
and failed delivery attempts; WebSub feed changes waiting for the hub and their failed pings.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from core.sources import enabled_sources
from storage.db import utcnow
from storage.models import AlertOutbox, CrawlRun, HealthAlarm, Item, Source
from storage.websub import hub_status

router = APIRouter()
RUN_TOTALS = (("requests", "crawl_requests", "Requests sent to the site"),
              ("not_modified", "crawl_not_modified", "Requests answered 304 Not Modified"),
              ("new", "items_new", "Items stored as new"),
              ("updated", "items_updated", "Items updated (a material change, a revision)"),
              ("errors", "crawl_errors", "Errors counted by crawls"))


class ArchiveCollector(Collector):
    """The coopwatch_* metrics, computed from one session at collect time."""

    def __init__(self, session: Session, sources: Collection[str]) -> None:
        self.session = session
        # the sources watched now: a source removed from the config file keeps its archive
        # row, but a health gauge ageing for ever would page someone about nothing
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        s = self.session
        real = CrawlRun.dry_run.is_(False)
        runs = CounterMetricFamily("coopwatch_crawl_runs", "Crawl runs by final status "
                                   "(running while in progress)", labels=["source", "status"])
        for source, status, n in s.execute(select(CrawlRun.source, CrawlRun.status, func.count())
                                           .where(real).group_by(CrawlRun.source, CrawlRun.status)):
            runs.add_metric([source, status], n)
        yield runs
        totals = {name: CounterMetricFamily(f"coopwatch_{name}", doc, labels=["source"])
                  for _, name, doc in RUN_TOTALS}
        sums = [func.coalesce(func.sum(getattr(CrawlRun, col)), 0) for col, _, _ in RUN_TOTALS]
        for source, *values in s.execute(select(CrawlRun.source, *sums).where(real)
                                         .group_by(CrawlRun.source)):
            for (_, name, _), value in zip(RUN_TOTALS, values, strict=True):
                totals[name].add_metric([source], value)
        yield from totals.values()
        yield from self._sources()
        items = GaugeMetricFamily("coopwatch_archive_items", "Items in the archive",
                                  labels=["source", "level"])
        for source, level, n in s.execute(select(Item.source, Item.relevance_level, func.count())
                                          .group_by(Item.source, Item.relevance_level)):
            items.add_metric([source, level], n)
        yield items
        yield from self._alerts()
        yield from self._websub()

    def _sources(self) -> Iterator[Metric]:
        age = GaugeMetricFamily("coopwatch_source_last_success_age_seconds",
                                "Seconds since the source's last successful crawl (absent: "
                                "never)", labels=["source"])
        streak = GaugeMetricFamily("coopwatch_source_error_streak",
                                   "Failed crawls in a row", labels=["source"])
        alarms = GaugeMetricFamily("coopwatch_source_open_alarms", "Open health alarms",
                                   labels=["source"])
        open_alarms: dict[str, int] = {source: n for source, n in self.session.execute(
            select(HealthAlarm.source, func.count()).where(HealthAlarm.resolved_at.is_(None))
            .group_by(HealthAlarm.source))}
        now = utcnow()
        for src in self.session.scalars(select(Source).where(
                Source.name.in_(list(self.sources))).order_by(Source.name)):
            if src.last_success_at is not None:
                age.add_metric([src.name], (now - src.last_success_at).total_seconds())
            streak.add_metric([src.name], src.error_streak)
            alarms.add_metric([src.name], open_alarms.get(src.name, 0))
        yield from (age, streak, alarms)

    def _alerts(self) -> Iterator[Metric]:
        rows = GaugeMetricFamily("coopwatch_alerts", "Alert outbox rows by kind and status "
                                 "(pending, sent, dead)", labels=["kind", "status"])
        failed = GaugeMetricFamily("coopwatch_alert_failed_attempts",
                                   "Delivery attempts that failed", labels=["kind"])
        # A sent row's last attempt succeeded; every other attempt failed.
        failures = AlertOutbox.attempts - case((AlertOutbox.status == "sent", 1), else_=0)
        failed_by_kind: dict[str, int] = {}
        for kind, status, n, fails in self.session.execute(
                select(AlertOutbox.kind, AlertOutbox.status, func.count(), func.sum(failures))
                .group_by(AlertOutbox.kind, AlertOutbox.status)):
            rows.add_metric([kind, status], n)
            failed_by_kind[kind] = failed_by_kind.get(kind, 0) + int(fails or 0)
        for kind, fails in sorted(failed_by_kind.items()):
            failed.add_metric([kind], fails)
        yield from (rows, failed)


    def _websub(self) -> Iterator[Metric]:
        hub = hub_status(self.session)
        yield GaugeMetricFamily("coopwatch_websub_waiting_changes", "Feed changes the WebSub "
                                "hub has not been told about yet", value=hub.waiting)
        yield GaugeMetricFamily("coopwatch_websub_failed_pings", "Failed pings of the "
                                "waiting changes (the hub is down or refuses)",
                                value=hub.failed_tries)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """The Prometheus exposition, computed now from the archive."""
    collectors = CollectorRegistry(auto_describe=False)
    with request.app.state.sessions() as session:  # read-only: closing it rolls back
        collectors.register(ArchiveCollector(session,
                                             enabled_sources(request.app.state.cfg)))
        body = generate_latest(collectors)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
