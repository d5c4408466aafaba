"""The archive's HTML pages, server-rendered with Jinja2 and usable without JavaScript: search
(`/`, which also lists every feed), an item (`/items/{id}`: its text with the matched spans
marked, and why it got its level), a story (`/stories/{id}`: the versions side by side), the
sources (`/sources`: health, last runs, a "crawl now" form) and a crawl run (`/runs/{id}`, with
its full crawl log as text at `/runs/{id}/log`).

Autoescape is on for every template (their names end in .j2, which Jinja's default would not
escape), so scraped text is always escaped. Links are relative to the page, like the feed index,
so the pages also work behind a path prefix. Styles: /static/style.css (CSP: no inline styles).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from core import runlogs
from core.article import LEVELS
from core.config import ConfigError
from core.sources import registry
from feeds.queries import source_titles
from feeds.render import TOPIC, describe
from feeds.routes import SessionDep
from feeds.spec import FORMATS, MEDIA_TYPES, search_feed, web_message
from feeds.text import is_web_url
from storage.models import CrawlRun, Item, Story
from storage.runs import COUNT_FIELDS
from storage.search import BadQuery
from storage.stories import version_rank
from storage.views import iso_published, item_detail_json, registry_rows, spec_json, story_json
from web.api import MAX_ID, recent_runs, source_json
from web.browse import make_query, search_page
from web.highlight import explain
from web.ondemand import CrawlRefused, start_crawl
from web.security import check_token

HERE = Path(__file__).parent
PAGE_SIZE = 20
templates = Jinja2Templates(env=Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
    trim_blocks=True, lstrip_blocks=True))
router = APIRouter(include_in_schema=False)


def snippet_html(text: str) -> Markup:
    """A search snippet, escaped, with the engine's [match] markers as <mark>."""
    return Markup(re.sub(r"\[([^\[\]]*)\]", r"<mark>\1</mark>", str(escape(text))))


def when(value: datetime | str | None) -> str:
    """`2026-11-22 19:14 UTC` from a datetime or its ISO text; "" for None."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else ""


templates.env.filters |= {"day": iso_published, "snippet": snippet_html, "when": when}


def install(app: FastAPI) -> None:
    """Mount the pages and /static on `app` (before the feed routes: `/` is the archive)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


def render(request: Request, session: Session, name: str, status: int = 200,
           **context: Any) -> HTMLResponse:
    names = source_titles(session)
    feeds = []
    for spec in request.app.state.feeds.values():
        title, description = describe(spec, names)
        feeds.append({"title": title, "description": description, "links": [
            (fmt, MEDIA_TYPES[fmt].split(";")[0], spec.path(fmt).lstrip("/")) for fmt in FORMATS]})
    root = "../" * (request.url.path.count("/") - 1)
    return templates.TemplateResponse(request, name, {
        "root": root, "feeds": feeds, "topic": TOPIC, "names": names, **context},
        status_code=status)


def unavailable(request: Request, heading: str = "Archive unavailable",
                message: str = "The archive database is not answering; the server log says "
                               "why. Try again in a minute.",
                retry_after_s: int = 60) -> HTMLResponse:
    """A 503 page (the archive does not answer, the server is busy): it needs no query."""
    return _error_page(request, 503, heading, message, {"Retry-After": str(retry_after_s)})


def no_such_page(request: Request) -> HTMLResponse:
    """The 404 page of an address no route answers (the site's page, not FastAPI's JSON)."""
    return _error_page(request, 404, "Not found", "There is no page at this address.")


def _error_page(request: Request, status: int, heading: str, message: str,
                headers: dict[str, str] | None = None) -> HTMLResponse:
    """An error page that needs no query (and so no database)."""
    return templates.TemplateResponse(request, "error.html.j2", {
        "root": "../" * (request.url.path.count("/") - 1), "feeds": [], "topic": TOPIC,
        "names": {}, "heading": heading, "message": message}, status_code=status,
        headers=headers)


