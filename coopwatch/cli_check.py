"""`coopwatch sources check URL [--pattern RE] [--json]`: try a start URL before adding a source.

The preview is the configured source's own crawl, run by coopwatch.check in a child process (as
every crawl runs), writing nothing: no database row, no HTTP cache file."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Annotated, Any

import typer

from coopwatch.check import BadCheck, check_source
from coopwatch.common import JsonOpt, emit_json, fail
from core.controls import visible

CHECK_TIMEOUT_S = 300  # robots.txt, the start URL, its next requests and five articles


def _child(url: str, pattern: str | None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "coopwatch.check", url]
    if pattern is not None:
        cmd += ["--pattern", pattern]
    try:
        # The crawl's log stays out of the way: what went wrong is in its result, one line.
        done = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=CHECK_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        fail(f"the check of {url} took more than {CHECK_TIMEOUT_S} s: stopped")
    for line in reversed(done.stdout.strip().splitlines()):
        try:
            result = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(result, dict) and "kind" in result:
            return result
    last = (done.stderr.strip().splitlines() or ["no log"])[-1]
    fail(f"the check of {url} ended (exit {done.returncode}) without a result: {last}")


def _layer(provenance: dict[str, str], name: str) -> str:
    return f" ({provenance[name]})" if name in provenance else ""


def _print(result: dict[str, Any]) -> None:
    articles = result["articles"]
    typer.echo(f"{result['url']}: {result['kind']} — first {len(articles)} article(s) it would "
               "store:")
    for n, a in enumerate(articles, 1):
        p = a["provenance"]
        typer.echo(f"{n}. {visible(a['title'])}{_layer(p, 'title')}")
        typer.echo(f"   date {a['published_at'] or 'none'}{_layer(p, 'published_at')} · place "
                   f"{visible(a['place'] or 'none')}{_layer(p, 'place')} · level {a['level']}")
        typer.echo(f"   {visible(a['url'])}")
    for warning in result["warnings"]:
        typer.echo(f"warning: {visible(warning)}")


def check(
    url: Annotated[str, typer.Argument(help="A feed, sitemap, listing or article URL")],
    pattern: Annotated[str | None, typer.Option(
        help="article_url_pattern: a regex searched in links' absolute URLs")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fetch URL politely (robots.txt obeyed), say what it is (feed, sitemap, listing or
    article) and show the first five articles a source starting there would store — title,
    date, place, relevance level and the layer each field came from. Writes nothing.

    Example:  coopwatch sources check https://www.unodc.org/unodc/en/press/allpress.html
    --pattern /press/releases/"""
    try:
        check_source(url, pattern)  # a bad URL or pattern: no child started
    except BadCheck as err:
        fail(str(err))
    result = _child(url, pattern)
    if result["error"]:
        fail(result["error"])
    if as_json:
        emit_json({k: result[k] for k in ("kind", "url", "articles", "warnings")})
    else:
        _print(result)
