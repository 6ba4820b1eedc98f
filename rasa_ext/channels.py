"""The two input channels patients use, hardened: REST (`/webhooks/rest/webhook`) and socket.io (the widget).

Rasa's own channels trust the caller with everything: a socket.io client that names someone else's
session_id joins their room (receives their replies, pushes messages into their widget); a REST body that is
not a JSON object gives a 500; a 1 MB message is processed; metadata of any type reaches the actions. These
subclasses keep Rasa's URLs and events and add, before a message reaches the bot:

- shape checks: a JSON object with a string `sender` and `message`, object `metadata` (400 otherwise);
- a size limit: a message over B12_MAX_MESSAGE_CHARS (default 4,000) gets a polite reply and is not processed;
- a budget per client address of characters being read at once (rasa_ext/budget.py): one client sending many
  long messages at once gets "send it again" for those that do not fit, instead of holding everyone up;
- references typed in look-alike characters are written plainly (bot/references.py), before the NLU;
- metadata reduced to what the bot uses (`patient_token`, `client_key`, `b12_today`), strings only, plus the
  server's own `b12_client` (a keyed hash of the caller's address, for the verification rate limit) that a
  caller cannot set;
- conversation ownership: a conversation belongs to the client key that wrote its first message (only a hash
  of it is stored, see rasa_ext/stores.py); another client gets 403 (REST) or a refusal (socket.io), and a
  socket.io client joins a session's room only after it proved to be its owner.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.references import latin_references
from rasa_ext.budget import InFlight

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = int(os.environ.get("B12_MAX_MESSAGE_CHARS", "4000"))
_SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}\Z")  # \Z: not even a trailing newline
_KEPT = {"patient_token": 4096, "client_key": 256, "b12_today": 10}
TOO_LONG = ("That message is too long for me to read. Please ask your question in a few sentences "
            f"(up to {MAX_MESSAGE_CHARS:,} characters).")
NOT_YOURS = "This chat belongs to another browser. Please reload the page to start a new chat."
EMPTY = "Please type your question, and I'll do my best to answer it."
BUSY = ("I'm still reading your earlier messages. Please send this one again once I've answered them.")
LONG_RUN = 60  # characters without a space: longer runs are broken up (the tokenizer's cost grows with their square)
_RUN = re.compile(rf"\S{{{LONG_RUN + 1},}}")


@functools.cache
def budget() -> InFlight:
    """Characters being read per client address, shared by both channels (rasa_ext/budget.py)."""
    return InFlight()


@functools.cache
def _intents() -> frozenset[str]:
    from bot.vocabulary import INTENTS

    return frozenset(INTENTS) | {"session_start", "restart"}


def readable(text: str) -> bool:
    """Text that is valid Unicode (no lone surrogates), so every layer can encode it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def prepared(text: str) -> str | None:
    """The message as the bot should read it, or None when there is nothing to read.

    - empty, blank or a bare "/" → None (the caller answers EMPTY);
    - "/name…" is a button payload only for one of our intents; anything else ("/action_listen",
      "/EXTERNAL_x") is read as typed words, so no caller can trigger Rasa's internal actions;
    - runs of more than LONG_RUN characters without a space are broken into pieces.
    """
    stripped = text.strip()
    if not stripped or stripped.strip("/") == "":
        return None
    if stripped.startswith("/") and not _payload(stripped):
        stripped = stripped.lstrip("/ ")
    stripped = latin_references(stripped)  # "ＭＲＮ-１００２", "МRN‑1002" (Cyrillic М) → "MRN-1002"
    if _RUN.search(stripped):
        stripped = _RUN.sub(lambda m: " ".join(m.group(0)[i:i + LONG_RUN]
                                               for i in range(0, len(m.group(0)), LONG_RUN)), stripped)
    return stripped or None


# "/intent", "/intent@0.9 words typed beside it", "/intent{"entity": "value"}": what Rasa reads as a payload.
# After the name comes nothing, "@" or "{": Rasa would read "/help me" as an intent named "help me" and loop.
_PAYLOAD = re.compile(r"/(?P<name>[A-Za-z0-9_]+)(?=$|@|\{)(?:@[0-9.]+)?(?P<entities>\{.*\})?", re.DOTALL)
MAX_PAYLOAD_DEPTH = 3


