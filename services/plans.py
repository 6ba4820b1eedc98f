"""Staff use cases on plans: import files (YAML plan files or FHIR bundles), record injections, decide
patient reports, show a plan's status, export it, and keep the demo patients current.

Called by the staff CLI and the staff console alike; they only parse arguments and print.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from bot.dates import format_date, parse_relative
from bot.errors import StoreError, UnknownPatientError
from bot.plans.model import Dose, Patient, PlanFile, PlanRecord, ReportedInjection
from bot.plans.planfile import PlanFileError, parse_dose, parse_plan_text
from bot.plans.schedule import PlanStatus, plan_status

PLAN_FILE_SUFFIXES = (".yml", ".yaml", ".json")
PATIENTS_WITHOUT_PLAN = "patients_without_plan.yml"


@dataclass(frozen=True)
class ImportResult:
    """One file: imported as `version`, or rejected with `problems` (then nothing was written)."""

    path: str
    reference: str | None = None
    version: int | None = None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and self.version is not None


# --- reading files -----------------------------------------------------------------------------------


def plan_files(path: str | Path) -> list[Path]:
    """The files a path names: the file itself, or the plan files (*.yml, *.yaml, *.json) of a directory."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PLAN_FILE_SUFFIXES)
    return [path]


def parse_plan_source(text: str, path: str, today: date) -> PlanFile:
    """A plan file or a FHIR R4 bundle, told apart by content; PlanFileError lists every problem."""
    from bot.plans import fhir

    if fhir.looks_like_fhir(text):
        return fhir.parse_bundle_text(text, path, today, identifier_system=fhir.identifier_system_from_env())
    return parse_plan_text(text, path, today)


def read_plan_file(path: Path, today: date | None = None) -> PlanFile | ImportResult:
    """The validated file, or an ImportResult listing every problem (`FILE:LINE: field: message` for plan
    files, `FILE: json.path: message` for FHIR bundles)."""
    today = today or date.today()
    if not path.exists():
        return ImportResult(str(path), problems=(f"{path}: no such file or directory",))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return ImportResult(str(path), problems=(f"{path}: cannot read the file: {reason}",))
    try:
        return parse_plan_source(text, str(path), today)
    except PlanFileError as error:
        problems = tuple(str(p) for p in error.problems) or (f"{path}: {error}",)
        return ImportResult(str(path), problems=problems)


# --- use cases ---------------------------------------------------------------------------------------


def import_plan_files(store, paths: Iterable[str | Path], today: date | None = None,
                      all_or_nothing: bool = False, actor: str | None = None) -> list[ImportResult]:
    """Validate every file first, then import the valid ones, each in its own transaction (none at all with
    `all_or_nothing` if any file has a problem). A file with any problem writes nothing."""
    parsed: list[tuple[Path, PlanFile | ImportResult]] = []
    for path in paths:
        files = plan_files(path)
        if not files:
            parsed.append((Path(path), ImportResult(str(path), problems=(f"{path}: no plan files (*.yml, *.json)",))))
        parsed.extend((file, read_plan_file(file, today)) for file in files)
    rejected = any(isinstance(outcome, ImportResult) for _, outcome in parsed)
    results = []
    for file, outcome in parsed:
        if isinstance(outcome, ImportResult):
            results.append(outcome)
        elif all_or_nothing and rejected:
            results.append(ImportResult(str(file), reference=outcome.patient.reference))
        else:
            version = store.import_planfile(outcome, source=str(file))
            store.add_audit("plan_import", "import", reference=outcome.patient.reference, actor=actor,
                            detail=f"version {version} from {file.name}")
            results.append(ImportResult(str(file), reference=outcome.patient.reference, version=version))
    return results


def import_plan_text(store, text: str, name: str, today: date | None = None, actor: str | None = None) -> ImportResult:
    """An uploaded file (the console): the same validation and transaction as a file on disk."""
    today = today or date.today()
    try:
        planfile = parse_plan_source(text, name, today)
    except PlanFileError as error:
        return ImportResult(name, problems=tuple(str(p) for p in error.problems))
    version = store.import_planfile(planfile, source=name)
    store.add_audit("plan_import", "import", reference=planfile.patient.reference, actor=actor,
                    detail=f"version {version} from {name}")
    return ImportResult(name, reference=planfile.patient.reference, version=version)


def require_plan(store, reference: str) -> PlanRecord:
    record = store.current_plan(reference)
    if record is None:
        if store.patient(reference) is None:
            raise UnknownPatientError(reference)
        raise StoreError(f"patient {reference} has no plan on file (import one with `python -m bot plans import`)")
    return record


def status_of(record: PlanRecord, today: date) -> PlanStatus:
    """The plan's status as the chat computes it: clinic records plus pending patient reports."""
    return plan_status(record.plan, record.injections_for_schedule, today)


