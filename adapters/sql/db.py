"""Where the plans live: one engine per database URL, a new session per unit of work.

The embedded default is a SQLite file under `var/` shared by the action server and the staff CLI;
a health system points `DATABASE_URL` at PostgreSQL. Same code, different setting.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.future import create_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.paths import ROOT as REPO_ROOT

# Execution option asking SQLite to take the write lock when the transaction starts (BEGIN IMMEDIATE).
# A deferred transaction that reads and then writes can fail at once with "database is locked" when another
# writer committed in between; an immediate one simply waits its turn (busy timeout).
SQLITE_WRITE = "b12_sqlite_write"

_SQLITE_BUSY_TIMEOUT_MS = 30_000
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def database_url() -> str:
    """`DATABASE_URL` if set, else the SQLite file `var/b12.db` in the repository (its folder is created)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    var = REPO_ROOT / "var"
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / 'b12.db'}"


def safe_url(url: str | URL) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: `database_url()`), created once per URL and process.

    Engines own connection pools, so they are shared; sessions are not (see `session_factory`).
    """
    url = url or database_url()
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create(url)
            _engines[url] = engine
        return engine


def dispose_engine(url: str) -> None:
    """Close the pooled connections of `url`'s engine and forget it (tests, dropping a database)."""
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def dispose_all() -> None:
    for url in list(_engines):
        dispose_engine(url)


def session_factory(engine: Engine) -> sessionmaker:
    """Sessions for one unit of work each: `with factory.begin() as session: ...`."""
    return sessionmaker(bind=engine, class_=Session, future=True, expire_on_commit=False)


def _create(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            parsed,
            future=True,
            pool_pre_ping=True,  # a restarted database must not break the next chat turn
            pool_size=int(os.environ.get("DB_POOL_SIZE", "5")),
            max_overflow=int(os.environ.get("DB_MAX_OVERFLOW", "10")),
            pool_timeout=10,
            pool_recycle=1800,
            # an unreachable database should fail a turn in seconds (polite reply), not hang it
            connect_args={"connect_timeout": int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))},
        )
    return create_engine(parsed, future=True, pool_pre_ping=True)


def private_sqlite_file(path: Path) -> None:
    """Create the database file readable by its owner only (patients' plans are in it); SQLite's own journal
    and WAL files take the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        private_sqlite_file(Path(database))
    in_memory = database in ("", ":memory:") or "mode=memory" in str(url)
    engine = create_engine(
        url,
        future=True,
        # SQLAlchemy 1.4 opens a new file connection per checkout (NullPool); reusing them halves a chat
        # turn's lookup time. A connection is used by one thread at a time, hence check_same_thread off.
        **({} if in_memory else {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}),
        connect_args={"check_same_thread": False, "timeout": _SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 (DBAPI objects)
        # We emit BEGIN ourselves (below) so that writers can ask for BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: the action server keeps reading while the CLI imports a plan.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        immediate = conn.get_execution_options().get(SQLITE_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def write_engine(engine: Engine) -> Engine:
    """The same engine, marked so SQLite write transactions lock at BEGIN (no effect elsewhere)."""
    return engine.execution_options(**{SQLITE_WRITE: True})
