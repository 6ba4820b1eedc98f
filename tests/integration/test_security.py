"""The findings of the independent red-team pass (issue 15), each a test at the level it was found: the demo
token endpoint, verification lockouts, the action server, socket.io rooms, message size and malformed bodies,
conversation length, and what is kept at rest. Against the real servers (`live_stack`)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import requests
import socketio

from bot.identity import issue_token
from bot.plans.planfile import parse_plan_text
from tests.plan_texts import mid_course_plan
from web.server import demo_allowed

pytestmark = pytest.mark.live
TODAY = date.today()


@pytest.fixture(scope="module")
def patient(live_stack):
    live_stack.store().import_planfile(parse_plan_text(mid_course_plan("MRN-8101", "Robin Vale", "1971-05-09"),
                                                       today=TODAY))
    return "MRN-8101"


def post(stack, body, raw: bytes | None = None):
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    if raw is not None:
        return requests.post(url, data=raw, headers={"Content-Type": "application/json"}, timeout=30)
    return requests.post(url, json=body, timeout=30)


def say(stack, text, sender=None, **metadata):
    metadata.setdefault("client_key", "key-" + uuid.uuid4().hex)
    response = post(stack, {"sender": sender or uuid.uuid4().hex, "message": text, "metadata": metadata})
    assert response.status_code == 200, response.text
    return "\n".join(m.get("text", "") for m in response.json())


# --- 1. the demo token endpoint --------------------------------------------------------------------------


def test_demo_tokens_only_for_the_demo_files_patients(live_stack, patient):
    url = f"{live_stack.web_url}/demo/token"
    assert requests.get(url, params={"ref": "MRN-1001"}, timeout=10).status_code == 200  # a demo patient
    imported = requests.get(url, params={"ref": patient}, timeout=10)  # real, staff-imported: refused
    unknown = requests.get(url, params={"ref": "MRN-9999"}, timeout=10)  # does not exist: the same answer
    assert imported.status_code == unknown.status_code == 404 and imported.text == unknown.text
    listing = requests.get(f"{live_stack.web_url}/demo/patients", timeout=10).json()["patients"]
    listed = {p["reference"] for p in listing}
    assert patient not in listed


def test_demo_mode_is_never_on_beyond_loopback():
    assert demo_allowed("127.0.0.1", "1") and demo_allowed("::1", None)
    assert not demo_allowed("0.0.0.0", "1") and not demo_allowed("192.168.1.5", None)
    assert not demo_allowed("127.0.0.1", "0")


# --- 2. lockouts that a new client key per guess does not reset -------------------------------------------


def test_a_new_client_key_per_guess_is_stopped_by_the_reference_lock(live_stack, patient):
    for n in range(5):
        sender, key = uuid.uuid4().hex, uuid.uuid4().hex
        say(live_stack, "when is my next injection?", sender, client_key=key)
        say(live_stack, patient, sender, client_key=key)
        say(live_stack, f"0{n + 1}/02/1950", sender, client_key=key)
    sender, key = uuid.uuid4().hex, uuid.uuid4().hex
    texts = [say(live_stack, "when is my next injection?", sender, client_key=key),
             say(live_stack, patient, sender, client_key=key),
             say(live_stack, "09/05/1971", sender, client_key=key)]  # the right date of birth, now refused
    assert not any("Priya" in t for t in texts) and any("15 minutes" in t for t in texts)


# --- 3. the action server ---------------------------------------------------------------------------------


def _listening_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                found.add(address)
    return found


def test_the_action_server_listens_on_loopback_and_wants_the_secret(live_stack):
    port = int(live_stack.actions_url.rsplit(":", 1)[1])
    assert _listening_addresses(port) <= {"0100007F", "00000000000000000000000001000000"}
    call = {"next_action": "action_respond", "sender_id": "x", "tracker": {"sender_id": "x"}, "version": "3.6.21"}
    assert requests.post(f"{live_stack.actions_url}/webhook", json=call, timeout=10).status_code == 401
    wrong = requests.post(f"{live_stack.actions_url}/webhook", json=call, timeout=10,
                          headers={"X-B12-Action-Secret": "guess"})
    assert wrong.status_code == 401
    secret = live_stack.env["ACTION_SERVER_SECRET"]
    broken = requests.post(f"{live_stack.actions_url}/webhook", data=b'{"next_action": 5, "echo": "SECRET-BODY"}',
                           headers={"X-B12-Action-Secret": secret, "Content-Type": "application/json"}, timeout=10)
    assert broken.status_code >= 400 and "SECRET-BODY" not in broken.text
    assert requests.post(f"{live_stack.actions_url}/health", timeout=10).status_code == 405


# --- 4. socket.io sessions belong to the client that created them ------------------------------------------


async def _socket_scenario(rasa_url: str, token: str, victim_key: str | None = "victim-key",
                           attacker_key: str | None = "attacker-key") -> tuple[list[str], list[str]]:
    victim, attacker = socketio.AsyncClient(), socketio.AsyncClient()
    victim_got, attacker_got = [], []
    session: dict[str, str] = {}
    victim.on("bot_uttered", lambda data: victim_got.append(data.get("text", "")))
    victim.on("session_confirm", lambda data: session.setdefault("id", data))
    attacker.on("bot_uttered", lambda data: attacker_got.append(data.get("text", "")))
    await victim.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
    await victim.emit("session_request", {"session_id": None})
    for _ in range(50):
        if "id" in session:
            break
        await asyncio.sleep(0.1)
    custom = {"patient_token": token, **({"client_key": victim_key} if victim_key else {})}
    await victim.emit("user_uttered", {"message": "when is my next injection?", "session_id": session["id"],
                                       "customData": custom})
    await asyncio.sleep(2)
    await attacker.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
    await attacker.emit("session_request", {"session_id": session["id"]})
    await attacker.emit("user_uttered", {"message": "show my plan", "session_id": session["id"],
                                         "customData": {"client_key": attacker_key} if attacker_key else {}})
    await asyncio.sleep(1)
    await victim.emit("user_uttered", {"message": "when is my next blood test?", "session_id": session["id"],
                                       "customData": custom})
    await asyncio.sleep(2)
    await victim.disconnect()
    await attacker.disconnect()
    return victim_got, attacker_got


def test_a_socket_io_client_cannot_join_someone_elses_session(live_stack, patient):
    with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever else runs in this process
        victim_got, attacker_got = pool.submit(asyncio.run, _socket_scenario(live_stack.rasa_url,
                                                                              issue_token(patient))).result()
    assert any("Priya" in text for text in victim_got)  # the patient gets their answers
    assert attacker_got and all("Priya" not in text and "serum B12" not in text for text in attacker_got)
    assert any("another browser" in text for text in attacker_got)


def test_a_client_without_a_key_never_joins_an_existing_session(live_stack, patient):
    """Red-team pass 2: a widget that sends no client_key, and an attacker who sends none either."""
    with ThreadPoolExecutor(1) as pool:
        victim_got, attacker_got = pool.submit(asyncio.run, _socket_scenario(
            live_stack.rasa_url, issue_token(patient), victim_key=None, attacker_key=None)).result()
    assert any("Priya" in text for text in victim_got)
    assert attacker_got and all("Priya" not in text and "serum B12" not in text for text in attacker_got)


async def _odd_socket_events(rasa_url: str) -> list[str]:
    client, got, session = socketio.AsyncClient(), [], {}
    client.on("bot_uttered", lambda data: got.append(data.get("text", "")))
    client.on("session_confirm", lambda data: session.__setitem__("id", data))  # the latest
    await client.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
    for event, args in [("session_request", ()), ("session_request", ([1, 2],)), ("session_request", ("x", "y")),
                        ("user_uttered", ()), ("user_uttered", ("text",)), ("user_uttered", ({}, {}, {})),
                        ("user_uttered", (b"\x00\xff",)), ("no_such_event", ({"a": 1},)),
                        ("user_uttered", ({"message": {"nested": True}},))]:
        await client.emit(event, args[0] if len(args) == 1 else args) if args else await client.emit(event)
    await asyncio.sleep(0.5)
    await client.emit("session_request", {"session_id": None})
    await asyncio.sleep(0.5)
    await client.emit("user_uttered", {"message": "can I switch to tablets?", "session_id": session.get("id"),
                                       "customData": {"client_key": "odd-events"}})
    for _ in range(50):
        if got:
            break
        await asyncio.sleep(0.1)
    await client.disconnect()
    return got


def test_odd_socket_io_events_are_ignored_without_a_traceback(live_stack):
    """Red-team pass 4: a user_uttered or session_request without data or with extra arguments logged a traceback."""
    log = live_stack.server("rasa").log_path
    before = log.stat().st_size
    with ThreadPoolExecutor(1) as pool:
        got = pool.submit(asyncio.run, _odd_socket_events(live_stack.rasa_url)).result()
    assert any("documented schedule" in text for text in got), got  # the chat still works afterwards
    with log.open("rb") as handle:
        handle.seek(before)
        assert b"Traceback" not in handle.read()


async def _fake_reserved_events(rasa_url: str) -> list[str]:
    client, got, session = socketio.AsyncClient(), [], {}
    client.on("bot_uttered", lambda data: got.append(data.get("text", "")))
    client.on("session_confirm", lambda data: session.__setitem__("id", data))
    await client.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
    await client.emit("disconnect")  # sent by the client: the connection stays open
    await client.emit("connect", {"REMOTE_ADDR": "10.0.0.1"})
    await client.emit("session_request", {"session_id": None})
    for _ in range(50):
        if "id" in session:
            break
        await asyncio.sleep(0.1)
    long_text = ("I have a question about my injections and the blood tests and whether tablets would do. " * 50)[:3990]
    for _ in range(6):
        await client.emit("user_uttered", {"message": long_text, "session_id": session["id"],
                                           "customData": {"client_key": "reserved-events"}})
    for _ in range(100):
        if len(got) >= 6:
            break
        await asyncio.sleep(0.1)
    await client.disconnect()
    return got


def test_client_sent_connect_and_disconnect_events_change_nothing(live_stack):
    """Red-team pass 5: a client that sent its own "disconnect" or "connect" event wiped or chose its address, and
    with it the per-address budget and verification allowance; both also logged a traceback."""
    log = live_stack.server("rasa").log_path
    before = log.stat().st_size
    with ThreadPoolExecutor(1) as pool:
        got = pool.submit(asyncio.run, _fake_reserved_events(live_stack.rasa_url)).result()
    assert sum("send this one again" in text for text in got) >= 3, got  # the budget still applies
    with log.open("rb") as handle:
        handle.seek(before)
        assert b"Traceback" not in handle.read()


# --- 5. size and shape of what is sent ---------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b"", b"[]", b"null", b"123", b'"text"', b"{not json", b'{"sender": 5}', b'{"sender": "a", "message": ["x"]}',
    b'{"sender": "a", "message": "hi", "metadata": []}', b'{"sender": "a b\\n", "message": "hi"}',
    b'{"sender": "a", "message": "\\ud800"}', b'[' * 5000 + b']' * 5000,
    b'{"sender": "a", "message": "hi", "metadata": ' + b'{"a": ' * 3000 + b'1' + b'}' * 3001,
])
def test_malformed_bodies_get_400_not_500(live_stack, raw):
    response = post(live_stack, None, raw=raw)
    assert response.status_code == 400 and "Traceback" not in response.text


@pytest.mark.parametrize("metadata", [{"patient_token": ["a", "list"]}, {"patient_token": {"sub": "MRN-8101"}},
                                      {"patient_token": 12}, {"client_key": {"x": 1}}])
def test_odd_metadata_gets_a_polite_reply(live_stack, patient, metadata):
    text = say(live_stack, "show me my plan", **metadata)
    assert text and "Priya" not in text


@pytest.mark.parametrize("text", ["", "   ", "/", "/action_listen", "/EXTERNAL_attack"])
def test_empty_and_internal_messages_get_a_reply_and_the_chat_goes_on(live_stack, text):
    """Red-team pass 2: these made the bot loop ten times, then answer nothing ever again."""
    sender = uuid.uuid4().hex
    first = say(live_stack, text, sender=sender, client_key="k-" + sender)
    assert first and first.count("\n") < 4
    assert "documented schedule" in say(live_stack, "can I switch to tablets?", sender=sender, client_key="k-" + sender)


def test_a_restart_gets_a_reply_and_the_chat_goes_on(live_stack):
    """Red-team pass 4: "/restart" started the chat afresh without a word, so the patient did not know."""
    sender = uuid.uuid4().hex
    assert "afresh" in say(live_stack, "/restart", sender=sender, client_key="k-" + sender)
    assert "documented schedule" in say(live_stack, "can I switch to tablets?", sender=sender, client_key="k-" + sender)


@pytest.mark.parametrize("text", ["/help me", "/thank you", "/greet?", "/stop please"])
def test_an_intent_name_with_words_after_it_is_read_as_words_and_the_chat_goes_on(live_stack, text):
    """Red-team pass 3 (F1): "/help me" made Rasa loop ten times, then the chat answered nothing, red flags
    included."""
    sender = uuid.uuid4().hex
    first = say(live_stack, text, sender=sender, client_key="k-" + sender)
    assert first and first.count("\n") < 4
    urgent = say(live_stack, "I have chest pain and cannot breathe", sender=sender, client_key="k-" + sender)
    assert "emergency" in urgent.lower()


def test_a_red_flag_typed_after_an_intent_name_gets_urgent_advice_once(live_stack):
    text = say(live_stack, "/greet I have chest pain")
    assert "emergency" in text.lower() and text.lower().count("emergency") <= 2


def test_deeply_nested_payload_entities_are_not_a_500(live_stack):
    """Red-team pass 3 (F4): 1,000-deep JSON in a button payload's entities was a RecursionError in Rasa."""
    deep = "/ask_my_plan{\"x\":" + "[" * 1000 + "]" * 1000 + "}"
    response = post(live_stack, {"sender": uuid.uuid4().hex, "message": deep, "metadata": {"client_key": "k"}})
    assert response.status_code == 200 and response.json()


