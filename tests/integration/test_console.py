"""The staff console (console/) over HTTP with aiohttp's test client, on a throwaway SQLite database.

Sign-in, the session cookie, CSRF on every form, lockout, session expiry (idle and absolute, on a fake clock),
access control on every route (the routes are enumerated from the app: each refuses an anonymous request
with a redirect to /login and no patient data), import errors inline, reports, follow-ups, the audit log,
trying the bot on a chosen date and saving the flow, then running it, all against a small fake bot that
answers with dates computed from the day it is told (`b12_today`) or its own today. The staff CLI too.
"""

from __future__ import annotations

import contextlib
import logging
import re
import stat
import textwrap
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from async_helpers import run_async
from click.testing import CliRunner

from adapters.sql.db import dispose_engine, make_engine
from adapters.sql.store import PlanStore, upgrade
from bot.dates import format_date, format_day
from bot.errors import StoreUnavailable
from bot.plans.planfile import parse_plan_text
from console import flow_export
from console.server import make_app
from console.settings import Settings
from services import staff as staff_service
from staff.cli.staff import staff_group
from staff.flows.model import load_flows, parse_flows_text
from staff.flows.runner import RasaError, turn_from_events
from tests.plan_texts import mid_course_plan

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TODAY = date.today()
PATIENT_NAME = "Robin Console"
REFERENCE = "MRN-6001"


def plan_text(reference: str = REFERENCE, name: str = PATIENT_NAME) -> str:
    """Mid-replenishment: 3 of 6 weekly doses given (the last one today), then monthly maintenance."""
    return mid_course_plan(reference, name, "1971-05-09", maintenance_starts="today+35d")


BAD_PLAN = textwrap.dedent("""\
    patient:
      reference: MRN-6999
      name: Bad Plan
      date_of_birth: 1970-05-01
    plan:
      documented_by: Dr. Priya Shah
      documented_on: today-10d
      product: cyanocobalamin
      strength: 1000 mcg/mL
      route: oral
      indication: absorption problem
      phases:
        - phase: replenishment
          dose: 1000
          every: 1 week
          doses: 6
          starts_on: today-7d
    """)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeBot:
    """A stand-in for Rasa's REST channel and tracker: "next injection" is answered with the day a week after
    its today (the `b12_today` it is sent, else the real one), anything else with a greeting."""

    def __init__(self) -> None:
        self.events: dict[str, list[dict]] = defaultdict(list)
        self.sent: list[tuple[str, str, dict]] = []
        self.down = False

    def send(self, sender: str, message: str, metadata: dict) -> list[dict]:
        if self.down:
            raise RasaError("cannot reach the bot at http://fake: connection refused")
        self.sent.append((sender, message, dict(metadata)))
        today = date.fromisoformat(metadata["b12_today"]) if "b12_today" in metadata else date.today()
        if "next injection" in message:
            intent, utter = "ask_next_injection", None
            text = (f"Your next injection is due on {format_day(today + timedelta(days=7))}, the one after on "
                    f"{format_date(today + timedelta(days=14))}. Documented by Dr. Priya Shah.")
            entities = [{"entity": "topic", "value": "injection", "confidence_entity": 0.91,
                         "extractor": "DIETClassifier"}]
        else:
            intent, utter, text, entities = "greet", "utter_greet", "Hello! I am B12 Guide.", []
        self.events[sender] += [
            {"event": "user", "text": message,
             "parse_data": {"intent": {"name": intent, "confidence": 0.97}, "entities": entities}},
            {"event": "action", "name": "action_respond"},
            {"event": "bot", "text": text, "metadata": {"utter_action": utter} if utter else {}},
            {"event": "slot", "name": "b12_context", "value": {"topic": intent}},
            {"event": "action", "name": "action_listen"},
        ]
        return [{"recipient_id": sender, "text": text}]

    def tracker(self, sender: str) -> dict:
        return {"events": list(self.events[sender]), "slots": {"b12_context": {"topic": "x"}, "empty": None}}

    def wait_ready(self, timeout: float = 0) -> None:
        if self.down:
            raise RasaError("cannot reach the bot at http://fake: connection refused")


@pytest.fixture
def store(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'console.db'}"
    upgrade(url)
    yield PlanStore(make_engine(url))
    dispose_engine(url)


