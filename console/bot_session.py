"""Try the bot: chat as a test patient, on a chosen date, and see how the bot got to each reply.

A try starts from a plan file (uploaded, pasted, or one of the flow fixtures): the plan is imported under a
fresh test reference (`FLOW-…`, the flow runner's own `prepare_patient`/`unique_reference`), so no real
patient is touched. Each message goes to Rasa's REST channel exactly as the widget would send it, with a
patient token for the test patient and `b12_today` set to the chosen date; the bot honours that date only
for test patients. After each message the tracker (Rasa's HTTP API) gives the intent, its confidence, the
entities, the actions and responses of that turn and the slots, which the page shows per turn.

Tries live in the console's memory, each owned by the staff user who started it.
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.plans.model import PlanFile
from bot.plans.planfile import PlanFileError
from services.plans import parse_plan_source
from staff.flows.model import Flow
from staff.flows.runner import prepare_patient, reply_text, turn_from_events

MAX_TURNS = 40
MAX_TRIES_PER_USER = 10
MAX_MESSAGE = 1000
LATEST_AS_OF = timedelta(days=3 * 366)  # "as of" up to about three years ahead


class TryError(ValueError):
    """Something about a try request that staff must fix (shown as a 4xx with this message)."""


@dataclass(frozen=True)
class TriedTurn:
    number: int
    user: str
    reply: str  # what the patient reads (texts and button titles), as the flow runner reads it
    messages: tuple[dict[str, Any], ...]  # text and buttons of each bot message
    intent: str | None
    confidence: float | None
    entities: tuple[dict[str, Any], ...]
    actions: tuple[str, ...]
    responses: tuple[str, ...]
    slots: tuple[tuple[str, str], ...]  # slots set after the turn, as JSON text

    @property
    def ran(self) -> tuple[str, ...]:
        """Actions and responses, as the flow runner counts them (utter_* sent by a custom action too)."""
        return tuple(dict.fromkeys(self.actions + self.responses))


@dataclass
class TrySession:
    id: str
    owner: str
    reference: str  # the test patient (FLOW-…)
    source: str  # the plan file's name
    fixture: str | None  # the fixture's name when the plan came from the flows' fixtures
    planfile: PlanFile  # as imported (the test reference in `patient`)
    original_patient: Any  # the plan file's own patient, before renaming
    as_of: date
    started_on: date  # the real day the plan's relative dates were resolved against
    sender: str = field(default_factory=lambda: f"console-{uuid.uuid4().hex[:20]}")
    client_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    turns: list[TriedTurn] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def check_as_of(as_of: date, today: date) -> date:
    if as_of < today:
        raise TryError(f"The date must be today ({today.isoformat()}) or later: the bot is tried on a day to come.")
    if as_of > today + LATEST_AS_OF:
        raise TryError(f"The date must be within three years ({(today + LATEST_AS_OF).isoformat()} at the latest).")
    return as_of


def parse_plan(text: str, name: str, today: date) -> PlanFile:
    """The plan file or FHIR bundle; PlanFileError lists every problem (FILE:LINE: field: message)."""
    return parse_plan_source(text, name, today)


def fixtures(directory: Path) -> list[str]:
    """The plan fixtures staff may start from (file names under the flows' fixtures folder)."""
    if not directory.is_dir():
        return []
    return sorted(p.name for p in directory.iterdir() if p.is_file() and p.suffix in (".yml", ".yaml", ".json"))


def fixture_text(directory: Path, name: str) -> str:
    if name not in fixtures(directory):  # only a listed name: never a path of the caller's choosing
        raise TryError(f"No fixture {name!r}.")
    return (directory / name).read_text(encoding="utf-8")


def start(store, planfile: PlanFile, source: str, fixture: str | None, as_of: date, owner: str,
          today: date) -> TrySession:
    """Import the plan under a new test reference and open a try for `owner`."""
    flow = Flow(name=f"console try of {source}", source=Path(source), line=1, turns=(), signed_in=True,
                planfile=planfile, patient=planfile.patient)
    reference = prepare_patient(flow, store)
    store.add_audit("console_try_started", "try", reference=reference, actor=owner,
                    detail=f"plan {source} as of {as_of.isoformat()}")
    renamed = replace(planfile, patient=replace(planfile.patient, reference=reference))
    return TrySession(id=secrets.token_urlsafe(12), owner=owner, reference=reference, source=source,
                      fixture=fixture, planfile=renamed, original_patient=planfile.patient, as_of=as_of,
                      started_on=today)


def _slots(tracker: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    slots = tracker.get("slots") or {}
    shown = []
    for name in sorted(slots):
        value = slots[name]
        if value is None or value == [] or value == {}:
            continue
        text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, default=str)
        shown.append((name, text if len(text) < 4000 else text[:3999] + "…"))
    return tuple(shown)


def _entities(events: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    user = next((e for e in reversed(events) if e.get("event") == "user"), None)
    found = ((user or {}).get("parse_data") or {}).get("entities") or []
    return tuple({"entity": e.get("entity"), "value": e.get("value"), "confidence": e.get("confidence_entity"),
                  "extractor": e.get("extractor")} for e in found if isinstance(e, dict))


def _messages(messages: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    out = []
    for message in messages:
        buttons = [{"title": str(b.get("title", "")), "payload": b.get("payload"), "url": b.get("url")}
                   for b in message.get("buttons") or [] if isinstance(b, dict)]
        out.append({"text": str(message.get("text") or ""), "buttons": buttons})
    return tuple(out)


def say(session: TrySession, client, text: str, issue_token: Callable[[str], str]) -> TriedTurn:
    """Send one message as the test patient on the chosen date; the turn as the tracker records it.

    Raises TryError for an empty or too long message or a full conversation; the Rasa client's RasaError
    when the bot cannot be reached."""
    text = text.strip()
    if not text:
        raise TryError("Type a message first.")
    if len(text) > MAX_MESSAGE:
        raise TryError(f"A message has at most {MAX_MESSAGE} characters.")
    with session.lock:  # one message at a time per conversation, in order
        if len(session.turns) >= MAX_TURNS:
            raise TryError(f"This try has {MAX_TURNS} turns; save it as a flow or start another.")
        metadata = {
            "patient_token": issue_token(session.reference),
            "client_key": session.client_key,
            "b12_today": session.as_of.isoformat(),
        }
        messages = client.send(session.sender, text, metadata)
        tracker = client.tracker(session.sender) or {}
        events = tracker.get("events") or []
        intent, confidence, actions, responses = turn_from_events(events)
        turn = TriedTurn(
            number=len(session.turns) + 1, user=text, reply=reply_text(messages), messages=_messages(messages),
            intent=intent, confidence=confidence, entities=_entities(events), actions=actions,
            responses=responses, slots=_slots(tracker),
        )
        session.turns.append(turn)
        return turn


class Tries:
    """The open tries of this console process, by id; each staff user sees only their own."""

    def __init__(self) -> None:
        self._tries: dict[str, TrySession] = {}

    def add(self, session: TrySession) -> None:
        mine = [t for t in self._tries.values() if t.owner == session.owner]
        for old in mine[: max(0, len(mine) - MAX_TRIES_PER_USER + 1)]:
            del self._tries[old.id]
        self._tries[session.id] = session

    def get(self, try_id: str, owner: str) -> TrySession | None:
        found = self._tries.get(try_id)
        return found if found is not None and found.owner == owner else None

    def of(self, owner: str) -> list[TrySession]:
        return [t for t in reversed(list(self._tries.values())) if t.owner == owner]


__all__ = ["PlanFileError", "TriedTurn", "TryError", "TrySession", "Tries", "check_as_of", "fixtures",
           "fixture_text", "parse_plan", "say", "start"]
