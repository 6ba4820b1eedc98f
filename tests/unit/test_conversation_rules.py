"""The pure rules of a conversation (bot/conversation.py): short follow-ups read against the last answer,
how a date question is put, the day a patient says they had an injection, the context round trip."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation import Context, asks_final_date, reported_date
from bot.followups import read_date_question, resolve_followup

TODAY = date(2026, 12, 1)  # a Tuesday


def ctx(topic, **kw) -> Context:
    return Context(topic=topic, **kw)


@pytest.mark.parametrize(("topic", "text", "intent", "which"), [
    ("ask_next_injection", "and the one after that?", "ask_next_injection", 1),
    ("ask_next_injection", "what about after that one", "ask_next_injection", 1),
    ("ask_weekly_duration", "and after that?", "ask_maintenance_plan", 0),
    ("ask_weekly_duration", "then what?", "ask_maintenance_plan", 0),
    ("ask_next_lab_check", "which tests are those again", "ask_next_lab_check", 0),
    ("report_missed_dose", "what should I do", "report_missed_dose", 0),
    ("ask_next_injection", "who do I ask", "request_human", 0),
    ("ask_next_injection", "so how long?", "ask_weekly_duration", 0),
    ("ask_weekly_duration", "how many is that then", "ask_weekly_duration", 0),
    ("ask_next_injection", "ok, what about mine then", "ask_next_injection", 0),
    ("ask_monitoring_labs", "what should I do", "request_human", 0),
    ("ask_my_plan", "when is the one after next", "ask_next_injection", 1),
    ("ask_next_injection", "then?", "ask_next_injection", 1),
    ("ask_next_injection", "n after", "ask_next_injection", 1),
])
def test_short_followups_are_read_against_the_last_topic(topic, text, intent, which):
    followup = resolve_followup(text, ctx(topic))
    assert followup is not None and followup.intent == intent and followup.which == which


def test_the_one_after_that_moves_one_further_each_time():
    assert resolve_followup("and the one after that?", ctx("ask_next_injection", date_index=1)).which == 2


def test_why_and_more_keep_the_topic():
    assert resolve_followup("why?", ctx("ask_weekly_duration")).why
    for text in ("why no exact date", "why is there no date?", "why dont you know", "why not"):
        assert resolve_followup(text, ctx("ask_maintenance_plan")).why, text
    assert resolve_followup("tell me more", ctx("ask_side_effects")).more


@pytest.mark.parametrize("text", [
    "and after that?",  # no topic yet
])
def test_no_followup_without_a_topic(text):
    assert resolve_followup(text, Context()) is None


def test_long_messages_are_not_followups():
    text = "my mum had her injection on monday and she wants to know what happens after that with her bloods"
    assert resolve_followup(text, ctx("ask_next_injection")) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("when is my next one", dict(which=0, count=1)),
    ("what are my next three injection dates", dict(count=3)),
    ("list all my upcoming dates", dict(count=4)),
    ("when is the third one", dict(which=2)),
    ("is there one on saturday?", dict(weekday=5)),
    ("do I have an injection on Monday", dict(weekday=0)),
    ("does every other day mean monday wednesday friday?", dict(count=4)),
    ("every other day means mon wed fri?", dict(count=4)),
    ("so is it mon and thurs", dict(count=4)),  # two weekdays named: their dates answer it
    ("how often now?", dict(how_often_now=True)),
])
def test_date_questions(text, expected):
    question = read_date_question(text)
    for key, value in expected.items():
        assert getattr(question, key) == value, (text, question)


@pytest.mark.parametrize(("text", "day"), [
    ("I had my injection today at the pharmacy", date(2026, 12, 1)),
    ("got my jab yesterday", date(2026, 11, 30)),
    ("had it on Monday", date(2026, 11, 30)),
    ("had it on tuesday", date(2026, 12, 1)),
    ("had it last tuesday", date(2026, 11, 24)),
    ("the nurse did it on 27 Nov", date(2026, 11, 27)),
    ("had it 2026-11-28", date(2026, 11, 28)),
    ("had it on 29/11", date(2026, 11, 29)),
    ("I'll have it tomorrow", date(2026, 12, 2)),
])
def test_reported_dates(text, day):
    assert reported_date(text, TODAY) == day


def test_no_day_named():
    assert reported_date("I had my injection", TODAY) is None


def test_context_round_trips_and_tolerates_junk():
    c = Context(topic="ask_next_injection", date_index=2, offer="missed_dose", offer_turn=3, given=["a", "b"])
    assert Context.load(c.dump()) == c
    assert Context.load({"turn": "not a number", "nonsense": 1, "offer": 3, "given": [1]}) == Context()
    assert Context.load(None) == Context() and Context.load(["x"]) == Context()


def test_the_one_after_that_goes_back_to_the_last_plan_question_after_a_glossary_part():
    followup = resolve_followup("and the one after that?", ctx("ask_term_meaning", plan_topic="ask_next_injection"))
    assert followup is not None and followup.intent == "ask_next_injection" and followup.which == 1
    assert resolve_followup("and the one after that?", ctx("ask_term_meaning")) is None


def test_the_last_of_a_phase_is_its_final_date():
    assert asks_final_date("and the last of the every other day ones?")
    assert not asks_final_date("the last of my injections was on Monday")


def test_preparing_for_a_test_is_not_asking_for_its_date():
    assert resolve_followup("do i have to fast for it?", ctx("ask_term_meaning", term="MMA")) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("after today when is the next one", dict(after_today=True)),
    ("apart from today, when's my next jab?", dict(after_today=True)),
    ("whats the date of my first one and the one after?", dict(count=2)),
    ("when is the one after next", dict(which=1)),
])
def test_more_date_questions(text, expected):
    question = read_date_question(text)
    for name, value in expected.items():
        assert getattr(question, name) == value, (text, name)


def test_best_question_replaces_an_unsure_dialogue_intent():
    from bot.conversation import Turn
    from bot.questions import best_question

    turn = Turn(text="so when do i stop", intent="stop", confidence=0.45,
                ranking=(("stop", 0.45), ("report_emergency", 0.2), ("ask_weekly_duration", 0.15)))
    assert best_question(turn).intent == "ask_weekly_duration"
    dialogue_only = Turn(text="no", intent="deny", confidence=0.5, ranking=(("deny", 0.5), ("stop", 0.3)))
    assert best_question(dialogue_only) is dialogue_only


@pytest.mark.parametrize(("topic", "text", "intent", "which", "index"), [
    ("ask_next_injection", "what day of the week is that", "ask_next_injection", 2, 2),  # the date just named
    ("ask_term_meaning", "so how long is hers then?", "ask_weekly_duration", 0, 0),  # after "intrinsic factor"
    ("ask_term_meaning", "and homocysteine?", "ask_term_meaning", 0, 0),
])
def test_more_followups_against_the_last_answer(topic, text, intent, which, index):
    followup = resolve_followup(text, ctx(topic, term="intrinsic factor", date_index=index))
    assert followup is not None and (followup.intent, followup.which) == (intent, which)


def test_a_new_question_after_a_glossary_answer_is_not_that_words_follow_up():
    assert resolve_followup("ok and when is my lab work", ctx("ask_term_meaning", term="MMA")) is None


def _questions(text, intent="nlu_fallback", confidence=0.32, **context):
    from bot.conversation import Turn
    from bot.questions import questions_in

    turn = Turn(text=text, intent=intent, confidence=confidence, ranking=((intent, confidence),))
    return [(q.intent, q.text) for q in questions_in(turn, Context(**context))]


def test_bare_plan_words_joined_by_plus_or_and_are_two_questions():
    assert _questions("next shot + labs?") == [("ask_next_injection", "next shot"), ("ask_next_lab_check", "labs?")]
    assert _questions("the tablets and the injections") != [("ask_next_injection", "the injections")]


def test_words_after_an_acknowledgement_are_read_on_their_own():
    assert _questions("fair enough. jab?") == [("ask_next_injection", "jab?")]
    assert _questions("ok thank you. he have review also?", intent="thank", confidence=0.64,
                      topic="ask_next_lab_check") == [("ask_next_lab_check", "he have review also?")]


def test_asking_the_bot_to_tell_the_care_team_is_a_request_for_them():
    from bot.reading import asks_care_team

    assert asks_care_team("ok can you tell them") and asks_care_team("ok ask them")
    assert not asks_care_team("I will ask them") and not asks_care_team("should I ask them")


def test_a_message_names_what_the_plan_note_is_about():
    from bot.questions import note_asked_about

    note = "Put the numbing cream on an hour before each injection; the children's ward does them."
    assert note_asked_about("numbing cream when", note)
    assert not note_asked_about("when is my next injection", note)
    assert not note_asked_about("numbing cream when", None)


@pytest.mark.parametrize(("topic", "text", "intent", "which"), [
    ("ask_injection_history", "and before that", "ask_injection_history", 1),
    ("ask_injection_history", "and the one before that?", "ask_injection_history", 1),
    ("ask_injection_history", "out of how many", "ask_injection_history", 0),
    ("ask_typical_starting_dose", "and mine?", "ask_my_product", 0),
    ("ask_monitoring_labs", "what about me", "ask_next_lab_check", 0),
    ("ask_maintenance_plan", "is that the same day as the bloods", "ask_next_lab_check", 0),
    ("ask_maintenance_plan", "so how long is it till then", "ask_weekly_duration", 0),
    ("ask_weekly_duration", "what day is that", "ask_weekly_duration", 0),
])
def test_more_followups_are_read_against_the_last_answer(topic, text, intent, which):
    """Development conversations 4: stepping back through the injections given, "out of how many", "and mine?"
    after a general answer, a lab date asked beside the review date, the day of the course's last date."""
    followup = resolve_followup(text, ctx(topic))
    assert followup is not None and (followup.intent, followup.which) == (intent, which)


