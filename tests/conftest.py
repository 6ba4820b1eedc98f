"""Shared fixtures. `live_stack` starts the real servers once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from ops.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
IN_CI = bool(os.environ.get("CI"))




def pytest_collection_modifyitems(config, items):
    from ops.training import latest_model

    if latest_model() is not None or IN_CI:
        return
    skip = pytest.mark.skip(reason="no trained model in models/ (run `python -m bot train` or `make test`)")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory):
    """Action server + Rasa server + demo page on free ports, against a throwaway SQLite database
    seeded with the demo plans. One per test session: every live test shares it."""
    from ops.stack import start_stack

    workdir = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{workdir / 'plans.db'}"
    env = {
        "DATABASE_URL": database_url,
        "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        # every test request comes from 127.0.0.1: the per-address limit has its own tests (test_actions.py)
        "B12_CLIENT_MAX_ATTEMPTS": "100000",
        "B12_TOKEN_SECRET": os.environ.get("B12_TOKEN_SECRET") or uuid.uuid4().hex,
    }
    os.environ["B12_TOKEN_SECRET"] = env["B12_TOKEN_SECRET"]  # tokens issued by the tests must verify
    seed_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    for args in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=seed_env, check=True,
                       stdout=subprocess.DEVNULL)
    stack = start_stack(
        rasa_port=free_port(), actions_port=free_port(), web_port=free_port(),
        database_url=database_url, env=env, auth_token=uuid.uuid4().hex, log_dir=workdir / "logs",
    )
    yield stack
    stack.stop()
