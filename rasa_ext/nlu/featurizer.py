"""MiniLMFeaturizer: the MiniLM sentence embedding as a Rasa dense sentence feature.

For Rasa's own classifiers (LogisticRegressionClassifier, DIETClassifier) in the comparison of
``ops/nlu_configs/``; the chosen pipeline's B12IntentClassifier computes the same embedding itself.
Only the sentence feature is emitted: token-level vectors would need WordPiece pieces aligned to spaCy
tokens, and the sparse n-gram featurizers already give DIET its sequence features. Texts are embedded in
one batch at training and through the shared encoder's cache at prediction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.nlu.encoder import limit_tf_threads, resolve_model_path, shared_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the 384-d MiniLM sentence embedding (mean-pooled, unit length) to each message's text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "encoder_path": "models/minilm", "encoder_backend": "tf",
                "tf_threads": 1, "cache_size": 8192}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        stamp = Path(resolve_model_path(config.get("encoder_path", "models/minilm")), ".b12-stamp.json")
        return stamp.read_text() if stamp.is_file() else None

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        if self._config.get("tf_threads"):
            limit_tf_threads(int(self._config["tf_threads"]))
        self.encoder = shared_encoder(resolve_model_path(self._config["encoder_path"]),
                                      backend=self._config["encoder_backend"], cache_size=self._config["cache_size"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MiniLMFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def process(self, messages: list[Message]) -> list[Message]:
        wanted = [m for m in messages if m.get(TEXT)]
        vectors = self.encoder.encode([m.get(TEXT) for m in wanted])
        for message, vector in zip(wanted, vectors, strict=True):
            message.add_features(Features(vector[None, :], FEATURE_TYPE_SENTENCE, TEXT, self._identifier))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
