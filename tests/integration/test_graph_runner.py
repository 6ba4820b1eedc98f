"""Our sequential graph runner gives exactly what Rasa's dask runner gives, on the trained model."""

from __future__ import annotations

import pytest
import rasa.core.processor
from rasa.core.channels.channel import UserMessage
from rasa.engine import loader
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from ops.training import latest_model
from rasa_ext import performance

pytestmark = pytest.mark.live

MESSAGES = [
    "how long am I on weekly shots?",
    "when is my next jab",
    "can i switch to tablets instead",
    "I have chest pain after my injection",
    "should I take 2000 mcg of cyanocobalamin every week?",
    "MRN-1001",
    "asdfghjkl",
]


@pytest.fixture(scope="module")
def runners(tmp_path_factory):
    model = latest_model()
    assert model is not None, "no trained model"
    loaded = {}
    for cls in (DaskGraphRunner, performance.SequentialGraphRunner):
        loaded[cls] = loader.load_predict_graph_runner(
            tmp_path_factory.mktemp(cls.__name__), model, LocalModelStorage, cls
        )
    return loaded


def test_the_rasa_server_loads_models_with_the_sequential_runner() -> None:
    assert rasa.core.processor.DaskGraphRunner is performance.SequentialGraphRunner


def _parse(metadata, runner, text: str) -> dict:
    tracker = DialogueStateTracker("test", [])
    results = runner.run(
        inputs={PLACEHOLDER_MESSAGE: [UserMessage(text, message_id="m1")], PLACEHOLDER_TRACKER: tracker},
        targets=[metadata.nlu_target],
    )
    parsed = results[metadata.nlu_target][0].as_dict()
    parsed["text_spacy_doc"] = parsed["text_spacy_doc"].to_json()  # spaCy docs compare by identity
    return parsed


def test_nlu_results_are_identical(runners) -> None:
    (metadata, dask_runner), (_, ours) = runners.values()
    for text in MESSAGES:
        assert _parse(metadata, ours, text) == _parse(metadata, dask_runner, text), text


def test_policy_predictions_are_identical(runners) -> None:
    (metadata, dask_runner), (_, ours) = runners.values()
    for text in MESSAGES:
        parsed = _parse(metadata, dask_runner, text)
        tracker = DialogueStateTracker("test", [])
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(text, parsed["intent"], parsed.get("entities", [])))
        target = metadata.core_target
        expected = dask_runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[target])[target]
        actual = ours.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[target])[target]
        assert actual.max_confidence_index == expected.max_confidence_index, text
        assert actual.probabilities == expected.probabilities and actual.policy_name == expected.policy_name


def test_an_input_named_like_a_node_is_refused(runners) -> None:
    (metadata, _), (_, ours) = runners.values()
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        ours.run(inputs={"x": metadata.nlu_target}, targets=[metadata.nlu_target])


def test_predictions_from_the_last_events_equal_those_from_the_whole_conversation(runners) -> None:
    """A long conversation is predicted from its last PREDICTION_WINDOW events (flat cost per turn); for every
    turn the action is the one the whole history gives."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet

    (metadata, dask_runner), _ = runners.values()
    domain = Domain.load("domain.yml")
    tracker = DialogueStateTracker("long", domain.slots)
    target = metadata.core_target
    for turn in range(30):
        text = MESSAGES[turn % len(MESSAGES)]
        parsed = _parse(metadata, dask_runner, text)
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(text, parsed["intent"], parsed.get("entities", [])))
        full = dask_runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[target])[target]
        window = performance._window(tracker, domain)
        assert len(window.events) <= performance.PREDICTION_WINDOW or turn < 10
        windowed = dask_runner.run(inputs={PLACEHOLDER_TRACKER: window}, targets=[target])[target]
        assert windowed.max_confidence_index == full.max_confidence_index, (turn, text)
        tracker.update(ActionExecuted("action_respond"))
        tracker.update(SlotSet("b12_context", {"turn": turn + 1}))
