"""`coopwatch extract`: read pages the way a crawl does, from the shell.

Registered on the main app by coopwatch.cli through register(app). Input and error handling
mirror `coopwatch classify`: one JSON line per page in, one per page out, a bad line reported
on stderr with its number while the rest still run.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from crawler.pages.extract import GENERIC, check_source, extract


def _skip(number: int, why: str) -> None:
    typer.echo(f"line {number}: {why}; skipped", err=True)


def _page(number: int, raw: bytes) -> tuple[str, str] | None:
    """(url, html) of one input line, or None after saying on stderr why it is unusable."""
    try:
        item = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        _skip(number, f"not UTF-8 (byte {err.start} of the line)")
        return None
    except json.JSONDecodeError as err:
        _skip(number, f"not valid JSON ({err.msg} at column {err.colno})")
        return None
    except (ValueError, RecursionError) as err:  # huge numbers, absurd nesting
        _skip(number, f"not usable JSON ({type(err).__name__})")
        return None
    if not isinstance(item, dict):
        _skip(number, f'expected a JSON object like {{"url": …, "html": …}}, '
                      f"got {type(item).__name__}")
        return None
    url, html = item.get("url"), item.get("html")
    if not isinstance(url, str) or not url or not isinstance(html, str):
        _skip(number, 'needs "url" (a non-empty string) and "html" (a string)')
        return None
    return url, html


def extract_command(
    source: Annotated[str, typer.Option(
        help='Whose page objects read the page first ("osce", "interpol"); "generic" for the '
             "generic layer alone")] = GENERIC,
) -> None:
    """Extract articles: JSON lines {"url", "html"} on stdin, one JSON line per page on stdout.

    Output: {"parsed": true, "title", "published", "place", "summary", "body", "page_object",
    "provenance": {field: layer}}, or {"parsed": false, "error": "…"} for a page that is not
    an article (a listing, an empty page).

    A bad line is reported on stderr with its number and skipped; the exit code is then 1.

    Example:  jq -c '{url, html}' pages.jsonl | coopwatch extract --source osce
    """
    try:
        check_source(source)
    except ValueError as err:
        typer.echo(f"Error: {err}; use osce, interpol or {GENERIC}", err=True)
        raise typer.Exit(1) from None
    stdout, bad = sys.stdout.buffer, 0
    for number, raw in enumerate(sys.stdin.buffer, 1):
        if not raw.strip():
            continue
        page = _page(number, raw)
        if page is None:
            bad += 1
            continue
        out = extract(source, *page)
        stdout.write(json.dumps(out, ensure_ascii=False).encode("utf-8") + b"\n")
        stdout.flush()  # one result per line as it comes: usable in a pipe
    if bad:
        typer.echo(f"{bad} bad line(s) skipped", err=True)
        raise typer.Exit(1)


app = typer.Typer()
app.command("extract")(extract_command)
