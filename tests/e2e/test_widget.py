"""The clinic website widget in a real browser (issue 8).

- Page server alone (no Rasa): the page, its landmarks and the widget bundle load from this machine only,
  and axe-core finds no serious or critical accessibility problem, with the chat closed and open.
- Page server + Rasa's own socket.io channel (credentials.yml, no model): the widget sends /greet on open,
  the signed patient token and a random client_key arrive as message metadata, replies and quick replies
  render, and "Start a new chat" gives a new sender id and a new client_key.
- Live (`@pytest.mark.live`, real Rasa + actions): a demo patient asks how long the weekly shots last and
  sees the remaining count, the end date and the documented-by citation; a visitor who is not signed in is
  asked for the patient reference.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ops.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "artifacts"
AXE_JS = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
DEMO_REFERENCE = "MRN-1001"  # a demo patient in data/plans/demo (live) and in the page_server fixture's DB

SUGGESTIONS = [
    "How long am I on weekly shots?",
    "When is my next injection?",
    "When is my next blood test?",
    "Can I switch to tablets?",
]
HEADING = "Your B12 injection plan — ask our assistant"




def settle(page) -> None:
    """Wait for fade-ins to finish: colours halfway through a transition are not what a reader sees."""
    page.wait_for_function("""() => document.getAnimations()
        .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
        .every(a => a.playState !== 'running')""")


def run_axe(page) -> list[dict]:
    """axe-core's violations for the page as it is now. The page's CSP forbids injected <script> tags,
    so the library is evaluated through the DevTools protocol instead."""
    settle(page)
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.axe = axe; true")
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
            }));
        }"""
    )


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"widget-{name}.png"
    settle(page)
    page.screenshot(path=str(path))
    return path



def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def open_chat(page) -> None:
    page.wait_for_selector("#open-chat:not([disabled])")
    page.click("#open-chat")
    page.wait_for_selector("#b12-chat .rw-conversation-container")


def wait_for_status(page, words: str) -> str:
    page.wait_for_function(
        "words => document.getElementById('chat-status').textContent.includes(words)", arg=words
    )
    return page.inner_text("#chat-status")


# --- page server alone --------------------------------------------------------------------------------


def test_page_loads_from_localhost_only_and_has_no_serious_accessibility_problem(browser_page, page_server):
    page, network = browser_page
    nowhere = f"http://127.0.0.1:{free_port()}"  # no Rasa: the widget keeps trying to connect
    with page_server(rasa_url=nowhere) as server:
        bundle_status: list[int] = []
        page.on("response", lambda r: bundle_status.append(r.status) if "/vendor/rasa-webchat.js" in r.url
                else None)
        page.goto(server.url + "/")

        assert page.title() == HEADING
        assert page.get_attribute("html", "lang") == "en"
        assert page.inner_text("h1") == HEADING
        assert page.locator("main#main").count() == 1
        assert page.locator("header").count() == 1 and page.locator("footer").count() == 1
        assert page.get_attribute("a.skip-link", "href") == "#main"
        page.wait_for_selector("#b12-chat .rw-launcher")
        assert bundle_status == [200]
        wait_for_status(page, "not signed in")
        # demo mode: the selector lists the seeded patient only (MRN-9999 is in the files, not the database)
        options = page.locator("#demo-patient option").all_inner_texts()
        assert options == ["Not signed in", f"{server.demo_name} ({server.demo_reference})"]
        assert page.get_attribute("label[for=demo-patient]", "for") == "demo-patient"
        assert page.get_attribute("#b12-chat .rw-launcher", "aria-label")

        closed = run_axe(page)
        assert not serious(closed), json.dumps(closed, indent=1)

        open_chat(page)
        page.wait_for_selector("#b12-chat .rw-new-message[aria-label]")
        screenshot(page, "no-rasa")
        opened = run_axe(page)
        assert not serious(opened), json.dumps(opened, indent=1)

        # the widget did try to reach the (absent) Rasa server, and nothing else left the machine
        assert any(url.startswith(nowhere + "/socket.io/") for url in network.urls)
        assert not any("font" in url for url in network.urls), network.urls
        network.assert_local_only()


