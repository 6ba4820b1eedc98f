"""Play flows against a running bot over REST and check what the patient would read.

For each flow the runner imports its plan under a reference nobody else uses (FLOW- + digits, see
`unique_reference`), so flows never see each other's data and real patients are untouched. Each
flow has its own sender id and client key; signed-in flows carry a patient token in the message
metadata, exactly like the widget does. After each turn the runner reads the conversation tracker
(Rasa's HTTP API) for the predicted intent and the actions and responses of that turn, because the
REST reply alone says nothing about how the bot got there.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from bot.plans.model import Patient, PlanFile
from ops.ports import free_ports
from staff.flows.model import Expect, Flow, RenderContext, render

TokenIssuer = Callable[[str], str]


class FlowStore(Protocol):
    """The two store methods the runner needs (adapters.sql.store.PlanStore has them)."""

    def import_planfile(self, pf: PlanFile, source: str = "") -> int: ...

    def register_patient(self, patient: Patient) -> object: ...


class RasaError(RuntimeError):
    """The bot could not be reached or answered with an error."""


@dataclass(frozen=True)
class TurnOutcome:
    """What happened in one turn, and how it differs from the expectation (empty = as expected)."""

    number: int  # 1-based, as staff count turns
    line: int
    user: str  # the text sent, placeholders filled
    intent: str | None
    confidence: float | None
    actions: tuple[str, ...]  # actions run in this turn (action_listen left out)
    responses: tuple[str, ...]  # responses (utter_*) the bot used, also when sent by a custom action
    reply: str
    differences: tuple[str, ...] = ()


@dataclass
class FlowResult:
    flow: Flow
    sender: str
    reference: str | None
    turns: list[TurnOutcome] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # the whole tracker, for coverage
    error: str | None = None  # could not run (server down, import failed...)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.error is None and all(not t.differences for t in self.turns)

    @property
    def failing_turns(self) -> list[TurnOutcome]:
        return [t for t in self.turns if t.differences]


# --- talking to Rasa ---------------------------------------------------------------------------------


class RasaClient:
    """REST webhook + tracker reads. Thread-safe: every call is its own HTTP request."""

    def __init__(self, url: str, auth_token: str | None = None, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.auth_token = auth_token
        self.timeout = timeout

    def _request(self, method: str, path: str, body: Any = None, *, as_json: bool = True) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode(errors="replace")
            hint = " (check --auth-token / RASA_AUTH_TOKEN)" if exc.code in (401, 403) else ""
            raise RasaError(f"{method} {path.split('?')[0]} -> HTTP {exc.code}{hint}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RasaError(f"cannot reach the bot at {self.url}: {reason}") from None
        if not as_json:
            return raw
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            raise RasaError(f"{method} {path.split('?')[0]}: the answer is not JSON: {raw[:120]!r}") from None

    def send(self, sender: str, message: str, metadata: dict[str, str]) -> list[dict[str, Any]]:
        body = {"sender": sender, "message": message, "metadata": metadata}
        return self._request("POST", "/webhooks/rest/webhook", body) or []

    def tracker(self, sender: str) -> dict[str, Any]:
        query = f"?token={urllib.parse.quote(self.auth_token)}" if self.auth_token else ""
        return self._request("GET", f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker{query}")

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Wait until the server answers; raise RasaError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._request("GET", "/", as_json=False)  # Rasa's GET / answers plain text ("Hello from Rasa")
                return
            except RasaError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


# --- reading one turn ---------------------------------------------------------------------------------


def turn_from_events(events: Sequence[dict[str, Any]]) -> tuple[str | None, float | None, tuple, tuple]:
    """(intent, confidence, actions, responses) of the LAST user turn in a tracker's events."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if last_user is None:
        return None, None, (), ()
    intent_data = (events[last_user].get("parse_data") or {}).get("intent") or {}
    actions, responses = [], []
    for event in events[last_user + 1 :]:
        kind = event.get("event")
        if kind == "action" and event.get("name") and event["name"] != "action_listen":
            actions.append(event["name"])
            if event["name"].startswith("utter_"):
                responses.append(event["name"])
        elif kind == "bot":
            utter = (event.get("metadata") or {}).get("utter_action")
            if utter and utter not in responses:
                responses.append(utter)
    return intent_data.get("name"), intent_data.get("confidence"), tuple(actions), tuple(responses)


