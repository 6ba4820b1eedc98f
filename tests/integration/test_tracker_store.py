"""The tracker store against real SQLite and PostgreSQL databases: the write-through cache keeps SQL
complete and in order, never serves a half-finished turn, and with several replicas sees the turns
another replica wrote."""

from __future__ import annotations

import uuid

import pytest
from async_helpers import run_async
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from adapters.sql.db import REPO_ROOT
from rasa_ext.stores import EnvSQLTrackerStore

DOMAIN = Domain.load(str(REPO_ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request, tmp_path, monkeypatch) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")  # one PostgreSQL database per test session
    monkeypatch.setenv("TRACKER_STORE_URL", url)
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    monkeypatch.delenv("TRACKER_CACHE_SIZE", raising=False)
    return url


def new_id(name: str) -> str:
    """Conversation ids unique to the test (the PostgreSQL database is shared by the test session)."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(ActionExecuted("action_listen"))


def rows(store: EnvSQLTrackerStore, sender_id: str) -> list[tuple]:
    events = store.SQLEvent.__table__
    with store.engine.connect() as connection:
        query = select(events.c.type_name, events.c.action_name).where(events.c.sender_id == sender_id)
        return connection.execute(query.order_by(events.c.id)).fetchall()


def texts(tracker: DialogueStateTracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_cached_turns_reach_sql_complete_and_in_order(tracker_url: str) -> None:
    store = EnvSQLTrackerStore(domain=DOMAIN)
    if tracker_url.startswith("sqlite"):
        assert type(store.engine.pool).__name__ == "QueuePool"  # connections are kept, not reopened per turn
    alice = new_id("alice")
    tracker = run_async(store.get_or_create_tracker(alice))
    for n in range(5):
        turn(tracker, f"hello {n}")
        run_async(store.save(tracker))
        again = run_async(store.retrieve(alice))
        assert again is tracker  # served from memory: no rebuild from SQL
        tracker = again

    # a second store (a restarted server) rebuilds the same conversation from SQL alone
    rebuilt = run_async(EnvSQLTrackerStore(domain=DOMAIN).retrieve(alice))
    assert rebuilt is not tracker
    assert texts(rebuilt) == [f"hello {n}" for n in range(5)]
    assert [e.as_dict() for e in rebuilt.events] == [e.as_dict() for e in tracker.events]
    stored = rows(store, alice)
    assert len(stored) == len(tracker.events)  # each event written exactly once, in order
    assert [r.type_name for r in stored] == [e.type_name for e in tracker.events]


def test_a_turn_that_never_saves_is_not_served_later(tracker_url: str) -> None:
    store = EnvSQLTrackerStore(domain=DOMAIN)
    bob = new_id("bob")
    tracker = run_async(store.get_or_create_tracker(bob))
    turn(tracker, "first")
    run_async(store.save(tracker))

    broken = run_async(store.retrieve(bob))
    turn(broken, "this turn crashed before it was saved")
    broken.update(SlotSet("b12_context", {"turn": 99}))

    served = run_async(store.retrieve(bob))
    assert served is not broken
    assert texts(served) == ["first"] and served.get_slot("b12_context") is None
    turn(served, "second")
    run_async(store.save(served))
    assert texts(run_async(EnvSQLTrackerStore(domain=DOMAIN).retrieve(bob))) == ["first", "second"]
    assert len(rows(store, bob)) == len(served.events)


def test_conversations_do_not_mix_and_the_cache_is_bounded(tracker_url: str, monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_SIZE", "2")
    store = EnvSQLTrackerStore(domain=DOMAIN)
    ids = [new_id(name) for name in ("c1", "c2", "c3")]
    trackers = {}
    for n, sender_id in enumerate(ids, 1):
        trackers[sender_id] = run_async(store.get_or_create_tracker(sender_id))
        turn(trackers[sender_id], f"I am c{n}")
        run_async(store.save(trackers[sender_id]))
    assert list(store._cache) == ids[1:]  # c1, least recently used, was dropped
    first = run_async(store.retrieve(ids[0]))  # read back from SQL
    assert first is not trackers[ids[0]] and texts(first) == ["I am c1"]
    assert run_async(store.retrieve(ids[2])) is trackers[ids[2]] and texts(trackers[ids[2]]) == ["I am c3"]


def _two_replicas(monkeypatch, setting: tuple[str, str]) -> tuple[EnvSQLTrackerStore, EnvSQLTrackerStore, str]:
    monkeypatch.setenv(*setting)
    mine, other = EnvSQLTrackerStore(domain=DOMAIN), EnvSQLTrackerStore(domain=DOMAIN)
    dana = new_id("dana")
    tracker = run_async(mine.get_or_create_tracker(dana))
    turn(tracker, "hi")
    run_async(mine.save(tracker))
    return mine, other, dana


@pytest.mark.parametrize("setting", [("LOCK_STORE_URL", "redis://localhost:6379/0"), ("TRACKER_CACHE_SIZE", "0")])
def test_a_turn_answered_by_another_replica_is_seen(tracker_url: str, monkeypatch, setting) -> None:
    mine, other, dana = _two_replicas(monkeypatch, setting)
    theirs = run_async(other.retrieve(dana))
    turn(theirs, "written by the other replica")
    run_async(other.save(theirs))

    tracker = run_async(mine.retrieve(dana))
    assert texts(tracker) == ["hi", "written by the other replica"]  # rebuilt from the shared database
    turn(tracker, "back on this replica")
    run_async(mine.save(tracker))
    assert texts(run_async(other.retrieve(dana))) == ["hi", "written by the other replica", "back on this replica"]
    assert len(rows(mine, dana)) == len(tracker.events)


def test_with_several_replicas_an_unchanged_conversation_is_served_from_memory(tracker_url, monkeypatch) -> None:
    mine, _, dana = _two_replicas(monkeypatch, ("LOCK_STORE_URL", "redis://localhost:6379/0"))
    cached = mine._cache[dana]
    assert run_async(mine.retrieve(dana)) is cached  # the row count matched: no rebuild
