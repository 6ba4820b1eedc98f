"""B12IntentClassifier: splitting multi-question messages, the sparse text, and a small train → persist →
load → predict round trip through Rasa's ModelStorage with the real MiniLM encoder."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.paths import ROOT
from bot.vocabulary import DIALOGUE_INTENTS as VOCABULARY_DIALOGUE_INTENTS
from rasa_ext.nlu.classifier import (
    DIALOGUE_INTENTS,
    FALLBACK,
    B12IntentClassifier,
    clean_part,
    sparse_text,
    split_parts,
)


@pytest.mark.parametrize("text, parts", [
    ("When is my next shot and when is my blood work?", ["When is my next shot", "and when is my blood work?"]),
    ("ok thank you. And the blood test, which day?", ["ok thank you.", "And the blood test, which day?"]),
    ("when is my next jab? also can I drink alcohol", ["when is my next jab?", "also can I drink alcohol"]),
    ("Thanks! When is my next shot?", ["Thanks!", "When is my next shot?"]),
    ("can I drink alcohol, and what about coffee?", ["can I drink alcohol", "and what about coffee?"]),
    # a statement of context joins the question after it; a short thanks stays its own part
    ("I am a bit worried. My husband had his jab last week and he feels tired. When is the next one? Thanks.",
     ["I am a bit worried. My husband had his jab last week and he feels tired. When is the next one?", "Thanks."]),
    ("hello. I missed my injection yesterday, what should I do?",
     ["hello.", "I missed my injection yesterday, what should I do?"]),
    # a list of questions between commas
    ("how many more weekly shots do I have, when is my lab work, and do I need to fast?",
     ["how many more weekly shots do I have", "when is my lab work", "and do I need to fast?"]),
])
def test_several_questions_are_split_in_order(text, parts):
    assert split_parts(text) == parts


@pytest.mark.parametrize("text", [
    "which is better, the tablets and the injections",  # "and the" not before a question
    "what is the difference between cyanocobalamin and hydroxocobalamin",
    "Hi, when is my next shot?",
    "I feel tired and dizzy",
    "my dose is 1.5 mg",  # a decimal point is no sentence end
    "yes and thanks",  # too short on both sides
    "My husband had his jab last week. When is the next one?",  # context, then one question
    "I had my injection today and I want to know when the next one is",
    "When is my next jab? I also need to move my appointment next week because of work.",
    "I have pernicious anaemia, what does that mean for my injection plan?",  # a statement, then its question
    "my mum, who is 80, wants to know when her next jab is",  # a relative clause
    "",
])
def test_one_question_stays_whole(text):
    assert split_parts(text) == [text.strip()]


def test_a_part_loses_its_leading_conjunction():
    assert clean_part("and when is my blood work?") == "when is my blood work?"
    assert clean_part("Also, can I drink alcohol") == "can I drink alcohol"
    assert clean_part("and") == "and"


def test_sparse_text_keeps_references_dates_and_numbers_as_placeholders():
    assert sparse_text("Plan for MRN-1042 from 12/03/2025: 1000 mcg") == "plan for  xref  from  xdate :  xnum  mcg"


def test_the_dialogue_intents_are_the_vocabularys():
    assert set(DIALOGUE_INTENTS) == set(VOCABULARY_DIALOGUE_INTENTS)


EXAMPLES = {
    "ask_next_injection": ["when is my next injection", "when is my next b12 shot due", "what date is my next jab",
                           "when do I get my next injection", "next injection date please", "when's my next shot",
                           "what day is my next jab", "when is the next b12 injection"],
    "ask_next_lab_check": ["when is my next blood test", "when are my bloods due", "what day is my blood work",
                           "when do I have my next blood test", "next lab check date", "when is my b12 level checked",
                           "when are my next blood tests", "what date are my labs"],
    "ask_interactions": ["can I drink alcohol", "is alcohol ok with b12 injections", "does metformin affect b12",
                         "can I take omeprazole with my injections", "is wine a problem with b12",
                         "do other medicines interact with b12", "can I drink beer on b12", "alcohol and b12 shots"],
    "thank": ["thanks", "thank you", "thanks a lot", "cheers", "many thanks", "thank you so much", "ta",
              "ok thank you"],
    "greet": ["hello", "hi", "good morning", "hey there", "hiya", "good afternoon", "hi there", "hello again"],
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    resource = Resource("b12_intent")
    context = ExecutionContext(graph_schema=None, node_name="b12_intent")  # type: ignore[arg-type]
    config = {**B12IntentClassifier.get_default_config(), "encoder_path": str(ROOT / "models" / "minilm"),
              "clarify_threshold": 0.3, "clarify_margin": 0.05}
    data = TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in EXAMPLES.items() for text in texts])
    component = B12IntentClassifier.create(config, storage, resource, context)
    component.train(data)
    loaded = B12IntentClassifier.load(config, storage, resource, context)
    return component, loaded


def _parse(component, text):
    message = Message(data={"text": text})
    component.process([message])
    return message


def test_round_trip_predicts_like_rasa_classifiers(trained):
    component, loaded = trained
    assert loaded.model is not None and loaded.model is not component.model
    assert loaded.model.encoder is component.model.encoder  # one shared encoder: the weights are not in the model
    for text, expected in [("when is my next jab due", "ask_next_injection"), ("hello!", "greet"),
                           ("when are my blood tests", "ask_next_lab_check")]:
        message = _parse(loaded, text)
        assert message.get("intent")["name"] == expected, text
        ranking = message.get("intent_ranking")
        assert 1 < len(ranking) <= 10 and ranking[0]["name"] == expected
        assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
        assert message.get("segments") is None
        assert _parse(component, text).get("intent") == message.get("intent")  # persisted = trained
    output = _parse(loaded, "hello!").as_dict(only_output_properties=True)
    assert {"intent", "intent_ranking"} <= set(output)


def test_several_questions_become_segments_and_the_first_question_is_the_intent(trained):
    _, loaded = trained
    message = _parse(loaded, "When is my next shot and when is my blood work?")
    segments = message.get("segments")
    assert [s["intent"] for s in segments] == ["ask_next_injection", "ask_next_lab_check"]
    assert [s["text"] for s in segments] == ["When is my next shot", "when is my blood work?"]
    assert message.get("intent")["name"] == "ask_next_injection"
    assert "segments" in message.as_dict(only_output_properties=True)  # so it reaches the parse data

    message = _parse(loaded, "ok thank you. And the blood test, which day?")
    assert [s["intent"] for s in message.get("segments")][0] == "thank"
    assert message.get("intent")["name"] == "ask_next_lab_check"  # the question, not the thanks

    message = _parse(loaded, "when is my next jab? also can I drink alcohol")
    assert [s["intent"] for s in message.get("segments")] == ["ask_next_injection", "ask_interactions"]


def test_two_parts_with_the_same_intent_keep_the_whole_messages_intent(trained):
    """Both parts are passed on (the service answers the same question once); the intent is the whole message's."""
    _, loaded = trained
    message = _parse(loaded, "when is my next jab? when is my next injection due?")
    assert message.get("intent")["name"] == "ask_next_injection"
    assert [s["intent"] for s in message.get("segments") or []] in ([], ["ask_next_injection"] * 2)