def test_a_long_message_of_many_questions_stalls_nobody(live_stack):
    """Red-team pass 3 (F2): 3,990 characters of plan words and question marks took 5-7 s (every clause was
    classified) while nobody else got an answer."""
    words = ["when", "is", "my", "next", "injection", "chest", "dose", "tablets", "weekly", "blood", "and", "?"]
    wall = " ".join(words[(i * 7) % len(words)] for i in range(900))[:3990]
    say(live_stack, "hello")
    started = time.monotonic()
    say(live_stack, wall)
    assert time.monotonic() - started < 2.0


def test_odd_token_headers_and_secret_headers_are_refused_politely(live_stack, patient):
    """Red-team pass 3 (F6, F7): a token header with "crit" crashed the identity check; a non-ASCII action-server
    secret was a 500."""
    import base64
    import json

    token = issue_token(patient, minutes=60)
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "crit": ["x"]}).encode()).rstrip(b"=").decode()
    odd = ".".join([header, *token.split(".")[1:]])
    text = say(live_stack, "when is my next injection?", patient_token=odd)
    assert "sign" in text.lower() and "went wrong" not in text.lower()
    response = requests.post(f"{live_stack.actions_url}/webhook", data=b"{}", timeout=10,
                             headers={"X-B12-Action-Secret": "\u00e9".encode("latin-1")})
    assert response.status_code == 401