@pytest.fixture
def alice(store) -> str:
    staff_service.create_user(store, "alice", PASSWORD)
    return "alice"


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "flows"
    (directory / "fixtures").mkdir(parents=True)
    (directory / "fixtures" / "mid_course.yml").write_text(plan_text("MRN-7002", "Alex Rivera"), encoding="utf-8")
    (directory / "greeting.yml").write_text(textwrap.dedent("""\
        flows:
          - name: greeting
            turns:
              - user: hello
                expect: {intent: greet, action: utter_greet, contains: ["B12 Guide"]}
        """), encoding="utf-8")
    return directory


@pytest.fixture
def console(store, alice, flows_dir):
    clock, bot = FakeClock(), FakeBot()
    settings = Settings(rasa_url="http://127.0.0.1:9", store=lambda: store, clock=clock, flows_dir=flows_dir,
                        rasa_client=lambda: bot, issue_token=lambda ref: f"token-for-{ref}", flow_workers=1)
    return settings, clock, bot


@contextlib.asynccontextmanager
async def client_for(settings: Settings):
    async with TestClient(TestServer(make_app(settings))) as client:
        yield client


async def token_of(client: TestClient, path: str) -> str:
    response = await client.get(path)
    assert response.status == 200, (path, response.status)
    return CSRF.search(await response.text()).group(1)


async def sign_in(client: TestClient, username: str = "alice", password: str = PASSWORD, **extra):
    token = await token_of(client, "/login")
    return await client.post("/login", data={"csrf_token": token, "username": username, "password": password,
                                             **extra}, allow_redirects=False)


async def signed_in(client: TestClient) -> str:
    """Sign in as alice; the CSRF token of her session."""
    response = await sign_in(client)
    assert response.status == 303, await response.text()
    return await token_of(client, "/patients")


def audit_by(store, actor: str) -> list[str]:
    return [e.intent for e in store.audit_entries(limit=500) if e.actor == actor]


# --- sign-in ----------------------------------------------------------------------------------------


def test_sign_in_gives_a_strict_http_only_expiring_session_cookie(console, store, caplog) -> None:
    settings, _, _ = console
    caplog.set_level(logging.DEBUG)

    async def scenario():
        async with client_for(settings) as client:
            page = await client.get("/login")
            html = await page.text()
            for field in ('name="username"', 'name="password"', 'type="hidden" name="csrf_token"'):
                assert field in html
            response = await sign_in(client, next="/followups")
            assert response.status == 303 and response.headers["Location"] == "/followups"
            cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith("b12_console_session="))
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
            assert "Max-Age=28800" in cookie
            first_id = cookie.split(";")[0].split("=", 1)[1]
            assert len(first_id) >= 40
            assert (await client.get("/patients")).status == 200
            # a new sign-in gets a new session id: no fixation
            client.session.cookie_jar.clear()
            again = await sign_in(client)
            assert again.status == 303
            second = next(c for c in again.headers.getall("Set-Cookie") if c.startswith("b12_console_session="))
            assert second.split(";")[0].split("=", 1)[1] != first_id
            # a page's headers: no caching of patient data, no framing, no outside assets
            headers = (await client.get("/patients")).headers
            assert headers["Cache-Control"] == "no-store" and headers["X-Frame-Options"] == "DENY"
            assert "default-src 'none'" in headers["Content-Security-Policy"]

    run_async(scenario())
    assert PASSWORD not in caplog.text
    assert all(PASSWORD not in (e.detail or "") for e in store.audit_entries(limit=500))
    assert "staff_login" in audit_by(store, "alice")
    assert store.staff_user("alice").last_login_at is not None


def test_sign_in_refuses_a_form_without_its_csrf_token_and_wrong_passwords_alike(console, store) -> None:
    settings, _, _ = console

    async def scenario():
        async with client_for(settings) as client:
            no_token = await client.post("/login", data={"username": "alice", "password": PASSWORD},
                                         allow_redirects=False)
            assert no_token.status == 400 and "expired" in await no_token.text()
            await client.get("/login")
            forged = await client.post("/login", data={"csrf_token": "x" * 64, "username": "alice",
                                                       "password": PASSWORD}, allow_redirects=False)
            assert forged.status == 400
            wrong = await sign_in(client, password="not the password")
            unknown = await sign_in(client, username="nobody", password="not the password")
            assert wrong.status == unknown.status == 401
            wrong_text, unknown_text = await wrong.text(), await unknown.text()
            assert "Sign-in failed" in wrong_text and "Sign-in failed" in unknown_text
            assert "not the password" not in wrong_text
            assert (await client.get("/patients", allow_redirects=False)).status == 303

    run_async(scenario())
    assert store.staff_user("alice").failed_logins == 1