def reply_text(messages: Sequence[dict[str, Any]]) -> str:
    """What the patient reads: every text, and button titles (they are read too)."""
    parts = []
    for message in messages:
        if message.get("text"):
            parts.append(str(message["text"]))
        titles = [str(b.get("title", "")) for b in message.get("buttons") or [] if b.get("title")]
        if titles:
            parts.append("[" + " | ".join(titles) + "]")
    return "\n".join(parts)


def _normal(text: str) -> str:
    """Case, spacing and typographic quotes do not change the meaning of a reply."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _holds(needle: str, said: str) -> bool:
    """Whether the (normalised) reply holds the text. A number is whole: "2 Nov 2026" is not found inside
    "12 Nov 2026", nor "1 mg" inside "11 mg"."""
    needle = _normal(needle)
    if not needle:
        return True
    pattern = re.escape(needle)
    if needle[0].isdigit():
        pattern = r"(?<![\d.,])" + pattern
    if needle[-1].isdigit():
        pattern += r"(?![\d.,]\d|\d)"
    return re.search(pattern, said) is not None


def _short(text: str, limit: int = 240) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_turn(
    expect: Expect,
    ctx: RenderContext,
    intent: str | None,
    confidence: float | None,
    ran: Sequence[str],
    reply: str,
) -> tuple[str, ...]:
    """Every way the turn differs from `expect` (empty tuple = as expected)."""
    differences = []
    if expect.intent and expect.intent != intent:
        conf = f" ({confidence:.2f})" if isinstance(confidence, (int, float)) else ""
        differences.append(f"expected intent {expect.intent}, got {intent or 'none'}{conf}")
    for action in expect.actions:
        if action not in ran:
            differences.append(f"expected action {action}, ran: {', '.join(ran) or 'nothing'}")
    said = _normal(reply)
    for wanted in expect.contains:
        text = render(wanted, ctx)
        if not _holds(text, said):
            differences.append(f'reply does not contain "{text}"')
    if expect.contains_any:
        options = [render(option, ctx) for option in expect.contains_any]
        if not any(_holds(option, said) for option in options):
            differences.append("reply contains none of " + ", ".join(f'"{o}"' for o in options))
    for unwanted in expect.not_contains:
        text = render(unwanted, ctx)
        if _holds(text, said):
            differences.append(f'reply contains "{text}", which it must not')
    return tuple(differences)


# --- running flows ------------------------------------------------------------------------------------


def unique_reference(reference: str) -> str:
    """A reference in the flow test namespace: never a real patient's, never another flow's.

    FLOW-<last 4 digits of the fixture's reference><8 random digits>, e.g. MRN-1042 -> FLOW-104238150927.
    It must survive `bot.references.normalise_reference` unchanged, because flows that verify in chat
    type it: a form like "MRN-1042-FLOW-x" would be read as MRN-1042, a real patient.
    """
    digits = "".join(ch for ch in reference if ch.isdigit())[-4:].rjust(4, "0")
    return f"FLOW-{digits}{secrets.randbelow(10**8):08d}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def prepare_patient(flow: Flow, store: FlowStore) -> str | None:
    """Import the flow's plan (or register its plan-less patient) under a unique reference."""
    if flow.patient is None:
        return None
    reference = unique_reference(flow.patient.reference)
    lookup = getattr(store, "patient", None)
    while lookup is not None and lookup(reference) is not None:  # taken by an earlier run: draw again
        reference = unique_reference(flow.patient.reference)
    patient = replace(flow.patient, reference=reference)
    if flow.planfile is not None:
        store.import_planfile(replace(flow.planfile, patient=patient), source=f"flow:{flow.where}")
    else:
        store.register_patient(patient)
    return reference


