"""The plan store: the only place that knows how plans sit in SQL.

Callers get and give the frozen dataclasses of `bot/plans/model.py`. Every method is one unit of work with
its own session, so the action server can run them from a thread pool (one call per request, nothing shared
but the engine's connection pool).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, selectinload

from adapters.sql.db import database_url, make_engine, session_factory, write_engine
from adapters.sql.orm import (
    AuditEntryRow,
    FollowUpRow,
    InjectionRow,
    LabCheckRow,
    PatientRow,
    PhaseRow,
    PlanVersionRow,
    VerificationRow,
    utcnow,
)
from bot.plans.model import (
    Dose,
    FollowUp,
    Injection,
    Interval,
    LabCheck,
    Patient,
    Phase,
    Plan,
    PlanFile,
    PlanRecord,
    VerificationState,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PLAN_FILE_SUFFIXES = (".yml", ".yaml")
# Concurrent imports can collide on the unique constraints (two first imports of a new reference on
# PostgreSQL); the loser retries and then sees the winner's rows.
_IMPORT_ATTEMPTS = 6
_alembic_lock = threading.Lock()


class StoreError(Exception):
    """A request the store cannot carry out; the message is meant for staff."""


class UnknownPatientError(StoreError, LookupError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no patient with reference {reference!r}")
        self.reference = reference


@dataclass(frozen=True)
class ImportResult:
    """One plan file: imported as `version`, or rejected with `problems` (then nothing was written)."""

    path: str
    reference: str | None = None
    version: int | None = None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and self.version is not None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    created_at: datetime
    intent: str
    action: str
    reference: str | None
    plan_version_id: int | None


# --- schema ------------------------------------------------------------------------------------------


def alembic_config(url: str | None = None) -> Config:
    """Alembic configured from code: works from any working directory, no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["url"] = url or database_url()
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """`alembic upgrade head` on `url` (default `DATABASE_URL`); a no-op when already current.

    Safe to run from several processes at once (the migration environment takes a database lock). Alembic's
    `context` is a module global, so within one process the runs take turns.
    """
    with _alembic_lock:
        command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The schema revision the database is at, None for a database never migrated."""
    with make_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


# --- plan files --------------------------------------------------------------------------------------


def plan_files(path: str | Path) -> list[Path]:
    """The plan files a path names: the file itself, or the `*.yml`/`*.yaml` files of a directory, sorted."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PLAN_FILE_SUFFIXES)
    return [path]


def read_plan_file(path: Path, today: date | None = None) -> PlanFile | ImportResult:
    """The validated file, or an ImportResult listing every problem as `FILE:LINE: field: message`."""
    from bot.plans.planfile import PlanFileError, parse_plan_file

    if not path.exists():
        return ImportResult(str(path), problems=(f"{path}: no such file or directory",))
    try:
        return parse_plan_file(path, today=today)
    except PlanFileError as error:
        problems = tuple(str(p) for p in error.problems) or (f"{path}: {error}",)
        return ImportResult(str(path), problems=problems)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return ImportResult(str(path), problems=(f"{path}: cannot read the file: {reason}",))


# --- the store ---------------------------------------------------------------------------------------