def _payload(text: str) -> bool:
    """A button payload for one of our intents, with entities (if any) that are a small, flat JSON object."""
    m = _PAYLOAD.match(text)
    if not m or m.group("name") not in _intents():
        return False
    if m.group("name") in ("restart", "session_start") and text != f"/{m.group('name')}":
        return False  # "/restart@1.0 I have chest pain": Rasa would drop the words, red flag and all
    entities = m.group("entities")
    if entities is None:
        return True
    if len(entities) > 2000 or _depth(entities) > MAX_PAYLOAD_DEPTH:
        return False  # Rasa's json.loads would recurse to the limit: a 500
    try:
        return isinstance(json.loads(entities), dict)
    except ValueError:
        return False


def _depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += char in "[{"
        depth -= char in "]}"
        deepest = max(deepest, depth)
    return deepest


def _hash_key() -> bytes:
    from bot.identity import token_secret

    return token_secret().encode()


def key_hash(client_key: str | None) -> str:
    """The stored stand-in for a client key: a keyed hash ("" for a client without one)."""
    if not client_key:
        return ""
    return hmac.new(_hash_key(), f"client-key|{client_key}".encode(), hashlib.sha256).hexdigest()[:32]


def client_hash(address: str | None) -> str | None:
    if not address:
        return None
    return hmac.new(_hash_key(), f"address|{address}".encode(), hashlib.sha256).hexdigest()[:24]


def clean_metadata(raw: Any, address: str | None) -> dict[str, str]:
    """Only the metadata the bot reads, as strings. A token that is not a string is kept as an invalid one,
    so the patient hears "please sign in again" instead of being treated as anonymous."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            raw = {}
    raw = raw if isinstance(raw, dict) else {}
    clean: dict[str, str] = {}
    for key, limit in _KEPT.items():
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > limit or not readable(value):
            if key == "patient_token":
                clean[key] = "invalid"
            continue
        clean[key] = value
    hashed = client_hash(address)
    if hashed:
        clean["b12_client"] = hashed
    return clean


def problem_with(body: Any) -> str | None:
    """Why a REST body is not a message, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with `sender` and `message`"
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not _SENDER.match(sender):
        return "`sender` must be a string of letters, digits and _.:@- (at most 128)"
    if not isinstance(message, str):
        return "`message` must be a string"
    if not readable(message):
        return "`message` is not valid Unicode text"
    if "metadata" in body and body["metadata"] is not None and not isinstance(body["metadata"], dict):
        return "`metadata` must be a JSON object"
    return None


async def owner_of(request_app: Any, sender_id: str) -> str | None:
    """The key hash that owns the conversation (None: a new one, or a tracker store that cannot tell)."""
    agent = getattr(getattr(request_app, "ctx", None), "agent", None)
    tracker_store = getattr(agent, "tracker_store", None)
    # Rasa wraps the configured store in a FailSafeTrackerStore
    tracker_store = getattr(tracker_store, "_tracker_store", tracker_store)
    finder = getattr(tracker_store, "conversation_owner", None)
    return await finder(sender_id) if finder is not None else None


def _address(request: Request) -> str | None:
    return request.remote_addr or request.ip


def _socket_address(environ: Any) -> str | None:
    """The caller's address for a socket.io connection. engine.io's Sanic driver writes REMOTE_ADDR as 127.0.0.1
    for every client, so the address comes from the Sanic request it keeps beside it."""
    if not isinstance(environ, dict):
        return None
    request = environ.get("sanic.request")
    if request is not None:
        return _address(request)
    return (environ.get("asgi.scope") or {}).get("client", [None])[0] or environ.get("REMOTE_ADDR")


