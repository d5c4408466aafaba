"""The replica's control endpoints (/_replica/…) and its misbehaviour routes.

Control (JSON in, JSON out; a bad request gets 400 and a message saying what to send):
    POST /_replica/publish  {site: osce|interpol|wire, title, body?, date?, place?, section?,
                             content_type?, relevance?, tags?, summary?, layout?, with_meta?,
                             fault?: missing_date|latin1|truncated|huge}  -> {url, path, key}
    POST /_replica/fault    {site, kind: 500|429|429_bad_retry_after|403|slow|
                             offsite_redirect|redesign|redesigned_listing|null, seconds?}
    POST /_replica/discovery {site, feed_link?: bool, sitemap?: bool}  what a redesigned
                             listing's discovery can fall back on (both on after a reset)
    POST /_replica/rss      {enabled: bool} or {broken: bool}
    POST /_replica/reset    back to the catalogue: no published items, faults or counts
    GET  /_replica/items?site=S  {"items": [record]}: every item the site serves now, newest
                             first (published ones first), each as Item.expected() records it
    GET  /_replica/stats    {"requests": {target: n}, "by_status": {"200": n},
                             "statuses": {target: {"304": n}}, "user_agents": {ua: n}}
Misbehaviour (STYLE.md: "give each misbehaviour a route"): /status/<code>, /slow?seconds=N,
/redirect-offsite, /latin1, /huge, /truncated.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from replica.content import ALL_SITES, Block, Item, modified_at
from replica.http import OFFSITE, conditional
from replica.markup import with_fault
from replica.osce_pages import article_2025
from replica.state import BadRequest, ReplicaState

# The page behind /latin1, /huge and /truncated: a press release whose text needs latin-1.
DEMO = Item(
    site="osce", key="599001", title="OSCE and Swiss police discuss border co-operation in Zürich",
    published=date(2025, 3, 12), relevance="none", place="ZÜRICH", style="endash",
    content_type="Press release", tags=("Border management",), units=("OSCE Secretariat",),
    section="secretariat", layout="2025", modified=modified_at(date(2025, 3, 12)),
    blocks=(Block("p", "Police officers from Zürich and Genève met OSCE experts today to "
                       "discuss co-operation at Switzerland's borders."),
            Block("p", "The meeting reviewed joint training on document security, "
                       "risk analysis and the protection of travellers' rights.")),
)


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest("send a JSON object") from err
    if not isinstance(data, dict):
        raise BadRequest("send a JSON object")
    return data


def _state(request: Request) -> ReplicaState:
    return request.app.state.replica


Handler = Callable[[Request, ReplicaState], Awaitable[dict[str, Any]]]
Endpoint = Callable[[Request], Awaitable[Response]]


def _control(handler: Handler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            return JSONResponse(await handler(request, _state(request)))
        except BadRequest as err:
            return JSONResponse({"error": str(err)}, status_code=400)
    return endpoint


async def publish(request: Request, state: ReplicaState) -> dict[str, Any]:
    item = state.publish(await _json(request))
    base = f"{request.url.scheme}://{request.url.netloc}"
    return {"url": base + item.path, "path": item.path, "key": item.key, "site": item.site}


async def fault(request: Request, state: ReplicaState) -> dict[str, Any]:
    data = await _json(request)
    state.set_fault(str(data.get("site")), data.get("kind"), data.get("seconds"))
    return {"faults": state.faults, "slow_s": state.slow_s}


async def discovery(request: Request, state: ReplicaState) -> dict[str, Any]:
    data = await _json(request)
    switches = {name: data.get(name) for name in ("feed_link", "sitemap")}
    if any(v is not None and not isinstance(v, bool) for v in switches.values()):
        raise BadRequest("feed_link and sitemap must be true or false")
    state.set_discovery(str(data.get("site")), switches["feed_link"], switches["sitemap"])
    return {"feed_link": state.feed_link, "sitemap": state.sitemap}


async def rss(request: Request, state: ReplicaState) -> dict[str, Any]:
    data = await _json(request)
    if data.get("broken"):
        state.set_rss("broken")
    elif "enabled" in data or "broken" in data:
        state.set_rss("on" if data.get("enabled", True) else "off")
    else:
        raise BadRequest('send {"enabled": true|false} or {"broken": true|false}')
    return {"rss": state.rss}


async def reset(request: Request, state: ReplicaState) -> dict[str, Any]:
    state.reset()
    return {"reset": True}


async def stats(request: Request, state: ReplicaState) -> dict[str, Any]:
    return state.stats()


async def items(request: Request, state: ReplicaState) -> dict[str, Any]:
    site = request.query_params.get("site", "")
    if site not in ALL_SITES:
        raise BadRequest(f"send ?site= one of {', '.join(ALL_SITES)}")
    return {"items": [item.expected() for item in state.items(site)]}


async def status(request: Request) -> Response:
    code = request.path_params["code"]
    if not 200 <= code <= 599:
        return PlainTextResponse("status must be 200-599", status_code=400)
    headers = {"Retry-After": "1"} if code in (429, 503) else {}
    return PlainTextResponse(f"status {code}", status_code=code, headers=headers)


async def slow(request: Request) -> Response:
    try:
        seconds = float(request.query_params.get("seconds", _state(request).slow_s))
    except ValueError:
        return PlainTextResponse("seconds must be a number", status_code=400)
    await asyncio.sleep(seconds)
    return PlainTextResponse(f"slept {seconds} s")


async def redirect_offsite(request: Request) -> Response:
    return RedirectResponse(OFFSITE + "/", status_code=302)


def demo_page(fault_name: str) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        base = f"{request.url.scheme}://{request.url.netloc}"
        return conditional(request, with_fault(article_2025(DEMO, base), fault_name))
    return endpoint


def routes() -> list[BaseRoute]:
    return [
        Route("/_replica/publish", _control(publish), methods=["POST"]),
        Route("/_replica/fault", _control(fault), methods=["POST"]),
        Route("/_replica/rss", _control(rss), methods=["POST"]),
        Route("/_replica/discovery", _control(discovery), methods=["POST"]),
        Route("/_replica/reset", _control(reset), methods=["POST"]),
        Route("/_replica/stats", _control(stats), methods=["GET"]),
        Route("/_replica/items", _control(items), methods=["GET"]),
        Route("/status/{code:int}", status), Route("/slow", slow),
        Route("/redirect-offsite", redirect_offsite),
        Route("/latin1", demo_page("latin1")), Route("/huge", demo_page("huge")),
        Route("/truncated", demo_page("truncated")),
    ]

