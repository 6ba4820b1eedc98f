"""The flow runner itself, against a tiny fake Rasa (no Rasa, no database).

The fake answers the REST webhook and the tracker endpoint from a script: message -> intent, actions,
replies. It records what it was sent, so the tests can also check what the runner sends.
"""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from click.testing import CliRunner

from bot.dates import add_months, format_date, format_day
from bot.plans.model import Patient
from staff.flows import cli, runner
from staff.flows.coverage import compute_coverage, coverage_of, event_tokens, format_coverage, rule_exercised
from staff.flows.model import FlowFileError, RenderContext, load_flows, parse_flows_text, render
from staff.flows.report import first_difference, format_report, junit_xml

TODAY = date(2026, 11, 24)
AUTH = "tracker-secret"
ROOT = Path(__file__).resolve().parents[2]


# --- a fake Rasa -----------------------------------------------------------------------------------------


@dataclass
class Reply:
    intent: str
    actions: list[str]
    texts: list[tuple[str | None, str]]  # (response name or None, text)
    confidence: float = 0.93


@dataclass
class FakeRasa:
    script: dict[str, Reply]
    received: list[dict] = field(default_factory=list)
    events: dict[str, list[dict]] = field(default_factory=dict)
    tracker_tokens: list[str | None] = field(default_factory=list)

    def handle(self, sender: str, message: str, metadata: dict) -> list[dict]:
        self.received.append({"sender": sender, "message": message, "metadata": metadata})
        reply = self.script.get(message.lower()) or Reply(
            "nlu_fallback", ["utter_default"], [("utter_default", "Sorry, I didn't get that.")], 0.1
        )
        events = self.events.setdefault(sender, [{"event": "action", "name": "action_session_start"}])
        events.append({"event": "user", "text": message,
                       "parse_data": {"intent": {"name": reply.intent, "confidence": reply.confidence}}})
        out = []
        for action in reply.actions:
            events.append({"event": "action", "name": action})
            for utter, text in reply.texts:
                owner = utter if utter in reply.actions else reply.actions[0]  # who sent this text
                if owner == action:
                    metadata = {"utter_action": utter} if utter else {}
                    events.append({"event": "bot", "text": text, "metadata": metadata})
                    out.append({"recipient_id": sender, "text": text})
        events.append({"event": "action", "name": "action_listen"})
        return out


def serve(fake: FakeRasa):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass

        def _json(self, status: int, body) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/":
                return self._json(200, "Hello from Rasa")
            parts = url.path.split("/")
            if len(parts) == 4 and parts[1] == "conversations" and parts[3] == "tracker":
                token = parse_qs(url.query).get("token", [None])[0]
                fake.tracker_tokens.append(token)
                if token != AUTH:
                    return self._json(401, {"message": "User is not authenticated."})
                sender = unquote(parts[2])
                return self._json(200, {"sender_id": sender, "events": fake.events.get(sender, [])})
            return self._json(404, {})

        def do_POST(self):
            if self.path != "/webhooks/rest/webhook":
                return self._json(404, {})
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self._json(200, fake.handle(body["sender"], body["message"], body.get("metadata") or {}))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return server


IN_3_WEEKS = format_date(TODAY + timedelta(days=21))
SCRIPT = {
    "hi": Reply("greet", ["utter_greet"], [("utter_greet", "Hello! I'm B12 Guide.")]),
    "how long am i on weekly shots?": Reply(
        "ask_weekly_duration",
        ["action_answer_plan"],
        [(None, f"You have 3 more weekly injections; the last is planned for {IN_3_WEEKS}. "
                "This follows your schedule as documented by Dr. Priya Shah on 2 Nov 2026.")],
    ),
    "when is my next shot?": Reply(
        "ask_next_injection", ["action_answer_plan"],
        [(None, f"Your next injection is due on {format_day(TODAY + timedelta(days=7))}.")],
    ),
    "can i have a double dose?": Reply(
        "request_dose_change", ["action_answer_plan", "utter_offer_followup"],
        [(None, "I can't change your dose."), ("utter_offer_followup", "Shall I tell your care team?")],
    ),
    "thanks": Reply("thank", ["utter_you_are_welcome"], [("utter_you_are_welcome", "You're welcome.")]),
}


