"""The one custom action: every user message is answered by services/conversation.py.

This adapter reads the tracker into a `Turn` (text, intent, entities, the parts of a multi-question
message, the caller's token and conversation key, the conversation's context), runs the service off the
event loop and turns its `Reply` into messages and the context slot. No business rule lives here.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import in_thread, log_turn, polite_when_store_unavailable, store
from bot.conversation import Reply, Segment, Turn, split_payload
from bot.identity import Verifier, conversation_key
from bot.safety import Screen
from services.conversation import respond

CONTEXT_SLOT = "b12_context"
TEST_REFERENCE_PREFIXES = ("FLOW-", "TEST-")  # only test patients may be answered "as of" another day


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def turn_of(tracker: Tracker) -> Turn:
    message = tracker.latest_message if isinstance(tracker.latest_message, dict) else {}
    metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
    intent = message.get("intent") if isinstance(message.get("intent"), dict) else {}
    entities: dict[str, tuple[str, ...]] = {}
    for entity in _list(message.get("entities")):
        if isinstance(entity, dict) and isinstance(entity.get("entity"), str):
            entities.setdefault(entity["entity"], ())
            entities[entity["entity"]] += (str(entity.get("value")),)
    ranking = tuple((r["name"], _number(r.get("confidence"))) for r in _list(message.get("intent_ranking"))
                    if isinstance(r, dict) and isinstance(r.get("name"), str))
    segments = tuple(Segment(_text(s.get("text")), _text(s.get("intent")), _number(s.get("confidence")))
                     for s in _list(message.get("segments")) if isinstance(s, dict))
    client_key = metadata.get("client_key")
    token = metadata.get("patient_token")
    context = tracker.get_slot(CONTEXT_SLOT)
    text = _text(message.get("text"))
    return Turn(
        text=text,
        intent=_text(intent.get("name")) or None,
        confidence=_number(intent.get("confidence")),
        ranking=ranking,
        entities=entities,
        segments=segments,
        token=token if token is None or isinstance(token, str) else repr(type(token)),  # a non-string is invalid
        conversation_key=conversation_key(tracker.sender_id, client_key) if isinstance(client_key, str) else None,
        client=_text(metadata.get("b12_client")) or None,
        context=context if isinstance(context, dict) else {},
        today=date.today(),
        from_button=split_payload(text) == (True, ""),
        screen=Screen.from_dict(message.get("b12_screen")),
        suspected_emergency=_number(message.get("b12_suspected_emergency")),
    )


def _as_of(turn: Turn, tracker: Tracker, verifier: Verifier) -> Turn:
    """The staff console may ask "what will this test patient be told on 10 Jan?" (metadata b12_today);
    honoured only for a signed-in test patient, never for a real one."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    wanted = metadata.get("b12_today") if isinstance(metadata, dict) else None
    if not isinstance(wanted, str) or not turn.token:
        return turn
    try:
        day = date.fromisoformat(wanted)
    except ValueError:
        return turn
    identity = verifier.identify(token=turn.token, conversation_key=turn.conversation_key)
    if identity.reference and identity.reference.startswith(TEST_REFERENCE_PREFIXES):
        from dataclasses import replace

        return replace(turn, today=day)
    return turn


def _dispatch(reply: Reply, dispatcher: CollectingDispatcher) -> None:
    for message in reply.messages:
        buttons = [{"title": b.title, "type": "web_url", "url": b.url} if b.url else
                   {"title": b.title, "payload": b.payload} for b in message.buttons]
        if message.response:
            dispatcher.utter_message(response=message.response, **({"buttons": buttons} if buttons else {}))
        else:
            dispatcher.utter_message(text=message.text, **({"buttons": buttons} if buttons else {}))


class ActionRespond(Action):
    def name(self) -> str:
        return "action_respond"

    @polite_when_store_unavailable
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        started = time.perf_counter()
        plans = store()
        verifier = Verifier(plans)

        def answer() -> Reply:
            return respond(_as_of(turn_of(tracker), tracker, verifier), plans, verifier)

        reply = await in_thread(answer)
        _dispatch(reply, dispatcher)
        log_turn(self.name(), tracker, reply.outcome, started)
        return [SlotSet(CONTEXT_SLOT, reply.context)]
