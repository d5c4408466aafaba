"""`coopwatch runs list|show`: what each crawl run did, and its full log (core.runlogs)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from coopwatch.common import JsonOpt, cell, config, db_session, emit_json, fail
from core import runlogs
from core.config import ConfigError
from core.controls import visible
from storage.models import MAX_ID, CrawlRun
from storage.runs import COUNT_FIELDS
from storage.views import run_json


def when(iso: str | None) -> str:
    """`2026-12-04 21:14` (UTC) from a stored ISO time: the table fits 80 columns."""
    return (iso or "")[:16].replace("T", " ")

app = typer.Typer()
runs_app = typer.Typer(help="Crawl runs: what each check or crawl did, and its full log.",
                       no_args_is_help=True)
app.add_typer(runs_app, name="runs")


@runs_app.command("list")
def runs_list(
    source: Annotated[str | None, typer.Option(help="Only this source's runs")] = None,
    limit: Annotated[int, typer.Option(help="Most runs to show, newest first")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """List crawl runs, newest first.

    Example:  coopwatch runs list --source osce --limit 5"""
    with db_session(config()) as session:
        stmt = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(max(limit, 0))
        if source:
            stmt = stmt.where(CrawlRun.source == source)
        rows = [run_json(run) for run in session.scalars(stmt)]
    if as_json:
        emit_json(rows)
        return
    table = Table("id", "source", "trigger", "status", "started", "requests", "304s", "new",
                  "updated", "reason")
    for r in rows:
        table.add_row(*map(cell, (r["id"], r["source"], r["trigger"], r["status"],
                                  when(r["started"]), r["requests"], r["not_modified"],
                                  r["new"], r["updated"], r["reason"] or "")))
    Console().print(table)  # made per command: rich reads COLUMNS when made


@runs_app.command("show")
def runs_show(
    run_id: Annotated[int, typer.Argument(help="Run id (`coopwatch runs list`; run=N in the "
                                               "monitor's check lines)")],
    log: Annotated[bool, typer.Option("--log", help="Print the run's full crawl log")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Print one crawl run: status, counts, health signals — or, with --log, its full log.

    Example:  coopwatch runs show 12 --log"""
    cfg = config()
    with db_session(cfg) as session:
        run = session.get(CrawlRun, run_id) if 1 <= run_id <= MAX_ID else None
        if run is None:
            fail(f"no crawl run {run_id}; `coopwatch runs list` shows the ids")
        data, started = run_json(run), run.started_at
    if log:
        try:
            path = runlogs.find_log(cfg, run_id, started)
        except (runlogs.RunLogMissing, ConfigError) as err:
            fail(str(err))
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:  # streamed: a backfill's log can be large
                sys.stdout.write(visible(line, keep="\n\t"))  # URLs and titles are scraped
        return
    if as_json:
        emit_json(data)
        return
    for key in ("id", "source", "trigger", "status", "reason", "started", "finished",
                *COUNT_FIELDS):
        typer.echo(visible(f"{key:<13} {data[key] if data[key] is not None else ''}"))
    for signal, value in (data["health"] or {}).items():
        typer.echo(visible(f"health {signal}: {value}"))
