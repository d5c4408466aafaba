"""Full-text index DDL of revision 0001, and the PostgreSQL search column.

SQLite: an external-content FTS5 table kept in step by triggers (re-indexed only when a
searchable column changes, not when last_seen_at is bumped). PostgreSQL: revision 0001 made a
GIN expression index; revision 0002 replaced it with a stored generated column,
`item.search_vector` (PG_SEARCH_VECTOR), which storage.search reads. Migrations are history:
change this DDL only through a new revision.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

FTS_COLUMNS = ("title", "subtitle", "summary", "body", "place", "tags")

# The stored column added by revision 0002 (not in the models: Alembic is told to ignore it).
PG_SEARCH_VECTOR = "item.search_vector"
# Revision 0001's index expression (0002 computes the same document into the column).
PG_TSVECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(subtitle, '') || ' ' || coalesce(place, '')), "
    "'B') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'C') || "
    "setweight(to_tsvector('english', left(coalesce(body, ''), 500000)), 'D'))"
)


def _sqlite_ddl() -> list[str]:
    cols = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    return [
        f"CREATE VIRTUAL TABLE item_fts USING fts5({cols}, content='item', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER item_fts_ai AFTER INSERT ON item BEGIN "
        f"INSERT INTO item_fts(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER item_fts_ad AFTER DELETE ON item BEGIN "
        f"INSERT INTO item_fts(item_fts, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER item_fts_au AFTER UPDATE OF {cols} ON item BEGIN "
        f"INSERT INTO item_fts(item_fts, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO item_fts(rowid, {cols}) VALUES (new.id, {new}); END",
        "INSERT INTO item_fts(item_fts) VALUES ('rebuild')",
    ]


def create_fulltext(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for stmt in _sqlite_ddl():
            conn.execute(text(stmt))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(f"CREATE INDEX ix_item__fts ON item USING gin ({PG_TSVECTOR})"))


def drop_fulltext(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for trigger in ("item_fts_ai", "item_fts_ad", "item_fts_au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        conn.execute(text("DROP TABLE IF EXISTS item_fts"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text("DROP INDEX IF EXISTS ix_item__fts"))
