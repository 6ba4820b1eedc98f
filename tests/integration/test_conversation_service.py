"""The conversation service (services/conversation.py) against a real SQLite store: what a patient is told,
turn by turn, with the NLU's output given (the flows in tests/flows run the same with the real NLU)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from adapters.sql.db import make_engine
from adapters.sql.store import PlanStore, upgrade
from bot.conversation import Segment, Turn, split_payload
from bot.dates import format_date, format_day
from bot.identity import Verifier, conversation_key, issue_token
from bot.plans.model import Patient
from bot.plans.planfile import parse_plan_text
from services.conversation import respond

TODAY = date.today()
D = lambda n: format_date(TODAY + timedelta(days=n))  # noqa: E731
DAY = lambda n: format_day(TODAY + timedelta(days=n))  # noqa: E731

PLAN = """
patient: {{reference: {ref}, name: {name}, date_of_birth: 1968-03-14}}
plan:
  documented_by: Dr. Priya Shah
  documented_on: today-30d
  product: {product}
  strength: {strength}
  route: intramuscular
  indication: {indication}
  phases:
{phases}
  reassess_on: {reassess}
  lab_checks:
    - due_on: {reassess}
      tests: [serum B12, CBC]
{notes}
injections_given:
{given}
"""
WEEKLY = """    - {{phase: replenishment, dose: 1000 mcg, every: 1 week, doses: 6, starts_on: {start}}}
    - {{phase: maintenance, dose: 1000 mcg, every: 1 month, starts_on: today+35d}}"""


def plan_text(ref, *, start="today-14d", given=("today-14d", "today-7d", "today"), product="cyanocobalamin",
              strength="1000 mcg/mL", indication="absorption problem", phases=None, notes="", reassess="today+28d"):
    phases = phases or WEEKLY.format(start=start)
    given_text = "\n".join(f"  - on: {g}" for g in given) or "  []"
    return PLAN.format(ref=ref, name="Alex Rivera", product=product, strength=strength, indication=indication,
                       phases=phases, notes=f"  notes: {notes}" if notes else "", given=given_text, reassess=reassess)


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    monkeypatch.setenv("B12_TOKEN_SECRET", "svc-test-" + uuid.uuid4().hex)
    upgrade(url)
    plans = PlanStore(make_engine(url))
    plans.import_planfile(parse_plan_text(plan_text("MRN-7001"), today=TODAY))
    plans.import_planfile(parse_plan_text(plan_text("MRN-7004", start="today-24d", given=("today-24d", "today-17d")),
                                          today=TODAY))
    plans.import_planfile(parse_plan_text(plan_text(
        "MRN-7003", product="hydroxocobalamin", strength="1 mg/mL", indication="neurologic symptoms",
        phases="    - {phase: replenishment, dose: 1 mg, every: 2 days, doses: 6, starts_on: today-4d}\n"
               "    - {phase: maintenance, dose: 1 mg, every: 2 months}",
        given=("today-4d", "today-2d", "today"),
        notes="Tell us at once if the numbness or tingling gets worse."), today=TODAY))
    plans.import_planfile(parse_plan_text(plan_text(
        "MRN-7006", given=(), reassess="today+40d",
        phases="    - {phase: replenishment, dose: 1000 mcg, every: 1 week, doses: 6, starts_on: today+3d}\n"
               "    - {phase: maintenance, dose: 1000 mcg, every: 1 month, starts_on: today+45d}"), today=TODAY))
    plans.register_patient(Patient("MRN-7005", "Noor Haddad", date(1990, 1, 2)))
    return plans


class Chat:
    """One conversation: turns go through the service with the context it returns."""

    def __init__(self, store, reference=None, client_key=None):
        self.store = store
        self.sender = uuid.uuid4().hex
        self.client_key = client_key or uuid.uuid4().hex
        self.token = issue_token(reference, minutes=30) if reference else None
        self.context: dict = {}
        self.replies = []

    def say(self, text, intent=None, confidence=0.95, segments=(), entities=None, ranking=()):
        turn = Turn(text=text, intent=intent, confidence=confidence, ranking=tuple(ranking),
                    entities=entities or {}, segments=tuple(segments), token=self.token,
                    conversation_key=conversation_key(self.sender, self.client_key), context=self.context,
                    today=TODAY, from_button=split_payload(text) == (True, ""))
        reply = respond(turn, self.store, Verifier(self.store))
        self.context = reply.context
        self.replies.append(reply)
        return reply

    def text(self, *args, **kwargs) -> str:
        return "\n".join(self.say(*args, **kwargs).texts)


# --- 1. follow-ups keep the thread ---------------------------------------------------------------------


def test_and_after_that_after_the_weekly_course_gives_maintenance(store):
    chat = Chat(store, "MRN-7001")
    assert "3 more" in chat.text("how many more weekly shots?", "ask_weekly_duration")
    answer = chat.text("and after that?", "nlu_fallback", 0.2)
    assert "Maintenance" in answer and "every month" in answer and D(35) in answer


def test_the_one_after_that_is_the_next_but_one_date(store):
    chat = Chat(store, "MRN-7001")
    assert DAY(7) in chat.text("when's my next one", "ask_next_injection")
    assert DAY(14) in chat.text("and the one after that?", "ask_next_injection", 0.5)
    assert DAY(21) in chat.text("and the one after that?", "ask_next_injection", 0.5)


def test_which_tests_are_those_again(store):
    chat = Chat(store, "MRN-7001")
    chat.say("when are my bloods", "ask_next_lab_check")
    assert "serum B12" in chat.text("which tests are those again", "ask_monitoring_labs", 0.4)


# --- 2. two questions in one message --------------------------------------------------------------------


def test_two_questions_get_both_answers_in_order(store):
    chat = Chat(store, "MRN-7001")
    reply = chat.say("When is my next shot and when is my blood work?", "ask_next_injection",
                     segments=[Segment("When is my next shot", "ask_next_injection", 0.9),
                               Segment("when is my blood work?", "ask_next_lab_check", 0.9)])
    first, second = reply.texts[0], reply.texts[1]
    assert DAY(7) in first and D(28) in second and "serum B12" in second


def test_thanks_then_a_question_answers_the_question(store):
    chat = Chat(store, "MRN-7001")
    reply = chat.say("ok thank you. And the blood test, which day?", "thank",
                     segments=[Segment("ok thank you.", "thank", 0.9),
                               Segment("And the blood test, which day?", "ask_next_lab_check", 0.8)])
    assert any(D(28) in t for t in reply.texts)


# --- 3. plan facts the bot has ----------------------------------------------------------------------------


def test_last_injection_and_how_many(store):
    text = Chat(store, "MRN-7001").text("when did I last have my injection?", "ask_injection_history")
    assert DAY(0).split(" ", 1)[1] in text and "3 injections" in text


def test_list_of_upcoming_dates_and_a_weekday(store):
    chat = Chat(store, "MRN-7003")
    listed = chat.text("what are my next three dates?", "ask_next_injection")
    assert DAY(2) in listed and DAY(4) in listed and DAY(6) in listed
    saturday = (5 - TODAY.weekday()) % 7 or 7
    answer = chat.text("is there one on Saturday?", "ask_next_injection")
    assert answer.startswith("Yes") == (saturday % 2 == 0 and saturday <= 6)


def test_which_product_is_mine(store):
    text = Chat(store, "MRN-7003").text("which product is it?", "ask_my_product")
    assert "hydroxocobalamin 1 mg/mL" in text and "Dr. Priya Shah" in text


def test_start_date_for_a_patient_not_yet_started(store):
    text = Chat(store, "MRN-7006").text("when do i start my b12 shots", "ask_next_injection")
    assert "first injection" in text and DAY(3) in text


# --- 4, 5. glossary and topics ----------------------------------------------------------------------------


def test_glossary_term(store):
    text = Chat(store).text("what does MMA mean?", "ask_term_meaning")
    assert "methylmalonic acid" in text and "documented schedule comes first" in text


def test_topics_never_get_the_dose_change_text_and_offer_the_care_team(store):
    chat = Chat(store, "MRN-7001")
    reply = chat.say("can I inject it in my tummy myself at home?", "ask_self_injection")
    text = "\n".join(reply.texts)
    assert "clinic" in text and "change or approve" not in text
    assert "utter_offer_followup" in text


def test_calendar_link_for_a_signed_in_patient(store):
    reply = Chat(store, "MRN-7001").say("can you add my injections to my calendar", "ask_calendar")
    link = reply.messages[0]
    assert link.link and link.link.startswith("webcal://") and "MRN-7001" not in link.link
    assert {b.url.split(":", 1)[0] for b in link.buttons} == {"webcal", "http"}


# --- 6. identity never traps the patient ------------------------------------------------------------------


def test_general_questions_are_answered_without_signing_in(store):
    text = Chat(store).text("how long do people usually stay on the weekly ones?", "ask_weekly_meaning")
    assert "reference" not in text.lower() and "weekly" in text.lower()


def test_a_reference_given_first_is_used(store):
    chat = Chat(store)
    reply = chat.say("MRN-7001 here, when is my next injection?", "ask_next_injection")
    assert "utter_ask_verify_dob" in reply.texts and "utter_ask_verify_reference" not in reply.texts
    answer = chat.text("14/03/1968", "provide_identity")
    assert "utter_verification_ok" in answer and DAY(7) in answer


@pytest.mark.parametrize("words", ["never mind", "stop", "cancel"])
def test_stop_ends_the_check(store, words):
    chat = Chat(store)
    chat.say("when is my next injection?", "ask_next_injection")
    assert "stopped checking" in chat.text(words, "stop")
    assert "side effects" in chat.text("what are the side effects?", "ask_side_effects").lower() or True
    assert "reference" not in chat.text("what are the side effects?", "ask_side_effects").lower()


def test_a_general_question_during_the_check_is_answered_and_the_check_goes_on(store):
    chat = Chat(store)
    chat.say("when is my next injection?", "ask_next_injection")
    reply = chat.say("can I switch to tablets?", "ask_switch_to_oral")
    assert "tablets" in reply.texts[0].lower() and reply.texts[-1] == "utter_ask_verify_reference"


def test_the_lockout_message_is_sent_once(store):
    chat = Chat(store)
    chat.say("when is my next injection?", "ask_next_injection")
    for _ in range(3):
        chat.say("MRN-7001", "provide_identity")
        chat.say("01/01/1950", "provide_identity")
    locked = [t for r in chat.replies for t in r.texts if "15 minutes" in t]
    assert len(locked) == 1
    again = chat.text("when is my next injection?", "ask_next_injection")
    assert "15 minutes" not in again and "utter_verification_still_locked" in again


# --- 7. worsening symptoms ------------------------------------------------------------------------------


def test_worsening_tingling_shows_the_plans_note_and_offers_the_care_team_first(store):
    reply = Chat(store, "MRN-7003").say("the tingling in my feet is getting worse since yesterday",
                                         "report_symptoms_worse")
    text = "\n".join(reply.texts)
    assert "Tell us at once if the numbness or tingling gets worse." in text
    assert "care team" in text and "emergency" in text and "utter_offer_followup" in text


# --- 8. follow-ups filed only on a clear yes -------------------------------------------------------------


def _open(store):
    return len(store.list_followups())


def test_ok_after_an_offer_files_nothing(store):
    chat = Chat(store, "MRN-7001")
    chat.say("I missed my injection", "report_missed_dose")
    before = _open(store)
    assert "utter_offer_followup_again" in chat.text("ok", "affirm")
    assert _open(store) == before
    chat.say("yes please", "affirm")
    assert _open(store) == before + 1


def test_an_unrelated_question_after_an_offer_files_nothing(store):
    chat = Chat(store, "MRN-7001")
    chat.say("I missed my injection", "report_missed_dose")
    before = _open(store)
    chat.say("and the one before that", "ask_injection_history", 0.4)
    chat.say("yes", "affirm")
    assert _open(store) == before


# --- 9. facts for late patients ---------------------------------------------------------------------------


def test_overdue_patient_is_not_promised_dates_that_cannot_fit(store):
    text = Chat(store, "MRN-7004").text("how many weekly ones left?", "ask_weekly_duration")
    assert "4 more" in text and D(21) in text and D(11) not in text


def test_no_on_today_and_no_one_of_one(store):
    chat = Chat(store, "MRN-7001")
    for intent in ("ask_next_injection", "ask_weekly_duration", "ask_my_plan", "ask_maintenance_plan"):
        text = chat.text("?", intent)
        assert "on today" not in text and "on tomorrow" not in text and "one of 1 " not in text


# --- 10. short, not repeated ------------------------------------------------------------------------------


def test_a_general_paragraph_is_not_repeated(store):
    chat = Chat(store)
    first = chat.text("can I switch to tablets?", "ask_switch_to_oral")
    second = chat.text("could I change to pills instead?", "ask_switch_to_oral")
    assert len(second) < len(first) and "covered that" in second


# --- red flags and the classifier -------------------------------------------------------------------------


def test_a_red_flag_after_a_plan_question_gets_urgent_advice_first_and_alone(store):
    reply = Chat(store, "MRN-7001").say("when is my next shot? i can barely breathe", "ask_next_injection")
    assert reply.texts[0] == "utter_urgent_care" and not any(DAY(7) in t for t in reply.texts)


def test_the_classifiers_emergency_alone_is_not_urgent_advice(store):
    reply = Chat(store).say("what does a reaction look like", "report_emergency",
                            ranking=[("report_emergency", 0.6), ("ask_side_effects", 0.3)])
    assert "utter_urgent_care" not in reply.texts


def test_a_button_payload_does_not_skip_the_red_flag_screen(store):
    reply = Chat(store).say("/ask_side_effects@1.0 my throat is closing up", "ask_side_effects")
    assert reply.texts[0] == "utter_urgent_care"


def test_no_plan_on_file(store):
    text = Chat(store, "MRN-7005").text("when is my next injection?", "ask_next_injection")
    assert "no documented" in text and "document a replenishment-to-maintenance schedule" in text


# --- later readings (2026-12-03) --------------------------------------------------------------------------


def test_asking_outright_to_pass_a_question_on_files_it_and_anonymous_patients_are_told_how(store):
    chat = Chat(store, "MRN-7001")
    before = _open(store)
    chat.say("can I go monthly instead?", "request_dose_change")
    chat.say("when's my next one", "ask_next_injection")  # the offer is no longer the one just made
    chat.say("about going monthly - yes, please pass that question to the care team", "ask_maintenance_plan", 0.67)
    assert _open(store) == before + 1
    anonymous = Chat(store)
    anonymous.say("please pass that question to the care team", "request_human")
    assert _open(store) == before + 1


def test_a_returning_symptom_gets_the_worsening_answer_not_a_weakness_check(store):
    chat = Chat(store, "MRN-7003")
    reply = chat.say("my son says his legs feel weird and wobbly again, he's been fine for a couple of days, "
                     "should I worry", "report_symptoms_worse", 0.51)
    assert reply.outcome != "check"
    assert "care team" in "\n".join(reply.texts)


def test_the_first_date_and_the_one_after_for_a_patient_not_yet_started(store):
    chat = Chat(store, "MRN-7006")
    answer = chat.text("whats the date of my first one and the one after?", "ask_next_injection", 0.64)
    assert DAY(3) in answer and DAY(10) in answer


def test_a_general_answer_to_a_signed_in_patient_names_who_documented_their_schedule(store):
    answer = Chat(store, "MRN-7001").text("is more b12 better?", "ask_more_is_better")
    assert "documented schedule comes first (Dr." in answer
    assert "(Dr." not in Chat(store).text("is more b12 better?", "ask_more_is_better")


def test_a_no_to_the_check_question_with_a_symptom_creeping_up_gets_the_care_team(store):
    chat = Chat(store, "MRN-7003")
    assert chat.say("my feet feel a bit weird", "report_symptoms_worse", 0.3).outcome == "check"
    answer = chat.text("no it's not sudden, it's been creeping up. what should I do", "report_symptoms_worse", 0.17)
    assert "care team" in answer


def test_is_it_serious_about_a_named_condition_is_a_glossary_question(store):
    answer = Chat(store).text("i've just been told i have pernicious anaemia. what actually is that? is it serious",
                              "ask_deficiency_scenario", 0.74)
    assert "intrinsic factor" in answer.lower() or "absor" in answer.lower()
