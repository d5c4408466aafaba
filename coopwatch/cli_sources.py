"""`coopwatch sources`: every source of the registry — the built-ins and the config file's
`[sources.NAME]` tables — with what its table says and its health. A Typer group, so
sub-commands (`coopwatch sources check URL`) sit beside the listing."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from coopwatch.cli_check import check
from coopwatch.common import JsonOpt, cell, config, db_session, emit_json
from core.sources import registry
from storage.views import registry_rows, source_json, spec_json
from storage.websub import hub_status

app = typer.Typer()
sources_app = typer.Typer(help="The watched sources.")
app.add_typer(sources_app, name="sources")
sources_app.command("check")(check)


def _interval(r: dict[str, Any]) -> str:
    return "adaptive" if r["interval_minutes"] is None else f"{r['interval_minutes']:g} min"


@sources_app.callback(invoke_without_command=True)
def sources(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show each source — title, whose newsroom it is (speaks_for), where its crawl starts,
    enabled, alerts, built in, check interval — and its health: state, open alarms, last
    success and error, 304 ratio, and the monitor's next check with why (busy or quiet hours,
    Retry-After, …); with COOPWATCH_WEBSUB_HUB set, a line on what the hub has been told.
    `coopwatch sources check URL` tries a start URL before adding a source.

    Example:  coopwatch sources --json"""
    if ctx.invoked_subcommand is not None:
        return
    cfg = config()
    with db_session(cfg) as session:
        rows = [spec_json(spec) | source_json(session, row) for spec, row in
                sorted(registry_rows(session, registry(cfg)), key=lambda r: r[0].name)]
        hub = hub_status(session) if cfg["COOPWATCH_WEBSUB_HUB"] else None
    if as_json:
        emit_json(rows)
        return
    yes = {True: "yes", False: "no"}
    defined = Table("source", "title", "speaks for", "enabled", "alerts", "built in", "interval",
                    "starts at")
    health = Table("source", "state", "open alarms", "last success", "last error", "streak",
                   "last new item", "304 ratio", "next check (why)", "crawling")
    for r in rows:
        defined.add_row(*map(cell, (r["source"], r["title"], r["speaks_for"], yes[r["enabled"]],
                                    yes[r["alerts"]], yes[r["builtin"]], _interval(r),
                                    " ".join(r["start_urls"]))))
        ratio = "n/a" if r["not_modified_ratio"] is None else f"{r['not_modified_ratio']:.0%}"
        error = f"{r['last_error_at'] or 'never'} {r['last_error'] or ''}".strip()
        health.add_row(*map(cell, (r["source"], r["state"], ", ".join(r["open_alarms"]) or "-",
                                   r["last_success"] or "never", error, r["error_streak"],
                                   r["last_new_item"] or "never", ratio,
                                   f"{r['next_check']} ({r['next_check_why']})"
                                   if r["next_check"] else
                                   "not scheduled (the monitor sets it)",
                                   f"{r['lease']['holder']} until {r['lease']['until']}"
                                   if r["lease"] else "-")))
    out = Console()  # made per command: rich reads COLUMNS when made
    out.print(defined)
    out.print(health)
    if hub is not None:
        typer.echo(f"WebSub hub {cfg['COOPWATCH_WEBSUB_HUB']}: {hub}")