def test_stepping_back_goes_one_further_each_time_and_longer_followups_keep_the_thread():
    assert resolve_followup("and before that?", ctx("ask_injection_history", history_index=1)).which == 2
    assert resolve_followup("why don't you have an actual date for that", ctx("ask_maintenance_plan")).why
    assert resolve_followup("and MCV, that was flagged on my last results",
                            ctx("ask_term_meaning", term="MMA")).intent == "ask_term_meaning"
    assert resolve_followup("are they doing both on me", ctx("ask_term_meaning", term="MMA")).intent == (
        "ask_next_lab_check")


def test_how_late_the_other_tests_and_the_due_date_of_a_missed_one():
    assert resolve_followup("by how many days", ctx("report_missed_dose")).intent == "ask_next_injection"
    assert resolve_followup("how late am i then", ctx("ask_weekly_duration")).intent == "ask_next_injection"
    assert resolve_followup("and the other ones on the order, what are those",
                            ctx("ask_term_meaning", term="MMA")).intent == "ask_next_lab_check"
    from bot.questions import refined

    assert refined("ask_injection_history", "When was he actually supposed to have had it?") == "ask_next_injection"


def test_development_set_5_followups():
    assert resolve_followup("any more after that one?", ctx("ask_next_lab_check")).which == 1
    assert resolve_followup("what are those for", ctx("ask_next_lab_check")).intent == "ask_monitoring_labs"
    assert resolve_followup("and bloods in between those?", ctx("ask_next_injection")).intent == "ask_next_lab_check"
    assert resolve_followup("so which am I on right now", ctx("ask_term_meaning", term="maintenance")).intent == (
        "ask_weekly_duration")
    assert read_date_question("is there one next week at all?").week == 1
    assert read_date_question("any jabs this week?").week == 0


def test_development_set_5_messages_with_two_questions_and_route_choices():
    assert [i for i, _ in _questions("When I have last one and when is next please?")] == [
        "ask_injection_history", "ask_next_injection"]
    assert [i for i, _ in _questions("which comes first, my bloods or my next injection?")] == [
        "ask_next_injection", "ask_next_lab_check"]
    assert [i for i, _ in _questions("please tell me when next injection for me and also blood test when is",
                                     intent="ask_next_injection", confidence=0.69)] == [
        "ask_next_injection", "ask_next_lab_check"]
    assert _questions("into the muscle or under the skin?", intent="ask_self_injection", confidence=0.49) == [
        ("ask_my_product", "into the muscle or under the skin?")]
    from bot.questions import refined

    assert refined("ask_typical_starting_dose", "what's a typical starting dose then") == "ask_typical_starting_dose"
    assert refined("ask_typical_starting_dose", "start?") == "ask_next_injection"
    assert refined("ask_weekly_meaning", "is it the same dose each week") == "ask_my_product"
