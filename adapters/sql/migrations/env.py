"""Alembic environment, configured from code (`adapters.sql.store.upgrade`), so no alembic.ini is needed.

The caller puts the database URL in `config.attributes["url"]` (not in the ini options, where a `%` in a
password would be read as interpolation).
"""

from __future__ import annotations

from alembic import context

from adapters.sql.db import make_engine, write_engine
from adapters.sql.orm import Base

# Any constant: every replica that starts at once runs `db upgrade`; on PostgreSQL they take turns.
_MIGRATION_LOCK_ID = 0xB12_0001

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("url") or config.get_main_option("sqlalchemy.url")


def run_migrations_offline() -> None:
    """`alembic upgrade --sql`: print the SQL instead of running it."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = write_engine(make_engine(_url()))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode rebuilds tables for later migrations.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
