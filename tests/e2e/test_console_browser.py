"""The staff console in a real browser (Debian's chromium via Playwright), with axe-core on every page.

- Console alone (its own SQLite database, no Rasa needed): sign in, import a bad plan file (problems inline,
  nothing written) then a good one, confirm a patient's injection report; axe-core finds no serious or
  critical problem on any page, and nothing is fetched from outside this machine.
- Live (`@pytest.mark.live`: the console against the real Rasa + action servers): try the bot as a test
  patient as of three weeks ahead (the reply differs from today's), save the conversation as a flow, then
  run it from the console and see it pass.

(Named test_console_browser.py: tests/integration/test_console.py has the other basename, and pytest's
default import mode cannot hold two test modules of one name.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from ops.ports import free_port
from tests.plan_texts import mid_course_plan, stop_process

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "artifacts"
AXE_JS = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
USERNAME, PASSWORD = "nurse", "a long enough test password"
TODAY = date.today()

GOOD_PLAN = mid_course_plan("MRN-6101", "Kit Browser", "1969-07-20", given=("today-14d",),
                            maintenance_starts="today+35d")
BAD_PLAN = GOOD_PLAN.replace("route: intramuscular", "route: oral").replace("dose: 1000 mcg\n      every: 1 week",
                                                                             "dose: 1000\n      every: 1 week")


@dataclass
class Console:
    url: str
    database_url: str
    flows_dir: Path
    log_path: Path

    def store(self):
        from adapters.sql.db import make_engine
        from adapters.sql.store import PlanStore

        return PlanStore(make_engine(self.database_url))


@contextmanager
def console_server(workdir: Path, database_url: str, rasa_url: str, env: dict[str, str] | None = None):
    """`python -m console.server` on a free port, with a staff account and the flow fixtures."""
    from adapters.sql.db import make_engine
    from adapters.sql.store import PlanStore, upgrade
    from services import staff as staff_service

    upgrade(database_url)
    store = PlanStore(make_engine(database_url))
    if store.staff_user(USERNAME) is None:
        staff_service.create_user(store, USERNAME, PASSWORD)
    flows_dir = workdir / "flows"
    shutil.copytree(ROOT / "tests" / "flows" / "fixtures", flows_dir / "fixtures")
    port = free_port()
    log_path = workdir / "console.log"
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
                "RASA_AUTH_TOKEN": uuid.uuid4().hex, **(env or {})}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "console.server", "--host", "127.0.0.1", "--port", str(port), "--rasa-url",
             rasa_url, "--flows-dir", str(flows_dir)],
            cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the console exited:\n{log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(url + "/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the console did not start:\n{log_path.read_text(errors='replace')}") from None
                time.sleep(0.2)
        yield Console(url, database_url, flows_dir, log_path)
    finally:
        stop_process(process)


def settle(page) -> None:
    page.wait_for_function("""() => document.getAnimations()
        .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
        .every(a => a.playState !== 'running')""")


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (evaluated through the DevTools
    protocol: the console's CSP forbids injected scripts)."""
    settle(page)
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.axe = axe; true")
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
            }));
        }"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def check_page(page, name: str) -> None:
    """No serious accessibility problem; the layout's landmarks; a screenshot for the record."""
    found = serious_violations(page)
    assert not found, f"{name}: {json.dumps(found, indent=1)}"
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("main#main h1").count() == 1
    assert page.get_attribute("a.skip-link", "href") == "#main"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def sign_in(page, console: Console) -> None:
    page.goto(console.url + "/patients")
    assert "/login" in page.url  # anonymous: sent to the sign-in page first
    check_page(page, "login")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill("wrong password, twice")
    page.get_by_role("button", name="Sign in").click()
    assert "Sign-in failed" in page.inner_text("#login-error")
    check_page(page, "login-failed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(console.url + "/patients")
    assert page.inner_text("header").count(USERNAME) == 1


@pytest.fixture
def console(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'plans.db'}"
    with console_server(tmp_path, database_url, f"http://127.0.0.1:{free_port()}") as running:
        yield running


def test_sign_in_import_a_bad_then_a_good_plan_and_confirm_a_report(browser_page, console):
    page, network = browser_page
    sign_in(page, console)
    check_page(page, "patients")

    page.get_by_role("link", name="Import a plan").click()
    check_page(page, "import")
    page.get_by_label("Plan file (.yml, .yaml or .json)").set_input_files(
        {"name": "MRN-6101.yml", "mimeType": "text/yaml", "buffer": BAD_PLAN.encode()})
    page.get_by_role("button", name="Check and import").click()
    error = page.inner_text("#import-error")
    assert "MRN-6101.yml was not imported" in error and "Nothing was written" in error
    problems = page.inner_text(".problems ul")
    assert "Line 10: plan.route" in problems and "Line 14: plan.phases[0].dose" in problems
    assert page.locator("#line-10.bad").count() == 1
    check_page(page, "import-problems")
    store = console.store()
    assert store.patient("MRN-6101") is None

    page.get_by_label("Plan file (.yml, .yaml or .json)").set_input_files(
        {"name": "MRN-6101.yml", "mimeType": "text/yaml", "buffer": GOOD_PLAN.encode()})
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url(console.url + "/patients/MRN-6101")
    assert "Imported MRN-6101.yml as plan version 1 of MRN-6101" in page.inner_text(".flash")
    assert store.current_plan("MRN-6101").version == 1

    report = store.add_report("MRN-6101", TODAY - timedelta(days=1), None, None)
    page.reload()
    check_page(page, "patient")
    page.get_by_role("button", name=f"Confirm report {report.id}").click()
    assert "confirmed: it is now a clinic record" in page.inner_text(".flash")
    assert page.get_by_role("button", name=f"Confirm report {report.id}").count() == 0
    decided = store.reports(status=None, reference="MRN-6101")[0]
    assert decided.status == "confirmed" and decided.decided_by == USERNAME
    check_page(page, "patient-confirmed")

    store.add_followup("MRN-6101", "human_requested", 1, None)
    for link, name in (("Follow-ups", "followups"), ("Audit", "audit"), ("Try the bot", "try"), ("Flows", "flows")):
        page.get_by_role("navigation", name="Console sections").get_by_role("link", name=link).click()
        check_page(page, name)
    page.goto(console.url + "/followups")
    page.get_by_role("button", name="Mark done").first.click()
    assert "marked done" in page.inner_text(".flash")
    page.goto(console.url + "/audit?reference=MRN-6101")
    assert "report_confirmed" in page.inner_text("main") and USERNAME in page.inner_text("main")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(console.url + "/login")
    page.goto(console.url + "/patients/MRN-6101")
    assert "/login" in page.url and "Kit Browser" not in page.content()
    network.assert_local_only()
    assert PASSWORD not in console.log_path.read_text(errors="replace")


@pytest.mark.live
def test_try_the_bot_on_a_future_date_save_the_flow_and_run_it(browser_page, live_stack, tmp_path):
    from staff.flows.model import load_flows

    page, network = browser_page
    env = {"RASA_AUTH_TOKEN": live_stack.auth_token, "B12_TOKEN_SECRET": live_stack.env["B12_TOKEN_SECRET"]}
    with console_server(tmp_path, live_stack.database_url, live_stack.rasa_url, env) as console:
        fixtures = sorted(p.name for p in (console.flows_dir / "fixtures").glob("*.yml"))
        fixture = "mid_course.yml" if "mid_course.yml" in fixtures else fixtures[0]
        sign_in(page, console)
        later = TODAY + timedelta(days=21)
        replies = {}
        for as_of in (TODAY, later):
            page.goto(console.url + "/try")
            page.get_by_label("A flow fixture").check()
            page.get_by_label("Fixture", exact=True).select_option(fixture)
            page.get_by_label("Talk as of").fill(as_of.isoformat())
            page.get_by_role("button", name="Start the conversation").click()
            page.wait_for_selector("h1:has-text('Talking as FLOW-')")
            page.get_by_label("Your message").fill("when is my next injection?")
            page.get_by_role("button", name="Send").click()
            turn = page.locator("#turn-1")
            turn.wait_for(timeout=60_000)
            replies[as_of] = turn.locator(".said.bot").all_inner_texts()
            details = turn.locator("dl.details").inner_text()
            assert "Intent" in details and "Actions run" in details and "action_respond" in details
        assert replies[TODAY] != replies[later], replies  # the chosen day changed what the bot says
        check_page(page, "try-chat")

        page.get_by_label("Flow name").fill("next injection three weeks ahead")
        page.get_by_role("button", name="Save as flow").click()
        page.wait_for_selector("h1:has-text('Flow saved')")
        check_page(page, "flow-saved")
        saved = console.flows_dir / "console_next_injection_three_weeks_ahead.yml"
        assert saved.is_file() and "{" in saved.read_text()
        assert len(load_flows([saved], TODAY)) == 1  # what `python -m bot flows check` does

        page.get_by_role("button", name="Run this flow").click()
        page.wait_for_selector("#run-status:not([data-running])", timeout=180_000)
        status = page.inner_text("#run-status")
        assert "1 passed, 0 failed, 1 flow " in status, page.inner_text("main")
        assert page.locator(".result-pass").count() == 1
        check_page(page, "flow-run")
    network.assert_local_only()
