"""The README's `python -m bot flows run FILE --url http://localhost:5005 --database-url …` against a running
bot (the shared `live_stack`), as a new user would type it: it used to crash in `FlowClient.wait_ready`
because Rasa's `GET /` answers plain text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.live


def smallest_flow_file() -> Path:
    """The quickest file of tests/flows to play (its content is not what this test is about)."""
    files = sorted((ROOT / "tests" / "flows").glob("*.yml"), key=lambda p: (p.stat().st_size, p.name))
    assert files, "no flow files in tests/flows"
    return files[0]


def test_the_documented_flows_run_command_works_against_a_running_bot(live_stack) -> None:
    flow_file = smallest_flow_file()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_AUTH_TOKEN": live_stack.auth_token}
    for key in ("B12_TOKEN_SECRET",):  # the live bot's: tokens the command issues must verify there
        env[key] = live_stack.env[key]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "flows", "run", str(flow_file.relative_to(ROOT)), "--url", live_stack.rasa_url,
         "--database-url", live_stack.database_url],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "JSONDecodeError" not in output, output
    assert result.returncode == 0, output
    assert f"against {live_stack.rasa_url}" in result.stdout
    assert " passed, 0 failed" in result.stdout, output
