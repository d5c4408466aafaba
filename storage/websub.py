"""What the WebSub hub has been told (table websub_topic, written by scheduler.websub): for
`coopwatch sources` and /metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import WebSubTopic


@dataclass(frozen=True)
class HubStatus:
    topics: int
    waiting: int  # changes not announced yet
    failed_tries: int  # failed pings of the waiting changes
    last_error: str | None
    next_try_at: datetime | None
    last_ping_at: datetime | None

    def __str__(self) -> str:
        last = f"last ping {self.last_ping_at:%Y-%m-%d %H:%M:%S} UTC" if self.last_ping_at \
            else "no ping yet"
        if not self.waiting:
            return f"{self.topics} feed(s), all changes announced; {last}"
        retry = (f"; {self.failed_tries} failed tries, last: {self.last_error}; next try "
                 f"{self.next_try_at:%Y-%m-%d %H:%M:%S} UTC" if self.failed_tries and
                 self.next_try_at else "")
        return f"{self.topics} feed(s), {self.waiting} change(s) waiting{retry}; {last}"


def hub_status(session: Session) -> HubStatus:
    """What the hub has been told, for `coopwatch sources` and /metrics."""
    rows = list(session.scalars(select(WebSubTopic)))
    waiting = [r for r in rows if r.pending_digest is not None]
    failing = sorted((r for r in waiting if r.attempts), key=lambda r: r.attempts)
    pings = [r.pinged_at for r in rows if r.pinged_at is not None]
    return HubStatus(topics=len(rows), waiting=len(waiting),
                     failed_tries=sum(r.attempts for r in waiting),
                     last_error=failing[-1].last_error if failing else None,
                     next_try_at=min((r.next_try_at for r in failing if r.next_try_at),
                                     default=None),
                     last_ping_at=max(pings, default=None))
