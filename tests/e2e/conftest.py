"""Browser fixtures: Debian's chromium driven by Playwright, the page server on a free port, Rasa's own
socket.io channel without a model, and a network guard that records (and blocks) every request leaving this machine.

Playwright's own browser download does not work here, so the tests launch /usr/bin/chromium. Without it
the browser tests are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ops.ports import free_port
from tests.plan_texts import stop_process

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "artifacts"
AXE_JS = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
IN_CI = bool(os.environ.get("CI"))

# The demo patient the page-server tests act as; registered in a throwaway database.
DEMO_REFERENCE = "MRN-1001"
DEMO_NAME = "Alex Rivera"




def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (loopback hosts, or data:/blob:/about: with no host)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class NetworkLog:
    """Every URL the page asked for, WebSockets included."""

    urls: list[str] = field(default_factory=list)

    def outside_localhost(self) -> list[str]:
        return [url for url in self.urls if not is_local(url)]

    def assert_local_only(self) -> None:
        outside = self.outside_localhost()
        assert not outside, f"requests left localhost: {outside}"


@pytest.fixture(scope="session")
def chromium():
    """One headless chromium for the session; each test gets its own context (fresh storage)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium); the browser tests need it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    if not AXE_JS.exists():
        message = "web/node_modules is missing: run `npm ci --prefix web`"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    """A page in a fresh context, with a NetworkLog. Requests to other hosts are recorded and aborted,
    so a test that would leak fails without anything leaving the machine."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    log = NetworkLog()

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda request: log.urls.append(request.url))
    page.on("websocket", lambda ws: log.urls.append(ws.url))
    page.set_default_timeout(15_000)
    yield page, log
    context.close()


# --- the page server on its own -------------------------------------------------------------------


@dataclass
class PageServer:
    url: str
    rasa_url: str
    database_url: str
    token_secret: str
    process: subprocess.Popen
    log_path: Path
    demo_reference: str = DEMO_REFERENCE
    demo_name: str = DEMO_NAME

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _wait_healthy(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 30) -> None:
    """Poll `url`/health until it answers 200; fail early with the log if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server not healthy after {timeout} s:\n{log_path.read_text(errors='replace')}")


def seed_database(database_url: str, workdir: Path) -> Path:
    """A migrated throwaway database with the demo patient, and a demo folder naming that patient."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    from datetime import date

    from adapters.sql.db import dispose_engine, make_engine
    from adapters.sql.store import PlanStore
    from bot.plans.model import Patient

    store = PlanStore(make_engine(database_url))
    store.register_patient(Patient(DEMO_REFERENCE, DEMO_NAME, date(1968, 3, 14)))
    dispose_engine(database_url)
    demo_dir = workdir / "demo"
    demo_dir.mkdir()
    (demo_dir / "alex.yml").write_text(
        f"patient:\n  reference: {DEMO_REFERENCE}\n  name: {DEMO_NAME}\n  date_of_birth: 1968-03-14\n",
        encoding="utf-8")
    # A patient named in the demo files but not in this database: /demo/patients must leave it out.
    (demo_dir / "patients_without_plan.yml").write_text(
        "patients:\n  - reference: MRN-9999\n    name: Not Seeded\n    date_of_birth: 1990-01-01\n",
        encoding="utf-8")
    return demo_dir


@contextmanager
def _page_server(workdir: Path, rasa_url: str, demo: bool = True):
    database_url = f"sqlite:///{workdir / 'plans.db'}"
    demo_dir = seed_database(database_url, workdir)
    port = free_port()
    secret = uuid.uuid4().hex
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, "B12_TOKEN_SECRET": secret,
           "B12_DEMO": "1" if demo else "0", "B12_DEMO_DIR": str(demo_dir)}
    log_path = workdir / "web.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.server", "--host", "127.0.0.1", "--port", str(port),
             "--rasa-url", rasa_url],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log_path)
        yield PageServer(url, rasa_url, database_url, secret, process, log_path)
    finally:
        stop_process(process)


@pytest.fixture
def page_server(tmp_path):
    """Starts `python -m web.server` on a free port against a throwaway database (no Rasa needed):
    `with page_server(rasa_url, demo=True) as server: ...`."""

    def start(rasa_url: str, demo: bool = True):
        workdir = tmp_path / f"web-{uuid.uuid4().hex[:8]}"
        workdir.mkdir()
        return _page_server(workdir, rasa_url, demo)

    return start


# --- Rasa's own socket.io channel, without a model ------------------------------------------------

# Runs the project's socket.io channel (rasa_ext.channels.B12SocketIOInput) configured from credentials.yml, with
# Rasa's CORS set-up, in a Sanic server. Instead of a model it records each UserMessage (sender id, text,
# metadata) to a JSON-lines file and answers "/greet" with buttons and anything else with an echo.
CHANNEL_SCRIPT = r"""
import json, sys
from pathlib import Path

import yaml
from sanic import Sanic, response
from rasa.server import configure_cors
from rasa_ext.channels import B12SocketIOInput

port, credentials, record = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
buttons = json.loads(sys.argv[4])
channel = B12SocketIOInput.from_credentials(
    yaml.safe_load(credentials.read_text())["rasa_ext.channels.B12SocketIOInput"])
app = Sanic("b12_test_channel")
configure_cors(app, "*")


async def on_new_message(message):
    with record.open("a") as out:
        out.write(json.dumps({"sender_id": message.sender_id, "text": message.text,
                              "metadata": message.metadata}) + "\n")
    if message.text == "/greet":
        await message.output_channel.send_text_with_buttons(
            message.sender_id, "test channel greeting", [{"title": b, "payload": b} for b in buttons])
    else:
        await message.output_channel.send_text_message(message.sender_id, "echo: " + message.text)


app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/" + channel.url_prefix())


@app.get("/health")
async def health(request):
    return response.text("ok")


app.run(host="127.0.0.1", port=port, workers=1, access_log=False)
"""

CHANNEL_BUTTONS = ["How long am I on weekly shots?", "When is my next injection?"]
# python-socketio >= 5.10 made AsyncServer.enter_room a coroutine; Rasa 3.6 calls it without await.
UNAWAITED_ROOM = "coroutine 'AsyncServer.enter_room' was never awaited"


@dataclass
class RasaChannel:
    url: str
    record: Path
    log_path: Path

    def messages(self) -> list[dict]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line.strip()]

    def wait_for_messages(self, count: int, timeout: float = 15) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages()
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} messages at the channel, got {self.messages()}")

    def diagnose(self) -> str:
        log = self.log_path.read_text(errors="replace")
        if UNAWAITED_ROOM in log:
            return ("Rasa's socket.io channel drops every bot reply: with session_persistence it calls "
                    "sio.enter_room() without await, which python-socketio >= 5.10 turned into a coroutine. "
                    "Pin python-socketio==5.9.0.")
        return log[-3000:]


@pytest.fixture
def rasa_channel(tmp_path):
    """Rasa's real socket.io input channel (project credentials.yml, CORS *) on a free port, no model."""
    port = free_port()
    record = tmp_path / "channel-messages.jsonl"
    log_path = tmp_path / "channel.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONWARNINGS": "default::RuntimeWarning"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", CHANNEL_SCRIPT, str(port), str(ROOT / "credentials.yml"), str(record),
             json.dumps(CHANNEL_BUTTONS)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log_path, timeout=90)
        yield RasaChannel(url, record, log_path)
    finally:
        stop_process(process)