def test_lockout_after_five_failures_for_fifteen_minutes(console, store) -> None:
    settings, clock, _ = console

    async def scenario():
        async with client_for(settings) as client:
            for _ in range(5):
                assert (await sign_in(client, password="wrong password!")).status == 401
            user = store.staff_user("alice")
            assert user.failed_logins == 5 and user.locked_until is not None
            locked = await sign_in(client)  # the right password, but locked
            assert locked.status == 401 and "locked" in await locked.text()
            assert (await client.get("/patients", allow_redirects=False)).status == 303
            clock.advance(14 * 60)
            assert (await sign_in(client)).status == 401
            clock.advance(61)
            assert (await sign_in(client)).status == 303

    run_async(scenario())
    user = store.staff_user("alice")
    assert user.failed_logins == 0 and user.locked_until is None
    assert "staff_locked_out" in audit_by(store, "alice")


def test_too_many_failures_from_one_address_are_slowed_down(console, store) -> None:
    settings, clock, _ = console

    async def scenario():
        async with client_for(settings) as client:
            for n in range(30):
                assert (await sign_in(client, username=f"guess{n}", password="wrong password!")).status == 401
            blocked = await sign_in(client)
            assert blocked.status == 429 and "Retry-After" in blocked.headers
            clock.advance(15 * 60 + 1)
            assert (await sign_in(client)).status == 303

    run_async(scenario())


def test_sessions_expire_when_idle_and_after_eight_hours(console) -> None:
    settings, clock, _ = console

    async def scenario():
        async with client_for(settings) as client:
            await signed_in(client)
            clock.advance(29 * 60)
            assert (await client.get("/patients", allow_redirects=False)).status == 200  # restarts the idle clock
            clock.advance(31 * 60)
            expired = await client.get("/patients", allow_redirects=False)
            assert expired.status == 303 and expired.headers["Location"].startswith("/login")
            await signed_in(client)
            for _ in range(16):  # busy all day: a request every 29 minutes for 7 h 44 min
                clock.advance(29 * 60)
                assert (await client.get("/followups", allow_redirects=False)).status == 200
            clock.advance(20 * 60)  # 8 h 4 min after sign-in
            assert (await client.get("/followups", allow_redirects=False)).status == 303

    run_async(scenario())


def test_sign_out_ends_the_session_and_a_disabled_account_is_out_at_once(console, store) -> None:
    settings, _, _ = console

    async def scenario():
        async with client_for(settings) as client:
            token = await signed_in(client)
            cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["b12_console_session"].value
            out = await client.post("/logout", data={"csrf_token": token}, allow_redirects=False)
            assert out.status == 303 and out.headers["Location"] == "/login"
            replay = await client.get("/patients", allow_redirects=False, cookies={"b12_console_session": cookie})
            assert replay.status == 303
            await signed_in(client)
            staff_service.set_disabled(store, "alice", True, actor="cli")
            assert (await client.get("/patients", allow_redirects=False)).status == 303
            assert (await sign_in(client)).status == 401

    run_async(scenario())
    assert "staff_logout" in audit_by(store, "alice")


def test_next_after_sign_in_stays_on_the_console(console) -> None:
    settings, _, _ = console

    async def scenario():
        async with client_for(settings) as client:
            for target in ("//evil.example/x", "https://evil.example/", "/login", "\\\\evil"):
                client.session.cookie_jar.clear()
                response = await sign_in(client, next=target)
                assert response.headers["Location"] == "/patients", target

    run_async(scenario())


# --- access control and CSRF on every route ---------------------------------------------------------


