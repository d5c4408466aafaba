"""source.next_check_at / next_check_why: the monitor's planned next check (branch h18b)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("next_check_at", storage.db.UtcDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("next_check_why", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.drop_column("next_check_why")
        batch.drop_column("next_check_at")
