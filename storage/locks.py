"""One crawl per source at a time, across processes and hosts: a lease, one row in crawl_lock.

The crawl child takes its source's lease when its spider opens, renews it every third of the
lease (Heartbeat) and deletes it when the crawl ends. It is the process that dies with the
crawl, so a lease outlives its crawl by at most COOPWATCH_LEASE_S. A lease not renewed in time
has expired: any process, on any host, may take it over; a live holder's lease is never taken.

Taking over is a compare-and-swap: read the row, then UPDATE it only WHERE holder and
expires_at are still what was read (or INSERT where there was none, the primary key refusing a
second one); a rowcount of 1 means the lease is ours. Two contenders on PostgreSQL or SQLite can
therefore never both win. "Now" is the database's clock on PostgreSQL (clock_timestamp()), so
monitors on hosts whose clocks differ agree on expiry; a SQLite file lives on one host, whose
clock is then the database's.

A holder is not judged dead by its pid: a pid means nothing on another host, nor in another
container under the same host name. The process that killed a crawl (its parent on timeout,
the monitor stopping) frees its lease at once (release_killed); any other death frees the
source when the lease runs out.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from storage.db import session_factory, utcnow
from storage.models import DEFAULT_LEASE, CrawlLock

logger = logging.getLogger(__name__)


class SourceBusy(RuntimeError):
    """Another live process holds the source's lease."""


def holder_name(instance: str) -> str:
    """The lease holder this process writes: its instance name and where it runs."""
    where = f"{os.getpid()}@{socket.gethostname()}"
    return f"{instance} ({where})" if instance else where


def db_now(session: Session) -> datetime:
    """The database's time on PostgreSQL (one clock for every host); this host's on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        now: datetime = session.execute(select(func.clock_timestamp())).scalar_one()
        return now
    return utcnow()


def _busy(source: str, holder: str, acquired_at: datetime, expires_at: datetime) -> SourceBusy:
    return SourceBusy(f"a crawl of {source} is already running ({holder}, since "
                      f"{acquired_at:%Y-%m-%d %H:%M:%S} UTC, lease until {expires_at:%H:%M:%S})")


def acquire(session: Session, source: str, *, instance: str = "",
            lease: timedelta = DEFAULT_LEASE) -> CrawlLock:
    """Take or renew the source's lease (committing), or raise SourceBusy naming its holder."""
    me = holder_name(instance)
    seen = session.execute(select(CrawlLock.holder, CrawlLock.acquired_at, CrawlLock.expires_at)
                           .where(CrawlLock.source == source)).first()
    now = db_now(session)
    session.rollback()  # the swap below runs in a transaction of its own (no stale snapshot)
    values = {"holder": me, "instance": instance, "pid": os.getpid(),
              "host": socket.gethostname(), "expires_at": now + lease}
    if seen is None:
        session.add(CrawlLock(source=source, acquired_at=now, **values))
        try:
            session.commit()
        except IntegrityError as err:  # another process inserted it first
            session.rollback()
            other = session.scalar(select(CrawlLock.holder).where(CrawlLock.source == source))
            raise SourceBusy(f"a crawl of {source} is already running ({other})") from err
    else:
        if seen.holder != me and seen.expires_at > now:
            raise _busy(source, *seen)
        if seen.holder != me:
            values |= {"acquired_at": now, "run_id": None}
            logger.warning("Taking over the lease of %(source)s from %(holder)s: it expired at "
                           "%(expires)s", {"source": source, "holder": seen.holder,
                                           "expires": f"{seen.expires_at:%H:%M:%S}"})
        swapped = session.execute(update(CrawlLock).where(
            CrawlLock.source == source, CrawlLock.holder == seen.holder,
            CrawlLock.expires_at == seen.expires_at).values(**values))
        if swapped.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            raise SourceBusy(f"a crawl of {source} is already running (another process took "
                             "its lease first)")
        session.commit()
    return session.get_one(CrawlLock, source, populate_existing=True)


def renew(session: Session, source: str, instance: str, lease: timedelta) -> bool:
    """Move this process's lease on; False when it is not ours any more (taken over)."""
    renewed = session.execute(update(CrawlLock).where(
        CrawlLock.source == source, CrawlLock.holder == holder_name(instance))
        .values(expires_at=db_now(session) + lease))
    session.commit()
    return bool(renewed.rowcount == 1)  # type: ignore[attr-defined]


def set_run(session: Session, source: str, instance: str, run_id: int) -> None:
    """Name the run this process's lease covers (in the caller's transaction, with the run)."""
    session.execute(update(CrawlLock).where(
        CrawlLock.source == source, CrawlLock.holder == holder_name(instance))
        .values(run_id=run_id))


def release(session: Session, source: str) -> None:
    session.execute(delete(CrawlLock).where(CrawlLock.source == source,
                                            CrawlLock.pid == os.getpid(),
                                            CrawlLock.host == socket.gethostname()))
    session.commit()


def release_killed(session: Session, pid: int) -> None:
    """Free the leases of a crawl process this process has just killed (the caller commits)."""
    session.execute(delete(CrawlLock).where(CrawlLock.pid == pid,
                                            CrawlLock.host == socket.gethostname()))


def holder(session: Session, source: str) -> CrawlLock | None:
    """The source's live lease, if any."""
    lock = session.get(CrawlLock, source)
    return lock if lock is not None and lock.expires_at > db_now(session) else None


class Heartbeat:
    """A thread renewing this process's lease on `source` every third of the lease until
    stop(); `on_lost` is called once if the lease was taken over meanwhile (it had expired:
    the database was out of reach for a whole lease, say)."""

    def __init__(self, url: str, source: str, instance: str, lease: timedelta,
                 on_lost: Callable[[], None]) -> None:
        self.url, self.source, self.instance, self.lease = url, source, instance, lease
        self.on_lost = on_lost
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{source}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 3):
            try:
                with session_factory(self.url)() as session:
                    if renew(session, self.source, self.instance, self.lease):
                        continue
            except SQLAlchemyError as err:  # try again next beat; the lease is still running
                logger.warning("Could not renew the lease of %(source)s: %(error)s",
                               {"source": self.source, "error": err})
                continue
            logger.error("Lost the lease of %(source)s to another process: stopping this "
                         "crawl", {"source": self.source})
            self.on_lost()
            return
