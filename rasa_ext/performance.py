"""Cheaper validation of action-server responses (same checks, schema compiled once).

Rasa 3.6 validates every action-server response with `jsonschema.validate(result, schema)`, which
first re-checks the (constant) schema itself and builds a new validator on every call. Profiling our
server under load (py-spy, see README "Benchmark") put that at about 40 % of the Rasa process's CPU.
We keep the validation — every response is still checked against Rasa's own schema and a bad
response raises the same ValidationError — but build the validator once per process.
"""

from __future__ import annotations

from functools import lru_cache

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_installed = False


@lru_cache(maxsize=1)
def _response_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every response
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    global _installed
    if not _installed:
        RemoteAction._validate_action_result = _validate_action_result
        _installed = True
