"""The scale-out set-up against the real PostgreSQL and Redis on localhost: 2 Rasa + 2 action servers,
conversations spread over the replicas, and outages (action server killed, database unreachable,
Redis unreachable). Fresh databases per run, dropped afterwards."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests

from bot.identity import issue_token
from ops.ports import free_port
from services.answering import plan_answer_text

pytestmark = [pytest.mark.live, pytest.mark.postgres]
SERVER = os.environ.get("B12_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
PATIENTS = ("MRN-1001", "MRN-1002", "MRN-1003", "MRN-1004")
POLITE = "can't reach your plan"


def reachable(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0




@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    if not (reachable(5432) and reachable(6379)):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL (5432) and Redis (6379) must run on localhost in CI")
        pytest.skip("PostgreSQL or Redis is not running on localhost")
    from ops.scaled import drop_database, start_scaled

    suffix = uuid.uuid4().hex[:8]
    secret = os.environ.get("B12_TOKEN_SECRET") or uuid.uuid4().hex * 2
    os.environ["B12_TOKEN_SECRET"] = secret
    names = (f"b12_scale_{suffix}", f"b12_scale_tracker_{suffix}")
    stack = start_scaled(plans_db=names[0], tracker_db=names[1], rasa_ports=(free_port(), free_port()),
                         action_ports=(free_port(), free_port()), lock_store_url="redis://127.0.0.1:6379/9",
                         server_url=SERVER, auth_token=uuid.uuid4().hex,
                         extra_env={"B12_TOKEN_SECRET": secret, "LOCK_STORE_PREFIX": f"b12test{suffix}",
                                    "ACTION_TIMEOUT": "5"},
                         log_dir=tmp_path_factory.mktemp("scaled-logs"))
    yield stack
    stack.stop()
    from adapters.sql.db import dispose_all

    dispose_all()
    for name in names:
        drop_database(SERVER, name)


def say(url: str, sender: str, text: str, metadata: dict) -> str:
    response = requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                             json={"sender": sender, "message": text, "metadata": metadata})
    assert response.status_code == 200, response.text
    return "\n".join(m.get("text", "") for m in response.json())


def expected_next_injection(stack, reference: str) -> str:
    record = stack.store().current_plan(reference)
    # the lead sentence: it answers the question every time (details said before in a conversation are not
    # repeated), and it holds the date the patient's own plan gives
    return plan_answer_text("ask_next_injection", record, date.today()).split(". ")[0]


def user_turns(stack, url: str, sender: str) -> list[str]:
    tracker = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": stack.auth_token},
                           timeout=30).json()
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def test_one_conversation_alternating_replicas_loses_nothing(scaled):
    sender, metadata = f"alt-{uuid.uuid4().hex[:8]}", {"patient_token": issue_token("MRN-1001"), "client_key": "k"}
    sent = ["when is my next injection?", "how long am I on weekly shots?", "when is my next blood test?",
            "when is my next injection?", "can I switch to tablets?", "when is my next injection?"]
    expected = expected_next_injection(scaled, "MRN-1001")
    for n, text in enumerate(sent):
        reply = say(scaled.rasa_urls[n % 2], sender, text, metadata)
        assert "Dr. Priya Shah" in reply or "documented schedule" in reply
        if text == "when is my next injection?":
            assert expected in reply
    for url in scaled.rasa_urls:  # the tracker in PostgreSQL holds every turn, in order
        assert user_turns(scaled, url, sender) == sent


def test_verification_spread_over_replicas(scaled):
    sender, metadata = f"ver-{uuid.uuid4().hex[:8]}", {"client_key": uuid.uuid4().hex}
    a, b = scaled.rasa_urls
    assert "reference" in say(a, sender, "when is my next injection?", metadata).lower()
    assert "date of birth" in say(b, sender, "MRN-1001", metadata).lower()
    reply = say(a, sender, "14/03/1968", metadata)
    assert expected_next_injection(scaled, "MRN-1001") in reply
    assert "Dr. Priya Shah" in say(b, sender, "how long am I on weekly shots?", metadata)


def test_twenty_concurrent_conversations_across_replicas(scaled):
    turns = ["when is my next injection?", "what are the side effects?", "when is my next injection?",
             "when is my next blood test?"]
    expected = {ref: expected_next_injection(scaled, ref) for ref in PATIENTS}

    def conversation(n: int) -> tuple[str, int]:
        reference, sender = PATIENTS[n % 4], f"conc-{n}-{uuid.uuid4().hex[:6]}"
        metadata = {"patient_token": issue_token(reference), "client_key": sender}
        wrong = 0
        for k, text in enumerate(turns):
            reply = say(scaled.rasa_urls[(n + k) % 2], sender, text, metadata)
            if text == "when is my next injection?" and expected[reference] not in reply:
                wrong += 1
        return sender, wrong

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(conversation, range(20)))
    assert sum(wrong for _, wrong in results) == 0
    for sender, _ in results:
        assert user_turns(scaled, scaled.rasa_urls[0], sender) == turns  # 0 lost turns


def test_action_server_killed_then_back(scaled):
    url, sender = scaled.rasa_urls[0], f"kill-{uuid.uuid4().hex[:8]}"
    metadata = {"patient_token": issue_token("MRN-1002"), "client_key": "k"}
    scaled.server("actions-0").stop()  # kills its process group by pid
    assert POLITE in say(url, sender, "when is my next injection?", metadata)
    scaled.restart("actions-0")
    assert expected_next_injection(scaled, "MRN-1002") in say(url, sender, "when is my next injection?", metadata)


def test_unreachable_database_gives_the_polite_reply(scaled):
    url, sender = scaled.rasa_urls[1], f"db-{uuid.uuid4().hex[:8]}"
    metadata = {"patient_token": issue_token("MRN-1003"), "client_key": "k"}
    bad_env = {**scaled.envs["actions-1"], "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere"}
    scaled.restart("actions-1", env=bad_env)
    try:
        reply = say(url, sender, "when is my next injection?", metadata)
        assert POLITE in reply and "Traceback" not in reply
    finally:
        scaled.restart("actions-1")
    assert expected_next_injection(scaled, "MRN-1003") in say(url, sender, "when is my next injection?", metadata)


def test_redis_down_lock_store_logs_clearly_and_keeps_answering(caplog):
    """The lock store of a replica whose Redis is unreachable still serialises and answers."""
    import asyncio

    from rasa_ext.stores import EnvLockStore, ResilientRedisLockStore

    os.environ["LOCK_STORE_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    try:
        store = EnvLockStore()
    finally:
        del os.environ["LOCK_STORE_URL"]
    assert isinstance(store, ResilientRedisLockStore)

    async def one_turn() -> str:
        async with store.lock("conversation-1"):
            return "answered"

    with caplog.at_level(logging.ERROR, logger="rasa_ext.stores"):
        with ThreadPoolExecutor(1) as pool:  # own loop: Playwright may hold the main thread's loop
            assert pool.submit(asyncio.run, one_turn()).result() == "answered"
    assert "Redis lock store unreachable" in caplog.text
