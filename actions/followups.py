"""Passing a question to the care team: a follow-up record staff see with `python -m bot followups list`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import TurnLog, conversation_key_of, identify, in_thread, logger, store

CLEARED = [SlotSet("followup_offered", False), SlotSet("followup_kind", None)]


def record_followup(tracker: Tracker, kind: str) -> bool:
    """Record a follow-up for the identified patient; False when nobody is identified."""
    identity = identify(tracker)
    if identity.reference is None:
        return False
    plans = store()
    record = plans.current_plan(identity.reference)
    plans.add_followup(
        identity.reference, kind, record.version if record else None, conversation_key_of(tracker)
    )
    plans.add_audit(kind, "followup", reference=identity.reference,
                    plan_version_id=record.plan_version_id if record else None)
    return True


class ActionRecordFollowup(Action):
    def name(self) -> str:
        return "action_record_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        log = TurnLog(self.name(), tracker)
        kind = tracker.get_slot("followup_kind") or "question"
        try:
            recorded = await in_thread(record_followup, tracker, kind)
        except SQLAlchemyError:
            logger.exception("plan store unavailable")
            dispatcher.utter_message(response="utter_service_unavailable")
            log.done("store_unavailable")
            return CLEARED
        dispatcher.utter_message(response="utter_followup_recorded" if recorded else "utter_offer_human")
        log.done()
        return CLEARED


class ActionDeclineFollowup(Action):
    def name(self) -> str:
        return "action_decline_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_followup_declined")
        return CLEARED


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        log = TurnLog(self.name(), tracker)
        try:
            await in_thread(record_followup, tracker, "human_requested")
        except SQLAlchemyError:
            logger.exception("plan store unavailable")
        dispatcher.utter_message(response="utter_offer_human")
        log.done()
        return CLEARED
