"""WebSub (W3C, 2018) on the publisher's side: which hub the feeds name, under which URL each
feed is a topic, and a digest of what a feed shows, so the hub is pinged only when that changed.

With COOPWATCH_WEBSUB_HUB set, every feed links the hub (rel="hub") and names itself
(rel="self") under COOPWATCH_PUBLIC_URL: a subscriber subscribes to that self URL, so it is
also the topic the monitor pings (scheduler.websub) — both must be built the same way, here.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from core.config import Config, ConfigError
from feeds.build import feed_entries
from feeds.queries import source_titles
from feeds.render import describe
from feeds.spec import FeedSpec, WebSub, public_base_url


def websub_for(cfg: Config) -> WebSub | None:
    """The hub and public URL, or None when COOPWATCH_WEBSUB_HUB is not set."""
    hub = str(cfg["COOPWATCH_WEBSUB_HUB"]).strip()
    if not hub:
        return None
    if not hub.startswith(("http://", "https://")):
        raise ConfigError(f"COOPWATCH_WEBSUB_HUB must be an http(s) URL, got {hub!r}")
    return WebSub(hub=hub, public_url=public_base_url(cfg))


def content_digest(session: Session, spec: FeedSpec, websub: WebSub) -> str:
    """What the feed shows — its title, description and entries — as one digest. The feed's
    ETag would not do: it follows the whole archive's change counter, so every change in one
    source would ping the other's feeds too. Both formats show the same entries: one digest."""
    names = source_titles(session)
    shown = (describe(spec, names), feed_entries(session, spec, websub.public_url, names))
    return hashlib.sha256(repr(shown).encode("utf-8", "surrogatepass")).hexdigest()