def run_flow(
    flow: Flow, client: RasaClient, reference: str | None, today: date, issue_token: TokenIssuer
) -> FlowResult:
    """Play one flow's turns in order; a server error stops the flow, a wrong reply does not."""
    sender = f"flow-{_slug(flow.name)}-{uuid.uuid4().hex[:8]}"
    result = FlowResult(flow=flow, sender=sender, reference=reference)
    started = time.monotonic()
    patient = flow.patient
    ctx = RenderContext(
        today=today,
        reference=reference,
        name=patient.name if patient else None,
        date_of_birth=patient.date_of_birth if patient else None,
    )
    metadata = {"client_key": uuid.uuid4().hex}
    try:
        if flow.signed_in and reference is not None:
            metadata["patient_token"] = issue_token(reference)
        for number, turn in enumerate(flow.turns, start=1):
            text = render(turn.user, ctx)
            messages = client.send(sender, text, metadata)
            events = client.tracker(sender).get("events") or []
            intent, confidence, actions, responses = turn_from_events(events)
            reply = reply_text(messages)
            ran = tuple(dict.fromkeys(actions + responses))
            differences = check_turn(turn.expect, ctx, intent, confidence, ran, reply)
            outcome = TurnOutcome(
                number, turn.line, text, intent, confidence, actions, responses, reply, differences
            )
            result.turns.append(outcome)
            result.events = events
    except RasaError as exc:
        result.error = str(exc)
    except Exception as exc:  # a runner bug must not hide the other flows' results
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = time.monotonic() - started
    return result


def default_token_issuer(reference: str) -> str:
    from bot.identity import issue_token  # late: the unit tests inject their own issuer

    return issue_token(reference, minutes=30)


def run_flows(
    flows: Sequence[Flow],
    client: RasaClient,
    store: FlowStore,
    today: date,
    issue_token: TokenIssuer = default_token_issuer,
    workers: int = 4,
) -> list[FlowResult]:
    """Import every flow's patient (sequentially: one writer), then play the flows concurrently."""
    references: list[str | None] = []
    import_errors: list[str | None] = []
    for flow in flows:
        try:
            references.append(prepare_patient(flow, store))
            import_errors.append(None)
        except Exception as exc:
            references.append(None)
            import_errors.append(f"could not import the flow's plan: {type(exc).__name__}: {exc}")

    def one(i: int) -> FlowResult:
        if import_errors[i]:
            return FlowResult(flow=flows[i], sender="", reference=None, error=import_errors[i])
        return run_flow(flows[i], client, references[i], today, issue_token)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, range(len(flows))))


# --- a throwaway stack when no --url is given ----------------------------------------------------------


@dataclass(frozen=True)
class LocalBot:
    rasa_url: str
    database_url: str
    token_secret: str

    def issue_token(self, reference: str) -> str:
        from bot.identity import issue_token

        return issue_token(reference, minutes=30, secret=self.token_secret)


@contextmanager
def local_stack(auth_token: str) -> Iterator[LocalBot]:
    """Rasa + action server on free ports with a fresh SQLite plan and tracker database, stopped afterwards.

    Its own token secret too, so tokens issued here verify there and nowhere else.
    """
    from adapters.sql.store import upgrade
    from ops.stack import start_stack

    with tempfile.TemporaryDirectory(prefix="b12-flows-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'plans.db'}"
        secret = secrets.token_urlsafe(48)
        env = {
            "DATABASE_URL": database_url,
            "TRACKER_STORE_URL": f"sqlite:///{Path(tmp) / 'tracker.db'}",
            "B12_TOKEN_SECRET": secret,
        }
        upgrade(database_url)
        rasa_port, actions_port = free_ports(2)
        stack = start_stack(
            rasa_port, actions_port, None, database_url,
            env=env, auth_token=auth_token, log_dir=Path(tmp) / "logs",
        )
        try:
            yield LocalBot(stack.rasa_url, database_url, secret)
        finally:
            stack.stop()
