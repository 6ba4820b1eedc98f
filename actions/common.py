"""What the action needs: one store per process, the turn log, the polite reply when the store is down."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from adapters.sql.store import PlanStore
from bot.errors import StoreUnavailable

logger = logging.getLogger("b12.actions")
T = TypeVar("T")


@lru_cache(maxsize=1)
def store() -> PlanStore:
    """One store (engine + connection pool) per action-server process; sessions are per call."""
    return PlanStore.from_env()


async def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Database calls are blocking: run them off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def polite_when_store_unavailable(run):
    """An action whose store is unreachable says "I can't reach your plan right now" instead of failing."""

    @functools.wraps(run)
    async def wrapper(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        started = time.perf_counter()
        try:
            return await run(self, dispatcher, tracker, domain)
        except StoreUnavailable:
            logger.exception("plan store unavailable")
            dispatcher.utter_message(response="utter_service_unavailable")
            log_turn(self.name(), tracker, "store_unavailable", started)
            return []
        except Exception:  # a bug must still leave the patient with an answer, never silence
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(response="utter_something_went_wrong")
            log_turn(self.name(), tracker, "error", started)
            return []

    return wrapper


def log_turn(action: str, tracker: Tracker, outcome: str, started: float) -> None:
    """One log line per turn: intent, confidence, action, outcome, latency; never a token or plan detail."""
    message = tracker.latest_message if isinstance(tracker.latest_message, dict) else {}
    intent = message.get("intent") if isinstance(message.get("intent"), dict) else {}
    try:
        confidence = float(intent.get("confidence") or 0.0)
    except (TypeError, ValueError):
        confidence = 0.0
    logger.info("turn intent=%s confidence=%.2f action=%s outcome=%s latency_ms=%.1f", intent.get("name"),
                confidence, action, outcome, (time.perf_counter() - started) * 1000)
