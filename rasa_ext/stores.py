"""Tracker and lock stores configured by environment variables only.

The embedded default (one process, SQLite tracker, in-memory lock) and the scale-out set-up
(PostgreSQL tracker, Redis lock, several replicas) run the same endpoints.yml:

- TRACKER_STORE_URL: SQLAlchemy URL of the tracker database (default: SQLite file var/tracker.db)
- LOCK_STORE_URL: redis://host:port/db for the lock store; unset = in-memory (single replica only)
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]


def tracker_store_url() -> str:
    default = ROOT / "var" / "tracker.db"
    default.parent.mkdir(exist_ok=True)
    return os.environ.get("TRACKER_STORE_URL") or f"sqlite:///{default}"


class EnvSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, host: str | None = None, event_broker: Any = None, **_: Any):
        url = make_url(tracker_store_url())
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database or "rasa.db",
            username=url.username,
            password=url.password,
            query=dict(url.query) or None,
            event_broker=event_broker,
        )
        if self.engine.dialect.name == "sqlite":
            _tune_sqlite(self.engine)


def _tune_sqlite(engine: Any) -> None:
    """WAL journal and normal sync: a chat turn's commit no longer waits for an fsync, and readers never
    block the writer. (A crash can lose the last turns, never corrupt the file.)"""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    engine.dispose()  # connections made during start-up reconnect with the pragmas


class ResilientRedisLockStore(RedisLockStore):
    """A Redis lock store that keeps answering when Redis is unreachable.

    Losing Redis must not silence the bot: each failing call logs one clear error and falls back to
    a process-local lock, which still serialises a conversation within this replica. Cross-replica
    ordering returns as soon as Redis is back.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._local = InMemoryLockStore()

    def _fallback(self, what: str, error: Exception) -> None:
        logger.error(
            "Redis lock store unreachable (%s: %s); using a process-local lock until it is back. "
            "Conversations split across replicas may interleave meanwhile.", what, error,
        )

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        try:
            return super().get_lock(conversation_id)
        except Exception as error:  # redis.exceptions.RedisError and socket errors
            self._fallback("get_lock", error)
            return self._local.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        try:
            super().delete_lock(conversation_id)
        except Exception as error:
            self._fallback("delete_lock", error)
        self._local.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        try:
            super().save_lock(lock)
        except Exception as error:
            self._fallback("save_lock", error)
            self._local.save_lock(lock)


class EnvLockStore(LockStore):
    """Factory used from endpoints.yml: returns the lock store the environment asks for."""

    def __new__(cls, endpoint_config: Any = None) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("LOCK_STORE_URL")
        if not url:
            return InMemoryLockStore()
        parsed = make_url(url)
        return ResilientRedisLockStore(
            host=parsed.host or "localhost",
            port=parsed.port or 6379,
            db=int(parsed.database or 0),
            password=parsed.password,
            key_prefix=os.environ.get("LOCK_STORE_PREFIX", "b12"),
            socket_timeout=float(os.environ.get("LOCK_STORE_TIMEOUT", "2")),
        )
