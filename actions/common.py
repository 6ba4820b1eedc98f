"""What every action needs: the store, the caller's identity, the audit line, the turn log."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from rasa_sdk import Tracker

from adapters.sql.store import PlanStore
from bot.identity import Identity, Verifier, conversation_key

logger = logging.getLogger("b12.actions")
T = TypeVar("T")


@lru_cache(maxsize=1)
def store() -> PlanStore:
    """One store (engine + connection pool) per action-server process; sessions are per call."""
    return PlanStore.from_env()


async def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Database calls are blocking: run them off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def today() -> date:
    return date.today()


def metadata(tracker: Tracker) -> dict:
    return (tracker.latest_message or {}).get("metadata") or {}


def intent_of(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def conversation_key_of(tracker: Tracker) -> str | None:
    return conversation_key(tracker.sender_id, metadata(tracker).get("client_key"))


def verifier() -> Verifier:
    return Verifier(store())


def identify(tracker: Tracker) -> Identity:
    """Who is asking: a valid signed token, or this conversation's own verification record.

    Slots and entities are never consulted: a user message cannot name the patient.
    """
    return verifier().identify(
        token=metadata(tracker).get("patient_token"), conversation_key=conversation_key_of(tracker)
    )


def entities_of(tracker: Tracker) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entity in (tracker.latest_message or {}).get("entities") or []:
        found.setdefault(entity["entity"], []).append(str(entity.get("value")))
    return found


class TurnLog:
    """One log line per turn: intent, confidence, action, latency."""

    def __init__(self, action: str, tracker: Tracker) -> None:
        self.action = action
        self.intent, self.confidence = intent_of(tracker)
        self.started = time.perf_counter()

    def done(self, outcome: str = "ok") -> None:
        logger.info(
            "turn intent=%s confidence=%.2f action=%s outcome=%s latency_ms=%.1f",
            self.intent, self.confidence, self.action, outcome, (time.perf_counter() - self.started) * 1000,
        )
