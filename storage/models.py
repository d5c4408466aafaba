"""The archive's tables. Change them only together with an Alembic migration
(tests/storage/test_migrations.py fails when the two disagree)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, utcnow

# The largest id a row can have: ids are 32-bit INTEGER on PostgreSQL, so a larger one names
# no row (and would be refused by the driver or the server rather than found missing).
MAX_ID = 2**31 - 1
# The lease of a crawl lock written without one (COOPWATCH_LEASE_S's default).
DEFAULT_LEASE = timedelta(seconds=60)


SOURCE_NAME_CHARS = 32


class Source(Base):
    """A watched site and its health, updated after every run."""

    __tablename__ = "source"
    name: Mapped[str] = mapped_column(String(SOURCE_NAME_CHARS), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    home_url: Mapped[str] = mapped_column(String(500))
    health_state: Mapped[str] = mapped_column(String(16), default="unknown")  # ok|degraded|alarm
    health_detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    error_streak: Mapped[int] = mapped_column(default=0)
    last_new_item_at: Mapped[datetime | None]
    primed_at: Mapped[datetime | None]  # set by the first completed crawl (no alerts before)
    # The monitor's plan, for `coopwatch sources` and the sources page: when and why.
    next_check_at: Mapped[datetime | None]
    next_check_why: Mapped[str | None] = mapped_column(String(200))


class Story(Base):
    """Items of either organisation about the same event."""

    __tablename__ = "story"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    first_published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    items: Mapped[list[Item]] = relationship(back_populates="story", order_by="Item.id")


class StoryMerge(Base):
    """Why an item joined a story: every merge leaves its reason."""

    __tablename__ = "story_merge"
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("story.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    matched_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(32))  # simhash | title | place_terms
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Item(Base):
    __tablename__ = "item"
    __table_args__ = (
        Index("ix_item__published_at", "published_at"),
        Index("ix_item__source_published_at", "source", "published_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(ForeignKey("source.name"))
    url: Mapped[str | None] = mapped_column(Text)  # None only for seeds whose URL is unknown
    canonical_url: Mapped[str] = mapped_column(String(1000), unique=True)
    guid: Mapped[str] = mapped_column(String(64), unique=True)  # urn:uuid:…, never regenerated
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    published_at: Mapped[datetime | None]
    published_layer: Mapped[str | None] = mapped_column(String(16))
    published_raw: Mapped[str | None] = mapped_column(String(200))
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]  # set when a material change made a revision
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    simhash: Mapped[int] = mapped_column(BigInteger)  # 64-bit, stored signed
    relevance_level: Mapped[str] = mapped_column(String(16), default="none", index=True)
    relevance_score: Mapped[float] = mapped_column(default=0.0)
    relevance_reasons: Mapped[list[Any]] = mapped_column(default=list)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("story.id"), index=True)
    origin: Mapped[str] = mapped_column(String(16), default="crawl")  # seed | crawl | capture

    story: Mapped[Story | None] = relationship(back_populates="items")
    revisions: Mapped[list[ItemRevision]] = relationship(
        back_populates="item", order_by="ItemRevision.revision", cascade="all, delete-orphan"
    )


class ItemAlias(Base):
    """Another URL under which an item was seen (an outcome `duplicate`)."""

    __tablename__ = "item_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(String(1000), unique=True)
    rule: Mapped[str] = mapped_column(String(32))  # content_hash | near_duplicate
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemRevision(Base):
    """The item as it was before a material change."""

    __tablename__ = "item_revision"
    __table_args__ = (UniqueConstraint("item_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    revision: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_fields: Mapped[list[Any]] = mapped_column(default=list)
    previous: Mapped[dict[str, Any]] = mapped_column(default=dict)  # old values of changed fields
    content_hash: Mapped[str] = mapped_column(String(64))

    item: Mapped[Item] = relationship(back_populates="revisions")


class CrawlRun(Base):
    __tablename__ = "crawl_run"
    __table_args__ = (Index("ix_crawl_run__source_started_at", "source", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(ForeignKey("source.name"))
    trigger: Mapped[str] = mapped_column(String(16), default="cli")  # cli | schedule | api
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # running | ok | errors | failed | blocked | killed | abandoned
    status: Mapped[str] = mapped_column(String(16), default="running")
    reason: Mapped[str | None] = mapped_column(Text)
    pid: Mapped[int | None]
    instance: Mapped[str | None] = mapped_column(String(200))  # COOPWATCH_INSTANCE of the crawl
    dry_run: Mapped[bool] = mapped_column(default=False)
    requests: Mapped[int] = mapped_column(default=0)
    not_modified: Mapped[int] = mapped_column(default=0)  # 304 answers
    listing_pages: Mapped[int] = mapped_column(default=0)
    parsed: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)  # stored items at primary/secondary
    errors: Mapped[int] = mapped_column(default=0)
    health: Mapped[dict[str, Any]] = mapped_column(default=dict)  # signals raised by this run
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)  # Scrapy stats, coopwatch/* keys


class CrawlLock(Base):
    """One crawl per source at a time, across the daemon, the CLI, the API and several monitors
    on one database: a lease (storage.locks) its holder renews until expires_at."""

    __tablename__ = "crawl_lock"
    source: Mapped[str] = mapped_column(ForeignKey("source.name"), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))  # "INSTANCE (pid@host)"
    instance: Mapped[str] = mapped_column(String(200), default="")
    pid: Mapped[int]
    host: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[int | None]
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(default=lambda: utcnow() + DEFAULT_LEASE)


class HealthAlarm(Base):
    """An open or resolved source-health alarm; one row per episode, not per run."""

    __tablename__ = "health_alarm"
    __table_args__ = (Index("ix_health_alarm__source_kind_resolved_at", "source", "kind",
                            "resolved_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(ForeignKey("source.name"))
    # empty_listing | fallback | blocked | error_streak | stale
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class AlertOutbox(Base):
    """A message to deliver, written in the same transaction as its cause."""

    __tablename__ = "alert_outbox"
    __table_args__ = (
        UniqueConstraint("item_id", "event", "channel"),
        UniqueConstraint("alarm_id", "event", "channel"),
        Index("ix_alert_outbox__status_next_attempt_at", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # news | health | digest
    event: Mapped[str] = mapped_column(String(16), default="new")  # new | raised | resolved | …
    channel: Mapped[str] = mapped_column(String(64))  # a name for an apprise URL, never the URL
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    alarm_id: Mapped[int | None] = mapped_column(ForeignKey("health_alarm.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | dead
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ArchiveState(Base):
    """One row: a counter bumped in the same transaction as every item change a feed can show,
    so a feed's validator (ETag / Last-Modified) costs one primary-key read, not an aggregate
    over every item (1.0 s at 1M items; bench/feed.py)."""

    __tablename__ = "archive_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSubTopic(Base):
    """A feed URL the WebSub hub is told about (scheduler.websub): what the hub last heard
    (pinged_digest) and a change still to announce (pending_digest), retried with backoff."""

    __tablename__ = "websub_topic"
    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    # The archive_state version the digests were computed at: unchanged, nothing to compute.
    checked_version: Mapped[int] = mapped_column(BigInteger, default=-1)
    pinged_digest: Mapped[str | None] = mapped_column(String(64))
    pending_digest: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)  # failed pings of the pending change
    next_try_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    pinged_at: Mapped[datetime | None]
