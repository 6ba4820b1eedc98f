"""The verification form: patient reference, then date of birth, checked by bot.identity.

The outcome is recorded server-side by the Verifier (bound to this conversation and client);
the slots only carry what the patient typed in answer to the form's questions.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from sqlalchemy.exc import SQLAlchemyError

from actions.common import conversation_key_of, in_thread, logger, verifier
from bot.identity import normalise_reference

LOCKED = {"verify_reference": "locked", "verify_dob": "locked"}
RETRY = {"verify_reference": None, "verify_dob": None}


class ValidateVerifyIdentityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_verify_identity_form"

    async def validate_verify_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:  # reset when the form starts: nothing typed yet
            return {"verify_reference": None}
        if value == "locked":
            return LOCKED
        key = conversation_key_of(tracker)
        try:
            locked = key is not None and await in_thread(verifier().is_locked, key)
        except SQLAlchemyError:
            logger.exception("plan store unavailable during verification")
            dispatcher.utter_message(response="utter_service_unavailable")
            return LOCKED
        if locked:
            dispatcher.utter_message(response="utter_verification_locked")
            return LOCKED
        reference = normalise_reference(str(value or ""))
        if reference is None:
            dispatcher.utter_message(response="utter_reference_not_understood")
            return {"verify_reference": None}
        return {"verify_reference": reference}

    async def validate_verify_dob(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:
            return {"verify_dob": None}
        if value in ("locked", "verified"):
            return {"verify_dob": value}
        key = conversation_key_of(tracker)
        try:
            result = await in_thread(
                verifier().attempt, key, tracker.get_slot("verify_reference") or "", str(value or "")
            )
        except SQLAlchemyError:
            logger.exception("plan store unavailable during verification")
            dispatcher.utter_message(response="utter_service_unavailable")
            return LOCKED
        if result.ok:
            dispatcher.utter_message(response="utter_verification_ok")
            return {"verify_dob": "verified"}
        if result.reason == "bad_date":
            dispatcher.utter_message(response="utter_dob_not_understood")
            return {"verify_dob": None}
        if result.reason in ("locked", "no_client_key"):
            dispatcher.utter_message(
                response="utter_verification_locked" if result.reason == "locked" else "utter_cannot_verify_here"
            )
            return LOCKED
        dispatcher.utter_message(response="utter_verification_failed")
        return RETRY