@pytest.fixture
def fake():
    fake = FakeRasa(dict(SCRIPT))
    server = serve(fake)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


class FakeStore:
    def __init__(self):
        self.imported = []
        self.registered = []

    def import_planfile(self, pf, source=""):
        self.imported.append(pf)
        return 1

    def register_patient(self, patient):
        self.registered.append(patient)
        return True


def fake_token(reference: str) -> str:
    return f"token-for-{reference}"


def flows_from(text: str, tmp_path: Path, name: str = "flows.yml"):
    path = tmp_path / name
    path.write_text(text)
    return load_flows([path], TODAY)


def hi_flows(tmp_path: Path, *named_intents: tuple[str, str]):
    """One flow per (name, intent): the test patient says "hi" and expects that intent."""
    body = "".join(f"  - name: {name}\n    {PATIENT}\n    turns: [{{user: hi, expect: {{intent: {intent}}}}}]\n"
                   for name, intent in named_intents)
    return flows_from("flows:\n" + body, tmp_path)


def load_flows_text(text: str):
    flows, problems = parse_flows_text(text, Path("inline.yml"), TODAY)
    assert not problems, problems
    return flows


def run(fake: FakeRasa, flows, store=None):
    client = runner.RasaClient(fake.url, auth_token=AUTH, timeout=5)
    return runner.run_flows(flows, client, store or FakeStore(), TODAY, issue_token=fake_token, workers=4)


PATIENT = "patient: {reference: MRN-7001, name: Sam Lee, date_of_birth: 1968-03-14}"
A = "flows:\n  - name: a\n"  # the start of most flow files below
HI = "    turns:\n      - user: hi\n"
TURN = "flows[0] (a).turns[0]"


# --- runs ------------------------------------------------------------------------------------------------


def test_a_matching_flow_passes_with_a_token_a_client_key_and_a_unique_reference(fake, tmp_path):
    flows = flows_from(f"""
flows:
  - name: weekly duration
    {PATIENT}
    signed_in: true
    turns:
      - user: how long am I on weekly shots?
        expect:
          intent: ask_weekly_duration
          action: action_answer_plan
          contains: ["3 more", "{{date:today+21d}}", "dr. priya shah"]
          not_contains: ["2000"]
      - user: thanks
        expect: {{action: utter_you_are_welcome}}
""", tmp_path)
    store = FakeStore()
    [result] = run(fake, flows, store)
    assert result.passed, format_report([result])
    assert [t.intent for t in result.turns] == ["ask_weekly_duration", "thank"]
    [registered] = store.registered
    assert registered.reference.startswith("FLOW-7001") and registered.name == "Sam Lee"
    assert result.reference == registered.reference
    metas = [r["metadata"] for r in fake.received]
    assert all(m["patient_token"] == f"token-for-{registered.reference}" for m in metas)
    assert metas[0]["client_key"] and metas[0]["client_key"] == metas[1]["client_key"]
    assert set(fake.tracker_tokens) == {AUTH}


def test_unique_references_survive_normalisation_and_skip_taken_ones():
    from bot.identity import normalise_reference

    refs = {runner.unique_reference("MRN-1042") for _ in range(50)}
    assert len(refs) == 50
    assert all(re.fullmatch(r"FLOW-1042\d{8}", r) and normalise_reference(r) == r for r in refs)

    class TakenOnce(FakeStore):
        def __init__(self):
            super().__init__()
            self.asked = []

        def patient(self, reference):
            self.asked.append(reference)
            return Patient(reference, "someone", date(1970, 1, 1)) if len(self.asked) == 1 else None

    store = TakenOnce()
    flow = load_flows_text(f"flows:\n  - name: x\n    {PATIENT}\n    turns: [{{user: hi}}]\n")[0]
    reference = runner.prepare_patient(flow, store)
    assert store.asked[0] != reference and store.registered[0].reference == reference == store.asked[1]


