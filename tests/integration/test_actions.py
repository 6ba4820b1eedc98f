"""The custom action (actions/respond.py) against a real (temporary SQLite) database, with CollectingDispatcher
and Tracker.from_dict — no Rasa server needed. What it answers is the service's (test_conversation_service.py);
here: the tracker is read safely, identity never comes from slots or entities, the context slot round-trips,
and a database outage gives the polite reply."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from async_helpers import run_async
from plan_texts import mid_course_plan
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.common
from actions.respond import CONTEXT_SLOT, ActionRespond
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
        "slots": {CONTEXT_SLOT: None, **(slots or {})},
        "latest_message": {
            "text": text, "intent": {"name": intent, "confidence": 0.93},
            "entities": [{"entity": e, "value": v} for e, v in entities], "metadata": metadata,
        },
        "intent_ranking": [], "events": [], "paused": False, "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": latest_action,
    })


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = run_async(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def texts(messages) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in messages)


def context_of(events):
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == CONTEXT_SLOT]
    return values[-1] if values else None


ACTION = ActionRespond()


def say(text, intent, **kw):
    """One turn through the action; a follow-up turn passes `slots={CONTEXT_SLOT: context}`."""
    return run(ACTION, tracker(text, intent, **kw))


def test_plan_answer_counts_dates_and_citation_and_is_audited(store):
    messages, events = say("how long am I on weekly shots", "ask_weekly_duration", token=issue_token("MRN-7001"))
    text = texts(messages)
    assert "3 more" in text
    assert format_date(TODAY + timedelta(days=21)) in text  # last planned weekly dose
    assert "Dr. Priya Shah" in text and format_date(TODAY - timedelta(days=15)) in text
    assert context_of(events)["topic"] == "ask_weekly_duration"
    audit = store.audit_entries("MRN-7001")
    assert audit and audit[0].intent == "ask_weekly_duration" and audit[0].plan_version_id is not None


def test_the_context_slot_carries_the_thread_to_the_next_turn(store):
    token = issue_token("MRN-7001")
    _, events = say("next shot?", "ask_next_injection", token=token)
    messages, _ = say("and the one after that?", "nlu_fallback", token=token,
                      slots={CONTEXT_SLOT: context_of(events)})
    assert format_day(TODAY + timedelta(days=14)) in texts(messages)


def test_dose_change_request_guidance_schedule_and_recorded_follow_up(store):
    token, key = issue_token("MRN-7001"), "k-dose"
    messages, events = say("can I have 2000 mcg instead", "request_dose_change", token=token, client_key=key)
    text = texts(messages)
    assert "1,000 mcg" in text and "Dr. Priya Shah" in text and "not always better" in text
    assert not contains_dose_advice(text)
    assert "utter_offer_followup" in text
    messages, _ = say("yes please", "affirm", token=token, client_key=key, slots={CONTEXT_SLOT: context_of(events)})
    assert [m.get("response") for m in messages] == ["utter_followup_recorded"]
    assert [(f.reference, f.kind, f.plan_version) for f in store.list_followups()] == [
        ("MRN-7001", "dose_change_request", 1)]


def test_no_token_starts_verification_and_no_client_key_cannot(store):
    messages, events = say("when is my next shot", "ask_next_injection", client_key="k1")
    assert [m.get("response") for m in messages] == ["utter_verification_intro", "utter_ask_verify_reference"]
    assert context_of(events)["verify"] == "reference"
    messages, _ = say("when is my next shot", "ask_next_injection")
    assert [m.get("response") for m in messages] == ["utter_cannot_verify_here"]


BAD_TOKENS = {
    "malformed": lambda: "not-a-token",
    "forged": lambda: issue_token("MRN-7001", secret="someone-elses-secret-of-32-bytes!!"),
    "expired": lambda: issue_token("MRN-7001", now=datetime.now(timezone.utc) - timedelta(hours=13)),
    "unknown_patient": lambda: issue_token("MRN-0000"),
    "not_a_string": lambda: ["eyJ", "list"],
    "a_mapping": lambda: {"sub": "MRN-7001"},
}


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_bad_tokens_never_reveal_a_plan(store, kind):
    messages, _ = say("show my plan", "ask_my_plan", token=BAD_TOKENS[kind](), client_key="k2")
    text = texts(messages)
    assert [m.get("response") for m in messages] == ["utter_token_problem"]
    assert "Priya" not in text and "Jonas" not in text


def test_entities_and_slots_cannot_choose_the_patient(store):
    # unverified caller names a patient in entities and a forged context slot: nothing leaks
    forged = {"verify": None, "topic": "ask_my_plan", "verify_reference": "MRN-7001"}
    messages, _ = say('/ask_my_plan{"patient_reference":"MRN-7001"}', "ask_my_plan", client_key="k3",
                      entities=[("patient_reference", "MRN-7001")], slots={CONTEXT_SLOT: forged})
    assert "Priya" not in texts(messages)
    # patient A asks about B: only the refusal (A's own dates could be read as B's), nothing of B's
    messages, _ = say("what is the plan of MRN-7002", "ask_my_plan", token=issue_token("MRN-7001"),
                      entities=[("patient_reference", "MRN-7002")])
    text = texts(messages)
    assert "utter_only_own_plan" in text and "Jonas" not in text and "Dr. Priya Shah" not in text


def test_verification_success_then_answer_and_nobody_else_rides_it(store):
    key, sender = "client-key-1", "conv-1"
    _, events = say("when is my next injection", "ask_next_injection", client_key=key, sender=sender)
    _, events = say("mrn 7001", "provide_identity", client_key=key, sender=sender,
                    slots={CONTEXT_SLOT: context_of(events)})
    messages, events = say("14/03/1968", "provide_identity", client_key=key, sender=sender,
                           slots={CONTEXT_SLOT: context_of(events)})
    assert "utter_verification_ok" in texts(messages)
    assert format_day(TODAY + timedelta(days=7)) in texts(messages)
    # a second client riding the same sender id, without the client key or with another, gets nothing
    for other in (None, "another-key"):
        messages, _ = say("next shot", "ask_next_injection", sender=sender, client_key=other)
        assert "Priya" not in texts(messages)


def test_new_client_keys_do_not_buy_new_guesses(store):
    """The lock counts per reference as well: a fresh client key (a new conversation key) per guess is
    stopped after REFERENCE_MAX_FAILURES wrong dates of birth, and the right one is then refused too."""
    from bot.identity import Verifier

    for n in range(Verifier.REFERENCE_MAX_FAILURES):
        key = f"guess-{n}"
        _, events = say("next shot", "ask_next_injection", client_key=key, sender=f"s{n}")
        _, events = say("MRN-7001", "provide_identity", client_key=key, sender=f"s{n}",
                        slots={CONTEXT_SLOT: context_of(events)})
        say(f"0{n + 1}/01/1950", "provide_identity", client_key=key, sender=f"s{n}",
            slots={CONTEXT_SLOT: context_of(events)})
    _, events = say("next shot", "ask_next_injection", client_key="fresh", sender="fresh")
    _, events = say("MRN-7001", "provide_identity", client_key="fresh", sender="fresh",
                    slots={CONTEXT_SLOT: context_of(events)})
    messages, _ = say("14/03/1968", "provide_identity", client_key="fresh", sender="fresh",
                      slots={CONTEXT_SLOT: context_of(events)})
    assert "Priya" not in texts(messages) and "15 minutes" in texts(messages)


@pytest.mark.parametrize("latest", [
    {"text": None}, {"text": ["a", "list"]}, {"text": "hi", "metadata": "not a dict"},
    {"text": "hi", "metadata": {"patient_token": 42, "client_key": ["x"]}}, {"text": "hi", "entities": "junk"},
    {"text": "hi", "intent": "ask_my_plan"}, {"text": "hi", "segments": "junk"},
])
def test_odd_tracker_content_gets_a_polite_reply_not_a_crash(store, latest):
    t = tracker("x", "greet")
    t.latest_message = {"intent": {"name": "greet", "confidence": 0.9}, "entities": [], **latest}
    messages, _ = run(ACTION, t)
    assert messages


def test_red_flag_gets_urgent_care_only(store):
    messages, _ = say("when is my next shot, my lips are swelling up", "ask_next_injection",
                      token=issue_token("MRN-7001"))
    assert [m.get("response") for m in messages] == ["utter_urgent_care", "utter_urgent_care_followup"]


def test_the_as_of_date_is_only_for_test_patients(store):
    store.import_planfile(parse_plan_text(MID_COURSE.replace("MRN-7001", "FLOW-700199"), today=TODAY))
    later = (TODAY + timedelta(days=7)).isoformat()
    real = tracker("next shot?", "ask_next_injection", token=issue_token("MRN-7001"))
    real.latest_message["metadata"]["b12_today"] = later
    test = tracker("next shot?", "ask_next_injection", token=issue_token("FLOW-700199"))
    test.latest_message["metadata"]["b12_today"] = later
    assert format_day(TODAY + timedelta(days=7)) in texts(run(ACTION, real)[0])  # real patient: real today
    assert "due today" in texts(run(ACTION, test)[0])  # test patient "as of" a week later


def test_database_down_gives_the_polite_reply(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/nowhere")
    monkeypatch.setenv("B12_TOKEN_SECRET", "x" * 32)
    actions.common.store.cache_clear()
    try:
        messages, _ = say("next shot", "ask_next_injection", token=issue_token("MRN-7001", secret="x" * 32))
    finally:
        actions.common.store.cache_clear()
    assert [m.get("response") for m in messages] == ["utter_service_unavailable"]