def test_a_reference_typed_with_look_alike_characters_is_another_patients(live_stack, patient):
    """Red-team pass 3 (F5): a non-breaking hyphen or full-width letters hid the reference, so the signed-in
    patient's own dates came back as if they were the other patient's."""
    token = issue_token(patient, minutes=60)
    fullwidth = "\uff2d\uff32\uff2e-\uff18\uff11\uff10\uff12"  # MRN-8102
    for text in ("MRN\u20118102 when is my next shot", f"{fullwidth} when is my next shot"):
        reply = say(live_stack, text, patient_token=token)
        assert "only" in reply.lower() and "Priya" not in reply, reply


def test_a_reference_as_bare_digits_or_cyrillic_letters_is_another_patients(live_stack, patient):
    """Red-team pass 4: "her number is 8102" or a Cyrillic М in MRN-8102 gave the signed-in patient's own dates,
    as if they were the other patient's."""
    token = issue_token(patient, minutes=60)
    for text in ("her number is 8102, when is her next shot", "\u041cRN-8102 when is my next shot",
                 "my mum's patient no. 8102 - next injection?", "\u041crn 8102 next jab"):
        reply = say(live_stack, text, patient_token=token)
        assert "only" in reply.lower() and "Priya" not in reply, (text, reply)
    assert "Priya" in say(live_stack, "my number is 8101, when is my next shot", patient_token=token)