def _routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route but the public ones, from the router itself."""
    found = []
    for route in app.router.routes():
        info = route.resource.get_info()
        if "prefix" in info or route.method == "HEAD":  # static files; HEAD mirrors each GET
            continue
        path = info.get("path") or info["formatter"]
        if path == "/login":
            continue
        found.append((route.method, path))
    return found


def test_every_route_refuses_an_anonymous_request(console, store) -> None:
    settings, _, bot = console
    app = make_app(settings)
    routes = _routes(app)
    assert len(routes) >= 18 and ("POST", "/reports/{report_id}/{decision}") in routes
    store.import_planfile(parse_plan_text(plan_text()))
    report = store.add_report(REFERENCE, TODAY - timedelta(days=1), None, None)
    followup = store.add_followup(REFERENCE, "human_requested", 1, None)

    async def scenario():
        async with TestClient(TestServer(app)) as client:
            token = await signed_in(client)  # a try and a run exist, so only the missing session refuses
            started = await client.post("/try", data={"csrf_token": token, "source": "fixture",
                                                      "fixture": "mid_course.yml", "as_of": str(TODAY)},
                                        allow_redirects=False)
            try_id = started.headers["Location"].rsplit("/", 1)[1]
            ran = await client.post("/flows/run", data={"csrf_token": token, "file": ""}, allow_redirects=False)
            run_id = ran.headers["Location"].rsplit("/", 1)[1]
            values = {"reference": REFERENCE, "report_id": report.id, "followup_id": followup, "decision": "confirm",
                      "try_id": try_id, "run_id": run_id}
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as anonymous:
                checked = []
                for method, template in routes + [("GET", "/no/such/page"), ("POST", "/patients")]:
                    path = template.format(**values)
                    response = await anonymous.request(method, client.make_url(path), allow_redirects=False,
                                                       data={"csrf_token": token, "text": plan_text(), "name": "x",
                                                             "message": "hi", "reference": REFERENCE})
                    body = await response.text()
                    assert response.status == 303, (method, path, response.status)
                    assert response.headers["Location"].startswith("/login"), (method, path)
                    assert PATIENT_NAME not in body and REFERENCE not in body, (method, path)
                    checked.append(path)
                public = await anonymous.get(client.make_url("/static/console.css"))
                assert public.status == 200
                login = await anonymous.get(client.make_url("/login"))
                assert login.status == 200 and PATIENT_NAME not in await login.text()
            return checked

    checked = run_async(scenario())
    assert len(checked) == len(routes) + 2
    assert store.reports(status="pending", reference=REFERENCE)  # nothing was decided anonymously
    assert len(store.list_followups("open")) == 1


def test_every_form_needs_the_session_csrf_token(console, store) -> None:
    settings, _, _ = console
    app = make_app(settings)
    posts = [path for method, path in _routes(app) if method == "POST"]
    store.import_planfile(parse_plan_text(plan_text()))
    report = store.add_report(REFERENCE, TODAY - timedelta(days=1), None, None)
    followup = store.add_followup(REFERENCE, "human_requested", 1, None)

    async def scenario():
        async with TestClient(TestServer(app)) as client:
            token = await signed_in(client)
            values = {"reference": REFERENCE, "report_id": report.id, "followup_id": followup, "decision": "confirm",
                      "try_id": "x", "run_id": "x"}
            for path in posts:
                url = path.format(**values)
                for data, headers in (({}, {}), ({"csrf_token": "forged" + token[6:]}, {}),
                                      ({"csrf_token": token}, {"Origin": "http://evil.example"}),
                                      ({"csrf_token": token}, {"Sec-Fetch-Site": "cross-site"})):
                    response = await client.post(url, data={**data, "text": plan_text(), "reference": REFERENCE},
                                                 headers=headers, allow_redirects=False)
                    assert response.status == 403, (url, data, headers, response.status)
                    assert "security check" in await response.text()
            assert (await client.get("/patients")).status == 200  # still signed in

    run_async(scenario())
    assert store.reports(status="pending", reference=REFERENCE)
    assert len(store.list_followups("open")) == 1
    assert len(store.plan_history(REFERENCE)) == 1


# --- pages ------------------------------------------------------------------------------------------


def test_import_shows_problems_inline_with_line_numbers_and_writes_nothing(console, store) -> None:
    settings, _, _ = console

    async def scenario():
        async with client_for(settings) as client:
            token = await signed_in(client)
            bad = aiohttp.FormData()
            bad.add_field("csrf_token", token)
            bad.add_field("file", BAD_PLAN.encode(), filename="../../etc/MRN-6999.yml", content_type="text/yaml")
            response = await client.post("/import", data=bad)
            html = await response.text()
            assert response.status == 422
            assert "MRN-6999.yml was not imported" in html and "Nothing was written" in html
            assert re.search(r'href="#line-10">Line 10</a>: plan.route', html)
            assert re.search(r'href="#line-14">Line 14</a>: plan.phases\[0\].dose', html)
            assert 'id="line-10" class="bad"' in html and "../../etc" not in html
            assert (await client.post("/import", data={"csrf_token": token, "text": "\t: [", "name": "t.yml"})
                    ).status == 422
            not_utf8 = aiohttp.FormData()
            not_utf8.add_field("csrf_token", token)
            not_utf8.add_field("file", b"\xff\xfe\x00bad", filename="x.yml")
            response = await client.post("/import", data=not_utf8)
            assert response.status == 422 and "not UTF-8" in await response.text()
            big = aiohttp.FormData()
            big.add_field("csrf_token", token)
            big.add_field("file", b"# " + b"x" * settings.max_upload_bytes, filename="big.yml")
            assert (await client.post("/import", data=big)).status == 422
            nothing = await client.post("/import", data={"csrf_token": token})
            assert nothing.status == 422 and "Choose a plan file" in await nothing.text()
            assert store.patient("MRN-6999") is None

            good = await client.post("/import", data={"csrf_token": token, "text": plan_text(), "name": "robin.yml"},
                                     allow_redirects=False)
            assert good.status == 303 and good.headers["Location"] == f"/patients/{REFERENCE}"
            page = await client.get(good.headers["Location"])
            html = await page.text()
            assert "Imported robin.yml as plan version 1 of MRN-6001" in html
            assert PATIENT_NAME in html and "Dr. Priya Shah" in html and "replenishment remaining" in html

    run_async(scenario())
    assert store.current_plan(REFERENCE).version == 1
    assert "plan_import" in audit_by(store, "alice")


def test_patient_list_search_detail_and_confirming_a_report(console, store) -> None:
    settings, _, _ = console
    store.import_planfile(parse_plan_text(plan_text()))
    store.import_planfile(parse_plan_text(plan_text()))  # version 2
    store.import_planfile(parse_plan_text(plan_text("FLOW-600112345678", "Flow Person")))
    first = store.add_report(REFERENCE, TODAY - timedelta(days=2), None, None)
    second = store.add_report(REFERENCE, TODAY - timedelta(days=1), None, None)

    async def scenario():
        async with client_for(settings) as client:
            token = await signed_in(client)
            listing = await (await client.get("/patients")).text()
            assert REFERENCE in listing and "FLOW-600112345678" not in listing and "1 test patient hidden" in listing
            assert "FLOW-600112345678" in await (await client.get("/patients?tests=1")).text()
            assert REFERENCE not in await (await client.get("/patients?q=nobody")).text()
            assert REFERENCE in await (await client.get("/patients?q=robin")).text()
            html = await (await client.get(f"/patients/{REFERENCE}")).text()
            assert "Current plan: version 2" in html and "Plan versions (2)" in html
            assert "Injections the patient reported (2)" in html and html.count(">Confirm<") == 2
            confirmed = await client.post(f"/reports/{first.id}/confirm", data={"csrf_token": token,
                                                                                "reference": REFERENCE},
                                          allow_redirects=False)
            assert confirmed.status == 303
            rejected = await client.post(f"/reports/{second.id}/reject", data={"csrf_token": token})
            assert "rejected" in await rejected.text()
            again = await client.post(f"/reports/{first.id}/confirm", data={"csrf_token": token})
            assert again.status == 409 and "already confirmed" in await again.text()
            assert (await client.get("/patients/NO-SUCH")).status == 404
            assert (await client.get("/patients/%3Cscript%3E")).status == 404
            future = await client.get(f"/patients/{REFERENCE}?on={TODAY + timedelta(days=60)}")
            assert "maintenance" in await future.text()
            assert (await client.get(f"/patients/{REFERENCE}?on=tomorrow")).status == 400

    run_async(scenario())
    decided = {r.id: r for r in store.reports(status=None, reference=REFERENCE)}
    assert decided[first.id].status == "confirmed" and decided[first.id].decided_by == "alice"
    assert decided[second.id].status == "rejected"
    assert TODAY - timedelta(days=2) in {i.on for i in store.current_plan(REFERENCE).injections_given}
    assert {"report_confirmed", "report_rejected"} <= set(audit_by(store, "alice"))


def test_followups_inbox_and_audit_per_patient_and_day(console, store) -> None:
    settings, _, _ = console
    store.import_planfile(parse_plan_text(plan_text()))
    record = store.current_plan(REFERENCE)
    open_id = store.add_followup(REFERENCE, "human_requested", 1, None)
    store.add_followup(REFERENCE, "missed_dose", 1, None)
    store.add_audit("ask_next_injection", "action_respond", REFERENCE, record.plan_version_id)

    async def scenario():
        async with client_for(settings) as client:
            token = await signed_in(client)
            inbox = await (await client.get("/followups")).text()
            assert "(2)" in inbox and "human requested" in inbox and "missed dose" in inbox
            closed = await client.post(f"/followups/{open_id}/close", data={"csrf_token": token,
                                                                           "back": "/followups?status=done"},
                                       allow_redirects=False)
            assert closed.headers["Location"] == "/followups?status=done"
            done = await (await client.get("/followups?status=done")).text()
            assert f"#{open_id}" in done and "alice" in done and "human requested" in done
            assert (await client.post("/followups/999/close", data={"csrf_token": token})).status == 404
            audit = await (await client.get(f"/audit?reference={REFERENCE}")).text()
            assert "ask_next_injection" in audit and "followup_closed" in audit
            assert re.search(r"<td>ask_next_injection</td><td>action_respond</td>\s*<td>1</td>", audit)
            assert "Plan versions cited, per patient and day" in audit
            today_page = await (await client.get(f"/audit?on={datetime.now(timezone.utc).date()}")).text()
            assert "ask_next_injection" in today_page
            other_day = await (await client.get("/audit?on=2001-01-01")).text()
            assert "ask_next_injection" not in other_day
            assert (await client.get("/audit?on=yesterday")).status == 400

    run_async(scenario())
    assert store.list_followups("closed")[0].closed_by == "alice"


def test_errors_are_pages_with_a_message_never_a_traceback(console, store, monkeypatch) -> None:
    settings, _, _ = console

    def broken(*args, **kwargs):
        raise StoreUnavailable("cannot use the database at sqlite:///x: disk I/O error")

    async def scenario():
        async with client_for(settings) as client:
            await signed_in(client)
            monkeypatch.setattr(store, "patients", broken)
            down = await client.get("/patients")
            text = await down.text()
            assert down.status == 503 and "disk I/O error" in text and "Traceback" not in text
            monkeypatch.setattr(store, "patients", lambda *a, **k: 1 / 0)
            crash = await client.get("/patients")
            text = await crash.text()
            assert crash.status == 500 and "ZeroDivisionError" not in text and "Traceback" not in text
            missing = await client.get("/flows/runs/nope")
            assert missing.status == 404 and "No such run" in await missing.text()

    run_async(scenario())


# --- try the bot, save as flow, run flows --------------------------------------------------------------


def test_try_the_bot_on_a_future_date_save_the_flow_and_run_it(console, store, flows_dir) -> None:
    settings, _, bot = console
    as_of = TODAY + timedelta(days=21)

    async def scenario():
        async with client_for(settings) as client:
            token = await signed_in(client)
            page = await (await client.get("/try")).text()
            assert "mid_course.yml" in page
            too_early = await client.post("/try", data={"csrf_token": token, "source": "fixture",
                                                        "fixture": "mid_course.yml", "as_of": "2001-01-01"})
            assert too_early.status == 422 and "today" in await too_early.text()
            sneaky = await client.post("/try", data={"csrf_token": token, "source": "fixture",
                                                     "fixture": "../../console.db", "as_of": str(as_of)})
            assert sneaky.status == 422
            bad = await client.post("/try", data={"csrf_token": token, "source": "text", "text": BAD_PLAN,
                                                  "name": "bad.yml", "as_of": str(as_of)})
            assert bad.status == 422 and 'href="#line-10">Line 10</a>' in await bad.text()
            started = await client.post("/try", data={"csrf_token": token, "source": "fixture",
                                                      "fixture": "mid_course.yml", "as_of": str(as_of)},
                                        allow_redirects=False)
            assert started.status == 303
            location = started.headers["Location"]
            said = await client.post(f"{location}/say", data={"csrf_token": token,
                                                              "message": "when is my next injection?"})
            html = await said.text()
            assert format_day(as_of + timedelta(days=7)) in html
            assert "ask_next_injection" in html and "(0.97)" in html and "topic = “injection”" in html
            assert "action_respond" in html and "b12_context" in html
            await client.post(f"{location}/say", data={"csrf_token": token, "message": "hello"})
            assert (await client.post(f"{location}/say", data={"csrf_token": token, "message": " "})).status == 422
            saved = await client.post(f"{location}/save", data={"csrf_token": token, "name": "next injection in 3 w"})
            saved_html = await saved.text()
            assert saved.status == 200 and "Flow saved: next injection in 3 w" in saved_html
            sender, _, metadata = bot.sent[0]
            assert metadata["b12_today"] == as_of.isoformat()
            assert metadata["patient_token"].startswith("token-for-FLOW-") and metadata["client_key"]
            other = await client.get("/try/not-mine")
            assert other.status == 404
            flows_page = await (await client.get("/flows")).text()
            assert "console_next_injection_in_3_w.yml" in flows_page
            run = await client.post("/flows/run", data={"csrf_token": token,
                                                        "file": "console_next_injection_in_3_w.yml"})
            report = await run.text()
            for _ in range(20):
                if "Still running" not in report:
                    break
                report = await (await client.get(str(run.url.path))).text()
            assert "1 passed, 0 failed, 1 flow " in report and "PASS" in report
            assert "Coverage" in report
            unknown = await client.post("/flows/run", data={"csrf_token": token, "file": "../secrets.yml"})
            assert unknown.status == 422

    run_async(scenario())
    flow_file = flows_dir / "console_next_injection_in_3_w.yml"
    text = flow_file.read_text()
    assert "{day:today+7d}" in text and "{date:today+14d}" in text and "Dr. Priya Shah" in text
    assert "intent: ask_next_injection" in text and "action: action_respond" in text
    assert "plan: fixtures/console_next_injection_in_3_w.yml" in text
    fixture = (flows_dir / "fixtures" / "console_next_injection_in_3_w.yml").read_text()
    assert "starts_on: today-35d" in fixture and re.search(r"on'?: today-21d", fixture)  # today stands for as_of
    flows = load_flows([flow_file], TODAY)  # what `python -m bot flows check` does
    assert len(flows) == 1 and [t.user for t in flows[0].turns] == ["when is my next injection?", "hello"]
    reference = [e.reference for e in store.audit_entries(limit=50) if e.intent == "console_try_started"][0]
    assert reference.startswith("FLOW-") and store.current_plan(reference) is not None
    assert {"console_try_started", "flow_saved", "flows_run_started", "flows_run"} <= set(audit_by(store, "alice"))


def test_trying_with_a_pasted_plan_saves_a_fixture_without_the_patients_identity(console, flows_dir) -> None:
    settings, _, _ = console

    async def scenario():
        async with client_for(settings) as client:
            token = await signed_in(client)
            no_file = await client.post("/try", data={"csrf_token": token, "source": "file", "as_of": str(TODAY)})
            assert no_file.status == 422 and "Start the conversation" in await no_file.text()
            started = await client.post("/try", data={"csrf_token": token, "source": "text", "name": "real.yml",
                                                      "text": plan_text("MRN-4242", "Jo Real"),
                                                      "as_of": str(TODAY)}, allow_redirects=False)
            location = started.headers["Location"]
            empty = await client.post(f"{location}/save", data={"csrf_token": token, "name": "x"})
            assert empty.status == 422 and "at least one message" in await empty.text()
            await client.post(f"{location}/say", data={"csrf_token": token, "message": "next injection?"})
            saved = await client.post(f"{location}/save", data={"csrf_token": token, "name": ""})
            assert saved.status == 200

    run_async(scenario())
    fixture = next((flows_dir / "fixtures").glob("console_real_yml*.yml")).read_text()
    assert "Jo Real" not in fixture and "MRN-4242" not in fixture and "1971-05-09" not in fixture
    assert "Test Patient" in fixture


def test_the_bot_being_down_is_a_502_page(console) -> None:
    settings, _, bot = console

    async def scenario():
        async with client_for(settings) as client:
            token = await signed_in(client)
            started = await client.post("/try", data={"csrf_token": token, "source": "fixture",
                                                      "fixture": "mid_course.yml", "as_of": str(TODAY)},
                                        allow_redirects=False)
            bot.down = True
            said = await client.post(f"{started.headers['Location']}/say", data={"csrf_token": token,
                                                                                   "message": "hi"})
            assert said.status == 502 and "connection refused" in await said.text()
            run = await client.post("/flows/run", data={"csrf_token": token, "file": ""})
            report = await run.text()
            for _ in range(20):
                if "Still running" not in report:
                    break
                report = await (await client.get(str(run.url.path))).text()
            assert "could not run" in report

    run_async(scenario())


def test_monthly_dates_are_exported_as_months_after_the_dose_they_follow() -> None:
    planfile = parse_plan_text(plan_text(), today=date(2027, 1, 31))  # maintenance from 7 Mar 2027
    as_of = date(2027, 3, 20)
    # a weekly date and a plan date: plain day offsets
    assert flow_export.date_expression(date(2027, 2, 7), as_of, planfile) == "today-41d"
    assert flow_export.date_expression(date(2027, 3, 7), as_of, planfile) == "today-13d"
    # a month after the maintenance start: a month, not 28 or 31 days
    assert flow_export.date_expression(date(2027, 4, 7), as_of, planfile) == "today-13d+1m"
    # a month after today (a late patient's dates count from today)
    assert flow_export.date_expression(date(2027, 4, 20), as_of, planfile) == "today+1m"
    text, found = flow_export.date_placeholders("On Wednesday 7 Apr 2027, then 20 Apr 2027.", as_of, planfile)
    assert found == ["{day:today-13d+1m}", "{date:today+1m}"]
    assert text == "On {day:today-13d+1m}, then {date:today+1m}."
    # the placeholders render back to the same dates on the day the try stood for
    flows, problems = parse_flows_text(
        "flows:\n  - name: x\n    turns:\n      - user: hi\n        expect: {contains: ['{date:today-13d+1m}']}\n",
        Path("x.yml"), as_of)
    assert not problems


def test_turn_details_come_from_the_tracker_like_the_flow_runner_reads_them() -> None:
    bot = FakeBot()
    bot.send("s", "hello", {})
    assert turn_from_events(bot.tracker("s")["events"])[:3] == ("greet", 0.97, ("action_respond",))


# --- staff accounts: CLI and the demo account ------------------------------------------------------------


def test_staff_cli_add_list_disable_and_password(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    runner = CliRunner(mix_stderr=False)

    def run(*args: str, stdin: str | None = None):
        result = runner.invoke(staff_group, list(args), input=stdin, env={"DATABASE_URL": url})
        assert "Traceback" not in result.output + result.stderr
        return result

    added = run("add", "Bob", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.exit_code == 0 and "bob created" in added.output
    assert run("add", "bob", "--password-stdin", stdin=PASSWORD + "\n").exit_code == 1
    short = run("add", "carol", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.stderr
    assert run("add", "no spaces", "--password-stdin", stdin=PASSWORD + "\n").exit_code == 1
    listing = run("list")
    assert "bob" in listing.output and "active" in listing.output and PASSWORD not in listing.output
    assert "argon2" not in listing.output
    assert run("disable", "bob").exit_code == 0
    assert "disabled" in run("list").output
    assert run("disable", "nobody").exit_code == 1
    store = PlanStore(make_engine(url))
    user = store.staff_user("bob")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert not staff_service.sign_in(store, "bob", PASSWORD).ok
    assert run("enable", "bob").exit_code == 0
    assert run("password", "bob", "--password-stdin", stdin="another long password\n").exit_code == 0
    assert staff_service.sign_in(store, "bob", "another long password").ok
    assert [e.actor for e in store.audit_entries(limit=20) if e.intent == "staff_user_added"] == ["cli"]
    dispose_engine(url)


def test_demo_account_is_made_once_with_a_private_password_file(store, tmp_path: Path) -> None:
    path = tmp_path / "var" / "demo_staff_password"
    first = staff_service.ensure_demo_account(store, path)
    assert first.created and first.password and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first.password
    again = staff_service.ensure_demo_account(store, path)
    assert not again.created and again.password == first.password
    assert staff_service.sign_in(store, "demo", first.password).ok
    path.unlink()
    lost = staff_service.ensure_demo_account(store, path)
    assert lost.password is None and "password" in lost.note
