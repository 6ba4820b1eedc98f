"""Red flags: urgent-care advice first, and nothing else in that turn."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import TurnLog, in_thread, logger, store
from actions.general import clear_pending_offer


class ActionRedFlag(Action):
    def name(self) -> str:
        return "action_red_flag"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        log = TurnLog(self.name(), tracker)
        dispatcher.utter_message(response="utter_urgent_care")
        dispatcher.utter_message(response="utter_urgent_care_followup")
        try:
            await in_thread(store().add_audit, "report_emergency", self.name())
        except SQLAlchemyError:
            logger.exception("could not write the audit entry")
        log.done()
        return clear_pending_offer(tracker)