def test_after_a_refusal_her_follow_ups_are_refused_too(live_stack, patient):
    """Red-team pass 5: after "her number is 8102" was refused, "and after that?", "what about her bloods?" and "what
    about MRN-8102?" got the signed-in patient's own dates and "you're already signed in"."""
    token, sender, key = issue_token(patient, minutes=60), uuid.uuid4().hex, uuid.uuid4().hex
    first = say(live_stack, "her number is 8102, when is her next injection?", sender=sender, client_key=key,
                patient_token=token)
    assert "only" in first.lower() and "Priya" not in first
    for text in ("and after that?", "what about her bloods?", "when does she switch to monthly?"):
        reply = say(live_stack, text, sender=sender, client_key=key, patient_token=token)
        assert "Priya" not in reply and "Robin" not in reply, (text, reply)
    for text in ("what about MRN-8102?", "8102"):
        reply = say(live_stack, text, patient_token=token)
        assert "only" in reply.lower() and "already signed in" not in reply, (text, reply)
    # pass 6: after the refusal of a reference on its own, and follow-ups about someone else, "next one?"
    other, other_key = uuid.uuid4().hex, uuid.uuid4().hex
    say(live_stack, "what about MRN-8102?", sender=other, client_key=other_key, patient_token=token)
    for text in ("when is her next injection?", "what about my son's next jab?", "next one?"):
        reply = say(live_stack, text, sender=other, client_key=other_key, patient_token=token)
        assert "Priya" not in reply and "Robin" not in reply, (text, reply)
    assert "Priya" in say(live_stack, "when is my next injection?", sender=sender, client_key=key, patient_token=token)


