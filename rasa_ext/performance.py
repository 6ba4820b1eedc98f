"""Less overhead per message in the Rasa server, with the same results:

1. action-server responses validated by a schema validator built once, not per response;
2. the prediction graph run in order in the calling thread, not through dask's scheduler;
3. the policies predict from the last PREDICTION_WINDOW events of a conversation, not its whole history:
   Rasa's RulePolicy featurizes every past turn on every prediction, so turn 200 cost three times turn 1;
   our one rule looks at the latest turn only, so the prediction is the same (tests/integration/
   test_graph_runner.py) and the cost stays flat;
4. the action call carries the conversation's state (latest message, slots, active loop) but not its whole
   event history, so its size and cost do not grow with the length of the conversation (our one action reads
   the latest message and the context slot only; the domain is left out too: endpoints.yml enables Rasa's
   selective domain).

(1) in detail: cheaper validation of action-server responses (same checks, schema compiled once).

Rasa 3.6 validates every action-server response with `jsonschema.validate(result, schema)`, which
first re-checks the (constant) schema itself and builds a new validator on every call. Profiling our
server under load (py-spy, see README "Benchmark") put that at about 40 % of the Rasa process's CPU.
We keep the validation — every response is still checked against Rasa's own schema and a bad
response raises the same ValidationError — but build the validator once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import rasa
import rasa.core.processor
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner
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


class SequentialGraphRunner(DaskGraphRunner):
    """Runs Rasa's prediction graph in the calling thread without dask.

    Rasa runs each message's NLU and policy graph through `dask.get`, the synchronous dask scheduler:
    the same nodes, one after the other, plus the scheduler's own bookkeeping (building the task graph,
    its state and callbacks for every run), which profiling put at about 10 % of the Rasa process's
    CPU. This runner calls the same instantiated nodes with the same inputs in dependency order and
    caches each target set's minimal schema, so results are identical (see the tests).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[str, ...], GraphSchema] = {}

    def run(self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        schema = self._schemas.get(run_targets)
        if schema is None:
            schema = self._schemas[run_targets] = self._graph_schema.minimal_graph_schema(list(run_targets))
        results: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input "
                    "names passed to the `run` method are the same as node names in the graph schema."
                )
            results[name] = (name, value)  # what dask passes a node for a literal input

        def compute(name: str) -> Any:
            if name not in results:
                if name not in schema.nodes:
                    return name  # dask, too, passes a name that is neither a node nor an input as is
                needs = schema.nodes[name].needs.values()
                results[name] = self._instantiated_nodes[name](*(compute(need) for need in needs))
            return results[name]

        try:
            return dict(compute(target) for target in run_targets)
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error


def _action_call_format(self: RemoteAction, tracker, domain) -> dict:
    from rasa.shared.core.trackers import EventVerbosity

    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(EventVerbosity.NONE),
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


PREDICTION_WINDOW = 40  # events, about ten turns: far more than the longest rule looks back


def _window(tracker, domain):
    """A copy of `tracker` with only its last events, starting at a user message (the real tracker, its slots
    and its events are untouched: the actions and the tracker store still see everything)."""
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = list(tracker.events)
    start = max(0, len(events) - PREDICTION_WINDOW)
    while start < len(events) - 1 and not isinstance(events[start], UserUttered):
        start += 1
    return DialogueStateTracker.from_events(tracker.sender_id, events[start:], slots=domain.slots)


_original_predict = rasa.core.processor.MessageProcessor._predict_next_with_tracker


def _predict_next_with_window(self, tracker):
    if tracker.followup_action or len(tracker.events) <= PREDICTION_WINDOW:
        return _original_predict(self, tracker)
    return _original_predict(self, _window(tracker, self.domain))


def install() -> None:
    global _installed
    if not _installed:
        rasa.core.processor.MessageProcessor._predict_next_with_tracker = _predict_next_with_window
        RemoteAction._validate_action_result = _validate_action_result
        RemoteAction._action_call_format = _action_call_format
        # the processor loads the model with this class (the Rasa server imports rasa_ext, via
        # endpoints.yml, before it loads the model)
        rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
        _installed = True