def test_demo_routes_issue_short_lived_tokens_for_existing_patients_only(page_server):
    from bot.identity import TokenError, read_token

    rasa_url = f"http://127.0.0.1:{free_port()}"
    with page_server(rasa_url=rasa_url) as server:
        assert get(server.url + "/health") == (200, "ok")

        status, body = get(server.url + "/config.json")
        assert status == 200
        assert json.loads(body) == {"socketUrl": rasa_url, "socketPath": "/socket.io/", "demo": True}

        status, body = get(server.url + "/demo/patients")
        assert status == 200
        assert json.loads(body)["patients"] == [{"reference": DEMO_REFERENCE, "name": server.demo_name}]

        before = datetime.now(timezone.utc)
        status, body = get(server.url + f"/demo/token?ref={DEMO_REFERENCE}")
        assert status == 200
        token = json.loads(body)["token"]
        assert read_token(token, secret=server.token_secret) == DEMO_REFERENCE
        # short-lived: no longer valid 31 minutes from now
        with pytest.raises(TokenError):
            read_token(token, secret=server.token_secret, now=before + timedelta(minutes=31))

        assert get(server.url + "/demo/token?ref=MRN-9999")[0] == 404  # in the demo files, not in the DB
        assert get(server.url + "/demo/token?ref=MRN-4242")[0] == 404
        # anything that is not one of the demo file's patients gets the same answer, malformed or not
        assert get(server.url + "/demo/token?ref=..%2Fetc") == get(server.url + "/demo/token?ref=MRN-4242")
        assert get(server.url + "/demo/token")[0] == 404

        status, bundle = get(server.url + "/vendor/rasa-webchat.js")
        assert status == 200 and "WebChat" in bundle
        assert "fonts.googleapis" not in bundle and "@import url(http" not in bundle
        with urllib.request.urlopen(server.url + "/", timeout=10) as response:
            csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and f"connect-src 'self' {rasa_url}" in csp


def test_demo_routes_are_gone_when_demo_mode_is_off(page_server):
    with page_server(rasa_url="http://127.0.0.1:5005", demo=False) as server:
        assert get(server.url + "/demo/patients")[0] == 404
        assert get(server.url + f"/demo/token?ref={DEMO_REFERENCE}")[0] == 404
        assert json.loads(get(server.url + "/config.json")[1])["demo"] is False
        assert get(server.url + "/")[0] == 200


def test_bundle_cleaning_removes_remote_imports_only():
    from web.server import strip_remote_imports

    css = ('x.push([e.i,"@import url(https://fonts.example.org/css?family=Inter:400&display=swap);",""]);'
           '"@import url(//cdn.example.org/a.css);";"@import url(local.css);"')
    cleaned, removed = strip_remote_imports(css)
    assert removed == 2
    assert "example.org" not in cleaned
    assert "@import url(local.css);" in cleaned


# --- page server + Rasa's socket.io channel (no model) ------------------------------------------------


def test_widget_reaches_rasas_socketio_channel_with_token_and_fresh_client_key(
    browser_page, page_server, rasa_channel
):
    """The widget against Rasa's real input channel configured by credentials.yml: customData arrives as
    message metadata, replies and buttons come back, and "Start a new chat" is a new sender and key."""
    from bot.identity import read_token

    page, network = browser_page
    with page_server(rasa_url=rasa_channel.url) as server:
        page.goto(f"{server.url}/?patient={DEMO_REFERENCE}")
        wait_for_status(page, f"signed in as demo patient {server.demo_name}")
        assert page.input_value("#demo-patient") == DEMO_REFERENCE
        open_chat(page)

        greet = rasa_channel.wait_for_messages(1)[0]
        assert greet["text"] == "/greet"
        metadata = greet["metadata"]
        assert read_token(metadata["patient_token"], secret=server.token_secret) == DEMO_REFERENCE
        assert re.fullmatch(r"[0-9a-f]{32}", metadata["client_key"])
        try:
            page.wait_for_selector("#b12-chat .rw-response >> text=test channel greeting")
        except Exception as error:
            raise AssertionError(f"no reply reached the widget: {rasa_channel.diagnose()}") from error

        # the buttons render as quick replies; a click sends the payload in the same conversation
        page.click("#b12-chat .rw-replies >> text=How long am I on weekly shots?")
        second = rasa_channel.wait_for_messages(2)[1]
        assert second["text"] == "How long am I on weekly shots?"
        assert second["sender_id"] == greet["sender_id"]
        assert second["metadata"] == metadata

        page.fill("#b12-chat .rw-new-message", "when is my next blood test")
        page.press("#b12-chat .rw-new-message", "Enter")
        third = rasa_channel.wait_for_messages(3)[2]
        assert third["text"] == "when is my next blood test"
        assert third["metadata"] == metadata
        page.wait_for_selector("#b12-chat .rw-response >> text=echo: when is my next blood test")
        screenshot(page, "channel")

        # "Not signed in" + "Start a new chat": new page load, new sender id, new client_key, no token
        page.select_option("#demo-patient", "")
        page.click("#demo-form button[type=submit]")
        wait_for_status(page, "not signed in")
        open_chat(page)
        fresh = rasa_channel.wait_for_messages(4)[3]
        assert fresh["text"] == "/greet"
        assert "patient_token" not in fresh["metadata"]
        assert re.fullmatch(r"[0-9a-f]{32}", fresh["metadata"]["client_key"])
        assert fresh["metadata"]["client_key"] != metadata["client_key"]
        assert fresh["sender_id"] != greet["sender_id"]

        network.assert_local_only()


