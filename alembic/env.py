"""Alembic environment for SQLite and PostgreSQL.

The URL comes from the caller (storage.migrate passes a connection) or from the config. Batch
mode on SQLite only (it can barely ALTER). Objects Alembic does not own are hidden from the
model comparison: the FTS5 table and its shadow tables, the PostgreSQL full-text index and
APScheduler's job table.
"""

from logging.config import fileConfig

from sqlalchemy import Connection

from alembic import context
from storage import models  # noqa: F401  (registers the tables on Base.metadata)
from storage.db import Base, engine_for

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

NOT_OURS = ("item_fts", "apscheduler_jobs")


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    if type_ == "table" and name and name.startswith(NOT_OURS):
        return False
    if type_ == "index" and name == "ix_item__fts":
        return False
    # PostgreSQL's generated tsvector column (revision 0002); not modelled on purpose.
    return not (type_ == "column" and name == "search_vector")


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    from core.config import load_config

    with engine_for(load_config().database_url).connect() as conn:
        run_with(conn)


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `coopwatch db upgrade`")
run_migrations_online()
