"""`coopwatch export` and `coopwatch import`: take the archive with you (storage.export and
storage.archive_import underneath).

Registered on the main app by coopwatch.cli through register(app).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

import typer
from sqlalchemy import select

from coopwatch.common import config, db_session, fail, parse_day
from core.article import LEVELS
from storage.archive_import import ImportFailed, import_archive
from storage.export import ExportFilter, export_csv, export_jsonl
from storage.models import Source


def export(
    fmt: Annotated[Literal["jsonl", "csv"], typer.Option(
        "--format", help="jsonl: everything, for `coopwatch import`; csv: one row per item")]
        = "jsonl",
    source: Annotated[str | None, typer.Option(help="Only this source's items")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD)")] = None,
    level: Annotated[list[str] | None, typer.Option(
        help=f"Relevance level, repeatable: {', '.join(LEVELS)}")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", dir_okay=False, help="Write to this file (default: standard output)")] = None,
) -> None:
    """Stream the archive: items with relevance, story, provenance and GUID (JSONL adds the
    stories, aliases, revisions and merge reasons), a chunk at a time.

    Example:  coopwatch export --out archive.jsonl
              coopwatch export --format csv --source osce --level primary --since 2019-01-01"""
    for value in level or []:
        if value not in LEVELS:
            raise typer.BadParameter(f"{value!r}: use one of {', '.join(LEVELS)}",
                                     param_hint="--level")
    chosen = ExportFilter(source=source, since=parse_day(since, "--since"),
                          levels=tuple(level or ()))
    cfg = config()
    with db_session(cfg, one_transaction=False) as session:
        names = list(session.scalars(select(Source.name).order_by(Source.name)))
        if source is not None and source not in names:
            fail(f"no source {source!r}; the archive has: {', '.join(names)}")
        lines = (export_jsonl if fmt == "jsonl" else export_csv)(session, chosen)
        if out is None:
            sys.stdout.writelines(lines)
            return
        _write(out, lines)


def _write(out: Path, lines: Iterator[str]) -> None:
    """Into OUT.partial, renamed to OUT once complete: a failed export leaves no file that
    looks whole."""
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as file:
            file.writelines(lines)
        os.replace(partial, out)
    except OSError as err:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {out}: {err.strerror}")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def import_command(
    file: Annotated[str, typer.Argument(help="A JSONL export (`-`: standard input)")],
) -> None:
    """Read a JSONL export into an empty archive: the same ids, GUIDs and stories. The first
    bad line stops the import and nothing is stored.

    Example:  COOPWATCH_DATABASE_URL=sqlite:///new.db coopwatch db upgrade
              COOPWATCH_DATABASE_URL=sqlite:///new.db coopwatch import archive.jsonl"""
    cfg = config()
    try:
        stream = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
    except OSError as err:
        fail(f"cannot read {file}: {err.strerror}")
    with stream, db_session(cfg) as session:  # one transaction: all or nothing
        try:
            counts = import_archive(session, stream)
        except ImportFailed as err:
            fail(f"{file}: {err}; nothing was imported")
    typer.echo("imported " + ", ".join(f"{n} {what}" for what, n in counts.items()), err=True)


app = typer.Typer()
app.command("export")(export)
app.command("import")(import_command)