# --- the real stack --------------------------------------------------------------------------------------


def _bot_texts(page) -> list[str]:
    return [t.strip() for t in page.locator("#b12-chat .rw-response").all_inner_texts()]


def _ask(page, question: str, until: str, timeout_ms: int = 30_000) -> str:
    """Type `question`, wait for a bot message containing `until` (case-insensitive) and return every bot
    message that arrived after the question, joined."""
    before = len(_bot_texts(page))
    page.fill("#b12-chat .rw-new-message", question)
    page.press("#b12-chat .rw-new-message", "Enter")
    page.wait_for_function(
        """([before, until]) => Array.from(document.querySelectorAll('#b12-chat .rw-response'))
              .slice(before).some(el => el.textContent.toLowerCase().includes(until))""",
        arg=[before, until.lower()], timeout=timeout_ms,
    )
    page.wait_for_timeout(3500)  # the widget shows multi-part answers one after the other
    return "\n".join(_bot_texts(page)[before:])


@pytest.mark.live
def test_live_widget_answers_a_demo_patient_and_asks_a_visitor_to_verify(live_stack, browser_page):
    from bot.dates import format_date

    page, network = browser_page
    record = live_stack.store().current_plan(DEMO_REFERENCE)
    assert record is not None, "the live stack should have seeded the demo plans"
    plan = record.plan

    page.goto(f"{live_stack.web_url}/?patient={DEMO_REFERENCE}")
    wait_for_status(page, "signed in as demo patient")
    open_chat(page)
    # the greeting with suggestion buttons (utter_greet, sent for the widget's initPayload /greet)
    page.wait_for_selector("#b12-chat .rw-replies .rw-reply", timeout=30_000)
    offered = " | ".join(page.locator("#b12-chat .rw-replies").all_inner_texts())
    assert sum(s in offered for s in SUGGESTIONS) >= 3, offered

    answer = _ask(page, "how long am I on weekly shots", until="documented by")
    assert f"documented by {plan.documented_by}".lower() in answer.lower(), answer
    assert format_date(plan.documented_on) in answer, answer
    count = re.search(r"\b(\d+)\s+(?:more|(?:\w+\s+){0,2}(?:left|remaining))\b", answer)
    assert count, f"no remaining count in: {answer}"
    replenishment = next(p for p in plan.phases if p.kind == "replenishment")
    if replenishment.doses:
        given = sum(1 for shot in record.injections_given if shot.on >= replenishment.starts_on)
        assert int(count.group(1)) == replenishment.doses - given, answer
    # the end date: a date in the answer (format "2 Nov 2026") other than the documented-on date
    dates = set(re.findall(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b", answer)) - {format_date(plan.documented_on)}
    assert dates, f"no end date in: {answer}"
    assert any(datetime.strptime(d, "%d %b %Y").date() >= date.today() - timedelta(days=1) for d in dates)
    page.evaluate("window.scrollTo(0, 0)")  # the page heading and the conversation in one picture
    shot = screenshot(page, "patient")
    docs_copy = ROOT / "docs" / "screenshot-widget.png"
    if not docs_copy.exists():
        shutil.copyfile(shot, docs_copy)

    # not signed in: the same question starts verification
    page.select_option("#demo-patient", "")
    page.click("#demo-form button[type=submit]")
    wait_for_status(page, "not signed in")
    open_chat(page)
    page.wait_for_selector("#b12-chat .rw-response", timeout=30_000)
    answer = _ask(page, "how long am I on weekly shots", until="reference")
    assert plan.documented_by not in answer, "the plan must not be shown before verification"
    screenshot(page, "not-signed-in")

    network.assert_local_only()