class PlanStore:
    """Patients, their plan versions, injections given, follow-ups, audit entries and verification state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = session_factory(engine)
        self._write = session_factory(write_engine(engine))

    @classmethod
    def from_env(cls) -> PlanStore:
        return cls(make_engine())

    # imports ----------------------------------------------------------------------------------------

    def import_planfile(self, pf: PlanFile, source: str = "", *, replace_injections: bool = False) -> int:
        """Store `pf` as the patient's next plan version (1 for a new patient) and return that number.

        One transaction: the patient is created or updated, the version added (older ones kept) and the
        file's injections merged into the patient's record (with `replace_injections`, they replace the
        recorded ones: only for re-dating demo patients). The patient row is locked first, so concurrent
        imports of one reference number their versions without gaps or duplicates.
        """
        for attempt in range(_IMPORT_ATTEMPTS):
            try:
                with self._write.begin() as session:
                    return self._import(session, pf, source, replace_injections)
            except IntegrityError:
                if attempt == _IMPORT_ATTEMPTS - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def _import(self, session: Session, pf: PlanFile, source: str, replace_injections: bool = False) -> int:
        patient = self._lock_patient(session, pf.patient.reference)
        if patient is None:
            patient = PatientRow(
                reference=pf.patient.reference, name=pf.patient.name, date_of_birth=pf.patient.date_of_birth
            )
            session.add(patient)
            session.flush()  # a concurrent first import of the same reference fails here, then retries
        else:
            patient.name = pf.patient.name
            patient.date_of_birth = pf.patient.date_of_birth
        latest = session.execute(
            select(func.max(PlanVersionRow.version)).where(PlanVersionRow.patient_id == patient.id)
        ).scalar_one()
        version = (latest or 0) + 1
        session.add(_plan_row(patient.id, version, pf.plan, source))
        if replace_injections:
            session.execute(delete(InjectionRow).where(InjectionRow.patient_id == patient.id))
        _merge_injections(session, patient.id, pf.injections_given)
        session.flush()
        return version

    @staticmethod
    def _lock_patient(session: Session, reference: str) -> PatientRow | None:
        # FOR UPDATE on PostgreSQL; SQLite ignores it but its write transactions are already serial.
        return session.execute(
            select(PatientRow).where(PatientRow.reference == reference).with_for_update()
        ).scalar_one_or_none()

    def import_path(self, path: str | Path, today: date | None = None) -> list[ImportResult]:
        """Import one plan file or every plan file of a directory, each in its own transaction.

        A file with any problem writes nothing; the other files still import.
        """
        return self.import_paths([path], today=today)

    def import_paths(
        self, paths: Iterable[str | Path], today: date | None = None, all_or_nothing: bool = False
    ) -> list[ImportResult]:
        """Validate every file first, then import the valid ones (none at all if `all_or_nothing`)."""
        parsed: list[tuple[Path, PlanFile | ImportResult]] = []
        for path in paths:
            files = plan_files(path)
            if not files:
                parsed.append(
                    (Path(path), ImportResult(str(path), problems=(f"{path}: no plan files (*.yml)",)))
                )
            parsed.extend((file, read_plan_file(file, today)) for file in files)
        rejected = any(isinstance(outcome, ImportResult) for _, outcome in parsed)
        results = []
        for file, outcome in parsed:
            if isinstance(outcome, ImportResult):
                results.append(outcome)
            elif all_or_nothing and rejected:
                results.append(ImportResult(str(file), reference=outcome.patient.reference))
            else:
                version = self.import_planfile(outcome, source=str(file))
                results.append(ImportResult(str(file), reference=outcome.patient.reference, version=version))
        return results

    def register_patient(self, patient: Patient) -> bool:
        """Record a patient who has no plan yet (name and date of birth updated if known). True if new."""
        try:
            with self._write.begin() as session:
                row = self._lock_patient(session, patient.reference)
                if row is None:
                    session.add(
                        PatientRow(
                            reference=patient.reference,
                            name=patient.name,
                            date_of_birth=patient.date_of_birth,
                        )
                    )
                    return True
                row.name = patient.name
                row.date_of_birth = patient.date_of_birth
                return False
        except IntegrityError:  # registered concurrently: it exists now, which is all we wanted
            return False

    # reads (every chat turn) ------------------------------------------------------------------------

    def patient(self, reference: str) -> Patient | None:
        with self._read() as session:
            row = session.execute(
                select(PatientRow).where(PatientRow.reference == reference)
            ).scalar_one_or_none()
            return _patient(row) if row is not None else None

    def current_plan(self, reference: str) -> PlanRecord | None:
        """The newest plan version with every injection recorded for the patient; None without a plan.

        Two round trips: the version with its patient, phases and lab checks joined in one statement
        (a handful of rows), then the injections (a growing list, kept out of the join).
        """
        newer = aliased(PlanVersionRow)
        newest = (
            ~select(newer.id)
            .where(newer.patient_id == PlanVersionRow.patient_id, newer.version > PlanVersionRow.version)
            .exists()
        )
        stmt = (
            select(PlanVersionRow)
            .join(PlanVersionRow.patient)
            .where(PatientRow.reference == reference, newest)
            .options(
                contains_eager(PlanVersionRow.patient).selectinload(PatientRow.injections),
                joinedload(PlanVersionRow.phases),
                joinedload(PlanVersionRow.lab_checks),
            )
        )
        with self._read() as session:
            row = session.execute(stmt).unique().scalar_one_or_none()
            return _record(row, row.patient.injections) if row is not None else None

    def plan_history(self, reference: str) -> list[PlanRecord]:
        """Every plan version of the patient, oldest first (each with all injections recorded)."""
        stmt = (
            select(PlanVersionRow)
            .join(PlanVersionRow.patient)
            .where(PatientRow.reference == reference)
            .order_by(PlanVersionRow.version)
            .options(
                contains_eager(PlanVersionRow.patient).selectinload(PatientRow.injections),
                selectinload(PlanVersionRow.phases),
                selectinload(PlanVersionRow.lab_checks),
            )
        )
        with self._read() as session:
            rows = session.execute(stmt).scalars().all()
            return [_record(row, row.patient.injections) for row in rows]

    # injections ------------------------------------------------------------------------------------

    def record_injection(self, reference: str, on: date, dose: Dose | None = None) -> bool:
        """Record that the patient received an injection on `on`. Idempotent per date: True if new.

        A second record for the same date changes nothing, except filling in a dose that was missing.
        """
        try:
            with self._write.begin() as session:
                patient_id = session.execute(
                    select(PatientRow.id).where(PatientRow.reference == reference)
                ).scalar_one_or_none()
                if patient_id is None:
                    raise UnknownPatientError(reference)
                return _merge_injections(session, patient_id, [Injection(on=on, dose=dose)]) > 0
        except IntegrityError:  # the same date recorded concurrently
            return False

    # follow-ups and audit ----------------------------------------------------------------------------

    def add_followup(
        self, reference: str, kind: str, plan_version: int | None, conversation_key: str | None
    ) -> int:
        """Pass a question to the care team; returns the follow-up id. Holds no words of the patient."""
        with self._write.begin() as session:
            row = FollowUpRow(
                reference=reference, kind=kind, plan_version=plan_version, conversation_key=conversation_key
            )
            session.add(row)
            session.flush()
            return row.id

    def list_followups(self, status: str | None = "open") -> list[FollowUp]:
        """Follow-ups with `status` (None: all), oldest first."""
        stmt = select(FollowUpRow).order_by(FollowUpRow.created_at, FollowUpRow.id)
        if status is not None:
            stmt = stmt.where(FollowUpRow.status == status)
        with self._read() as session:
            return [
                FollowUp(
                    id=row.id,
                    reference=row.reference,
                    kind=row.kind,
                    plan_version=row.plan_version,
                    created_at=row.created_at,
                    status=row.status,
                )
                for row in session.execute(stmt).scalars()
            ]

    def set_followup_status(self, followup_id: int, status: str) -> None:
        with self._write.begin() as session:
            row = session.get(FollowUpRow, followup_id)
            if row is None:
                raise StoreError(f"no follow-up with id {followup_id}")
            row.status = status

    def add_audit(
        self, intent: str, action: str, reference: str | None = None, plan_version_id: int | None = None
    ) -> None:
        """Note which plan version an answer cited (or none), for which intent and action."""
        with self._write.begin() as session:
            session.add(
                AuditEntryRow(
                    intent=intent, action=action, reference=reference, plan_version_id=plan_version_id
                )
            )

    def audit_entries(self, reference: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """The newest audit entries (of one patient if `reference`), newest first."""
        stmt = select(AuditEntryRow).order_by(AuditEntryRow.id.desc()).limit(limit)
        if reference is not None:
            stmt = stmt.where(AuditEntryRow.reference == reference)
        with self._read() as session:
            return [
                AuditEntry(
                    id=row.id,
                    created_at=row.created_at,
                    intent=row.intent,
                    action=row.action,
                    reference=row.reference,
                    plan_version_id=row.plan_version_id,
                )
                for row in session.execute(stmt).scalars()
            ]

    # verification ----------------------------------------------------------------------------------

    def get_verification(self, conversation_key: str) -> VerificationState | None:
        with self._read() as session:
            row = session.get(VerificationRow, conversation_key)
            if row is None:
                return None
            return VerificationState(
                conversation_key=row.conversation_key,
                reference=row.reference,
                verified_until=row.verified_until,
                failures=row.failures,
                locked_until=row.locked_until,
            )

    def save_verification(self, state: VerificationState) -> None:
        """Insert or replace the state of one conversation (an atomic upsert: replicas may race)."""
        values = {
            "conversation_key": state.conversation_key,
            "reference": state.reference,
            "verified_until": state.verified_until,
            "failures": state.failures,
            "locked_until": state.locked_until,
            "updated_at": utcnow(),
        }
        dialect = self.engine.dialect.name
        if dialect not in ("postgresql", "sqlite"):
            with self._write.begin() as session:
                session.merge(VerificationRow(**values))
            return
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(VerificationRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[VerificationRow.conversation_key],
            set_={key: stmt.excluded[key] for key in values if key != "conversation_key"},
        )
        with self._write.begin() as session:
            session.execute(stmt)


# --- rows <-> domain ---------------------------------------------------------------------------------


def _plan_row(patient_id: int, version: int, plan: Plan, source: str) -> PlanVersionRow:
    return PlanVersionRow(
        patient_id=patient_id,
        version=version,
        documented_by=plan.documented_by,
        documented_on=plan.documented_on,
        product=plan.product,
        strength=plan.strength,
        route=plan.route,
        indication=plan.indication,
        reassess_on=plan.reassess_on,
        notes=plan.notes,
        source_file=source[-500:],
        imported_at=utcnow(),
        phases=[
            PhaseRow(
                position=i,
                kind=phase.kind,
                dose_amount=float(phase.dose.amount),
                dose_unit=phase.dose.unit,
                every_count=phase.every.count,
                every_unit=phase.every.unit,
                doses=phase.doses,
                until=phase.until,
                starts_on=phase.starts_on,
            )
            for i, phase in enumerate(plan.phases)
        ],
        lab_checks=[
            LabCheckRow(position=i, due_on=check.due_on, tests=list(check.tests))
            for i, check in enumerate(plan.lab_checks)
        ],
    )


def _merge_injections(session: Session, patient_id: int, injections: Sequence[Injection]) -> int:
    """Add the injections whose date is not recorded yet; fill a missing dose. Returns how many were added."""
    if not injections:
        return 0
    dates = {injection.on for injection in injections}
    existing = {
        row.given_on: row
        for row in session.execute(
            select(InjectionRow).where(
                InjectionRow.patient_id == patient_id, InjectionRow.given_on.in_(dates)
            )
        ).scalars()
    }
    added = 0
    for injection in sorted(injections, key=lambda i: i.on):
        row = existing.get(injection.on)
        if row is None:
            row = InjectionRow(
                patient_id=patient_id,
                given_on=injection.on,
                dose_amount=float(injection.dose.amount) if injection.dose else None,
                dose_unit=injection.dose.unit if injection.dose else None,
            )
            session.add(row)
            existing[injection.on] = row
            added += 1
        elif row.dose_amount is None and injection.dose is not None:
            row.dose_amount = float(injection.dose.amount)
            row.dose_unit = injection.dose.unit
    return added


def _patient(row: PatientRow) -> Patient:
    return Patient(reference=row.reference, name=row.name, date_of_birth=row.date_of_birth)


def _amount(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _dose(amount: float | None, unit: str | None) -> Dose | None:
    return Dose(amount=_amount(amount), unit=unit) if amount is not None and unit else None


def _record(row: PlanVersionRow, injections: Iterable[InjectionRow]) -> PlanRecord:
    plan = Plan(
        documented_by=row.documented_by,
        documented_on=row.documented_on,
        product=row.product,
        strength=row.strength,
        route=row.route,
        indication=row.indication,
        phases=tuple(
            Phase(
                kind=phase.kind,  # type: ignore[arg-type]
                dose=Dose(amount=_amount(phase.dose_amount), unit=phase.dose_unit),
                every=Interval(count=phase.every_count, unit=phase.every_unit),  # type: ignore[arg-type]
                doses=phase.doses,
                until=phase.until,
                starts_on=phase.starts_on,
            )
            for phase in row.phases
        ),
        reassess_on=row.reassess_on,
        lab_checks=tuple(LabCheck(due_on=check.due_on, tests=tuple(check.tests)) for check in row.lab_checks),
        notes=row.notes,
    )
    return PlanRecord(
        patient=_patient(row.patient),
        plan=plan,
        injections_given=tuple(
            Injection(on=i.given_on, dose=_dose(i.dose_amount, i.dose_unit))
            for i in sorted(injections, key=lambda i: i.given_on)
        ),
        version=row.version,
        plan_version_id=row.id,
        imported_at=row.imported_at,
        extra={"source_file": row.source_file} if row.source_file else {},
    )
