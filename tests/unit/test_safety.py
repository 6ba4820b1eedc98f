"""Red flags first, never dose advice: the deterministic safety checks in bot/safety/ (the original cases)."""

from __future__ import annotations

import time

import pytest

from bot.safety import (
    RED_FLAG_CATEGORIES,
    RedFlag,
    contains_dose_advice,
    detect_dose_change_request,
    detect_red_flag,
)

# (message, expected category): typos, fragments, third-person reports, red flags inside a plan question.
RED_FLAGS = [
    ("I have chest pain", "chest_pain"),
    ("chest pian since this morning", "chest_pain"),
    ("chset pain and sweating", "chest_pain"),
    ("my chest feels really tight", "chest_pain"),
    ("there's a crushing pressure in my chest", "chest_pain"),
    ("how many shots left? my chest hurts", "chest_pain"),
    ("not sure if this is chest pain but it hurts", "chest_pain"),
    ("the chest pain has not gone away", "chest_pain"),
    ("I cant breath", "breathing"),
    ("i can't breathe properly after the jab", "breathing"),
    ("I'm really short of breath", "breathing"),
    ("shortness of breath since the injection", "breathing"),
    ("im having trouble breathing", "breathing"),
    ("I can't stop wheezing", "breathing"),
    ("no fever but I can't breathe", "breathing"),
    ("no chest pain and I can't breathe", "breathing"),
    ("my troat is swelling", "swelling"),
    ("when is my next shot, also my throat is swelling", "swelling"),
    ("my lips and tongue are swollen", "swelling"),
    ("swelling of my face after the injection", "swelling"),
    ("I thnik my troat is closing up", "swelling"),
    ("I can't swallow", "swelling"),
    ("I have hives all over", "allergic_rash"),
    ("broke out in hives after the shot", "allergic_rash"),
    ("a blistering rash on my arms", "allergic_rash"),
    ("I got a rash after my injection", "allergic_rash"),
    ("itchy all over since the jab", "allergic_rash"),
    ("I think I'm having an allergic reaction", "allergic_rash"),
    ("I fainted after the injection", "fainting"),
    ("I passed out in the kitchen", "fainting"),
    ("I feel like I'm going to faint", "fainting"),
    ("I keep blacking out", "fainting"),
    ("I feel faint and dizzy", "fainting"),
    ("sudden weakness in my left arm", "sudden_weakness"),
    ("suddenly my leg went weak", "sudden_weakness"),
    ("one side of my face is drooping", "sudden_weakness"),
    ("my mum is suddenly very confused", "confusion"),
    ("he is confused and drowsy", "confusion"),
    ("she doesn't recognise me", "confusion"),
    ("severe numbness in both legs", "severe_numbness"),
    ("the numbness is getting much worse", "severe_numbness"),
    ("my heart is racing and pounding", "irregular_heartbeat"),
    ("palpitations since the injection", "irregular_heartbeat"),
    ("When's my next B12 jab? Also my throat feels tight and my lips are swelling up", "swelling"),
    ("Can you tell me my lab check date, btw I blacked out this morning", "fainting"),
    ("my husband is having a seizure", "seizure"),
    ("she's choking on something", "choking"),
    ("his lips have gone blue", "blue_lips"),
]

# Chest, breathing and friends mentioned in passing, denied, or over: not an emergency.
NOT_RED_FLAGS = [
    "I had a chest x-ray last year, does that matter?",
    "I do breathing exercises at yoga, is that ok after the injection?",
    "I held my breath during the shot",
    "my chest freezer is full of food",
    "no chest pain, just wondering when my next injection is",
    "I don't have any trouble breathing, when is my lab check?",
    "I keep my injection record in my chest of drawers",
    "breathing is fine, when is my next shot?",
    "I took a deep breath before the needle",
    "the nurse listened to my chest",
    "no swelling at all, just a small bruise",
    "I never fainted but needles make me nervous",
    "should I hold my breath when the nurse injects?",
    "I'm not short of breath at all",
    "there is no rash or swelling",
    "I'm a bit confused about my schedule",
    "my chest infection cleared up last month",
    "the chest pain I had last week has gone",
    "there's a faint mark where the needle went",
    "I can't hold my breath for long during the jab",
    "I don't know where I am in my plan",
    "any problem with breathing exercises after the injection?",
    "I feel weak and tired, is that the B12?",
    "some numbness in my toes, when will it improve?",
    "I'm in a rush, when's my next jab",
    "I painted the kitchen and my chest is fine",
    "I have a small rash where the needle went",
    "my eyes are puffy in the morning",
    "I love hikes, can I still go after the shot?",
    "my month has been busy, when is my next injection?",
    "I'm out of breath from running upstairs, lol",
    "my dad is confused about the dates",
]

