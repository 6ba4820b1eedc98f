"""The tracker store against a real SQLite file: the single-replica write-through cache keeps SQL complete
and in order, never serves a half-finished turn, and is off when several replicas share the database."""

from __future__ import annotations

import sqlite3

import pytest
from async_helpers import run_async
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.db import REPO_ROOT
from rasa_ext.stores import EnvSQLTrackerStore

DOMAIN = Domain.load(str(REPO_ROOT / "domain.yml"))


@pytest.fixture
def tracker_url(tmp_path, monkeypatch) -> str:
    path = tmp_path / "tracker.db"
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    monkeypatch.delenv("TRACKER_CACHE_SIZE", raising=False)
    return str(path)


def turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(ActionExecuted("action_listen"))


def rows(path: str, sender: str) -> list[tuple[str, str | None]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT type_name, action_name FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()


def texts(tracker: DialogueStateTracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_cached_turns_reach_sql_complete_and_in_order(tracker_url: str) -> None:
    store = EnvSQLTrackerStore(domain=DOMAIN)
    assert type(store.engine.pool).__name__ == "QueuePool"  # connections are kept, not reopened per turn
    tracker = run_async(store.get_or_create_tracker("alice"))
    for n in range(5):
        turn(tracker, f"hello {n}")
        run_async(store.save(tracker))
        again = run_async(store.retrieve("alice"))
        assert again is tracker  # served from memory: no rebuild from SQL
        tracker = again

    # a second store (a restarted server) rebuilds the same conversation from SQL alone
    fresh = EnvSQLTrackerStore(domain=DOMAIN)
    rebuilt = run_async(fresh.retrieve("alice"))
    assert rebuilt is not tracker
    assert texts(rebuilt) == [f"hello {n}" for n in range(5)]
    assert [e.as_dict() for e in rebuilt.events] == [e.as_dict() for e in tracker.events]
    assert len(rows(tracker_url, "alice")) == len(tracker.events)  # each event written exactly once


def test_a_turn_that_never_saves_is_not_served_later(tracker_url: str) -> None:
    store = EnvSQLTrackerStore(domain=DOMAIN)
    tracker = run_async(store.get_or_create_tracker("bob"))
    turn(tracker, "first")
    run_async(store.save(tracker))

    broken = run_async(store.retrieve("bob"))
    turn(broken, "this turn crashed before it was saved")
    broken.update(SlotSet("needs_verification", True))

    served = run_async(store.retrieve("bob"))
    assert served is not broken
    assert texts(served) == ["first"] and served.get_slot("needs_verification") is False
    turn(served, "second")
    run_async(store.save(served))
    assert texts(run_async(EnvSQLTrackerStore(domain=DOMAIN).retrieve("bob"))) == ["first", "second"]
    assert len(rows(tracker_url, "bob")) == len(served.events)


def test_conversations_do_not_mix_and_the_cache_is_bounded(tracker_url: str, monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_SIZE", "2")
    store = EnvSQLTrackerStore(domain=DOMAIN)
    trackers = {}
    for sender in ("c1", "c2", "c3"):
        trackers[sender] = run_async(store.get_or_create_tracker(sender))
        turn(trackers[sender], f"I am {sender}")
        run_async(store.save(trackers[sender]))
    assert list(store._cache) == ["c2", "c3"]  # c1, least recently used, was dropped
    first = run_async(store.retrieve("c1"))  # read back from SQL
    assert first is not trackers["c1"] and texts(first) == ["I am c1"]
    assert run_async(store.retrieve("c3")) is trackers["c3"] and texts(trackers["c3"]) == ["I am c3"]


@pytest.mark.parametrize("setting", [("LOCK_STORE_URL", "redis://localhost:6379/0"), ("TRACKER_CACHE_SIZE", "0")])
def test_cache_is_off_with_several_replicas_or_when_disabled(tracker_url: str, monkeypatch, setting) -> None:
    monkeypatch.setenv(*setting)
    store = EnvSQLTrackerStore(domain=DOMAIN)
    tracker = run_async(store.get_or_create_tracker("dana"))
    turn(tracker, "hi")
    run_async(store.save(tracker))
    other_replica = EnvSQLTrackerStore(domain=DOMAIN)
    theirs = run_async(other_replica.retrieve("dana"))
    turn(theirs, "written by the other replica")
    run_async(other_replica.save(theirs))

    mine = run_async(store.retrieve("dana"))
    assert mine is not tracker
    assert texts(mine) == ["hi", "written by the other replica"]  # always read from the shared database
