"""The Rasa-side patches keep Rasa's behaviour: action responses are still validated."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import rasa_ext  # noqa: F401  (installs the patches, as the Rasa server does via endpoints.yml)
from rasa_ext.performance import _validate_action_result


def test_patch_is_installed():
    assert RemoteAction._validate_action_result is _validate_action_result


def test_valid_action_response_passes():
    action = RemoteAction("action_answer_plan", None)
    response = {"events": [{"event": "slot", "name": "needs_verification", "value": False}],
                "responses": [{"text": "hello"}]}
    assert action._validate_action_result(response) is True


@pytest.mark.parametrize("response", [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [42]},
])
def test_invalid_action_response_is_still_rejected(response):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_answer_plan", None)._validate_action_result(response)


@pytest.mark.parametrize(("typed", "read"), [
    ("/help", "/help"),  # a button
    ("/ask_side_effects@1.0 my throat is closing", "/ask_side_effects@1.0 my throat is closing"),
    ('/ask_my_plan{"patient_reference": "MRN-1"}', '/ask_my_plan{"patient_reference": "MRN-1"}'),
    ("/help me", "help me"),  # Rasa would read an intent named "help me" and loop (red-team pass 3, F1)
    ("/greet I have chest pain", "greet I have chest pain"),
    ("/greet?", "greet?"),
    ("/action_listen", "action_listen"),
    ("/ask_my_plan{not json}", "ask_my_plan{not json}"),
    ("MRN\u20111002 when is my next shot", "MRN-1002 when is my next shot"),  # a non-breaking hyphen (F5)
    ("MRN\u00ad1002 when", "MRN-1002 when"), ("MRN_1002", "MRN-1002"),  # a soft hyphen, an underscore (pass 4)
    ("/restart", "/restart"),
    ("/restart@1.0 I have chest pain", "restart@1.0 I have chest pain"),  # Rasa would drop the words (pass 4)
    ("\u041cRN-1002 when is her next one", "MRN-1002 when is her next one"),  # a Cyrillic М (pass 4)
])
def test_the_channel_reads_only_real_payloads_as_payloads(typed, read):
    from rasa_ext.channels import prepared

    assert prepared(typed) == read


def test_deeply_nested_payload_entities_are_read_as_words():
    from rasa_ext.channels import prepared

    deep = '/ask_my_plan{"x":' + "[" * 1000 + "]" * 1000 + "}"
    assert not prepared(deep).startswith("/")


def test_a_plan_file_nested_too_deeply_or_dated_too_far_is_a_named_problem():
    from bot.plans.planfile import PlanFileError, parse_plan_text

    with pytest.raises(PlanFileError, match="nested too deeply"):
        parse_plan_text("[" * 100_000)
    far = "patient: {reference: MRN-1, name: A B, date_of_birth: 1970-01-01}\nplan:\n  documented_on: today+3000000d\n"
    with pytest.raises(PlanFileError, match="too far from today"):
        parse_plan_text(far)


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("doses", "1000000000000", "more doses than any plan has"),
    ("every", "99999999 weeks", "longer than a year"),
    ("starts_on", "9999-12-01", "years from today"),
])
def test_a_plan_too_large_to_compute_is_a_named_problem(field, value, problem):
    """Red-team pass 4: these passed the parser and then crashed the chat and the console's patient page."""
    from bot.plans.planfile import PlanFileError, parse_plan_text
    from tests.plan_texts import mid_course_plan

    text = mid_course_plan("MRN-8101", "Robin Vale", "1971-05-09")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{field}:"))
    lines[index] = lines[index].split(":")[0] + f": {value}"
    with pytest.raises(PlanFileError, match=problem):
        parse_plan_text("\n".join(lines) + "\n")


def test_a_clients_budget_fits_one_long_message_and_short_ones_beside_it():
    from rasa_ext.budget import InFlight

    budget = InFlight(6000)
    assert budget.take("a", 4000)
    assert not budget.take("a", 4000)  # a second long one while the first is read
    assert budget.take("a", 40) and budget.take("b", 4000)  # a short one beside it; another client
    budget.release("a", 4000)
    assert budget.take("a", 4000)
    budget.release("a", 4000)
    budget.release("a", 40)
    assert budget.take("a", 9000)  # alone, even a message over the budget is read


def test_the_budget_is_released_however_the_reading_ends():
    from rasa_ext.budget import InFlight

    budget = InFlight(100)
    with pytest.raises(RuntimeError), budget.reading("a", 90) as fits:
        assert fits
        raise RuntimeError
    with budget.reading("a", 90) as fits, budget.reading("a", 90) as second:
        assert fits and not second
    assert budget.take("a", 90)


def test_no_budget_when_turned_off_or_the_address_is_unknown(monkeypatch):
    from rasa_ext.budget import InFlight

    monkeypatch.setenv("B12_CLIENT_BUDGET_CHARS", "0")
    off = InFlight()
    assert off.take("a", 4000) and off.take("a", 4000)
    assert InFlight(100).take(None, 90) and InFlight(100).take("", 90)


def test_a_socket_io_clients_address_comes_from_the_sanic_request():
    """Red-team pass 5: engine.io's Sanic driver writes REMOTE_ADDR as 127.0.0.1 for every client, so every widget
    user shared one budget and one verification allowance."""
    from types import SimpleNamespace

    from rasa_ext.channels import _socket_address

    request = SimpleNamespace(remote_addr="", ip="10.1.2.3")
    assert _socket_address({"REMOTE_ADDR": "127.0.0.1", "sanic.request": request}) == "10.1.2.3"
    assert _socket_address({"asgi.scope": {"client": ["10.9.9.9", 1]}}) == "10.9.9.9"
    assert _socket_address({}) is None and _socket_address("not a dict") is None