def test_low_confidence_becomes_nlu_fallback_with_the_ranking_kept(trained):
    component, _ = trained
    strict = B12IntentClassifier({**component.component_config, "clarify_threshold": 0.999},
                                 component._model_storage, component._resource, component.model)
    message = _parse(strict, "is it something about my injections")
    ranking = message.get("intent_ranking")
    assert message.get("intent") == {"name": FALLBACK, "confidence": 0.999}
    assert ranking[0] == {"name": FALLBACK, "confidence": 0.999} and len(ranking) > 2
    assert all(r["name"] in EXAMPLES for r in ranking[1:])


def test_intent_payloads_and_empty_texts_are_left_to_rasa(trained):
    _, loaded = trained
    for text in ("/ask_next_injection", "", "   "):
        assert _parse(loaded, text).get("intent") is None


def test_an_untrained_component_predicts_nothing(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(graph_schema=None, node_name="x")  # type: ignore[arg-type]
    component = B12IntentClassifier.load(B12IntentClassifier.get_default_config(), storage, Resource("x"), context)
    assert component.model is None and _parse(component, "hello").get("intent") is None


def test_the_speller_fixes_slips_but_never_references_dates_or_numbers():
    import pickle

    from rasa_ext.nlu.classifier import Speller

    speller = Speller({"jab", "hydroxocobalamin", "bloods"})
    assert speller.correct("wehn is my nxet jabb") == "when is my next jab"
    assert speller.correct("can I take hydroxocobalamn") == "can I take hydroxocobalamin"
    assert speller.correct("MRN-1042 on 12/03/2025 1000mcg bloods") == "MRN-1042 on 12/03/2025 1000mcg bloods"
    assert speller.correct("Hello, when are my bloods?") == "Hello, when are my bloods?"  # known words: as they are
    restored = pickle.loads(pickle.dumps(speller))
    assert restored._symspell is None and restored.correct("nxet jabb") == "next jab"


def test_prediction_features_equal_sklearns_transform(trained):
    import numpy as np
    import scipy.sparse as sp

    model = trained[1].model
    texts = ["when is my next jab due", "", "zzzz", "MRN-1042 on 12/03/2025", "thanks! when are my bloods?"]
    sparse = [sparse_text(t) for t in texts]
    dense = model.encoder.encode(texts)
    expected = sp.hstack([sp.csr_matrix(dense * model.weights[0]), model.word.transform(sparse) * model.weights[1],
                          model.char.transform(sparse) * model.weights[2]], format="csr")
    actual = model._rows(dense, sparse)
    assert actual.shape == expected.shape
    assert abs(actual - expected).max() < 1e-6
    np.testing.assert_allclose(model.probabilities(actual), model.lr.predict_proba(expected), atol=1e-6)