def test_each_flow_gets_its_own_sender_client_key_and_reference(fake, tmp_path):
    flows = hi_flows(tmp_path, ("one", "greet"), ("two", "greet"))
    store = FakeStore()
    results = run(fake, flows, store)
    assert all(r.passed for r in results)
    assert len({r.sender for r in results}) == 2
    assert len({p.reference for p in store.registered}) == 2
    assert len({r["metadata"]["client_key"] for r in fake.received}) == 2


def test_a_missing_text_fails_and_the_report_names_the_turn_and_the_text(fake, tmp_path):
    flows = flows_from(f"""
flows:
  - name: wrong expectation
    {PATIENT}
    turns:
      - user: hi
        expect: {{intent: greet}}
      - user: how long am I on weekly shots?
        expect:
          contains: ["4 more", "Dr. Priya Shah"]
""", tmp_path)
    [result] = run(fake, flows)
    assert not result.passed
    [failing] = result.failing_turns
    assert failing.number == 2
    assert failing.differences == ('reply does not contain "4 more"',)
    message = first_difference(result)
    assert "turn 2" in message and "flows.yml:8" in message
    assert '"how long am I on weekly shots?"' in message
    assert 'does not contain "4 more"' in message
    assert "3 more weekly injections" in message  # what the bot did say
    report = format_report([result])
    assert report.startswith("FAIL  wrong expectation") and "0 passed, 1 failed" in report


def test_wrong_intent_missing_action_and_forbidden_text_are_each_reported(fake, tmp_path):
    flows = flows_from(f"""
flows:
  - name: dose change
    {PATIENT}
    turns:
      - user: can I have a double dose?
        expect:
          intent: ask_more_is_better
          action: [action_answer_plan, utter_offer_followup, action_record_followup]
          not_contains: ["can't change"]
""", tmp_path)
    [result] = run(fake, flows)
    differences = result.turns[0].differences
    assert differences[0] == "expected intent ask_more_is_better, got request_dose_change (0.93)"
    assert differences[1].startswith("expected action action_record_followup, ran: action_answer_plan")
    assert differences[2] == 'reply contains "can\'t change", which it must not'
    assert len(differences) == 3


def test_responses_sent_by_custom_actions_count_as_actions(fake, tmp_path):
    fake.script["help"] = Reply("help", ["action_answer_general"], [("utter_help", "I can help with ...")])
    flows = flows_from(f"""
flows:
  - name: help
    {PATIENT}
    turns: [{{user: help, expect: {{action: [action_answer_general, utter_help]}}}}]
""", tmp_path)
    [result] = run(fake, flows)
    assert result.passed, format_report([result])
    assert result.turns[0].responses == ("utter_help",)


def test_signed_out_flow_sends_no_token_and_types_reference_and_dob(fake, tmp_path):
    flows = flows_from(f"""
flows:
  - name: verify in chat
    {PATIENT}
    signed_in: false
    turns:
      - user: "{{reference}}"
      - user: "{{dob}}"
      - user: "born {{dob:%Y-%m-%d}}, I am {{name}}"
""", tmp_path)
    store = FakeStore()
    [result] = run(fake, flows, store)
    assert result.passed  # no expectations: only that it ran
    sent = [r["message"] for r in fake.received]
    assert sent == [store.registered[0].reference, "14/03/1968", "born 1968-03-14, I am Sam Lee"]
    assert all("patient_token" not in r["metadata"] and r["metadata"]["client_key"] for r in fake.received)


def test_a_flow_with_a_plan_imports_it_under_the_unique_reference(fake, tmp_path):
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "p.yml").write_text("plan fixture")
    from bot.plans.model import Plan, PlanFile

    parsed = PlanFile(
        patient=Patient("MRN-8001", "Ada", date(1970, 1, 2)),
        plan=Plan("Dr. Priya Shah", TODAY, "cyanocobalamin", "1000 mcg/mL", "intramuscular", "diet-related",
                  phases=()),
    )
    seen = []

    def parse_plan(path, today):
        seen.append((path, today))
        return parsed

    (tmp_path / "f.yml").write_text(A + "    plan: fixtures/p.yml\n    turns: [{user: hi}]\n")
    flows = load_flows([tmp_path / "f.yml"], TODAY, parse_plan=parse_plan)
    assert seen == [((tmp_path / "fixtures" / "p.yml").resolve(), TODAY)]
    assert flows[0].signed_in is True  # a flow with a patient is signed in unless it says otherwise
    store = FakeStore()
    [result] = run(fake, flows, store)
    [imported] = store.imported
    assert imported.patient.reference.startswith("FLOW-8001")
    assert imported.plan == parsed.plan
    assert fake.received[0]["metadata"]["patient_token"] == f"token-for-{imported.patient.reference}"