def _day(value: str | None, what: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError as err:
        raise BadQuery(f"{what} {value!r} is not a date: use YYYY-MM-DD") from err


def _find(session: Session, model: type[Any], raw_id: str) -> Any:
    ok = raw_id.isascii() and raw_id.isdigit() and 1 <= int(raw_id) <= MAX_ID
    return session.get(model, int(raw_id)) if ok else None


def _missing(request: Request, session: Session, what: str) -> HTMLResponse:
    return render(request, session, "error.html.j2", 404, message=f"There is no {what}.")


@router.get("/", response_class=HTMLResponse)
def search(request: Request, session: SessionDep, q: str = "", source: str = "",
           since: str = "", until: str = "", cursor: str = "",
           level: Annotated[list[str] | None, Query()] = None) -> HTMLResponse:
    cfg, levels = request.app.state.cfg, level or []
    form = {"q": q, "source": source, "since": since, "until": until, "levels": levels}
    try:
        query = make_query(cfg, q, source, _day(since, "since"), _day(until, "until"),
                           levels, PAGE_SIZE)
        page = search_page(session, query, cursor or None)
        feed = search_feed(cfg, q, source, levels).path("atom").lstrip("/")
    except BadQuery as err:
        return render(request, session, "search.html.j2", 400, form=form, error=web_message(err),
                      page=None, levels=LEVELS, orgs=tuple(registry(cfg)))
    following = request.url.include_query_params(cursor=page.next_cursor)
    return render(request, session, "search.html.j2", form=form, error=None, page=page,
                  levels=LEVELS, orgs=tuple(registry(cfg)), feed=feed, first=not cursor,
                  first_url=f"?{request.url.remove_query_params('cursor').query}",
                  next=f"?{following.query}" if page.next_cursor else None)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: str, session: SessionDep) -> HTMLResponse:
    item = _find(session, Item, item_id)
    if item is None:
        return _missing(request, session, f"item {item_id}")
    reasons = sorted((r for r in item.relevance_reasons or [] if r.get("text")
                      and not str(r.get("rule")).startswith("decision:")),
                     key=lambda r: -(r.get("weight") or 0))
    return render(request, session, "item.html.j2", item=item, marked=explain(item),
                  detail=item_detail_json(session, item), reasons=reasons,
                  web_url=item.url if is_web_url(item.url) else None)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str, session: SessionDep) -> HTMLResponse:
    story = _find(session, Story, story_id)
    if story is None:
        return _missing(request, session, f"story {story_id}")
    # the organisations' own versions first (registry order), then third parties' reports
    versions = sorted(story.items, key=lambda i: (version_rank(i.source), i.id))
    return render(request, session, "story.html.j2", story=story, versions=versions,
                  detail=story_json(session, story))


def sources_page(request: Request, session: Session, status: int = 200,
                 message: str | None = None) -> HTMLResponse:
    rows = [{"health": source_json(session, src), "source": src, "spec": spec_json(spec),
             "runs": recent_runs(session, src.name)}
            for spec, src in sorted(registry_rows(session, registry(request.app.state.cfg)),
                                    key=lambda r: r[0].name)]
    return render(request, session, "sources.html.j2", status, rows=rows, message=message,
                  failed=status >= 400,
                  crawls_on=bool(request.app.state.cfg["COOPWATCH_API_TOKEN"]))


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, session: SessionDep) -> HTMLResponse:
    return sources_page(request, session)


@router.post("/sources/{source}/crawl")
async def crawl_now(request: Request, source: str) -> Response:
    """The "crawl now" form: the token field, then the API's own start (303 to the run)."""
    form = parse_qs((await request.body())[:10_000].decode("utf-8", "replace"))
    return await run_in_threadpool(_crawl_now, request, source, (form.get("token") or [""])[0],
                                   bool(form.get("follow")))


def _crawl_now(request: Request, source: str, token: str, follow: bool) -> Response:
    cfg = request.app.state.cfg
    try:
        check_token(cfg, token)
        run_id = start_crawl(cfg, source)
    except HTTPException as err:
        status, message = err.status_code, str(err.detail)
    except CrawlRefused as err:
        status, message = err.status, str(err)
    else:
        if run_id is not None:
            return RedirectResponse(f"../../runs/{run_id}{'?follow=1' if follow else ''}", 303)
        status, message = 202, f"The crawl of {source} is starting: its run appears below soon."
    with request.app.state.sessions() as session:
        return sources_page(request, session, status, message)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str, session: SessionDep,
             follow: bool = False) -> HTMLResponse:
    """A crawl run. With `follow`, a running crawl's page reloads itself every 2 s (no script):
    only on request — the "crawl now" box or the page's link — and with a link that stops it,
    as WCAG 2.2.1 asks of a timed refresh."""
    run = _find(session, CrawlRun, run_id)
    if run is None:
        return _missing(request, session, f"crawl run {run_id}")
    try:
        runlogs.find_log(request.app.state.cfg, run.id, run.started_at)
        no_log = None
    except (runlogs.RunLogMissing, ConfigError) as err:
        no_log = str(err)
    return render(request, session, "run.html.j2", run=run, counts=COUNT_FIELDS,
                  follow=follow and run.status == "running", no_log=no_log)


@router.get("/runs/{run_id}/log", response_model=None)
def run_log(request: Request, run_id: str, session: SessionDep) -> Response:
    """The run's full crawl log as plain text (never rendered as HTML: nosniff), as far as
    it is written; a 404 page saying why when there is none."""
    run = _find(session, CrawlRun, run_id)
    if run is None:
        return _missing(request, session, f"crawl run {run_id}")
    try:
        path = runlogs.find_log(request.app.state.cfg, run.id, run.started_at)
    except (runlogs.RunLogMissing, ConfigError) as err:
        return render(request, session, "error.html.j2", 404, message=f"No log: {err}.")
    return FileResponse(path, media_type="text/plain; charset=utf-8")
