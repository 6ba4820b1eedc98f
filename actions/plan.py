"""Plan questions: identify the patient, fetch their newest documented plan, answer from it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    TurnLog,
    conversation_key_of,
    entities_of,
    identify,
    in_thread,
    logger,
    metadata,
    store,
    today,
    verifier,
)
from bot.answers import PLAN_INTENTS, no_plan_answer, plan_answer
from bot.identity import normalise_reference
from bot.knowledge import more_is_not_better_text
from bot.safety import detect_red_flag

FOLLOWUP_KIND = {"report_missed_dose": "missed_dose", "request_dose_change": "dose_change_request"}


def _outcome(needs_verification: bool = False, followup: str | None = None) -> list[EventType]:
    return [
        SlotSet("needs_verification", needs_verification),
        SlotSet("followup_offered", followup is not None),
        SlotSet("followup_kind", followup),
    ]


class ActionAnswerPlan(Action):
    def name(self) -> str:
        return "action_answer_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        log = TurnLog(self.name(), tracker)
        intent = log.intent if log.intent in PLAN_INTENTS else tracker.get_slot("pending_intent")
        intent = intent if intent in PLAN_INTENTS else "ask_my_plan"

        # Belt and braces: the NLU safety override already routes red flags, but no plan answer
        # may ever come before urgent-care advice.
        if detect_red_flag((tracker.latest_message or {}).get("text") or ""):
            dispatcher.utter_message(response="utter_urgent_care")
            log.done("red_flag")
            return _outcome()

        try:
            events = await in_thread(self._answer, dispatcher, tracker, intent)
        except SQLAlchemyError:
            logger.exception("plan store unavailable")
            dispatcher.utter_message(response="utter_service_unavailable")
            log.done("store_unavailable")
            return _outcome()
        log.done()
        return events

    def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> list[EventType]:
        identity = identify(tracker)
        if identity.reference is None:
            return self._not_identified(dispatcher, tracker, intent)

        plans = store()
        asked_about = {normalise_reference(r) for r in entities_of(tracker).get("patient_reference", [])}
        if asked_about - {None, identity.reference}:
            dispatcher.utter_message(response="utter_only_own_plan")

        record = plans.current_plan(identity.reference)
        if record is None:
            patient = plans.patient(identity.reference)
            answer = no_plan_answer(patient.name if patient else None, intent)
            plans.add_audit(intent, self.name(), reference=identity.reference)
            dispatcher.utter_message(text=answer.text)
            return _outcome() + [SlotSet("pending_intent", None)]

        if intent == "request_dose_change":
            dispatcher.utter_message(text=more_is_not_better_text().text)
        answer = plan_answer(intent, record, today())
        plans.add_audit(intent, self.name(), reference=identity.reference, plan_version_id=record.plan_version_id)
        dispatcher.utter_message(text=answer.text)
        return _outcome(followup=FOLLOWUP_KIND.get(intent)) + [SlotSet("pending_intent", None)]

    def _not_identified(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> list[EventType]:
        if (metadata(tracker).get("patient_token") or "").strip():
            # a token was sent but is not valid: never fall back to anything else
            dispatcher.utter_message(response="utter_token_problem")
            return _outcome()
        key = conversation_key_of(tracker)
        if key is None:
            dispatcher.utter_message(response="utter_cannot_verify_here")
            return _outcome()
        if verifier().is_locked(key):
            dispatcher.utter_message(response="utter_verification_locked")
            return _outcome()
        if tracker.active_loop.get("name") is None and tracker.latest_action_name == "verify_identity_form":
            # the form just ended without a verified identity (e.g. locked meanwhile): do not loop
            dispatcher.utter_message(response="utter_verification_locked")
            return _outcome()
        dispatcher.utter_message(response="utter_verification_intro")
        return _outcome(needs_verification=True) + [
            SlotSet("pending_intent", intent),
            SlotSet("verify_reference", None),
            SlotSet("verify_dob", None),
        ]
