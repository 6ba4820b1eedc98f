"""Tracker and lock stores configured by environment variables only.

The embedded default (one process, SQLite tracker, in-memory lock) and the scale-out set-up
(PostgreSQL tracker, Redis lock, several replicas) run the same endpoints.yml:

- TRACKER_STORE_URL: SQLAlchemy URL of the tracker database (default: SQLite file var/tracker.db)
- LOCK_STORE_URL: redis://host:port/db for the lock store; unset = in-memory (single replica only)
- TRACKER_CACHE_SIZE: conversations whose tracker a Rasa process keeps in memory between turns
  (default 500; 0 turns the cache off). With LOCK_STORE_URL set (several replicas) each cached tracker
  is checked against the database before it is used.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.paths import ROOT

logger = logging.getLogger(__name__)


def tracker_store_url() -> str:
    default = ROOT / "var" / "tracker.db"
    default.parent.mkdir(exist_ok=True)
    return os.environ.get("TRACKER_STORE_URL") or f"sqlite:///{default}"


class EnvSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, host: str | None = None, event_broker: Any = None, **_: Any):
        url = make_url(tracker_store_url())
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            from adapters.sql.db import private_sqlite_file

            private_sqlite_file(Path(url.database))  # conversations are patient data: owner-only
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
            _pooled_sqlite(self)
        self._cache_size = int(os.environ.get("TRACKER_CACHE_SIZE", "500")) if event_broker is None else 0
        self._cache: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self._owners: dict[str, str] = {}
        # several replicas may write the same conversation: check a cached tracker before using it
        self._validate = bool(os.environ.get("LOCK_STORE_URL"))

    # A write-through tracker cache. Rasa retrieves the tracker at the start of a turn and saves it at
    # the end, under the conversation's lock. Rebuilding it from SQL each turn (query, JSON decoding,
    # replaying every event) and counting the stored events again before each save was ~30 % of the
    # Rasa server's CPU. Here `retrieve` hands out the tracker object the last `save` stored (and
    # forgets it: a turn that fails before saving leaves no half-updated tracker behind; the next turn
    # reads SQL again), and `save` appends only the events past the count it already knows. Every event
    # is still written to SQL on every turn, so a restart loses nothing.
    #
    # With several replicas (LOCK_STORE_URL) another replica may have answered the last turn: a cached
    # tracker is used only if the conversation still has exactly the rows this replica knows of (one
    # indexed COUNT instead of a rebuild); otherwise it is rebuilt from SQL. Turns of one conversation
    # are serialised across replicas by the Redis lock, so the rows cannot change in between.

    def _rows(self, sender_id: str) -> int:
        with self.session_scope() as session:
            query = select(func.count()).select_from(self.SQLEvent.__table__)
            return session.execute(query.where(self.SQLEvent.__table__.c.sender_id == sender_id)).scalar_one()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if self._cache_size:
            cached = self._cache.pop(sender_id, None)
            if cached is not None and (not self._validate or self._rows(sender_id) == cached._b12_rows):
                return cached
        tracker = await super().retrieve(sender_id)
        if tracker is not None and self._cache_size:
            tracker._b12_stored = len(tracker.events)  # every event of this session is in SQL
            if self._validate:
                tracker._b12_rows = self._rows(sender_id)  # every session's
        return tracker

    async def conversation_owner(self, sender_id: str) -> str | None:
        """The client-key hash of the conversation's first message (rasa_ext/channels.py binds a conversation
        to it), or None for a conversation never seen or written before owners were recorded."""
        if sender_id in self._owners:
            return self._owners[sender_id]
        cached = self._cache.get(sender_id)
        if cached is not None:
            owner = _owner_in(cached.events)
        else:
            table = self.SQLEvent.__table__
            query = (select(table.c.data).where(table.c.sender_id == sender_id, table.c.type_name == "user")
                     .order_by(table.c.id).limit(1))
            with self.session_scope() as session:
                first = session.execute(query).scalar_one_or_none()
            owner = _owner_in([first]) if first is not None else None
        if owner is not None:
            self._owners[sender_id] = owner
            while len(self._owners) > 10_000:
                self._owners.pop(next(iter(self._owners)))
        return owner

    async def save(self, tracker: DialogueStateTracker) -> None:
        # the turn is over: patient tokens and client keys leave the events before anything is stored
        for event in itertools.islice(tracker.events, getattr(tracker, "_b12_stored", 0) or 0, None):
            scrub(event)
        stored = getattr(tracker, "_b12_stored", None)
        if not self._cache_size or stored is None:
            await super().save(tracker)
            if self._cache_size and self._validate:
                tracker._b12_rows = self._rows(tracker.sender_id)
        else:
            rows = []
            for event in itertools.islice(tracker.events, stored, None):
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:  # one batched INSERT, the same rows Rasa's own save writes one ORM object at a time
                with self.session_scope() as session:
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                    session.commit()
            if self._validate:
                tracker._b12_rows += len(rows)
        if self._cache_size:
            tracker._b12_stored = len(tracker.events)
            self._cache[tracker.sender_id] = tracker
            self._cache.move_to_end(tracker.sender_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)


SECRET_METADATA = ("patient_token", "client_key")


def scrub(event: Any) -> None:
    """Drop the patient token and the client key from a user message's metadata (the channel already added
    their keyed hash, `client_key_hash`); everything stored is then safe to keep."""
    if not isinstance(event, UserUttered):
        return
    # the metadata sits on the event and, as a separate copy from the NLU, in its parse data
    for metadata in (event.metadata, (event.parse_data or {}).get("metadata")):
        if isinstance(metadata, dict):
            for key in SECRET_METADATA:
                metadata.pop(key, None)


def _owner_in(events: Any) -> str | None:
    for event in events:
        if isinstance(event, UserUttered):
            value = (event.metadata or {}).get("client_key_hash")
            return value if isinstance(value, str) else None
        if isinstance(event, str):  # a stored row's JSON
            try:
                value = ((json.loads(event).get("metadata") or {}).get("client_key_hash"))
            except ValueError:
                return None
            return value if isinstance(value, str) else None
    return None


def _pooled_sqlite(store: SQLTrackerStore) -> None:
    """Rasa's SQLite engine replaced by the project's own (`adapters.sql.db.make_engine`): SQLAlchemy 1.4 gives a
    file database NullPool, so every turn opened a new connection and closing it (the last one on a WAL
    file) ran a checkpoint each time. Ours keeps a small pool and sets WAL with normal sync, so commits
    do not wait for an fsync and readers do not block the writer (a crash can lose the last turns, never
    corrupt the file)."""
    from adapters.sql.db import make_engine

    engine = make_engine(store.engine.url.render_as_string(hide_password=False))
    store.engine.dispose()
    store.engine = engine
    store.sessionmaker.configure(bind=engine)


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

    def _either(self, what: str, remote: Callable[[], Any], local: Callable[[], Any], *,
                local_too: bool = False) -> Any:
        """`remote()` on Redis; `local()` instead when Redis fails (and also after it when `local_too`)."""
        try:
            result = remote()
        except Exception as error:  # redis.exceptions.RedisError and socket errors
            self._fallback(what, error)
            return local()
        if local_too:
            local()
        return result

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self._either("get_lock", lambda: super(ResilientRedisLockStore, self).get_lock(conversation_id),
                            lambda: self._local.get_lock(conversation_id))

    def delete_lock(self, conversation_id: str) -> None:
        self._either("delete_lock", lambda: super(ResilientRedisLockStore, self).delete_lock(conversation_id),
                     lambda: self._local.delete_lock(conversation_id), local_too=True)

    def save_lock(self, lock: TicketLock) -> None:
        self._either("save_lock", lambda: super(ResilientRedisLockStore, self).save_lock(lock),
                     lambda: self._local.save_lock(lock))


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
