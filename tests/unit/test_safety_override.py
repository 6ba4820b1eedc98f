"""The NLU component that puts red flags and dose-change requests ahead of the classifier."""

from __future__ import annotations

import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety.scores import Scores
from rasa_ext.nlu.safety_override import SafetyOverride


def predicted(text: str, intent: str, confidence: float, *others: tuple[str, float]) -> Message:
    """A message as it leaves the FallbackClassifier: text, top intent, ranking and maybe entities."""
    ranking = [{"name": intent, "confidence": confidence}] + [
        {"name": name, "confidence": conf} for name, conf in others
    ]
    return Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking,
            "entities": [{"entity": "patient_reference", "value": "MRN-1042", "start": 0, "end": 8}],
        }
    )


@pytest.fixture
def component():
    return SafetyOverride.create(SafetyOverride.get_default_config(), None, None, None)


def test_it_is_registered_as_a_trainable_intent_classifier():  # it trains the scorer
    registered = DefaultV1Recipe._registered_components[SafetyOverride.__name__]
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types
    assert registered.is_trainable is True


class _FixedScorer:
    """Stands in for the trained scorer: the same scores for every message."""

    def __init__(self, **scores: float) -> None:
        self.fixed = Scores(**scores)

    def scores(self, texts):
        return [self.fixed for _ in texts]


def test_partial_evidence_that_the_scorer_reads_as_urgent_becomes_a_red_flag():
    component = SafetyOverride(scorer=_FixedScorer(urgent=0.9, check=0.05))
    message = predicted("my chest feels a bit odd", "ask_side_effects", 0.7)
    [out] = component.process([message])
    assert out.get("intent") == {"name": "report_emergency", "confidence": 1.0}
    assert out.get("b12_screen")["red_flag"]["category"] == "chest_pain"
    assert out.get("b12_safety_scores") == {"urgent": 0.9, "check": 0.05, "dose": 0.0}


def test_the_scorer_alone_leaves_the_intent_and_passes_on_its_suspicion():
    component = SafetyOverride(scorer=_FixedScorer(urgent=0.99, check=0.0))
    message = predicted("when is my next injection", "ask_next_injection", 0.83)
    [out] = component.process([message])
    assert out.get("intent") == {"name": "ask_next_injection", "confidence": 0.83}
    assert out.get("b12_screen")["red_flag"] is None
    assert out.get("b12_suspected_emergency") == 0.99


def test_a_very_high_dose_score_makes_a_dose_change_request():
    component = SafetyOverride(scorer=_FixedScorer(dose=0.99))
    [out] = component.process([predicted("what about doing two this week", "ask_next_injection", 0.5)])
    assert out.get("intent") == {"name": "request_dose_change", "confidence": 1.0}


@pytest.mark.parametrize(
    ("text", "classified_as"),
    [
        ("when is my next shot, also my throat is swelling", "ask_next_injection"),
        ("chest pian since the jab", "nlu_fallback"),
        ("I fainted after the injection, what's my plan?", "ask_my_plan"),
        ("can I double my dose? I can't breathe properly", "request_dose_change"),
    ],
)
def test_red_flags_become_report_emergency_with_full_confidence(component, text, classified_as):
    message = predicted(text, classified_as, 0.91, ("greet", 0.05))
    [out] = component.process([message])
    assert out.get("intent") == {"name": "report_emergency", "confidence": 1.0}
    ranking = out.get("intent_ranking")
    assert ranking[0] == {"name": "report_emergency", "confidence": 1.0}
    assert [r["name"] for r in ranking].count("report_emergency") == 1
    assert classified_as in [r["name"] for r in ranking[1:]]  # the classifier's view is kept for the logs


def test_dose_change_requests_become_request_dose_change(component):
    message = predicted("can I take 2,000 mcg instead", "ask_typical_starting_dose", 0.6, ("greet", 0.3))
    [out] = component.process([message])
    assert out.get("intent") == {"name": "request_dose_change", "confidence": 1.0}
    assert out.get("intent_ranking")[0]["name"] == "request_dose_change"


def test_an_existing_entry_for_the_forced_intent_is_not_duplicated(component):
    message = predicted("I have hives all over", "ask_side_effects", 0.5, ("report_emergency", 0.4))
    [out] = component.process([message])
    names = [r["name"] for r in out.get("intent_ranking")]
    assert names == ["report_emergency", "ask_side_effects"]


