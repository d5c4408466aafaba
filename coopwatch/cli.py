"""`coopwatch` — the one console command. Each command is a thin layer over a library call.

A user mistake (bad date, bad query, unmigrated database) ends in one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from coopwatch import (
    cli_crawl,
    cli_export,
    cli_extract,
    cli_feeds,
    cli_monitor,
    cli_relevance,
    cli_replica,
    cli_runs,
    cli_sources,
)
from coopwatch.common import (
    JsonOpt,
    cell,
    config,
    database_errors,
    db_session,
    emit_json,
    fail,
    parse_day,
)
from core.article import LEVELS
from core.config import OPTIONS, ConfigError
from core.controls import visible
from core.sources import registry
from storage import migrate
from storage.models import MAX_ID, Item
from storage.search import BadQuery, SearchQuery, search, show_sql
from storage.views import item_detail_json, item_json

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False,
                  add_completion=False)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
archive_app = typer.Typer(help="The seeded archive.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(archive_app, name="archive")

@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Migrate the archive to the newest schema (creates the SQLite file if needed).

    Example:  coopwatch db upgrade"""
    cfg = config()
    with database_errors():
        migrate.upgrade(cfg.database_url, revision)
        typer.echo(f"database at revision {migrate.current(cfg.database_url)}", err=True)


@archive_app.command("seed")
def archive_seed(as_json: JsonOpt = False) -> None:
    """Import the seeded archive (five historical documents). Running it twice changes nothing.

    Example:  coopwatch archive seed"""
    from relevance import classify_article, load_rules
    from storage.seed import import_seeds

    cfg = config()
    rules = load_rules(cfg.table("relevance"))
    with db_session(cfg) as session:
        counts = import_seeds(session, classify=lambda a: classify_article(a, rules))
    if as_json:
        emit_json(counts)
    else:
        typer.echo("seeded archive: " + ", ".join(f"{k} {v}" for k, v in counts.items()
                                                   if k != "items"))


@app.command()
def query(
    text: Annotated[str | None, typer.Argument(help="Words or \"phrases\" to search for")] = None,
    source: Annotated[str | None, typer.Option(
        help="A source's name (`coopwatch sources` lists them)")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD)")] = None,
    level: Annotated[list[str] | None, typer.Option(
        help=f"Relevance level, repeatable: {', '.join(LEVELS)}")] = None,
    limit: Annotated[int, typer.Option(help="Most results to show")] = 20,
    raw: Annotated[bool, typer.Option(help="Pass TEXT to the full-text engine as is")] = False,
    sql: Annotated[bool, typer.Option("--show-sql", help="Print the SQL and exit")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Search the stored archive, best match first (newest first without TEXT).

    Example:  coopwatch query "joint action plan" --source interpol --json"""
    cfg = config()
    if source is not None and source not in registry(cfg):
        raise typer.BadParameter(f"{source!r}: use {' or '.join(registry(cfg))}",
                                 param_hint="--source")
    try:
        timeout_s = cfg.get_seconds("COOPWATCH_SEARCH_TIMEOUT_S")
    except ConfigError as err:
        fail(str(err))
    q = SearchQuery(text=text, source=source, since=parse_day(since, "--since"),
                    until=parse_day(until, "--until"), levels=tuple(level or ()), limit=limit,
                    raw=raw, timeout_s=timeout_s)
    with db_session(cfg) as session:
        try:
            if sql:
                typer.echo(show_sql(session, q))
                return
            hits = search(session, q)
        except BadQuery as err:
            fail(str(err))
        rows = [item_json(h.item, snippet=h.snippet) for h in hits]
    if as_json:
        emit_json(rows)
        return
    out = Console()  # made per command: rich reads the terminal width (COLUMNS) when made
    table = Table("id", "source", "published", "level", "story", "title", "place")
    for r in rows:
        table.add_row(*map(cell, (r["id"], r["source"], r["published"] or "?", r["relevance"],
                                  r["story"], r["title"], r["place"] or "")))
    out.print(table)
    typer.echo(f"{len(rows)} item(s)", err=True)


@app.command()
def show(item_id: Annotated[int, typer.Argument(help="Item id (see `coopwatch query`)")],
         as_json: JsonOpt = False) -> None:
    """Print one item in full, with its story, revisions and why it got its level.

    Example:  coopwatch show 2 --json"""
    cfg = config()
    with db_session(cfg) as session:
        item = session.get(Item, item_id) if 1 <= item_id <= MAX_ID else None
        if item is None:
            fail(f"no item {item_id}; `coopwatch query` lists the ids")
        data = item_detail_json(session, item)
    if as_json:
        emit_json(data)
        return
    out = Console()

    def line(text: str, style: str = "") -> None:
        # Scraped text is never markup, and its controls are shown, not obeyed.
        out.print(Text(visible(text), style=style), highlight=False)

    line(data["title"], "bold")
    for key in ("id", "source", "url", "published", "place", "content_type", "tags", "relevance",
                "score", "story", "guid", "first_seen", "updated", "origin"):
        line(f"  {key:<13} {data[key]}")
    if data["reasons"]:
        line("  why:")
        for reason in data["reasons"]:
            line(f"    - {reason.get('rule')}: {reason.get('text', '')}")
    story = data["story_detail"]
    if story:
        line(f"  story {story['id']}:")
        for it in story["items"]:
            line(f"    - [{it['source']}] {it['published']} {it['title']}")
        for m in story["merges"]:
            line(f"      item {m['item_id']}: {m['rule']} — {m['reason']}")
    for rev in data["revisions"]:
        line(f"  revision {rev['revision']} at {rev['recorded_at']}: "
             f"{', '.join(rev['changed_fields'])}")
    out.print()
    out.print(Text(visible(data["body"], keep="\n\t")), highlight=False)


@app.command("config")
def show_config(as_json: JsonOpt = False) -> None:
    """Print every option with its value (secrets redacted) and its default.

    Example:  COOPWATCH_PORT=9000 coopwatch config"""
    values = config().redacted()
    if as_json:
        emit_json(values)
        return
    out = Console()
    table = Table("option", "value", "default", "meaning")
    for opt in OPTIONS:
        table.add_row(*map(cell, (opt.name, values[opt.name], opt.default, opt.help)))
    out.print(table)


def main() -> None:
    app()


# Each area's commands, under the one `coopwatch` command.
for area in (cli_crawl, cli_extract, cli_relevance, cli_replica, cli_feeds, cli_monitor,
             cli_sources, cli_export, cli_runs):
    app.add_typer(area.app)