class B12RestInput(RestInput):
    """`/webhooks/rest/webhook`, with the checks of this module."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("b12_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError, RecursionError):
                return response.json({"error": "the body is not valid JSON"}, status=400)
            problem = problem_with(body)
            if problem:
                return response.json({"error": problem}, status=400)
            sender, text = body["sender"], body["message"]
            if len(text) > MAX_MESSAGE_CHARS:
                return response.json([{"recipient_id": sender, "text": TOO_LONG}])
            text = prepared(text)
            if text is None:
                return response.json([{"recipient_id": sender, "text": EMPTY}])
            metadata = clean_metadata(body.get("metadata"), _address(request))
            owner = await owner_of(request.app, sender)
            if owner is not None and owner != key_hash(metadata.get("client_key")):
                return response.json({"error": "this conversation belongs to another client"}, status=403)
            metadata["client_key_hash"] = key_hash(metadata.get("client_key"))
            collector = CollectingOutputChannel()
            with budget().reading(_address(request), len(text)) as fits:
                if not fits:
                    return response.json([{"recipient_id": sender, "text": BUSY}], status=429)
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            return response.json(collector.messages)

        return webhook


class B12SocketIOInput(SocketIOInput):
    """socket.io for the widget (`session_persistence` on), with sessions bound to their owner."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        webhook = SocketBlueprint(sio, self.socketio_path, "b12_socketio_webhook", __name__)
        self.sio = sio
        bound: dict[str, str] = {}  # sid → the session it asked for
        proven: set[str] = set()  # sids that proved they own their session (and joined its room)
        addresses: dict[str, str | None] = {}
        app_holder: dict[str, Any] = {}

        @webhook.listener("before_server_start")
        async def remember_app(app, _loop) -> None:  # noqa: ANN001
            app_holder["app"] = app

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: Any = None, auth: Any = None, *_more: Any) -> bool:
            if sid in addresses:
                return True  # a "connect" event the client sent itself: its address stays what the server saw
            addresses[sid] = _socket_address(environ)
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str, *_more: Any) -> None:
            if sio.manager.is_connected(sid, self.namespace or "/"):
                return  # a "disconnect" event the client sent itself, not the connection ending
            bound.pop(sid, None)
            proven.discard(sid)
            addresses.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None, *_more: Any) -> None:  # no argument: a new session
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = asked if isinstance(asked, str) and _SENDER.match(asked) else uuid.uuid4().hex
            bound[sid] = session_id
            proven.discard(sid)
            # not in the room yet: replies for this session reach this client once it proved it owns it
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None, *_more: Any) -> None:  # odd arguments: ignored
            session_id = bound.get(sid)
            if session_id is None or not isinstance(data, dict):
                return  # no session_request first: nothing to answer into
            if data.get("session_id") not in (None, session_id):
                await sio.emit(self.bot_message_evt, {"text": NOT_YOURS}, room=sid)
                return
            text = data.get("message")
            if not isinstance(text, str):
                return
            if len(text) > MAX_MESSAGE_CHARS:
                await sio.emit(self.bot_message_evt, {"text": TOO_LONG}, room=sid)
                return
            text = prepared(text) if readable(text) else None
            if text is None:
                await sio.emit(self.bot_message_evt, {"text": EMPTY}, room=sid)
                return
            metadata = clean_metadata(data.get(self.metadata_key), addresses.get(sid))
            if sid not in proven:
                owner = await owner_of(app_holder.get("app"), session_id)
                if owner is not None and not metadata.get("client_key"):
                    # a client without a key cannot prove it owns an existing session: it gets a new one
                    session_id = bound[sid] = uuid.uuid4().hex
                    await sio.emit("session_confirm", session_id, room=sid)
                    owner = None
                if owner is not None and owner != key_hash(metadata.get("client_key")):
                    logger.warning("socket.io: a client tried to join a session it does not own")
                    await sio.emit(self.bot_message_evt, {"text": NOT_YOURS}, room=sid)
                    return
                sio.enter_room(sid, session_id)  # python-socketio 5.9 (pinned): a plain call
                proven.add(sid)
            metadata["client_key_hash"] = key_hash(metadata.get("client_key"))
            output = SocketIOOutput(sio, self.bot_message_evt)
            with budget().reading(addresses.get(sid), len(text)) as fits:
                if not fits:
                    await sio.emit(self.bot_message_evt, {"text": BUSY}, room=sid)
                    return
                await on_new_message(UserMessage(text, output, session_id, input_channel=self.name(),
                                                 metadata=metadata))

        return webhook
