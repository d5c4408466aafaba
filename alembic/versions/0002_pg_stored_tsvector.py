"""PostgreSQL: a stored, generated tsvector column for full-text search

Ranking with ts_rank_cd over the expression index recomputed every matched row's tsvector
(about 1 ms per 6 KB body: 5 s for 5,000 matches). A stored generated column is computed once
per write and indexed by GIN. SQLite keeps its FTS5 table: nothing to do there.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same weighted document as revision 0001's expression index (storage.fulltext).
VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(subtitle, '') || ' ' || coalesce(place, '')), "
    "'B') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'C') || "
    "setweight(to_tsvector('english', left(coalesce(body, ''), 500000)), 'D')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_item__fts")
    op.execute(f"ALTER TABLE item ADD COLUMN search_vector tsvector "
               f"GENERATED ALWAYS AS ({VECTOR}) STORED")
    op.execute("CREATE INDEX ix_item__fts ON item USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_item__fts")
    op.execute("ALTER TABLE item DROP COLUMN search_vector")
    op.execute(f"CREATE INDEX ix_item__fts ON item USING gin (({VECTOR}))")