def test_an_unreachable_bot_is_an_error_not_a_crash(tmp_path):
    [port] = runner.free_ports(1)
    flows = flows_from("flows:\n  - name: x\n    turns: [{user: hi}]\n", tmp_path)
    client = runner.RasaClient(f"http://127.0.0.1:{port}", auth_token=AUTH, timeout=2)
    [result] = runner.run_flows(flows, client, FakeStore(), TODAY, issue_token=fake_token)
    assert not result.passed and "cannot reach the bot" in result.error
    assert "could not run" in format_report([result]) and "ERROR" in format_report([result])


def test_a_wrong_tracker_token_says_so(fake, tmp_path):
    flows = flows_from("flows:\n  - name: x\n    turns: [{user: hi}]\n", tmp_path)
    client = runner.RasaClient(fake.url, auth_token="wrong", timeout=5)
    [result] = runner.run_flows(flows, client, FakeStore(), TODAY, issue_token=fake_token)
    assert "HTTP 401" in result.error and "RASA_AUTH_TOKEN" in result.error


# --- dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{date:today+21d}", format_date(TODAY + timedelta(days=21))),
        ("{date:today}", format_date(TODAY)),
        ("{date:today-2w}", format_date(TODAY - timedelta(weeks=2))),
        ("due {day:today+7d}!", "due " + format_day(TODAY + timedelta(days=7)) + "!"),
        ("{date:2026-12-15}", "15 Dec 2026"),
        ("{date:today-20d+1m}", format_date(add_months(TODAY - timedelta(days=20), 1))),
        ("{date:today + 1w - 2d}", format_date(TODAY + timedelta(days=5))),
        ('/ask_my_plan{"patient_reference":"MRN-1"}', '/ask_my_plan{"patient_reference":"MRN-1"}'),
    ],
)
def test_placeholders_render_like_the_bot_renders_dates(text, expected):
    assert render(text, RenderContext(today=TODAY)) == expected


def test_month_arithmetic_clamps_to_the_month_end():
    assert render("{date:today+1m}", RenderContext(today=date(2027, 1, 31))) == "28 Feb 2027"
    assert render("{date:today-1m+1m}", RenderContext(today=date(2027, 3, 31))) == "28 Mar 2027"
    assert render("{day:today+1m}", RenderContext(today=date(2028, 1, 31))) == "Tuesday 29 Feb 2028"


def test_a_relative_date_in_an_expectation_is_checked_against_the_reply(fake, tmp_path):
    flows = flows_from(f"""
flows:
  - name: right date
    {PATIENT}
    turns: [{{user: "when is my next shot?", expect: {{contains: "{{day:today+7d}}"}}}}]
  - name: wrong date
    {PATIENT}
    turns: [{{user: "when is my next shot?", expect: {{contains: "{{day:today+8d}}"}}}}]
""", tmp_path)
    right, wrong = run(fake, flows)
    assert right.passed
    expected_text = format_day(TODAY + timedelta(days=8))
    assert wrong.turns[0].differences == (f'reply does not contain "{expected_text}"',)


# --- coverage -------------------------------------------------------------------------------------------


