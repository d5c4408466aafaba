"""The archive's `source` rows follow the registry (core.sources).

The built-ins' rows are made by the first migration; a configured source's row is made, and
its title and home kept up to date, when it is first crawled or the monitor starts. A source
removed from the config file (or disabled) keeps its row and its items — the archive stays
searchable — but the monitor's planned check is cleared, so nothing shows it as checked.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.sources import Source as SourceSpec
from storage.models import Source


def ensure_source(session: Session, spec: SourceSpec) -> Source:
    """The source's row, made if missing; a configured source's title and home refreshed."""
    row = session.get(Source, spec.name)
    if row is None:
        row = Source(name=spec.name, title=spec.title[:200], home_url=spec.home[:500],
                     health_state="unknown", health_detail={}, error_streak=0)
        session.add(row)
        session.flush()
    elif not spec.builtin:
        row.title, row.home_url = spec.title[:200], spec.home[:500]
    return row


def forget_checks(session: Session, checked: Collection[str]) -> list[str]:
    """Clear the planned check of every source the monitor no longer checks; their names."""
    rows = session.scalars(select(Source).where(Source.name.not_in(checked),
                                                Source.next_check_at.is_not(None))).all()
    for row in rows:
        row.next_check_at, row.next_check_why = None, None
    return [row.name for row in rows]