def record_injection(store, reference: str, on: date, dose_text: str | None = None, today: date | None = None,
                     actor: str | None = None) -> bool:
    """Record an injection the clinic gave. Refused when it is in the future or before the plan starts.
    Returns False when that date was recorded already (nothing changes)."""
    today = today or date.today()
    dose: Dose | None = None
    if dose_text:
        dose = parse_dose(dose_text)
        if dose is None:
            raise StoreError(f"{dose_text!r} is not a dose with a unit, e.g. '1000 mcg' or '1 mg'")
    if on > today:
        raise StoreError(f"{format_date(on)} is in the future; record injections once given")
    record = store.current_plan(reference)
    if record is None and store.patient(reference) is None:
        raise UnknownPatientError(reference)
    starts = [p.starts_on for p in record.plan.phases if p.starts_on] if record else []
    if starts and on < min(starts):
        raise StoreError(f"{format_date(on)} is before plan version {record.version} starts "
                         f"({format_date(min(starts))}); import a plan file that covers it instead")
    new = store.record_injection(reference, on, dose)
    store.add_audit("injection_recorded", "record", reference=reference, actor=actor,
                    detail=f"{on.isoformat()}{' ' + str(dose) if dose else ''}{'' if new else ' (already recorded)'}")
    return new


def decide_report(store, report_id: int, confirm: bool, actor: str) -> ReportedInjection:
    """Staff confirm a patient's report (it becomes a clinic record) or reject it."""
    report = store.decide_report(report_id, confirm, actor)
    store.add_audit("report_confirmed" if confirm else "report_rejected", "decide", reference=report.reference,
                    actor=actor, detail=f"report {report.id} for {report.on.isoformat()}")
    return report


def close_followup(store, followup_id: int, actor: str | None = None):
    followup = store.set_followup_status(followup_id, "closed", staff=actor)
    store.add_audit("followup_closed", "close", reference=followup.reference, actor=actor,
                    detail=f"follow-up {followup_id}")
    return followup


# --- demo patients -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLine:
    reference: str
    name: str
    what: str
    state: str


def seed_demo(store, directory: Path, today: date) -> list[DemoLine]:
    """Create the demo patients (dates relative to `today`). Running it again the same day changes
    nothing; on a later day a demo patient whose current plan is still the demo file's gets it again,
    re-dated to today (a new plan version, with the file's injections only), so the demo shows the same
    situations every day. Plans staff imported for a demo reference stay."""
    lines: list[DemoLine] = []
    for path in sorted(p for p in directory.glob("*.yml") if p.name != PATIENTS_WITHOUT_PLAN):
        outcome = read_plan_file(path, today)
        if not isinstance(outcome, PlanFile):
            raise StoreError(f"demo plan {path} is invalid: {'; '.join(outcome.problems)}")
        reference = outcome.patient.reference
        current = store.current_plan(reference)
        if current is None and store.patient(reference) is None:
            version = store.import_planfile(outcome, source=str(path))
            state = f"plan version {version} imported"
        elif current is not None and current.extra.get("source_file") == str(path) and current.plan != outcome.plan:
            version = store.import_planfile(outcome, source=str(path), replace_injections=True)
            state = f"re-dated to {today.isoformat()} (plan version {version})"
        else:
            state = "already there"
        lines.append(DemoLine(reference, outcome.patient.name, outcome.plan.indication, state))
    for patient in demo_patients_without_plan(directory / PATIENTS_WITHOUT_PLAN, today):
        state = "already there"
        if store.patient(patient.reference) is None:
            store.register_patient(patient)
            state = "registered"
        lines.append(DemoLine(patient.reference, patient.name, "no plan on file", state))
    if not lines:
        raise StoreError(f"no demo plan files in {directory}")
    return lines


def demo_patients_without_plan(path: Path, today: date) -> list[Patient]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    patients = []
    for i, entry in enumerate(data.get("patients") or [], start=1):
        try:
            born = entry["date_of_birth"]
            if not isinstance(born, date):
                born = parse_relative(str(born), today) or date.fromisoformat(str(born))
            patients.append(Patient(reference=str(entry["reference"]), name=str(entry["name"]), date_of_birth=born))
        except (KeyError, TypeError, ValueError) as error:
            raise StoreError(f"{path}: patient {i}: bad or missing field {error}") from None
    return patients


def demo_patients(directory: Path) -> dict[str, str]:
    """Reference → name of the patients the demo files name (`patient:` of each plan file, `patients:` of
    the no-plan list): the only patients the demo page lists and issues tokens for."""
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        for entry in [data.get("patient"), *(data.get("patients") or [])]:
            if isinstance(entry, dict) and entry.get("reference"):
                reference = str(entry["reference"]).strip().upper()
                found.setdefault(reference, str(entry.get("name") or reference))
    return dict(sorted(found.items()))