DOSE_CHANGE_REQUESTS = [
    "can I have more shots",
    "should I double my dose",
    "can I take 2,000 mcg instead",
    "can I get an extra injection this week",
    "can I stop early",
    "can I skip next week's shot",
    "can I take it twice a week",
    "I want a higher dose",
    "can we reduce the dose",
    "can I have it less often",
    "I'd like to go monthly now instead of weekly",
    "please increase my injections",
    "double up to make up for the missed one?",
    "I'm going to skip my shot this week",
    "can I stop the weekly injections now that I feel better",
    "could I have two injections this week",
    "is it ok to have a bigger dose",
    "why not give me 5000 mcg",
    "what if I skip a week",
    "I want to space the injections out",
    "can I cut down to every two weeks",
    "can I start maintenance early",
    "I think I need more b12 shots",
    "lower my dose please",
    "should i take two to make up for the one i missed",
    "can i come off the injections",
    "shuold I doble my dose",
]

ORDINARY_QUESTIONS = [
    "I'm vegan, how does that change my b12 injections?",
    "does being vegan change my injections?",
    "when is my next injection",
    "how many more shots do I have left",
    "what is my dose",
    "when does maintenance start",
    "what does weekly mean",
    "I missed my injection last week, what now?",
    "when is my next blood test",
    "what's the difference between cyanocobalamin and hydroxocobalamin",
    "is it normal to feel tired after the shot",
    "can I switch to tablets instead of injections",
    "is a higher dose better?",
    "when do I stop the weekly shots",
    "can I skip the blood test",
    "can you tell me when my next shot is",
    "I skipped my shot last week, what should I do?",
    "can I have my injection at a different clinic",
    "when will I switch to monthly injections",
    "can I drink alcohol after my jab",
    "I don't want to double my dose",
    "can you show me my whole plan",
    "should I bring my injection record",
    "do more injections work faster",
]

DOSE_ADVICE = [
    "Take an extra injection this week.",
    "You should double your next dose.",
    "You can skip next week's shot.",
    "Just stop the injections once you feel better.",
    "It's fine to increase to 2,000 mcg.",
    "Go ahead and double up.",
    "You could have two shots this week to catch up.",
    "Try reducing your dose to 500 mcg.",
    "I recommend you take another injection.",
    "Feel free to space your injections out.",
    "You may stop the weekly shots early.",
    "Please add an extra jab on Friday.",
    "Increase your dose.",
    "Consider skipping the next injection.",
    "If you missed a dose, take an extra one tomorrow.",
    "You can switch to tablets instead.",
    "Your clinician can't be reached now, so you should take an extra dose.",
    "You can take 2,000 mcg this week.",
    "Don't worry. Double your next dose.",
    "Doubling up is fine.",
    "An extra shot this week would be ok.",
    "You don't need to take your next injection.",
]

NOT_DOSE_ADVICE = [
    "The bot cannot change your dose.",
    "Never double a dose without your clinician.",
    "Please don't skip a dose; ask your care team first.",
    "Only your clinician can change your dose.",
    "More B12 is not better: extra shots do not speed recovery.",
    "Your next injection is due on Tuesday 15 Dec 2026, as documented by Dr. Priya Shah on 2 Nov 2026.",
    "I can't tell you to take an extra dose, but I can pass your question to your care team.",
    "Do not stop your injections without talking to your clinician.",
    "If you missed a dose, contact your clinic; they will tell you what to do.",
    "Your plan lists 1,000 mcg every week for 6 doses.",
    "Your clinician may decide to increase the dose after your blood test.",
    "Ask your clinician before you change anything.",
    "Bring your injection record to the reassessment visit.",
    "Take your injection record to your next visit.",
    "Would you like me to pass your question about a higher dose to your care team?",
    "It is never safe to double up without your clinician's say-so.",
    "Ask your clinician whether you should skip a dose.",
    "Never double, skip or stop a dose on your own.",
    "You can get your injection at the clinic on Tuesdays.",
    "You may have a sore arm after the injection.",
    "Take your next injection as documented by Dr. Priya Shah.",
    "Don't forget your injection record.",
    "Doubling up is not safe without your clinician.",
    "You don't need to double up after a missed dose; your care team will advise.",
    "An extra shot is not better.",
    "",
]