DOMAIN = """
intents: [greet, thank, ask_weekly_duration, ask_maintenance_plan, {request_dose_change: {use_entities: []}}]
forms: {verify_identity_form: {required_slots: [verify_reference]}}
actions: [action_answer_plan, action_record_followup]
responses:
  utter_greet: [{text: hi}]
  utter_you_are_welcome: [{text: welcome}]
  utter_offer_followup: [{text: "shall I?"}]
  utter_goodbye: [{text: bye}]
"""
RULES = """
rules:
  - rule: greet
    steps: [{intent: greet}, {action: utter_greet}]
  - rule: maintenance
    steps: [{intent: ask_maintenance_plan}, {action: action_answer_plan}]
  - rule: offer after a plan answer
    steps:
      - action: action_answer_plan
      - slot_was_set: [{followup_offered: true}]
      - action: utter_offer_followup
      - action: action_listen
  - rule: thanks then greet (never happens in a row)
    steps: [{intent: thank}, {action: utter_you_are_welcome}, {intent: greet}, {action: utter_greet}]
"""


def test_coverage_names_what_no_flow_reaches(fake, tmp_path):
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "rules.yml").write_text(RULES)
    flows = flows_from(f"""
flows:
  - name: a
    {PATIENT}
    turns: [{{user: hi}}, {{user: "how long am I on weekly shots?"}}]
  - name: b
    {PATIENT}
    turns: [{{user: thanks}}]
""", tmp_path)
    results = run(fake, flows)
    coverage = coverage_of([r.events for r in results], tmp_path / "domain.yml", tmp_path / "rules.yml")
    assert coverage.intents.exercised == ("greet", "thank", "ask_weekly_duration")
    assert coverage.intents.missing == ("ask_maintenance_plan", "request_dose_change")
    assert coverage.actions.missing == ("action_record_followup", "verify_identity_form")
    assert coverage.responses.missing == ("utter_offer_followup", "utter_goodbye")
    assert coverage.rules.exercised == ("greet",)
    text = format_coverage(coverage)
    assert "intents    3/5 exercised" in text
    assert "never reached: ask_maintenance_plan, request_dose_change" in text


def _events(*spec):
    out = []
    for kind, name, *value in spec:
        if kind == "intent":
            out.append({"event": "user", "parse_data": {"intent": {"name": name}}})
        elif kind == "slot":
            out.append({"event": "slot", "name": name, "value": value[0]})
        elif kind == "loop":
            out.append({"event": "active_loop", "name": name})
        else:
            out.append({"event": "action", "name": name})
    return out


OFFER_RULE = {
    "rule": "offer",
    "steps": [
        {"action": "action_answer_plan"},
        {"slot_was_set": [{"needs_verification": False}]},
        {"slot_was_set": [{"followup_offered": True}]},
        {"action": "utter_offer_followup"},
        {"action": "action_listen"},
    ],
}


@pytest.mark.parametrize(
    "spec, exercised",
    [
        ([("intent", "x"), ("action", "action_answer_plan"), ("slot", "followup_offered", True),
          ("slot", "needs_verification", False), ("slot", "other", [1, 2]),
          ("action", "utter_offer_followup"), ("action", "action_listen")], True),
        ([("action", "action_answer_plan"), ("slot", "needs_verification", False),
          ("slot", "followup_offered", False), ("action", "utter_offer_followup"),
          ("action", "action_listen")], False),
        ([("action", "action_answer_plan"), ("slot", "needs_verification", False),
          ("slot", "followup_offered", True), ("action", "utter_greet"), ("action", "utter_offer_followup"),
          ("action", "action_listen")], False),
        ([("action", "action_answer_plan"), ("slot", "needs_verification", False),
          ("slot", "followup_offered", True), ("action", "utter_offer_followup")], False),
    ],
)
def test_a_rule_counts_only_when_its_steps_occur_in_order(spec, exercised):
    assert rule_exercised(OFFER_RULE, event_tokens(_events(*spec))) is exercised


def test_loop_steps_and_or_steps_match():
    rule = {"rule": "r", "steps": [
        {"or": [{"intent": "affirm"}, {"intent": "thank"}]},
        {"action": "verify_identity_form"},
        {"active_loop": "verify_identity_form"},
    ]}
    tokens = event_tokens(_events(("intent", "thank"), ("action", "verify_identity_form"),
                                  ("loop", "verify_identity_form")))
    assert rule_exercised(rule, tokens)
    tokens = event_tokens(_events(("intent", "greet"), ("action", "verify_identity_form"),
                                  ("loop", "verify_identity_form")))
    assert not rule_exercised(rule, tokens)
    coverage = compute_coverage([_events(("intent", "thank"))], {"intents": ["thank"]}, [rule])
    assert coverage.rules.missing == ("r",)