def test_ordinary_messages_keep_the_classifiers_prediction(component):
    message = predicted("when is my next injection", "ask_next_injection", 0.83, ("ask_my_plan", 0.1))
    [out] = component.process([message])
    assert out.get("intent") == {"name": "ask_next_injection", "confidence": 0.83}
    assert [r["name"] for r in out.get("intent_ranking")] == ["ask_next_injection", "ask_my_plan"]


def test_entities_are_left_untouched(component):
    message = predicted("MRN-1042 my lips are swelling", "provide_identity", 0.7)
    entities_before = list(message.get("entities"))
    [out] = component.process([message])
    assert out.get("intent")["name"] == "report_emergency"
    assert out.get("entities") == entities_before


def test_intent_trigger_messages_are_left_to_rasa(component):
    message = predicted('/ask_my_plan{"patient_reference":"MRN-2077"}', "ask_my_plan", 1.0)
    [out] = component.process([message])
    assert out.get("intent") == {"name": "ask_my_plan", "confidence": 1.0}


def test_a_batch_is_processed_message_by_message(component):
    messages = [
        predicted("hello", "greet", 0.9),
        predicted("I passed out", "out_of_scope", 0.4),
        predicted("should I skip next week's shot", "report_missed_dose", 0.5),
    ]
    out = component.process(messages)
    assert [m.get("intent")["name"] for m in out] == ["greet", "report_emergency", "request_dose_change"]


def test_a_message_without_a_prediction_still_gets_the_override(component):
    message = Message(data={"text": "my chest feels tight"})
    [out] = component.process([message])
    assert out.get("intent")["name"] == "report_emergency"
    assert out.get("intent_ranking") == [{"name": "report_emergency", "confidence": 1.0}]


def test_intent_names_are_configurable(component):
    custom = SafetyOverride({"emergency_intent": "urgent", "dose_change_intent": "dose_question"})
    messages = [predicted("I can't breathe", "greet", 0.9), predicted("double my dose", "greet", 0.9)]
    out = custom.process(messages)
    assert [m.get("intent")["name"] for m in out] == ["urgent", "dose_question"]


def test_training_data_passes_through_unchanged(component):
    data = TrainingData([Message(data={"text": "chest pain", "intent": "report_emergency"})])
    assert component.process_training_data(data) is data
    assert data.training_examples[0].get("intent") == "report_emergency"


def test_the_screen_result_is_in_the_message_as_a_plain_dict(component):
    message = predicted("when is my next shot? i can barely breathe", "ask_next_injection", 0.9)
    [out] = component.process([message])
    result = out.get("b12_screen")
    assert result["red_flag"] == {"category": "breathing", "matched": "can barely breathe"}
    assert result["check"] is None and result["dose_request"] is False
    assert result["clauses"] == ["when is my next shot", "i can barely breathe"]
    assert "b12_screen" in out.output_properties  # in the parse output, for the action server


def test_a_classifier_emergency_without_a_red_flag_gives_way_to_the_next_intent(component):
    message = predicted("I was short of breath before I was diagnosed", "report_emergency", 0.7,
                        ("ask_neurologic_symptoms", 0.2), ("greet", 0.1))
    [out] = component.process([message])
    assert out.get("intent") == {"name": "ask_neurologic_symptoms", "confidence": 0.2}
    assert [r["name"] for r in out.get("intent_ranking")] == ["ask_neurologic_symptoms", "greet"]
    assert out.get("b12_screen")["red_flag"] is None


def test_partial_evidence_is_recorded_as_a_check_and_never_forced_to_an_emergency(component):
    message = predicted("a bit wheezy today", "report_emergency", 0.8, ("ask_side_effects", 0.15))
    [out] = component.process([message])
    assert out.get("intent")["name"] == "ask_side_effects"
    assert out.get("b12_screen")["check"] == {"category": "breathing", "matched": "wheezy"}


def test_a_lone_classifier_emergency_falls_back(component):
    message = predicted("this form is giving me a heart attack", "report_emergency", 0.6)
    [out] = component.process([message])
    assert out.get("intent") == {"name": "nlu_fallback", "confidence": 0.0}
    assert out.get("intent_ranking") == []


def test_a_dose_request_the_classifier_called_an_emergency_becomes_a_dose_request(component):
    message = predicted("i already took a double dose, is that ok?", "report_emergency", 0.5, ("greet", 0.1))
    [out] = component.process([message])
    assert out.get("intent")["name"] == "request_dose_change"
    assert out.get("b12_screen")["dose_request"] is True
