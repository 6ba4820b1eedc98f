"""Rasa NLU component: the deterministic safety screen decides red flags and dose-change requests, whatever the
classifier predicted.

Place it in config.yml AFTER the intent classifiers and the FallbackClassifier:

    - name: FallbackClassifier
    - name: rasa_ext.nlu.safety_override.SafetyOverride

A thin adapter over `bot.safety.screen` (one normalisation and clause split per message):
- the screen result goes into the message as `b12_screen` (a plain dict, in the parse output);
- a red flag makes the intent `report_emergency` (confidence 1.0), even if the classifier was unsure or thought
  it was a plan question, so the dialogue answers with urgent-care advice first;
- otherwise a dose-change request makes it `request_dose_change`;
- a classifier prediction of `report_emergency` without a red flag does not stand: the next-ranked intent takes
  its place (a check question, if the screen saw partial evidence, is in `b12_screen`).
Entities are left untouched so a reference or date in the same message is not lost.
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

from bot.safety import Screen, dose_rule_wins, screen
from bot.vocabulary import FALLBACK_INTENT

logger = logging.getLogger(__name__)

EMERGENCY_INTENT_KEY = "emergency_intent"
DOSE_CHANGE_INTENT_KEY = "dose_change_intent"
SCREEN_KEY = "b12_screen"
SUSPECTED_KEY = "b12_suspected_emergency"  # the classifier's report_emergency confidence, when it was demoted



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
            text = message.get(TEXT) or ""
            # "/intent{...}" messages are handled by Rasa's RegexMessageHandler after this component.
            if not text or text.startswith("/"):
                continue
            result = screen(text)
            message.set(SCREEN_KEY, result.as_dict(), add_to_output=True)
            override = self._override_for(result)
            intent = message.get(INTENT) or {}
            if override == self.component_config[DOSE_CHANGE_INTENT_KEY] and not dose_rule_wins(
                    intent.get(INTENT_NAME_KEY), float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)):
                override = None
            if override is not None:
                self._set_intent(message, override)
            elif self._predicted(message) == self.component_config[EMERGENCY_INTENT_KEY]:
                self._demote_emergency(message, result)
        return messages

    def _override_for(self, result: Screen) -> str | None:
        if result.red_flag is not None:
            logger.info(
                "red flag %s (%r): intent set to %s",
                result.red_flag.category,
                result.red_flag.matched,
                self.component_config[EMERGENCY_INTENT_KEY],
            )
            return self.component_config[EMERGENCY_INTENT_KEY]
        if result.dose_request:
            logger.info("dose-change request: intent set to %s", self.component_config[DOSE_CHANGE_INTENT_KEY])
            return self.component_config[DOSE_CHANGE_INTENT_KEY]
        return None

    @staticmethod
    def _predicted(message: Message) -> str | None:
        return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)

    def _demote_emergency(self, message: Message, result: Screen) -> None:
        """The classifier alone never gives urgent advice: the next-ranked intent replaces report_emergency."""
        emergency = self.component_config[EMERGENCY_INTENT_KEY]
        ranking = [
            entry for entry in (message.get(INTENT_RANKING_KEY) or []) if entry.get(INTENT_NAME_KEY) != emergency
        ]
        if ranking:
            replacement = {INTENT_NAME_KEY: ranking[0][INTENT_NAME_KEY],
                           PREDICTED_CONFIDENCE_KEY: ranking[0].get(PREDICTED_CONFIDENCE_KEY, 0.0)}
        else:
            replacement = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 0.0}
        logger.info(
            "classifier said %s without a red flag (check: %s): intent set to %s",
            emergency,
            result.check.category if result.check else None,
            replacement[INTENT_NAME_KEY],
        )
        suspected = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        message.set(INTENT, replacement, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(entry) for entry in ranking], add_to_output=True)
        # kept for the conversation service: the classifier's suspicion alone is partial evidence, worth one
        # check question, never urgent advice
        message.set(SUSPECTED_KEY, suspected, add_to_output=True)

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