# --- bad flow files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, field, message",
    [
        ("flows: [\n  {name: a\n", 3, "yaml", "not valid YAML"),
        ("", 1, "flows", "the file is empty"),
        ("flow:\n  - name: a\n", 1, "flow", "unknown key"),
        ("flows: []\n", 1, "flows", "non-empty list"),
        (A, 2, "flows[0] (a).turns", "missing"),
        ("flows:\n  - turns: [{user: hi}]\n", 2, "flows[0].name", "missing"),
        (A + "    turns: []\n", 3, "flows[0] (a).turns", "at least one turn"),
        (A + "    turns:\n      - expect: {intent: greet}\n", 4, f"{TURN}.user", "missing"),
        (A + HI + "        expct: {intent: greet}\n", 5, f"{TURN}.expct", "unknown key"),
        (A + HI + "        expect: {intnt: greet}\n", 5, f"{TURN}.expect.intnt", "unknown key"),
        (A + HI + "        expect:\n          contains: {a: 1}\n", 6, f"{TURN}.expect.contains",
         "expected text"),
        (A + HI + "        expect:\n          contains: ['{date:tmrw}']\n", 6, f"{TURN}.expect.contains[0]",
         "{date:tmrw}"),
        (A + "    turns:\n      - user: 'I am {reference}'\n", 4, f"{TURN}.user", "this flow has no patient"),
        (A + "    turns:\n      - user: 'hi {nmae}'\n", 4, f"{TURN}.user", "unknown placeholder"),
        (A + "    signed_in: true\n    turns: [{user: hi}]\n", 3, "flows[0] (a).signed_in",
         "needs a patient"),
        (A + "    signed_in: maybe\n    turns: [{user: hi}]\n", 3, "flows[0] (a).signed_in",
         "expected true or false"),
        (A + "    plan: fixtures/nope.yml\n    turns: [{user: hi}]\n", 3, "flows[0] (a).plan",
         "no such plan file"),
        (A + "    patient: {reference: R-1, name: X}\n    turns: [{user: hi}]\n", 3,
         "flows[0] (a).patient.date_of_birth", "missing"),
        (A + "    patient: {reference: R-1, name: X, date_of_birth: 14th}\n    turns: [{user: hi}]\n", 3,
         "flows[0] (a).patient.date_of_birth", "expected a date"),
        (A + "    turns: [{user: hi}]\n  - name: a\n    turns: [{user: hi}]\n", 4, "flows[1] (a).name",
         "already called 'a'"),
    ],
)
def test_bad_flow_files_name_the_file_line_field_and_problem(tmp_path, text, line, field, message):
    path = tmp_path / "bad_flow.yml"
    path.write_text(text)
    with pytest.raises(FlowFileError) as caught:
        load_flows([path], TODAY)
    problems = caught.value.problems
    assert any(p.line == line and p.field == field and message in p.message for p in problems), problems
    assert str(caught.value).startswith(f"{path}:")


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    text = "flows:\n  - name: a\n    colour: red\n    turns:\n      - user: hi\n        expect: {intnt: x}\n"
    flows, problems = parse_flows_text(text, tmp_path / "f.yml", TODAY)
    assert [(p.line, p.field) for p in problems] == [(3, "flows[0] (a).colour"),
                                                    (6, "flows[0] (a).turns[0].expect.intnt")]


def test_a_bad_plan_fixture_is_reported_with_the_flow(tmp_path):
    (tmp_path / "plan.yml").write_text("x")

    class PlanFileError(Exception):
        problems = ["plan.yml:4: plan.phases[0].every: expected N day(s)|N week(s)|N month(s)"]

    def parse_plan(path, today):
        raise PlanFileError("bad")

    text = "flows:\n  - name: a\n    plan: plan.yml\n    turns: [{user: 'I am {reference}'}]\n"
    flows, problems = parse_flows_text(text, tmp_path / "f.yml", TODAY, parse_plan=parse_plan)
    assert len(problems) == 1  # the placeholder is not also reported: the flow does have a patient
    assert problems[0].field == "flows[0] (a).plan" and problems[0].line == 3
    assert "plan.phases[0].every" in problems[0].message