def test_many_long_messages_at_once_from_one_client_stall_nobody(live_stack):
    """Red-team pass 4: 8 messages of 4,000 characters sent at once from one address kept everyone else waiting
    about 10 s. What does not fit the client's budget is refused at once with a polite "send it again"."""
    wall = ("I have a question about my injections and the blood tests and whether the tablets would do the same "
            "job as the weekly ones, because my sister said so. ") * 27
    wall = wall[:3990]

    def long_one(_):
        return post(live_stack, {"sender": uuid.uuid4().hex, "message": wall, "metadata": {"client_key": "k"}})

    say(live_stack, "hello")
    with ThreadPoolExecutor(8) as pool:
        sent = [pool.submit(long_one, n) for n in range(8)]
        time.sleep(0.3)
        started = time.monotonic()
        bystander = say(live_stack, "can I switch to tablets?")
        waited = time.monotonic() - started
        answers = [future.result() for future in sent]
    assert "documented schedule" in bystander and waited < 4.0, waited
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) >= 4 and all("send this one again" in a.json()[0]["text"] for a in refused)
    assert all(a.status_code in (200, 429) for a in answers) and any(a.status_code == 200 for a in answers)
    assert "documented schedule" in say(live_stack, "can I switch to tablets?")  # the budget was given back


def test_a_lone_surrogate_in_the_client_key_is_not_a_500(live_stack):
    response = post(live_stack, None, raw=b'{"sender": "s1", "message": "hi", "metadata": {"client_key": "\\udfff"}}')
    assert response.status_code in (200, 400) and "Traceback" not in response.text


def test_a_long_run_without_spaces_costs_no_more_than_words(live_stack):
    """Red-team pass 2: 4,000 flag letters took 1.8 s each (the tokenizer is quadratic in a word's length)."""
    flags = "".join(chr(0x1F1E6 + (i * 7) % 26) for i in range(3990))
    say(live_stack, "hello")
    started = time.monotonic()
    say(live_stack, flags)
    assert time.monotonic() - started < 1.0


def test_a_huge_message_is_refused_at_once_and_stalls_nobody(live_stack):
    started = time.monotonic()
    text = say(live_stack, "when is my next injection? " * 40_000)
    assert time.monotonic() - started < 2 and "too long" in text
    assert "documented schedule" in say(live_stack, "can I switch to tablets?")


def test_a_token_that_claims_to_live_for_ever_is_refused(live_stack, patient):
    far = issue_token(patient, minutes=60)
    import jwt

    from bot.identity import token_secret

    claims = jwt.decode(far, options={"verify_signature": False})
    claims["exp"] = 10**12
    forever = jwt.encode(claims, token_secret(), algorithm="HS256")
    text = say(live_stack, "show me my plan", patient_token=forever)
    assert "Priya" not in text and "sign" in text.lower()


# --- 6. a long conversation costs no more per turn ----------------------------------------------------------


def test_turn_200_is_no_slower_than_twice_turn_1(live_stack, patient):
    sender, key, token = uuid.uuid4().hex, uuid.uuid4().hex, issue_token(patient)
    messages = ["when is my next injection?", "thanks", "what are the side effects?", "ok"]
    times = []
    for n in range(200):
        started = time.perf_counter()
        say(live_stack, messages[n % len(messages)], sender, client_key=key, patient_token=token)
        times.append(time.perf_counter() - started)
    first, last = statistics.median(times[5:25]), statistics.median(times[-20:])
    assert last <= 2 * first + 0.01, (first, last)


# --- 7. at rest --------------------------------------------------------------------------------------------


def test_tokens_and_client_keys_are_not_stored_and_files_are_private(live_stack, patient):
    token, key = issue_token(patient), "client-key-" + uuid.uuid4().hex
    say(live_stack, "when is my next injection?", client_key=key, patient_token=token)
    path = live_stack.env["TRACKER_STORE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = [r[0] for r in db.execute("SELECT data FROM events WHERE type_name = 'user'")]
    assert rows and not any(token in r or key in r for r in rows)
    for file in Path(path).parent.glob("*.db"):
        assert stat.S_IMODE(os.stat(file).st_mode) & 0o077 == 0, file


def test_the_rasa_auth_token_is_not_on_any_command_line(live_stack):
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        assert live_stack.auth_token not in cmdline
