"""The staff flows in tests/flows/ against the real servers: what the bot actually says, with plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from staff.flows import runner
from staff.flows.coverage import coverage_of, format_coverage
from staff.flows.model import load_flows
from staff.flows.report import format_report, write_junit

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.live
def test_the_shipped_flows_pass_against_the_real_bot(live_stack):
    """`make test` runs the staff flows here (staff run the same with `python -m bot flows run tests/flows`)."""
    today = date.today()  # the action server answers with the real today
    flows = load_flows([ROOT / "tests" / "flows"], today)
    client = runner.RasaClient(live_stack.rasa_url, auth_token=live_stack.auth_token, timeout=60)
    results = runner.run_flows(flows, client, live_stack.store(), today)
    write_junit(results, ROOT / "var" / "results" / "flows.xml")
    coverage = coverage_of([r.events for r in results], ROOT / "domain.yml", ROOT / "data" / "rules.yml")
    print(format_report(results))
    print(format_coverage(coverage))
    failed = [r for r in results if not r.passed]
    assert len(results) >= 25
    assert not failed, format_report(failed, verbose=True)
