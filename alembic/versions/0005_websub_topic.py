"""websub_topic: what the WebSub hub last heard about each feed (branch h18w)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "websub_topic",
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("checked_version", sa.BigInteger(), nullable=False),
        sa.Column("pinged_digest", sa.String(length=64), nullable=True),
        sa.Column("pending_digest", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", storage.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("pinged_at", storage.db.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_websub_topic")),
    )


def downgrade() -> None:
    op.drop_table("websub_topic")
