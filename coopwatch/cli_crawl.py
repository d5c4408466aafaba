"""`coopwatch crawl`: run a spider on demand, through the same child entry as the daemon."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import nullcontext
from typing import Annotated, Any

import typer
from rich.console import Console

from coopwatch.common import config, parse_day
from coopwatch.progress import CrawlProgress
from core.sources import base_url_for, enabled_sources, registry
from crawler.child import CrawlInterrupted
from crawler.run import EXIT_CODES
from scheduler.path import crawl_source


def _line(s: dict[str, Any]) -> str:
    if s.get("dry_run"):
        found = len(s.get("would_store", []))
        return f"{s['source']}: {s['status']} (dry run) — would store {found}"
    counts = ", ".join(f"{k} {s.get(k, 0)}" for k in (
        "new", "updated", "unchanged", "duplicates", "matched", "errors", "requests",
        "not_modified"))
    reason = f" — {s['reason']}" if s.get("reason") else ""
    return f"{s['source']}: {s['status']} (run {s.get('run_id')}): {counts}{reason}"


app = typer.Typer()


@app.command()
def crawl(
    source: Annotated[str, typer.Argument(
        help="A source's name (`coopwatch sources` lists them) or all (every enabled one)")],
    base_url: Annotated[str | None, typer.Option(
        help="Crawl this host instead of the real site (e.g. the replica)")] = None,
    since: Annotated[str | None, typer.Option(help="Backfill back to YYYY-MM-DD")] = None,
    max_pages: Annotated[int | None, typer.Option(help="Listing pages per listing")] = None,
    dry_run: Annotated[bool, typer.Option(help="Show what would be stored; write nothing")] =
        False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summaries")] = False,
    quiet: Annotated[bool, typer.Option(help="Hide the crawl log")] = False,
) -> None:
    """Crawl one source now (or all) and store what is new.

    Example:  coopwatch crawl osce --base-url http://127.0.0.1:8090 --json"""
    cfg = config()
    enabled = enabled_sources(cfg)
    names = list(enabled) if source == "all" else [source]
    if source != "all" and source not in enabled:
        why = " is disabled (enabled = false in its [sources.NAME] table)" \
            if source in registry(cfg) else ""
        raise typer.BadParameter(f"{source!r}{why}: use {', '.join(enabled)} or all",
                                 param_hint="SOURCE")
    if base_url and any(base_url_for(registry(cfg)[n], base_url) is None for n in names) \
            and source != "all":  # `all` gives --base-url to the built-ins only
        raise typer.BadParameter(f"{source} is a configured source: it crawls its own "
                                 "start_urls (--base-url is for built-in sources)",
                                 param_hint="--base-url")
    day = parse_day(since, "--since")
    if max_pages is not None and max_pages < 1:
        raise typer.BadParameter("must be 1 or more", param_hint="--max-pages")
    summaries = []
    live = sys.stderr.isatty() and not quiet and not as_json
    progress = CrawlProgress(Console(stderr=True)) if live else None
    interrupted = False
    with progress or nullcontext():
        for name in names:
            if progress:
                progress.start(name)
            try:
                summary = crawl_source(
                    cfg, name, trigger="cli", base_url=base_url_for(registry(cfg)[name], base_url),
                    since=day,
                    max_pages=max_pages, dry_run=dry_run,
                    stderr=subprocess.DEVNULL if quiet else None,
                    on_log=progress.on_log if progress else None)
            except CrawlInterrupted as stop:  # the child stopped and recorded its run
                summaries.append(stop.summary)
                interrupted = True
                break
            summaries.append(summary)
    for summary in summaries:
        if not as_json:
            typer.echo(_line(summary))
            for item in summary.get("would_store", []):
                typer.echo(f"  would store [{item['level']}] {item['published']} "
                           f"{item['title']}  <{item['url']}>")
    if as_json:
        sys.stdout.write(json.dumps(summaries if source == "all" else summaries[0],
                                    ensure_ascii=False, indent=2, default=str) + "\n")
    if interrupted:
        typer.echo("Stopped by Ctrl-C: what was stored is kept; the next crawl goes on "
                   "from there.", err=True)
        raise typer.Exit(130)  # 128 + SIGINT, as a shell reports it
    code = max(EXIT_CODES.get(s["status"], 1) for s in summaries)
    raise typer.Exit(code)
