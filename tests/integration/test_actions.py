"""Each custom action against a real (temporary SQLite) database, with CollectingDispatcher and
Tracker.from_dict — no Rasa server needed."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from async_helpers import run_async
from plan_texts import mid_course_plan
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.common
from actions.followups import ActionRecordFollowup, ActionRequestHuman
from actions.general import ActionAnswerGeneral
from actions.plan import ActionAnswerPlan
from actions.safety import ActionRedFlag
from actions.verification import ValidateVerifyIdentityForm
from adapters.sql.db import make_engine
from adapters.sql.store import PlanStore, upgrade
from bot.dates import format_date, format_day
from bot.identity import issue_token
from bot.plans.model import Patient
from bot.plans.planfile import parse_plan_text
from bot.safety import contains_dose_advice

TODAY = date.today()

MID_COURSE = mid_course_plan()

OTHER_PATIENT = mid_course_plan("MRN-7002", "Sam Okafor", "1980-07-01", "Dr. Jonas Berg")


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("B12_TOKEN_SECRET", "unit-test-secret-" + uuid.uuid4().hex)
    upgrade(url)
    plans = PlanStore(make_engine(url))
    plans.import_planfile(parse_plan_text(MID_COURSE, today=TODAY))
    plans.import_planfile(parse_plan_text(OTHER_PATIENT, today=TODAY))
    plans.register_patient(Patient("MRN-7005", "Noor Haddad", date(1990, 1, 2)))
    actions.common.store.cache_clear()
    yield plans
    actions.common.store.cache_clear()


def tracker(text="", intent=None, *, token=None, client_key=None, slots=None, entities=(), sender=None,
            latest_action="action_listen", active_loop=None) -> Tracker:
    metadata = {}
    if token:
        metadata["patient_token"] = token
    if client_key:
        metadata["client_key"] = client_key
    return Tracker.from_dict({
        "sender_id": sender or uuid.uuid4().hex,
        "slots": {"needs_verification": False, "followup_offered": False, **(slots or {})},
        "latest_message": {
            "text": text, "intent": {"name": intent, "confidence": 0.93},
            "entities": [{"entity": e, "value": v} for e, v in entities], "metadata": metadata,
        },
        "events": [], "paused": False, "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": latest_action,
    })


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = run_async(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def texts(messages) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in messages)


def slot(events, name):
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else None


def test_weekly_duration_counts_dates_and_citation(store):
    messages, events = run(ActionAnswerPlan(), tracker(
        "how long am I on weekly shots", "ask_weekly_duration", token=issue_token("MRN-7001")))
    text = texts(messages)
    assert "3 more" in text
    assert format_date(TODAY + timedelta(days=21)) in text  # last planned weekly dose
    assert format_date(TODAY + timedelta(days=28)) in text  # reassessment
    assert "Dr. Priya Shah" in text and format_date(TODAY - timedelta(days=15)) in text
    assert slot(events, "needs_verification") is False
    audit = store.audit_entries("MRN-7001")
    assert audit and audit[0].intent == "ask_weekly_duration" and audit[0].plan_version_id is not None


def test_next_injection_gives_date_and_weekday(store):
    messages, _ = run(ActionAnswerPlan(), tracker(
        "next shot?", "ask_next_injection", token=issue_token("MRN-7001")))
    assert format_day(TODAY + timedelta(days=7)) in texts(messages)


def test_next_lab_check_names_date_and_tests(store):
    messages, _ = run(ActionAnswerPlan(), tracker(
        "next blood test", "ask_next_lab_check", token=issue_token("MRN-7001")))
    text = texts(messages)
    assert format_date(TODAY + timedelta(days=28)) in text
    assert "serum B12" in text and "CBC" in text


def test_missed_dose_offers_follow_up_without_dose_advice(store):
    messages, events = run(ActionAnswerPlan(), tracker(
        "I missed my shot", "report_missed_dose", token=issue_token("MRN-7001")))
    text = texts(messages)
    assert "Dr. Priya Shah" in text
    assert not contains_dose_advice(text)
    assert slot(events, "followup_offered") is True
    assert slot(events, "followup_kind") == "missed_dose"


def test_dose_change_request_guidance_schedule_and_recorded_follow_up(store):
    token = issue_token("MRN-7001")
    messages, events = run(ActionAnswerPlan(), tracker(
        "can I have 2000 mcg instead", "request_dose_change", token=token))
    text = texts(messages)
    assert len(messages) >= 2 and "your clinician's documented schedule comes first" in messages[0]["text"]
    assert "1,000 mcg" in text and "Dr. Priya Shah" in text
    assert not contains_dose_advice(text)
    assert slot(events, "followup_offered") is True

    messages, events = run(ActionRecordFollowup(), tracker(
        "yes", "affirm", token=token, slots={"followup_offered": True, "followup_kind": "dose_change_request"}))
    assert messages[0]["response"] == "utter_followup_recorded"
    followups = store.list_followups()
    assert [(f.reference, f.kind, f.plan_version) for f in followups] == [("MRN-7001", "dose_change_request", 1)]


def test_no_plan_on_file_says_so_and_gives_next_step(store):
    messages, _ = run(ActionAnswerPlan(), tracker(
        "when is my next injection", "ask_next_injection", token=issue_token("MRN-7005")))
    text = texts(messages).lower()
    assert "no documented plan" in text or "no plan" in text or "don't have a documented" in text
    assert "maintenance" in text and "clinician" in text
    assert "mcg" not in text


def test_no_token_starts_verification(store):
    messages, events = run(ActionAnswerPlan(), tracker(
        "when is my next shot", "ask_next_injection", client_key="k1"))
    assert [m["response"] for m in messages] == ["utter_verification_intro"]
    assert slot(events, "needs_verification") is True
    assert slot(events, "pending_intent") == "ask_next_injection"


def test_no_client_key_cannot_verify(store):
    messages, events = run(ActionAnswerPlan(), tracker("when is my next shot", "ask_next_injection"))
    assert [m["response"] for m in messages] == ["utter_cannot_verify_here"]
    assert slot(events, "needs_verification") is False


BAD_TOKENS = {
    "malformed": lambda: "not-a-token",
    "forged": lambda: issue_token("MRN-7001", secret="someone-elses-secret-of-32-bytes!!"),
    "expired": lambda: issue_token("MRN-7001", now=datetime.now(timezone.utc) - timedelta(hours=3)),
    "unknown_patient": lambda: issue_token("MRN-0000"),
}


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_bad_tokens_never_reveal_a_plan(store, kind):
    messages, events = run(ActionAnswerPlan(), tracker(
        "show my plan", "ask_my_plan", token=BAD_TOKENS[kind](), client_key="k2"))
    text = texts(messages)
    assert [m["response"] for m in messages] == ["utter_token_problem"]
    assert "Priya" not in text and "Jonas" not in text
    assert slot(events, "needs_verification") is False


def test_entities_and_slots_cannot_choose_the_patient(store):
    # unverified caller names a patient in entities and slots: nothing leaks
    messages, _ = run(ActionAnswerPlan(), tracker(
        '/ask_my_plan{"patient_reference":"MRN-7001"}', "ask_my_plan", client_key="k3",
        entities=[("patient_reference", "MRN-7001")],
        slots={"verify_reference": "MRN-7001", "verify_dob": "verified", "pending_intent": "ask_my_plan"}))
    assert "Priya" not in texts(messages)
    # patient A asks about B: only A's plan
    messages, _ = run(ActionAnswerPlan(), tracker(
        "what is the plan of MRN-7002", "ask_my_plan", token=issue_token("MRN-7001"),
        entities=[("patient_reference", "MRN-7002")]))
    text = texts(messages)
    assert "utter_only_own_plan" in text and "Dr. Priya Shah" in text and "Jonas" not in text


def test_verification_form_success_then_answer(store):
    form, key, sender = ValidateVerifyIdentityForm(), "client-key-1", "conv-1"
    result = run_async(form.validate_verify_reference("mrn 7001", CollectingDispatcher(), tracker(
        "mrn 7001", "provide_identity", client_key=key, sender=sender), {}))
    assert result == {"verify_reference": "MRN-7001"}
    dispatcher = CollectingDispatcher()
    result = run_async(form.validate_verify_dob("14/03/1968", dispatcher, tracker(
        "14/03/1968", "provide_identity", client_key=key, sender=sender, slots={"verify_reference": "MRN-7001"}), {}))
    assert result == {"verify_dob": "verified"}
    messages, _ = run(ActionAnswerPlan(), tracker(
        "14/03/1968", "provide_identity", client_key=key, sender=sender,
        slots={"pending_intent": "ask_next_injection"}, latest_action="verify_identity_form"))
    assert format_day(TODAY + timedelta(days=7)) in texts(messages)
    # a second client riding the same sender id, without the client key, gets nothing
    messages, _ = run(ActionAnswerPlan(), tracker("next shot", "ask_next_injection", sender=sender))
    assert "Priya" not in texts(messages)
    messages, _ = run(ActionAnswerPlan(), tracker(
        "next shot", "ask_next_injection", sender=sender, client_key="another-key"))
    assert "Priya" not in texts(messages)


def test_three_wrong_dates_of_birth_lock_the_conversation(store):
    form, key, sender = ValidateVerifyIdentityForm(), "client-key-2", "conv-2"
    for _ in range(3):
        dispatcher = CollectingDispatcher()
        run_async(form.validate_verify_dob("01/01/1970", dispatcher, tracker(
            "01/01/1970", "provide_identity", client_key=key, sender=sender,
            slots={"verify_reference": "MRN-7001"}), {}))
    dispatcher = CollectingDispatcher()
    result = run_async(form.validate_verify_dob("14/03/1968", dispatcher, tracker(
        "14/03/1968", "provide_identity", client_key=key, sender=sender,
        slots={"verify_reference": "MRN-7001"}), {}))
    assert result["verify_dob"] == "locked"
    assert dispatcher.messages[-1]["response"] == "utter_verification_locked"
    messages, _ = run(ActionAnswerPlan(), tracker("next shot", "ask_next_injection", client_key=key, sender=sender))
    assert [m["response"] for m in messages] == ["utter_verification_locked"]


def test_general_answer_is_sourced_and_audited(store):
    messages, _ = run(ActionAnswerGeneral(), tracker(
        "I'm vegan, what does that mean", "ask_deficiency_scenario", entities=[("scenario", "vegan")]))
    text = texts(messages)
    assert "your clinician's documented schedule comes first" in text
    assert "diet" in text.lower()
    assert any(a.intent == "ask_deficiency_scenario" for a in store.audit_entries())


def test_red_flag_gets_urgent_care_only(store):
    messages, _ = run(ActionRedFlag(), tracker("my throat is swelling", "report_emergency"))
    assert [m["response"] for m in messages][0] == "utter_urgent_care"
    # and a plan action never answers the plan in a red-flag turn
    messages, _ = run(ActionAnswerPlan(), tracker(
        "when is my next shot, my lips are swelling up", "ask_next_injection", token=issue_token("MRN-7001")))
    assert [m["response"] for m in messages] == ["utter_urgent_care"]


def test_request_human_records_follow_up_for_signed_in_patient(store):
    messages, _ = run(ActionRequestHuman(), tracker("a person please", "request_human", token=issue_token("MRN-7001")))
    assert messages[0]["response"] == "utter_offer_human"
    assert [f.kind for f in store.list_followups()] == ["human_requested"]


def test_database_down_gives_the_polite_reply(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/nowhere")
    monkeypatch.setenv("B12_TOKEN_SECRET", "x" * 32)
    actions.common.store.cache_clear()
    try:
        messages, events = run(ActionAnswerPlan(), tracker(
            "next shot", "ask_next_injection", token=issue_token("MRN-7001", secret="x" * 32)))
    finally:
        actions.common.store.cache_clear()
    assert [m["response"] for m in messages] == ["utter_service_unavailable"]
    assert SlotSet("needs_verification", False) in events
