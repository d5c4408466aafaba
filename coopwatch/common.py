"""What every `coopwatch` command shares: one-line errors, the config, the archive session,
dates, JSON and table output. Imported by cli.py and each area (cli_*.py); imports none of
them, so the command modules form no circle."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any, NoReturn

import typer
from rich.text import Text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from core.config import Config, ConfigError, load_config
from core.controls import visible
from core.sources import registry
from storage.db import DatabaseUnavailable, session_factory, session_scope

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str) -> NoReturn:
    """A user mistake or an unusable setting: one line on stderr, exit 1, no traceback.
    (typer bundles its own click, so click.ClickException from the click package is not
    caught here.)"""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def config() -> Config:
    """The configuration, its `[sources.NAME]` tables validated: a bad table stops every
    command before it starts anything."""
    try:
        cfg = load_config()
        registry(cfg)
        return cfg
    except ConfigError as err:
        fail(str(err))


@contextmanager
def database_errors() -> Iterator[None]:
    """An archive that cannot be opened or read, as one line: a bad or unsupported URL, a file
    that is not SQLite, "no such table" with the fix to apply."""
    try:
        yield
    except DatabaseUnavailable as err:
        fail(str(err))
    except (OperationalError, ProgrammingError) as err:
        msg = str(err.orig).splitlines()[0]
        hint = " Run `coopwatch db upgrade` first." if "no such table" in msg or \
            "does not exist" in msg else ""
        fail(f"database error: {msg}.{hint}")


@contextmanager
def db_session(cfg: Config, *, one_transaction: bool = True) -> Iterator[Session]:
    """A session on the archive — one transaction, or a plain session for commands that
    commit in batches — with database_errors() as one line."""
    with database_errors():
        if one_transaction:
            with session_scope(cfg.database_url) as session:
                yield session
        else:
            with session_factory(cfg.database_url)() as session:
                yield session


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2019-12-05",
                                 param_hint=option) from err


# JSON escapes C0 controls itself; these it would write raw (ensure_ascii=False), and a
# terminal may act on them. Escaped, the JSON holds the same strings.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def emit_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(_RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def cell(value: object) -> Text:
    """A table cell of stored or scraped text: never rich markup, controls shown escaped."""
    return Text(visible(str(value)))
