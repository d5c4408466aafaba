"""Ping the WebSub hub when a feed's content changes: `hub.mode=publish&hub.url=TOPIC`, one
POST per changed feed (atom and rss are two topics), once per change, retried with backoff.

Once per change: each topic's row (storage.models.WebSubTopic) keeps the digest of what the
hub last heard (feeds.websub.content_digest). A pass first compares the archive's change
counter with the one the digests were computed at — equal, nothing to do, one primary-key
read — and otherwise recomputes the standard feeds' digests; a feed whose digest differs from
the one announced gets a pending change. A pending change is claimed by a conditional UPDATE
(due, same attempt count) that moves its next try one lease ahead, so the daemon's pass and a
CLI crawl's never both ping it; a success records the digest, a failure the error and the
next try: 30 s, 60 s, 120 s … at most an hour. A newer change while one waits keeps its
backoff: the hub is told the topic changed, never which version.

Never blocks a crawl: it runs after a crawl has recorded its run, every PASS_S in the daemon,
and a hub that does not answer stops the pass after one timeout (the other due topics are
counted failed with the same error instead of each waiting its own timeout). Failures are
logged and shown by `coopwatch sources` and /metrics (coopwatch_websub_*).

Search feeds carry the hub links too, but are not pinged: their number is unbounded and the
monitor does not know which ones have subscribers. Settings: COOPWATCH_WEBSUB_HUB,
COOPWATCH_PUBLIC_URL, COOPWATCH_USER_AGENT.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.config import Config
from feeds.spec import FORMATS, FeedSpec, WebSub, standard_feeds
from feeds.websub import content_digest, websub_for
from storage.db import session_scope, utcnow
from storage.models import WebSubTopic
from storage.state import current

logger = logging.getLogger(__name__)

PASS_S = 30  # the daemon's pass: a failed ping's first retry, and changes from other writers
TIMEOUT_S = 10.0
FIRST_RETRY = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
CLAIM_LEASE = timedelta(seconds=2 * TIMEOUT_S)  # longer than one ping can take
# One pass at a time in a process: a check's pass and the daemon's would otherwise both work
# out the same new digests (the claim keeps the pings themselves single).
_pass_lock = threading.Lock()


@dataclass
class PublishReport:
    pinged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # topic -> error

    def __str__(self) -> str:
        return f"{len(self.pinged)} pinged, {len(self.failed)} failed"


def backoff(attempts: int) -> timedelta:
    """Wait after `attempts` failed pings: 30 s, 60 s, 120 s … ≤ 1 h."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def publish_changes(cfg: Config, now: datetime | None = None) -> PublishReport | None:
    """One pass: find changed feeds, ping the hub for each due one. None: no hub configured."""
    websub = websub_for(cfg)
    if websub is None:
        return None
    now = now or utcnow()
    report = PublishReport()
    with _pass_lock:
        with session_scope(cfg.database_url) as session:
            _note_changes(session, websub, standard_feeds(cfg), now)
        down: str | None = None  # a hub that did not answer at all is not asked again now
        for topic, attempts, digest in _due(cfg, now):
            error = down or ping(websub.hub, topic, str(cfg["COOPWATCH_USER_AGENT"]))
            if error and error.startswith("no answer"):
                down = error
            _record(cfg, topic, attempts, digest, error, now)
            if error:
                report.failed[topic] = error
            else:
                report.pinged.append(topic)
    return report


def _note_changes(session: Session, websub: WebSub, feeds: dict[str, FeedSpec],
                  now: datetime) -> None:
    """Give every topic whose feed now shows something else than announced a pending change."""
    version, _ = current(session)
    topics = {websub.topic(spec, fmt): spec for spec in feeds.values() for fmt in FORMATS}
    rows = {row.url: row for row in session.scalars(select(WebSubTopic))}
    for url in rows.keys() - topics.keys():  # COOPWATCH_PUBLIC_URL changed: no longer a topic
        session.delete(rows[url])
    digests: dict[FeedSpec, str] = {}
    for url, spec in topics.items():
        row = rows.get(url)
        if row is None:
            row = WebSubTopic(url=url, checked_version=-1, attempts=0)
            session.add(row)
        if row.checked_version == version:
            continue
        if spec not in digests:
            digests[spec] = content_digest(session, spec, websub)
        row.checked_version = version
        digest = digests[spec]
        if digest == row.pinged_digest:
            row.pending_digest = None  # changed back before its ping went out
        elif digest != row.pending_digest:
            if row.pending_digest is None:  # else a ping is already waiting: keep its backoff
                row.attempts, row.next_try_at, row.last_error = 0, now, None
            row.pending_digest = digest


def _due(cfg: Config, now: datetime) -> list[tuple[str, int, str]]:
    """Claim the due pending changes: (topic, failed attempts so far, digest), each once."""
    claimed: list[tuple[str, int, str]] = []
    with session_scope(cfg.database_url) as session:
        due = session.execute(select(WebSubTopic.url, WebSubTopic.attempts,
                                     WebSubTopic.pending_digest).where(
            WebSubTopic.pending_digest.is_not(None), WebSubTopic.next_try_at <= now)).all()
        for url, attempts, digest in due:
            won = session.execute(
                update(WebSubTopic).where(WebSubTopic.url == url,
                                          WebSubTopic.attempts == attempts,
                                          WebSubTopic.next_try_at <= now)
                .values(next_try_at=now + CLAIM_LEASE)
                .execution_options(synchronize_session=False))
            if won.rowcount == 1 and digest is not None:  # type: ignore[attr-defined]
                claimed.append((url, attempts, digest))
    return claimed


def ping(hub: str, topic: str, user_agent: str) -> str | None:
    """POST hub.mode=publish for one topic; None when the hub accepted it (2xx), else why not."""
    body = urlencode({"hub.mode": "publish", "hub.url": topic}).encode("ascii")
    request = Request(hub, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "User-Agent": user_agent})
    try:
        with urlopen(request, timeout=TIMEOUT_S) as response:
            response.read()
    except HTTPError as err:  # 4xx/5xx: the hub is there and said no
        return f"the hub answered {err.code} {err.reason}"
    except (URLError, OSError) as err:
        reason = err.reason if isinstance(err, URLError) else err
        return f"no answer from the hub: {reason}"
    return None


def _record(cfg: Config, topic: str, attempts: int, digest: str, error: str | None,
            now: datetime) -> None:
    """The outcome of one ping of the change `digest`."""
    with session_scope(cfg.database_url) as session:
        row = session.get(WebSubTopic, topic)
        if row is None:  # the topic went away during the pass
            return
        if error is None:
            row.pinged_digest, row.pinged_at, row.attempts, row.last_error = digest, now, 0, None
            # A change noted while the ping was out may not be what the hub fetched: due now.
            newer = row.pending_digest not in (None, digest)
            row.pending_digest = row.pending_digest if newer else None
            row.next_try_at = now if newer else None
            return
        row.attempts = attempts + 1
        row.next_try_at = now + backoff(row.attempts)
        row.last_error = error
        logger.warning("WebSub: ping of %(topic)s failed (try %(tries)s, next at %(next)s): "
                       "%(error)s", {"topic": topic, "tries": row.attempts,
                                     "next": row.next_try_at, "error": error})

