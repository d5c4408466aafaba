"""The archive's change counter (table archive_state, one row).

Every write that can change what a feed shows calls bump() in its own transaction, so the
counter and the change commit together; readers compare counters instead of scanning items.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import utcnow
from storage.models import ArchiveState


def bump(session: Session) -> None:
    session.execute(update(ArchiveState).where(ArchiveState.id == 1)
                    .values(version=ArchiveState.version + 1, changed_at=utcnow()))


def current(session: Session) -> tuple[int, datetime | None]:
    """(version, changed_at) — one primary-key read."""
    row = session.execute(select(ArchiveState.version, ArchiveState.changed_at)
                          .where(ArchiveState.id == 1)).one_or_none()
    return (row[0], row[1]) if row else (0, None)