# --- report and command line -------------------------------------------------------------------------------


def test_junit_xml_has_one_case_per_flow_and_the_first_difference(fake, tmp_path):
    flows = hi_flows(tmp_path, ("good", "greet"), ("bad", "goodbye"))
    suite = ET.fromstring(junit_xml(run(fake, flows)))
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    good, bad = suite.findall("testcase")
    assert good.get("name") == "good" and good.find("failure") is None
    failure = bad.find("failure")
    assert failure.get("message").startswith('turn 1 (') and 'user said "hi"' in failure.get("message")
    assert "expected intent goodbye, got greet" in failure.text


def _cli(fake, monkeypatch, tmp_path, *args):
    monkeypatch.setattr(cli, "open_store", lambda url: FakeStore())
    monkeypatch.setattr(runner, "default_token_issuer", fake_token)
    return CliRunner().invoke(
        cli.flows_group,
        ["run", "--url", fake.url, "--auth-token", AUTH, *args],
    )


def test_the_command_exits_1_on_a_failure_and_writes_junit(fake, monkeypatch, tmp_path):
    path = tmp_path / "f.yml"
    path.write_text(f"flows:\n  - name: bad\n    {PATIENT}\n"
                    "    turns: [{user: hi, expect: {contains: bye}}]\n")
    junit = tmp_path / "out" / "junit.xml"
    result = _cli(fake, monkeypatch, tmp_path, str(path), "--junit", str(junit), "--no-coverage")
    assert result.exit_code == 1, result.output
    assert 'reply does not contain "bye"' in result.output
    assert ET.parse(junit).getroot().get("failures") == "1"
    assert "Coverage" not in result.output


def test_the_command_exits_0_when_all_pass_and_prints_coverage(fake, monkeypatch, tmp_path):
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "rules.yml").write_text(RULES)
    path = tmp_path / "f.yml"
    path.write_text(f"flows:\n  - name: good\n    {PATIENT}\n"
                    "    turns: [{user: hi, expect: {intent: greet}}]\n")
    result = _cli(fake, monkeypatch, tmp_path, str(path), "--domain", str(tmp_path / "domain.yml"),
                  "--rules", str(tmp_path / "rules.yml"))
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output
    assert "never reached: thank, ask_weekly_duration, ask_maintenance_plan" in result.output


def test_the_command_reports_bad_flow_files_and_exits_1(tmp_path):
    path = tmp_path / "f.yml"
    path.write_text("flows:\n  - name: a\n")
    result = CliRunner().invoke(cli.flows_group, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: flows[0] (a).turns: missing" in result.output


# --- the shipped flows ------------------------------------------------------------------------------------


PLAN_INTENTS = ("ask_weekly_duration", "ask_next_injection", "ask_my_plan", "ask_maintenance_plan",
                "ask_next_lab_check", "report_missed_dose", "request_dose_change")


def test_the_shipped_flows_are_valid_and_cover_every_plan_intent():
    flows = load_flows([ROOT / "tests" / "flows"], TODAY)
    assert len(flows) >= 25
    expected_intents = {t.expect.intent for f in flows for t in f.turns}
    assert set(PLAN_INTENTS) <= expected_intents
    assert {"report_emergency", "ask_deficiency_scenario"} <= expected_intents
    assert any(not f.signed_in and f.patient for f in flows)  # verification in chat
    assert any(f.patient and not f.planfile for f in flows)  # registered without a plan
    # every plan intent is asked by a flow with a plan and by one without a plan on file
    for intent in PLAN_INTENTS:
        askers = [f for f in flows for t in f.turns if t.expect.intent == intent]
        assert any(f.planfile for f in askers), intent
        assert any(f.planfile is None for f in askers), intent
