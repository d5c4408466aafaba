"""One crawl per source at a time, across processes: a row in crawl_lock.

A lock whose holder process is gone (same host, pid not alive) is taken over, so a crash or a
`kill -9` never leaves a source locked for good.
"""

from __future__ import annotations

import os
import socket

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import CrawlLock


class SourceBusy(RuntimeError):
    """Another live process is crawling this source."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire(session: Session, source: str, run_id: int | None = None) -> CrawlLock:
    """Take the lock (committing), or raise SourceBusy naming the holder."""
    host, pid = socket.gethostname(), os.getpid()
    current = session.get(CrawlLock, source)
    if current is not None:
        if current.host == host and not _alive(current.pid):
            session.delete(current)  # its holder died: take over
            session.commit()
        elif current.pid != pid or current.host != host:
            raise SourceBusy(f"a crawl of {source} is already running ({current.holder}, "
                             f"since {current.acquired_at:%Y-%m-%d %H:%M:%S} UTC)")
        else:
            return current
    lock = CrawlLock(source=source, holder=f"{pid}@{host}", pid=pid, host=host, run_id=run_id)
    session.add(lock)
    try:
        session.commit()
    except IntegrityError as err:  # lost a race with another process
        session.rollback()
        holder = session.scalar(select(CrawlLock.holder).where(CrawlLock.source == source))
        raise SourceBusy(f"a crawl of {source} is already running ({holder})") from err
    return lock


def release(session: Session, source: str) -> None:
    session.execute(delete(CrawlLock).where(CrawlLock.source == source,
                                            CrawlLock.pid == os.getpid()))
    session.commit()


def holder(session: Session, source: str) -> CrawlLock | None:
    """The live holder of the source's lock, if any."""
    lock = session.get(CrawlLock, source)
    if lock is None or (lock.host == socket.gethostname() and not _alive(lock.pid)):
        return None
    return lock
