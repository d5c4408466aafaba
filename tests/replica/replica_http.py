"""Plain HTTP to a running replica for its tests: a GET that never follows redirects, and a
walk along a listing's own next links."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

import lxml.html

from replica.server import ReplicaHandle


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def tree(self) -> lxml.html.HtmlElement:
        return lxml.html.document_fromstring(self.body)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> Reply:
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers or {}),
                         timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()},
                         response.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def walk(replica: ReplicaHandle, start: str, next_css: str) -> list[Reply]:
    """Follow a listing's own next links to the end."""
    pages, url = [], replica.url(start)
    while url:
        reply = get(url)
        assert reply.status == 200, url
        pages.append(reply)
        links = reply.tree.cssselect(next_css)
        url = replica.url(links[0].get("href")) if links else ""
        assert len(pages) < 50, "the next links never end"
    return pages
