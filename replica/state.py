"""What a running replica remembers: published items, faults, the feed switch, and counters.

One ReplicaState per app. It is only touched from the server's event loop (control endpoints
and page handlers are async and never await while changing it), so it needs no lock.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from replica.catalogue import SECTIONS
from replica.content import ALL_SITES, WIRE, Block, Item, interpol_key, wire_key
from replica.inventory import catalogue

# redesign: listings and articles in a markup only the generic layer reads; redesigned_listing:
# listings in a markup no page object reads, articles as before, a new Atom feed announced
FAULT_KINDS = ("500", "429", "429_bad_retry_after", "403", "slow", "offsite_redirect", "redesign",
               "redesigned_listing")
# The wire is WordPress: no redesign of it is modelled.
WIRE_FAULT_KINDS = tuple(k for k in FAULT_KINDS if k not in ("redesign", "redesigned_listing"))
ITEM_FAULTS = ("missing_date", "latin1", "truncated", "huge")
RSS_MODES = ("on", "off", "broken")
FIRST_PUBLISHED_NID = 610000
# A body written with its own dateline ("GENEVA, 3 May 2026 – …"): the replica writes datelines
# itself (once, in the item's style, without the date for missing_date), so it takes it off.
_OWN_DATELINE = re.compile(r"^(?P<place>[^,–—\n]{2,60}?),\s*\d{1,2}\s+[A-Za-z]+\s+\d{4}\.?"
                           r"\s*[-–—]\s+")
DEFAULT_SLOW_S = 3.0


class BadRequest(ValueError):
    """A control request the replica cannot honour; the message says what to send instead."""


@dataclass
class ReplicaState:
    slow_s: float = DEFAULT_SLOW_S
    published: dict[str, list[Item]] = field(
        default_factory=lambda: {s: [] for s in ALL_SITES})
    faults: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(ALL_SITES))
    rss: str = "on"
    # What discovery can fall back on, per site: the feed a redesigned listing announces, and
    # the sitemap (robots.txt names it only while it is served).
    feed_link: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(ALL_SITES, True))
    sitemap: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(ALL_SITES, True))
    requests: Counter[str] = field(default_factory=Counter)
    statuses: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    user_agents: Counter[str] = field(default_factory=Counter)
    last_modified: datetime = field(default_factory=lambda: datetime(2010, 1, 1, tzinfo=UTC))

    def reset(self) -> None:
        fresh = ReplicaState()
        self.__dict__.update(fresh.__dict__)

    def items(self, site: str) -> list[Item]:
        """Newest first: published items (latest publish first), then the catalogue."""
        return [*self.published[site], *catalogue(site)]

    def find(self, site: str, key: str) -> Item | None:
        return next((i for i in self.items(site) if i.key == key), None)

    def find_old(self, path: str) -> Item | None:
        return next((i for i in self.items("interpol") if i.old_path == path), None)

    def record(self, target: str, status: int, user_agent: str) -> None:
        self.requests[target] += 1
        self.statuses[target][str(status)] += 1
        self.user_agents[user_agent] += 1

    def stats(self) -> dict[str, Any]:
        by_status: Counter[str] = Counter()
        for counts in self.statuses.values():
            by_status.update(counts)
        return {"requests": dict(self.requests), "by_status": dict(by_status),
                "statuses": {t: dict(c) for t, c in self.statuses.items()},
                "user_agents": dict(self.user_agents)}

    def set_fault(self, site: str, kind: str | None, seconds: float | None = None) -> None:
        if site not in ALL_SITES:
            raise BadRequest(f"unknown site {site!r}; use one of {', '.join(ALL_SITES)}")
        kinds = WIRE_FAULT_KINDS if site == WIRE else FAULT_KINDS
        if kind is not None and kind not in kinds:
            raise BadRequest(f"unknown fault {kind!r} for {site}; use one of {', '.join(kinds)}")
        self.faults[site] = kind
        if seconds is not None:
            self.slow_s = float(seconds)

    def set_discovery(self, site: str, feed_link: bool | None, sitemap: bool | None) -> None:
        if site not in ALL_SITES:
            raise BadRequest(f"unknown site {site!r}; use one of {', '.join(ALL_SITES)}")
        if feed_link is None and sitemap is None:
            raise BadRequest('send {"site": …, "feed_link": true|false, "sitemap": true|false}')
        if feed_link is not None:
            self.feed_link[site] = feed_link
        if sitemap is not None:
            self.sitemap[site] = sitemap

    def listing_redesigned(self, site: str) -> bool:
        return self.faults[site] == "redesigned_listing"

    def set_rss(self, mode: str) -> None:
        if mode not in RSS_MODES:
            raise BadRequest(f"unknown feed mode {mode!r}; use one of {', '.join(RSS_MODES)}")
        self.rss = mode

    def _next_modified(self) -> datetime:
        # Strictly increasing, a second apart: Last-Modified has one-second resolution, and a
        # new item must always make a listing newer than any copy a client holds.
        now = datetime.now(UTC).replace(microsecond=0)
        newest = max([self.last_modified,
                      *(i.modified for s in ALL_SITES for i in catalogue(s))])
        self.last_modified = max(now, newest + timedelta(seconds=1))
        return self.last_modified

    def publish(self, fields: dict[str, Any]) -> Item:
        """Add an item that listings, keyword listings and the feed show first."""
        site, title = fields.get("site"), str(fields.get("title") or "").strip()
        if site not in ALL_SITES or not title:
            raise BadRequest("publish needs a site (osce, interpol or wire) and a title")
        fault = fields.get("fault") or ""
        if fault and fault not in ITEM_FAULTS:
            raise BadRequest(f"unknown item fault {fault!r}; use one of {', '.join(ITEM_FAULTS)}")
        try:
            day = date.fromisoformat(fields["date"]) if fields.get("date") else \
                datetime.now(UTC).date()
        except ValueError as err:
            raise BadRequest(f"date must be YYYY-MM-DD, got {fields.get('date')!r}") from err
        body = str(fields.get("body") or title)
        paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
        place = str(fields.get("place") or "")
        if own := _OWN_DATELINE.match(paragraphs[0]):
            paragraphs[0] = paragraphs[0][own.end():]
            place = place or own.group("place").strip()
        tags = fields.get("tags") or []
        tags = [t.strip() for t in tags.split(",")] if isinstance(tags, str) else list(tags)
        section = str(fields.get("section") or "secretariat")
        if site == "osce" and section not in SECTIONS:
            raise BadRequest(f"unknown OSCE section {section!r}; e.g. secretariat, bishkek")
        if site == "osce":
            key = str(FIRST_PUBLISHED_NID + sum(len(v) for v in self.published.values()))
        else:
            key = (wire_key if site == WIRE else interpol_key)(day, title)
            while self.find(site, key):
                key += "-2"
        # WordPress numbers a new post after every other one of the site.
        post_id = max(i.post_id for i in self.items(WIRE)) + 1 if site == WIRE else 0
        style = {"interpol": "interpol", WIRE: "agency"}.get(site, "endash") if place else "none"
        item = Item(
            site=site, key=key, title=title, published=None if fault == "missing_date" else day,
            blocks=tuple(Block("p", p) for p in paragraphs),
            relevance=str(fields.get("relevance") or "none"), place=place,
            style=style, content_type=str(fields.get("content_type")
                                          or ("Press release" if site == "osce" else "News")),
            tags=tuple(tags), units=SECTIONS[section][0] if site == "osce" else (),
            section=section if site == "osce" else "",
            layout=str(fields.get("layout") or "2025") if site == "osce" else "",
            summary=str(fields.get("summary") or (paragraphs[0] if site == WIRE else "")),
            date_on_page=fault != "missing_date", fault=fault, post_id=post_id,
            with_meta=bool(fields.get("with_meta")) or site == WIRE,  # Yoast: on every post
            modified=self._next_modified(),
        )
        self.published[site].insert(0, item)
        return item
