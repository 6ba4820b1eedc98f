"""Run flows from the console: the flow runner of `python -m bot flows run --url`, in the background.

A run plays `tests/flows` (the console's flows folder) or one file of it against the bot the console talks
to, with the same store, token issuer, report and coverage as the command line. Runs take turns (one at a
time per console, each with the runner's own worker threads), so two staff pressing "Run" do not double
the load on the bot. The newest runs are kept in memory for their report pages.
"""

from __future__ import annotations

import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from console.settings import Settings
from staff.flows import runner
from staff.flows.coverage import Coverage, coverage_of
from staff.flows.model import Flow, flow_files, load_flows
from staff.flows.report import first_difference, format_report

KEEP_RUNS = 20
MAX_WAITING = 2  # runs started but not finished; more are refused until one ends


class RunsBusy(RuntimeError):
    """Too many runs are waiting; the message says so."""


@dataclass(frozen=True)
class FlowRow:
    status: str  # PASS | FAIL | ERROR
    name: str
    where: str
    turns: int
    seconds: float
    difference: str | None


@dataclass
class FlowRun:
    id: str
    owner: str
    target: str  # a file name, or "" for every file
    flows: int
    started_at: datetime
    future: Future | None = None
    rows: list[FlowRow] = field(default_factory=list)
    report: str = ""
    coverage: Coverage | None = None
    error: str | None = None
    finished_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    @property
    def passed(self) -> int:
        return sum(r.status == "PASS" for r in self.rows)

    @property
    def ok(self) -> bool:
        return self.done and self.error is None and self.passed == len(self.rows)

    @property
    def label(self) -> str:
        return self.target or "all flow files"


def files(flows_dir: Path) -> list[str]:
    """The flow files staff can run: the `*.yml` of the flows folder (not its fixtures)."""
    if not flows_dir.is_dir():
        return []
    return [p.name for p in flow_files([flows_dir])]


def load(flows_dir: Path, target: str, today: date) -> list[Flow]:
    """The flows of one listed file (never a path of the caller's choosing), or of the whole folder.
    Raises the model's FlowFileError with every problem, or ValueError for a name not listed."""
    if target and target not in files(flows_dir):
        raise ValueError(f"No flow file {target!r} in {flows_dir.name}/.")
    return load_flows([flows_dir / target if target else flows_dir], today)


def _rows(results: list[runner.FlowResult]) -> list[FlowRow]:
    rows = []
    for r in results:
        status = "PASS" if r.passed else ("ERROR" if r.error else "FAIL")
        where = f"{r.flow.source.name}:{r.flow.line}"
        rows.append(FlowRow(status, r.flow.name, where, len(r.flow.turns), r.seconds, first_difference(r)))
    return rows


class FlowRuns:
    def __init__(self, settings: Settings, store: Any) -> None:
        self.settings = settings
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="console-flows")
        self._runs: dict[str, FlowRun] = {}

    def start(self, owner: str, flows: list[Flow], target: str, today: date) -> FlowRun:
        if sum(not r.done for r in self._runs.values()) >= MAX_WAITING:
            raise RunsBusy(f"{MAX_WAITING} runs are going already; wait until one has finished.")
        run = FlowRun(secrets.token_urlsafe(9), owner, target, len(flows), datetime.now(timezone.utc))
        for old in list(self._runs)[: max(0, len(self._runs) - KEEP_RUNS + 1)]:
            if self._runs[old].done:
                del self._runs[old]
        self._runs[run.id] = run
        run.future = self._pool.submit(self._play, run, flows, today)
        return run

    def _play(self, run: FlowRun, flows: list[Flow], today: date) -> None:
        try:
            client = self.settings.client()
            client.wait_ready(timeout=10)
            results = runner.run_flows(flows, client, self.store, today, issue_token=self.settings.issue_token,
                                       workers=self.settings.flow_workers)
            run.rows = _rows(results)
            run.report = format_report(results, verbose=True)
            run.coverage = coverage_of([r.events for r in results], self.settings.domain_path,
                                       self.settings.rules_path)
        except runner.RasaError as error:
            run.error = str(error)
        except Exception as error:  # shown on the run's page; the console keeps running
            run.error = f"{type(error).__name__}: {error}"
        finally:
            outcome = run.error or f"{run.passed} passed, {len(run.rows) - run.passed} failed"
            try:
                self.store.add_audit("flows_run", "run", actor=run.owner, detail=f"{run.label}: {outcome}"[:200])
            except Exception:  # the report matters more than its audit line
                pass
            run.finished_at = datetime.now(timezone.utc)

    def get(self, run_id: str) -> FlowRun | None:
        return self._runs.get(run_id)

    def recent(self) -> list[FlowRun]:
        return list(reversed(self._runs.values()))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
