"""The red-flag detector measured on the author's development phrasings (tests/unit/red_flag_cases.py).

Targets (the issue): every urgent phrasing gets urgent advice, no non-urgent phrasing does, and partial
evidence gets one check question. The independent evaluation set is measured elsewhere; these are not it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.safety import RED_FLAG_CATEGORIES, screen
from tests.unit.red_flag_cases import CHECK, NOT_URGENT, URGENT


def outcome(text: str) -> tuple[str, str | None]:
    result = screen(text)
    if result.red_flag:
        assert result.check is None  # never both
        return "urgent", result.red_flag.category
    if result.check:
        return "check", result.check.category
    return "none", None


def test_the_dev_sets_are_as_large_and_as_varied_as_the_issue_asks():
    assert len(URGENT) >= 150 and len(NOT_URGENT) >= 150 and len(CHECK) >= 30
    assert {"typo", "slang", "negation", "uk_us", "mixed", "obfuscated", "present"} <= {k for k, _, _ in URGENT}
    assert {"past", "denied", "hypothetical", "figurative", "other", "logistics"} <= {k for k, _ in NOT_URGENT}
    assert set(RED_FLAG_CATEGORIES) <= {category for _, _, category in URGENT}
    assert len({text for _, text, _ in URGENT} | {text for _, text in NOT_URGENT}) == len(URGENT) + len(NOT_URGENT)


@pytest.mark.parametrize(("kind", "text", "category"), URGENT)
def test_urgent_phrasings_get_urgent_advice(kind, text, category):
    assert outcome(text) == ("urgent", category), (kind, screen(text).clauses)


@pytest.mark.parametrize(("kind", "text"), NOT_URGENT)
def test_non_urgent_phrasings_raise_no_alarm_and_no_check(kind, text):
    assert outcome(text) == ("none", None), (kind, screen(text).clauses)


@pytest.mark.parametrize(("kind", "text", "category"), CHECK)
def test_partial_evidence_gets_a_check_question(kind, text, category):
    assert outcome(text) == ("check", category), (kind, screen(text).clauses)


def test_the_figures_on_the_dev_set():
    urgent = Counter(outcome(text)[0] for _, text, _ in URGENT)
    calm = Counter(outcome(text)[0] for _, text in NOT_URGENT)
    partial = Counter(outcome(text)[0] for _, text, _ in CHECK)
    assert urgent["urgent"] / len(URGENT) == 1.0  # recall
    assert calm["urgent"] == 0 and calm["check"] == 0  # false alarms, needless checks
    assert partial["check"] == len(CHECK) and partial["none"] == 0


def test_the_issues_examples():
    assert outcome("when is my next shot? i can barely breathe") == ("urgent", "breathing")
    assert outcome("i have never had chest pain like this") == ("urgent", "chest_pain")
    assert outcome("i am not ok my throat is swelling") == ("urgent", "swelling")
    assert outcome("cnat breathe")[0] == outcome("cant breath")[0] == "urgent"
    for calm in ("I can't come on Thursday", "I was short of breath before I was diagnosed",
                 "no chest pain or anything, just tired", "what does anaphylaxis look like?"):
        assert outcome(calm) == ("none", None), calm


def test_a_red_flag_wins_over_a_check_in_the_same_message():
    assert outcome("a bit wheezy today and now my lips are swelling") == ("urgent", "swelling")


def test_categories_are_reported_in_order_of_urgency():
    assert outcome("I feel a bit confused and I have crushing chest pain") == ("urgent", "chest_pain")
    assert outcome("my heart is racing and I can't breathe") == ("urgent", "breathing")


def test_worsening_known_symptoms_are_a_separate_signal_not_an_emergency():
    for text, symptom in [
        ("the tingling in my feet is getting worse", "tingling"),
        ("my tiredness is back before my next shot", "tiredness"),
        ("the numbness is spreading up my legs", "numbness"),
        ("brain fog is worse again", "brain fog"),
        ("my symptoms are coming back", "symptoms"),
    ]:
        result = screen(text)
        assert (result.red_flag, result.worsening) == (None, symptom), text
    assert screen("the tingling isn't getting worse").worsening is None
    assert screen("what if my tingling comes back?").worsening is None
    sudden = screen("the numbness is getting much worse very quickly")
    assert sudden.red_flag.category == "severe_numbness"


def test_the_screen_is_deterministic_and_frozen():
    text = "chset pain, also my troat is swelling"
    assert len({screen(text) for _ in range(5)}) == 1
    with pytest.raises(AttributeError):
        screen(text).dose_request = True  # type: ignore[misc]


@pytest.mark.parametrize(("text", "category"), [
    ("my breathing has gone all wrong since the shot", "breathing"),
    ("her lips look swole rn", "swelling"),
])
def test_a_symptom_word_without_a_known_phrasing_gets_a_check_question(text, category):
    result = screen(text)
    assert result.red_flag is None and result.check is not None and result.check.category == category


@pytest.mark.parametrize("text", ["I'm out of breath from the stairs lol", "choking back tears here",
                                  "if I get chest pain after the jab should I ring 999?",
                                  "my arm is a bit swollen where the needle went"])
def test_the_last_net_stays_quiet_when_the_context_rules_the_symptom_out(text):
    result = screen(text)
    assert result.red_flag is None and result.check is None


@pytest.mark.parametrize("text", [
    "my husband fall down and not wake", "my mother she shake all the body and not answer",
    "is pain in heart since one hour", "my chest feels like it's in a vice",
    "it's getting harder to breathe every minute",
])
def test_development_set_4_red_flags_get_urgent_advice(text):
    assert screen(text).red_flag is not None, text


@pytest.mark.parametrize("text", [
    "this paperwork is giving me a seizure lol", "I'm choking on all these appointment letters",
    "my wallet's gasping after all these pharmacy trips",
    "I'm writing an essay on anaphylaxis for my nursing course, how often does B12 cause it?",
    "my cat keeps sitting on my chest at night, heavy but cute, unrelated but when's my jab",
    "The nurse asked me the usual questions: any chest pain, any trouble breathing? No to all of them.",
    "Is it true that B12 can give you palpitations?",
    "Years ago I had a reaction to an antibiotic where my face swelled and I had to go to hospital.",
    "my heart is pounding just thinking about my exams!",
])
def test_development_set_4_figures_of_speech_denials_and_past_events_are_not_red_flags(text):
    assert screen(text).red_flag is None, text
