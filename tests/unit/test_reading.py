"""bot/reading.py: how unsure and context-bound messages are read (pure, no Rasa)."""

from __future__ import annotations

from datetime import date

import pytest

from bot import reading, reading_terms

TODAY = date(2026, 12, 2)
RANKING = [("ask_next_injection", 0.3), ("ask_recovery_time", 0.25), ("ask_next_lab_check", 0.2)]


def test_a_personal_question_after_a_glossary_word_is_that_words_plan_question():
    assert reading.unsure_guess("when does mine start?", RANKING, "ask_term_meaning", "maintenance") == \
        "ask_maintenance_plan"


def test_a_glossary_word_asked_about_in_general_is_its_meaning():
    assert reading.unsure_guess("is that the same as replenishment?", RANKING, "ask_term_meaning", None) == \
        "ask_term_meaning"


def test_a_personal_question_takes_the_likeliest_plan_question_and_a_vague_one_none():
    assert reading.unsure_guess("what about my blood test", RANKING, None, None) == "ask_next_injection"
    assert reading.unsure_guess("hmm", [("ask_cost", 0.3), ("greet", 0.2)], None, None) is None
    assert reading.unsure_guess("what about my blood test", [("ask_next_lab_check", 0.05)], None, None) is None


def test_a_related_topic_wins_after_a_blood_test_answer():
    ranking = [("ask_recovery_time", 0.3), ("ask_lab_preparation", 0.2)]
    assert reading.unsure_guess("what should I do to get ready for it", ranking, "ask_next_lab_check", None) == \
        "ask_lab_preparation"


@pytest.mark.parametrize(("text", "day"), [
    ("is there one on 13 Dec 2026?", date(2026, 12, 13)), ("is tomorrow an injection day?", date(2026, 12, 3)),
    ("do i have a jab on dec 20th", date(2026, 12, 20)), ("is there one on 1 Jan?", date(2027, 1, 1)),
])
def test_questions_about_a_day_and_the_day_they_name(text, day):
    assert reading.asks_about_day(text) and reading.asked_day(text, TODAY) == day


def test_weekdays_are_about_a_day_but_name_no_date_and_plain_questions_are_neither():
    assert reading.asks_about_day("is there one on Saturday?") and reading.asked_day("on saturday", TODAY) is None
    assert not reading.asks_about_day("when is my next one")


def test_personal_twins_but_not_when_the_word_itself_is_asked_about():
    assert reading.personal_twin("ask_monitoring_labs", "is that one of the tests I'm having?") == "ask_next_lab_check"
    assert reading.personal_twin("ask_my_product", "is the FBC one of mine") == "ask_next_lab_check"
    assert reading.personal_twin("ask_term_meaning", "what does MMA mean on my blood form") is None


def test_dismissals_thanks_and_dose_questions():
    assert reading.after_dismissal("ok never mind, what about mine") == "what about mine"
    assert reading.after_dismissal("never mind") is None
    assert reading.after_thanks("thanks and MCV") == "MCV"
    assert reading.asks_for_a_dose("what dose should I be on then?")
    assert not reading.asks_for_a_dose("what dose is on my plan")


def test_the_parts_of_a_message_with_several_questions():
    assert reading.part_guess("whats an FBC") == "ask_term_meaning"
    assert reading.part_guess("and when's that test") == "ask_next_lab_check"
    assert reading.part_guess("whens the next") == "ask_next_injection"
    assert reading.part_guess("and is that into the muscle") == "ask_my_product"
    assert reading.part_guess("how many have i had so far") == "ask_injection_history"
    assert reading.part_guess("lovely weather") is None
    assert reading_terms.terms_named("what's homocysteine and what is intrinsic factor") == ["homocysteine",
                                                                                       "intrinsic factor"]


def test_asking_whether_it_is_urgent():
    assert reading.asks_if_urgent("is it an emergency?") and reading.asks_if_urgent("should I go to A&E")
    assert not reading.asks_if_urgent("when is my next injection")


@pytest.mark.parametrize("text", [
    "is serum B12 the same thing or a different test",
    "my letter says I move to a maintenance phase next, what does that even mean",
    "what does MCV stand for on a blood test",
])
def test_a_glossary_word_asked_about_outright(text):
    assert reading_terms.defines_term(text)


@pytest.mark.parametrize("text", ["when is my MMA test", "what's my maintenance dose", "is my FBC next week"])
def test_own_dates_are_not_glossary_questions(text):
    assert not reading_terms.defines_term(text)


def test_how_it_is_given_is_the_documented_route():
    assert reading.route_question("how is it given, like where")
    assert reading.route_question("and does it go in the muscle?")
    assert reading.route_question("mine says deep subcut on the letter, is that different to the normal arm jab?")
    assert not reading.route_question("where do I go for my injection")


def test_care_team_notes_reviews_and_tests_elsewhere():
    assert reading.asks_care_team("yes, please pass that question to the care team")
    assert reading.asks_care_team("can you let the clinic know")
    assert not reading.asks_care_team("who is on my care team?")
    assert reading.asks_plan_note("was there a note from the doctor on it?")
    assert not reading.asks_plan_note("can I have a sick note")
    assert reading.asks_reassessment("wasn't I supposed to have a review?")
    assert not reading.asks_reassessment("wasn't I supposed to have an injection after my review?")
    assert reading.asks_test_elsewhere("Can I get the FBC done at my own GP surgery instead")


@pytest.mark.parametrize("text", ["and on Monday 7 Dec 2026?", "or the 9th of December?", "tomorrow?"])
def test_a_bare_day_is_a_question_about_that_day(text):
    assert reading.asks_about_day(text)


def test_a_dose_figure_for_someone_is_a_dose_decision():
    assert reading.asks_for_a_dose("how many mcg should she inject herself each week")
    assert not reading.asks_for_a_dose("how many injections have I had")
