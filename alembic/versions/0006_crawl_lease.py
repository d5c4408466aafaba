"""crawl_lock becomes a lease (instance, expires_at); crawl_run.instance (branch h18l)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _crawl_lock(*lease: sa.Column) -> None:
    op.create_table(
        "crawl_lock",
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        *lease[:1],
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("acquired_at", storage.db.UtcDateTime(timezone=True), nullable=False),
        *lease[1:],
        sa.ForeignKeyConstraint(["source"], ["source.name"],
                                name=op.f("fk_crawl_lock__source__source")),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_crawl_lock")),
    )


def upgrade() -> None:
    # Lock rows are transient and an old one has no expiry to carry over: the table is made
    # anew (no crawl runs during an upgrade).
    op.drop_table("crawl_lock")
    _crawl_lock(sa.Column("instance", sa.String(length=200), nullable=False),
                sa.Column("expires_at", storage.db.UtcDateTime(timezone=True), nullable=False))
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("instance", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.drop_column("instance")
    op.drop_table("crawl_lock")
    _crawl_lock()
