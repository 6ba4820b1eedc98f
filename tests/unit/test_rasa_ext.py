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
