"""`coopwatch run` and `coopwatch alerts list|retry|test`: the monitor and its alert outbox.
Thin layers over scheduler.* and storage.*."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from coopwatch.common import JsonOpt, cell, config, db_session, emit_json, fail
from core.config import ConfigError
from storage.models import MAX_ID, AlertOutbox
from storage.views import iso


def _alerts_json(row: AlertOutbox) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "event": row.event, "channel": row.channel,
            "item_id": row.item_id, "alarm_id": row.alarm_id, "status": row.status,
            "attempts": row.attempts, "next_attempt_at": iso(row.next_attempt_at),
            "sent_at": iso(row.sent_at), "last_error": row.last_error, "title": row.title}


app = typer.Typer()
alerts_app = typer.Typer(help="The alert outbox: what was sent, what waits, what died.",
                         no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@app.command("run")
def run_monitor() -> None:
    """Run the monitor (checks, alerts, feeds) until SIGTERM or Ctrl-C.

    Checks every source on its interval in a child process, delivers alerts through
    apprise and serves the feeds on COOPWATCH_HOST:COOPWATCH_PORT. Prints one line per check
    and per alert batch (COOPWATCH_LOG_FORMAT=json: JSON lines); each crawl's full log is in
    its run's file (`coopwatch runs show ID --log`).

    Example:  COOPWATCH_ALERT_URLS="mailtos://me:pw@example.org" coopwatch run"""
    from scheduler import console
    from scheduler.daemon import run

    cfg = config()
    try:
        console.configure(cfg)
        asyncio.run(run(cfg))
    except ConfigError as err:
        fail(str(err))

@alerts_app.command("list")
def alerts_list(
    status: Annotated[str | None, typer.Option(help="pending, sent or dead")] = None,
    limit: Annotated[int, typer.Option(help="Most rows to show, newest first")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List alert rows, newest first.

    Example:  coopwatch alerts list --status dead"""
    if status not in (None, "pending", "sent", "dead"):
        raise typer.BadParameter(f"{status!r}: use pending, sent or dead",
                                 param_hint="--status")
    with db_session(config()) as session:
        stmt = select(AlertOutbox).order_by(AlertOutbox.id.desc()).limit(limit)
        if status:
            stmt = stmt.where(AlertOutbox.status == status)
        rows = [_alerts_json(r) for r in session.scalars(stmt)]
    if as_json:
        emit_json(rows)
        return
    table = Table("id", "kind", "event", "channel", "status", "tries", "next / sent",
                  "title", "last error")
    for r in rows:
        when = r["sent_at"] if r["status"] == "sent" else r["next_attempt_at"]
        table.add_row(*map(cell, (r["id"], r["kind"], r["event"], r["channel"], r["status"],
                                  r["attempts"], when if r["status"] != "dead" else "",
                                  r["title"], r["last_error"] or "")))
    Console().print(table)  # made per command: rich reads COLUMNS when made

@alerts_app.command("retry")
def alerts_retry(
    ids: Annotated[list[int] | None, typer.Argument(help="Alert ids (default: all dead)")]
        = None,
) -> None:
    """Make dead alerts (or the given ones) pending again, then deliver what is due.

    Example:  coopwatch alerts retry 12 13"""
    from scheduler.alerts import deliver_pending, retry

    cfg = config()
    if bad := [i for i in ids or () if not 1 <= i <= MAX_ID]:
        fail(f"no alert {bad[0]}; `coopwatch alerts list` shows the ids")
    with db_session(cfg) as session:
        count = retry(session, ids)
    typer.echo(f"{count} alert(s) queued again", err=True)
    report = deliver_pending(cfg.database_url, cfg)
    typer.echo(f"delivery: {report}")
    if report.retrying or report.dead:
        raise typer.Exit(1)

@alerts_app.command("test")
def alerts_test() -> None:
    """Send a test message to every configured channel and report each result.

    Example:  COOPWATCH_ALERT_URLS="json://127.0.0.1:9000/hook" coopwatch alerts test"""
    from scheduler.alerts import send_test

    results = send_test(config())
    if not results:
        fail("no channel configured: set COOPWATCH_ALERT_URLS and/or COOPWATCH_HEALTH_URLS "
             "to apprise URLs")
    for purpose, name, ok, error in results:
        typer.echo(f"{purpose:<6} {name:<24} {'sent' if ok else 'FAILED: ' + str(error)}")
    if not all(ok for _, _, ok, _ in results):
        raise typer.Exit(1)
