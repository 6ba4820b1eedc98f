"""The console's settings and the keys of what the running app holds (store, sessions, tries, flow runs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.paths import ROOT

DEFAULT_FLOWS_DIR = ROOT / "tests" / "flows"
IDLE_TIMEOUT = 30 * 60  # seconds without a request before a session ends
ABSOLUTE_TIMEOUT = 8 * 60 * 60  # seconds after sign-in before a session ends anyway
MAX_UPLOAD_BYTES = 512 * 1024


def _default_store() -> Any:
    from adapters.sql.store import PlanStore

    return PlanStore.from_env()


def _default_issue_token(reference: str) -> str:
    from staff.flows.runner import default_token_issuer

    return default_token_issuer(reference)


@dataclass
class Settings:
    rasa_url: str
    auth_token: str | None = None  # Rasa's HTTP API token: the tracker shows intents, actions and slots
    flows_dir: Path = DEFAULT_FLOWS_DIR  # flows staff run; saved flows go here, their plans in fixtures/
    idle_timeout: float = IDLE_TIMEOUT
    absolute_timeout: float = ABSOLUTE_TIMEOUT
    secure_cookies: bool = False  # set behind HTTPS: the cookie gets Secure and the __Host- prefix
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    domain_path: Path = ROOT / "domain.yml"
    rules_path: Path = ROOT / "data" / "rules.yml"
    flow_workers: int = 4
    # Seams for tests; the defaults are the real store, clock, token issuer and Rasa client.
    store: Callable[[], Any] = field(default=_default_store)
    clock: Callable[[], float] = field(default=time.time)
    today: Callable[[], date] = field(default=date.today)
    issue_token: Callable[[str], str] = field(default=_default_issue_token)
    rasa_client: Callable[[], Any] | None = None

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    def client(self) -> Any:
        if self.rasa_client is not None:
            return self.rasa_client()
        from staff.flows.runner import RasaClient

        return RasaClient(self.rasa_url, auth_token=self.auth_token, timeout=60)

    @property
    def fixtures_dir(self) -> Path:
        return self.flows_dir / "fixtures"


SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", object)
SESSIONS = web.AppKey("sessions", object)
TRIES = web.AppKey("tries", object)
RUNS = web.AppKey("runs", object)
TEMPLATES = web.AppKey("templates", object)
