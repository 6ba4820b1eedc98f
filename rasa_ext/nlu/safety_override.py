"""Rasa NLU component: the safety screen decides red flags and dose-change requests, whatever the classifier
predicted. The rules (bot.safety) decide first; the scorer trained here (rasa_ext/nlu/safety_scorer.py) fills only
the gaps bot/safety/scores.py allows.

Place it in config.yml AFTER the intent classifiers and the FallbackClassifier:

    - name: FallbackClassifier
    - name: rasa_ext.nlu.safety_override.SafetyOverride

A thin adapter over `bot.safety.screen` (one normalisation and clause split per message) and the scorer:
- the screen, with the scores combined in, goes into the message as `b12_screen` (a plain dict, in the parse
  output), the scores as `b12_safety_scores`;
- a red flag makes the intent `report_emergency` (confidence 1.0), even if the classifier was unsure or thought
  it was a plan question, so the dialogue answers with urgent-care advice first;
- otherwise a dose-change request makes it `request_dose_change`;
- a classifier prediction of `report_emergency` without a red flag does not stand: the next-ranked intent takes
  its place (a check question, if the screen saw partial evidence, is in `b12_screen`);
- `b12_suspected_emergency` is the scorer's red-flag score: with no evidence of the rules, a high one earns one
  check question in the conversation, never urgent advice.
Entities are left untouched so a reference or date in the same message is not lost.
"""

from __future__ import annotations

import logging
from pathlib import Path
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

from bot.paths import ROOT
from bot.safety import Screen, dose_rule_wins, screen
from bot.safety.scores import combine
from bot.vocabulary import FALLBACK_INTENT
from rasa_ext.nlu import persistence
from rasa_ext.nlu.classifier import encoder_for
from rasa_ext.nlu.safety_scorer import SafetyScorer, training_set

logger = logging.getLogger(__name__)

EMERGENCY_INTENT_KEY = "emergency_intent"
DOSE_CHANGE_INTENT_KEY = "dose_change_intent"
SCREEN_KEY = "b12_screen"
SCORES_KEY = "b12_safety_scores"
SUSPECTED_KEY = "b12_suspected_emergency"  # the scorer's red-flag score (urgent + check)
SCORER_FILE = "b12_safety_scorer.joblib"



@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyOverride(GraphComponent, IntentClassifier):
    """Overrides the predicted intent for red-flag symptoms and dose-change requests."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {EMERGENCY_INTENT_KEY: "report_emergency", DOSE_CHANGE_INTENT_KEY: "request_dose_change",
                "training_files": ["data/safety/dev_cases_1.yml", "data/safety/dev_cases_2.yml",
                                   "data/safety/dev_cases_3.yml", "data/safety/dev_cases_4.yml"],
                "red_C": 10.0, "dose_C": 1.0, "random_seed": 42,
                "encoder_path": "models/minilm", "encoder_backend": "tf", "tf_threads": 1, "cache_size": 8192}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the scorer's phrasings, its code or the encoder change (Rasa sees only the NLU data)."""
        from rasa_ext.nlu.encoder import resolve_model_path

        here = Path(__file__).parent
        files = [here / "safety_scorer.py", here / "classifier.py", here / "encoder.py", ROOT / "bot/safety/text.py",
                 Path(resolve_model_path(config.get("encoder_path", "models/minilm")), ".b12-stamp.json")]
        files += [ROOT / name for name in config.get("training_files", cls.get_default_config()["training_files"])]
        return persistence.files_digest(files)

    def __init__(self, config: dict[str, Any] | None = None, model_storage: ModelStorage | None = None,
                 resource: Resource | None = None, scorer: SafetyScorer | None = None) -> None:
        self.component_config = {**self.get_default_config(), **(config or {})}
        self._model_storage, self._resource, self.scorer = model_storage, resource, scorer

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyOverride:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        c = self.component_config
        examples = [(m.get(TEXT), m.get(INTENT)) for m in training_data.intent_examples if m.get(TEXT)]
        data = training_set(examples, [ROOT / name for name in c["training_files"]])
        self.scorer = SafetyScorer(encoder_for(c), red_C=c["red_C"], dose_C=c["dose_C"],
                                   seed=c["random_seed"]).fit(data)
        logger.info("safety scorer trained on %d red-flag and %d dose phrasings", len(data.red_texts),
                    len(data.dose_texts))
        persistence.save(self._model_storage, self._resource, SCORER_FILE, self.scorer)
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SafetyOverride:
        component = cls(config, model_storage, resource)
        scorer = persistence.load(model_storage, resource, SCORER_FILE)
        if scorer is None:
            logger.warning("SafetyOverride: no trained scorer in the model; the rules alone decide.")
            return component
        scorer.encoder = encoder_for(component.component_config)
        component.scorer = scorer
        return component

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            # "/intent{...}" messages are handled by Rasa's RegexMessageHandler after this component.
            if not text or text.startswith("/"):
                continue
            scores = self.scorer.scores([text])[0] if self.scorer is not None else None
            result = combine(screen(text), scores)
            message.set(SCREEN_KEY, result.as_dict(), add_to_output=True)
            if scores is not None:
                message.set(SCORES_KEY, scores.as_dict(), add_to_output=True)
                message.set(SUSPECTED_KEY, round(scores.red_flag, 4), add_to_output=True)
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
        message.set(INTENT, replacement, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(entry) for entry in ranking], add_to_output=True)

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