def test_the_lists_are_as_long_as_the_brief_asks():
    assert len(RED_FLAGS) >= 30
    assert len(NOT_RED_FLAGS) >= 20
    assert len(DOSE_CHANGE_REQUESTS) >= 20
    assert len(ORDINARY_QUESTIONS) >= 20
    assert {category for _, category in RED_FLAGS} == set(RED_FLAG_CATEGORIES)


@pytest.mark.parametrize(("message", "category"), RED_FLAGS)
def test_red_flags_are_caught(message, category):
    flag = detect_red_flag(message)
    assert isinstance(flag, RedFlag), message
    assert flag.category == category
    assert flag.matched  # says what triggered it, for the log line


@pytest.mark.parametrize("message", NOT_RED_FLAGS)
def test_passing_mentions_and_denials_are_not_red_flags(message):
    assert detect_red_flag(message) is None


def test_a_red_flag_mixed_with_a_plan_question_is_still_caught_in_either_order():
    assert detect_red_flag("my lips are swelling, when is my next shot?").category == "swelling"
    assert detect_red_flag("when is my next shot? my lips are swelling").category == "swelling"


def test_the_most_urgent_category_is_reported_first():
    flag = detect_red_flag("I feel a bit confused and I have crushing chest pain")
    assert flag.category == "chest_pain"


def test_typo_repair_does_not_turn_ordinary_words_into_symptoms():
    # "rush" is one letter from "rash", "month" from "mouth", "paint" from "pain", "hikes" from "hives".
    assert detect_red_flag("in a rush after the injection, my mouth") is None
    assert detect_red_flag("every month my face and lips are fine") is None
    assert detect_red_flag("I had to paint my chest of drawers") is None
    assert detect_red_flag("hikes") is None
    assert detect_red_flag("hivse").category == "allergic_rash"  # but a swapped-letter typo is repaired


def test_every_category_has_prefilter_anchors_that_its_examples_contain():
    from bot.safety.red_flag_lexicon_more import ANCHORS  # the base lexicon's and the added patterns'
    from bot.safety.text import clauses

    assert set(RED_FLAG_CATEGORIES) <= set(ANCHORS)
    for message, category in RED_FLAGS:
        text = " ".join(clauses(message))
        assert any(anchor in text for anchor in ANCHORS[category]), message


def test_empty_text_is_not_a_red_flag():
    assert detect_red_flag("") is None
    assert detect_red_flag("   ") is None


@pytest.mark.parametrize(("message", "is_request"), [(m, True) for m in DOSE_CHANGE_REQUESTS]
                         + [(m, False) for m in ORDINARY_QUESTIONS])
def test_dose_change_requests_are_detected_and_ordinary_questions_are_not(message, is_request):
    assert detect_dose_change_request(message) is is_request


@pytest.mark.parametrize(("text", "is_advice"),
                         [(t, True) for t in DOSE_ADVICE] + [(t, False) for t in NOT_DOSE_ADVICE])
def test_dose_advice_is_recognised_and_refusals_or_descriptions_are_not(text, is_advice):
    assert contains_dose_advice(text) is is_advice


def test_the_guard_reads_each_sentence_of_a_longer_reply():
    safe = "I can't change your dose. Your plan lists 1,000 mcg every week, as documented by Dr. Priya Shah."
    assert contains_dose_advice(safe) is False
    assert contains_dose_advice(safe + " You can take an extra shot if you feel tired.") is True


def test_detectors_are_fast_enough_to_run_on_every_message():
    messages = [m for m, _ in RED_FLAGS] + NOT_RED_FLAGS + DOSE_CHANGE_REQUESTS + ORDINARY_QUESTIONS
    for message in messages:  # warm the typo cache the way a running server would be
        detect_red_flag(message)
        detect_dose_change_request(message)
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for message in messages:
            detect_red_flag(message)
    per_message_ms = (time.perf_counter() - start) * 1000 / (rounds * len(messages))
    # The brief's budget is 0.2 ms; allow headroom for a busy shared CI machine.
    assert per_message_ms < 0.5, per_message_ms


def test_detection_is_deterministic():
    message = "chset pain, also my troat is swelling"
    assert len({detect_red_flag(message) for _ in range(5)}) == 1
