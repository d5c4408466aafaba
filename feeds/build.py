"""Build one feed: query the items, make the entries, render them — and name the result
(ETag, Last-Modified) from a cheap aggregate, so a conditional request needs no rendering.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from feeds.entries import Entry, item_entry, story_entry
from feeds.queries import (
    FeedState,
    feed_state,
    search_items,
    source_items,
    source_titles,
    story_groups,
)
from feeds.render import render
from feeds.spec import FeedSpec, Format, WebSub

# Bump when the rendered XML changes for the same data, so readers' cached copies are replaced.
RENDERING = 1


@dataclass(frozen=True)
class Validators:
    etag: str  # strong: the same archive state renders to the same bytes (feeds.render)
    last_modified: datetime | None


def feed_validators(session: Session, spec: FeedSpec, fmt: Format,
                    base_url: str, websub: WebSub | None = None) -> Validators:
    """ETag and Last-Modified of a feed, from one primary-key read (no rendering)."""
    return validators_for(feed_state(session, spec), spec, fmt, base_url, websub)


def validators_for(state: FeedState, spec: FeedSpec, fmt: Format, base_url: str,
                   websub: WebSub | None = None) -> Validators:
    # The hub links are part of the document: setting or changing the hub changes the ETag.
    key = repr((RENDERING, fmt, base_url.rstrip("/"), spec, state.fingerprint, websub))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return Validators(etag=f'"{digest}"', last_modified=state.last_modified)


def feed_entries(session: Session, spec: FeedSpec, base_url: str,
                 names: dict[str, str]) -> list[Entry]:
    """Newest first: stories for the combined feed, items for the others."""
    if spec.kind == "combined":
        return [story_entry(items, base_url, names) for items in story_groups(session, spec)]
    items = source_items(session, spec) if spec.kind == "source" else search_items(session, spec)
    return [item_entry(item, base_url, names) for item in items]


def build_feed(session: Session, spec: FeedSpec, fmt: Format, base_url: str,
               websub: WebSub | None = None) -> bytes:
    """The feed document; `base_url` is where the feeds are served (links, rel="self");
    with `websub`, it links the hub and its rel="self" is the topic the hub is pinged with."""
    base_url = base_url.rstrip("/")
    names = source_titles(session)
    self_url = websub.topic(spec, fmt) if websub else base_url + spec.path(fmt)
    return render(spec, feed_entries(session, spec, base_url, names), fmt, base_url,
                  feed_state(session, spec).last_modified, names, self_url,
                  websub.hub if websub else None)


class RenderedFeeds:
    """The most recently served feed documents, by ETag. An ETag names the archive state, the
    feed, the format and the base URL (feed_validators), and the same state renders to the
    same bytes (feeds.render), so a hit is exactly what rendering would produce: readers
    polling an unchanged feed without validators cost one primary-key read, not a render.
    Requests run on a thread pool: one lock guards the order."""

    def __init__(self, capacity: int = 32) -> None:
        self.capacity = capacity
        self._docs: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._docs.get(etag)
            if body is not None:
                self._docs.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        with self._lock:
            self._docs[etag] = body
            self._docs.move_to_end(etag)
            while len(self._docs) > self.capacity:
                self._docs.popitem(last=False)
