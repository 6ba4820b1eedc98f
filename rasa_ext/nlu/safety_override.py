"""Rasa NLU component: red flags and dose-change requests win over whatever the classifier predicted.

Place it in config.yml AFTER the intent classifiers and the FallbackClassifier:

    - name: FallbackClassifier
    - name: rasa_ext.nlu.safety_override.SafetyOverride

A message that describes a red-flag symptom becomes `report_emergency` (confidence 1.0) even if the
classifier was unsure (nlu_fallback) or thought it was a plan question, so the dialogue answers with
urgent-care advice first. Otherwise a dose-change request becomes `request_dose_change`. The detectors are the
deterministic ones in bot/safety.py; this file only adapts them to Rasa (the one place in bot/ that imports
rasa). Entities are left untouched so a reference or date in the same message is not lost.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety import detect_dose_change_request, detect_red_flag

logger = logging.getLogger(__name__)

EMERGENCY_INTENT_KEY = "emergency_intent"
DOSE_CHANGE_INTENT_KEY = "dose_change_intent"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverride(GraphComponent, IntentClassifier):
    """Overrides the predicted intent for red-flag symptoms and dose-change requests."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {EMERGENCY_INTENT_KEY: "report_emergency", DOSE_CHANGE_INTENT_KEY: "request_dose_change"}

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.component_config = {**self.get_default_config(), **(config or {})}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyOverride:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn or annotate: the detectors are rules."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            override = self._override_for(message)
            if override is not None:
                self._set_intent(message, override)
        return messages

    def _override_for(self, message: Message) -> str | None:
        text = message.get(TEXT) or ""
        # "/intent{...}" messages are handled by Rasa's RegexMessageHandler after this component.
        if not text or text.startswith("/"):
            return None
        flag = detect_red_flag(text)
        if flag is not None:
            logger.info(
                "red flag %s (%r): intent set to %s",
                flag.category,
                flag.matched,
                self.component_config[EMERGENCY_INTENT_KEY],
            )
            return self.component_config[EMERGENCY_INTENT_KEY]
        if detect_dose_change_request(text):
            logger.info(
                "dose-change request: intent set to %s", self.component_config[DOSE_CHANGE_INTENT_KEY]
            )
            return self.component_config[DOSE_CHANGE_INTENT_KEY]
        return None

    @staticmethod
    def _set_intent(message: Message, intent_name: str) -> None:
        forced = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, dict(forced), add_to_output=True)
        ranking = [
            entry
            for entry in (message.get(INTENT_RANKING_KEY) or [])
            if entry.get(INTENT_NAME_KEY) != intent_name
        ]
        message.set(INTENT_RANKING_KEY, [dict(forced), *ranking], add_to_output=True)
