"""General questions: answered from the regimen knowledge module (facts with sources)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import TurnLog, entities_of, in_thread, logger, store
from bot.knowledge import GENERAL_INTENTS, answer_general


def clear_pending_offer(tracker: Tracker) -> list[EventType]:
    """A new question moves on from an unanswered care-team offer."""
    return [SlotSet("followup_offered", False)] if tracker.get_slot("followup_offered") else []


class ActionAnswerGeneral(Action):
    def name(self) -> str:
        return "action_answer_general"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        log = TurnLog(self.name(), tracker)
        if log.intent not in GENERAL_INTENTS:
            dispatcher.utter_message(response="utter_default")
            log.done("not_general")
            return []
        answer = answer_general(log.intent, entities_of(tracker))
        dispatcher.utter_message(text=answer.text)
        try:
            await in_thread(store().add_audit, log.intent, self.name())
        except SQLAlchemyError:  # the answer needs no database; losing one audit line is logged
            logger.exception("could not write the audit entry")
        log.done()
        return clear_pending_offer(tracker)
