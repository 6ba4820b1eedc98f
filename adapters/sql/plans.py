"""Plan queries of the store: imports, the newest plan, history, injections given and patient reports."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import Integer, delete, func, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, selectinload

from adapters.sql import mapping
from adapters.sql.orm import InjectionRow, PatientRow, PlanVersionRow, ReportedInjectionRow, UTCDateTime, utcnow
from bot.errors import StoreError, UnknownPatientError
from bot.plans.model import Dose, Injection, Patient, PlanFile, PlanRecord, ReportedInjection

# Concurrent imports can collide on the unique constraints (two first imports of a new reference on
# PostgreSQL); the loser retries and then sees the winner's rows.
_IMPORT_ATTEMPTS = 6


class PlanQueries:
    """Mixed into PlanStore: `self._read` and `self._write` are its session factories."""

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
        patient = _lock_patient(session, pf.patient.reference)
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
        session.add(mapping.plan_row(patient.id, version, pf.plan, source))
        if replace_injections:
            session.execute(delete(InjectionRow).where(InjectionRow.patient_id == patient.id))
            session.execute(delete(ReportedInjectionRow).where(ReportedInjectionRow.patient_id == patient.id))
        mapping.merge_injections(session, patient.id, pf.injections_given)
        session.flush()
        return version

    def register_patient(self, patient: Patient) -> bool:
        """Record a patient who has no plan yet (name and date of birth updated if known). True if new."""
        try:
            with self._write.begin() as session:
                row = _lock_patient(session, patient.reference)
                if row is None:
                    session.add(PatientRow(reference=patient.reference, name=patient.name,
                                           date_of_birth=patient.date_of_birth))
                    return True
                row.name = patient.name
                row.date_of_birth = patient.date_of_birth
                return False
        except IntegrityError:  # registered concurrently: it exists now, which is all we wanted
            return False

    # reads (every chat turn) ------------------------------------------------------------------------

    def patient(self, reference: str) -> Patient | None:
        with self._read() as session:
            row = session.execute(select(PatientRow).where(PatientRow.reference == reference)).scalar_one_or_none()
            return mapping.patient(row) if row is not None else None

    def patients(self, search: str = "", limit: int = 200) -> list[Patient]:
        """Patients whose reference or name contains `search` (case-insensitive), by reference."""
        stmt = select(PatientRow).order_by(PatientRow.reference).limit(limit)
        if search.strip():
            needle = f"%{search.strip().lower()}%"
            stmt = stmt.where(func.lower(PatientRow.reference).like(needle) | func.lower(PatientRow.name).like(needle))
        with self._read() as session:
            return [mapping.patient(row) for row in session.execute(stmt).scalars()]

    def current_plan(self, reference: str) -> PlanRecord | None:
        """The newest plan version with every injection recorded and the pending patient reports; None
        without a plan. Two round trips: the version with its patient, phases and lab checks joined in one
        statement (a handful of rows), then the injections and the pending reports in one UNION (growing
        lists, kept out of the join).
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
                contains_eager(PlanVersionRow.patient),
                joinedload(PlanVersionRow.phases),
                joinedload(PlanVersionRow.lab_checks),
            )
        )
        with self._read() as session:
            row = session.execute(stmt).unique().scalar_one_or_none()
            if row is None:
                return None
            injections, reports = _injections_and_reports(session, row.patient_id, reference)
            return mapping.record(row, injections, reports)

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
            return [mapping.record(row, row.patient.injections) for row in rows]

    # injections ------------------------------------------------------------------------------------

    def record_injection(self, reference: str, on: date, dose: Dose | None = None) -> bool:
        """Record that the patient received an injection on `on`. Idempotent per date: True if new.

        A second record for the same date changes nothing, except filling in a dose that was missing.
        """
        try:
            with self._write.begin() as session:
                patient_id = _patient_id(session, reference)
                return mapping.merge_injections(session, patient_id, [Injection(on=on, dose=dose)]) > 0
        except IntegrityError:  # the same date recorded concurrently
            return False

    # patient-reported injections --------------------------------------------------------------------

    def add_report(self, reference: str, on: date, conversation_key: str | None,
                   plan_version_id: int | None) -> ReportedInjection | None:
        """Note an injection the patient reports; None when that day is already reported or recorded."""
        try:
            with self._write.begin() as session:
                patient_id = _patient_id(session, reference)
                recorded = session.execute(select(InjectionRow.id).where(
                    InjectionRow.patient_id == patient_id, InjectionRow.given_on == on)).first()
                reported = session.execute(select(ReportedInjectionRow.id).where(
                    ReportedInjectionRow.patient_id == patient_id, ReportedInjectionRow.given_on == on)).first()
                if recorded or reported:
                    return None
                row = ReportedInjectionRow(patient_id=patient_id, given_on=on, conversation_key=conversation_key,
                                           plan_version_id=plan_version_id, status="pending")
                session.add(row)
                session.flush()
                return mapping.report(row, reference)
        except IntegrityError:
            return None

    def reports(self, status: str | None = "pending", reference: str | None = None) -> list[ReportedInjection]:
        stmt = (select(ReportedInjectionRow, PatientRow.reference).join(PatientRow)
                .order_by(ReportedInjectionRow.reported_at, ReportedInjectionRow.id))
        if status is not None:
            stmt = stmt.where(ReportedInjectionRow.status == status)
        if reference is not None:
            stmt = stmt.where(PatientRow.reference == reference)
        with self._read() as session:
            return [mapping.report(row, ref) for row, ref in session.execute(stmt)]

    def decide_report(self, report_id: int, confirm: bool, staff: str) -> ReportedInjection:
        """Confirm (the report becomes a clinic record) or reject a pending report."""
        with self._write.begin() as session:
            row = session.get(ReportedInjectionRow, report_id, with_for_update=True)
            if row is None:
                raise StoreError(f"no reported injection with id {report_id}")
            if row.status != "pending":
                raise StoreError(f"reported injection {report_id} was already {row.status}")
            row.status = "confirmed" if confirm else "rejected"
            row.decided_by, row.decided_at = staff, utcnow()
            if confirm:
                mapping.merge_injections(session, row.patient_id, [Injection(on=row.given_on)])
            reference = session.get(PatientRow, row.patient_id).reference
            return mapping.report(row, reference)


def _injections_and_reports(session: Session, patient_id: int,
                            reference: str) -> tuple[list[Injection], list[ReportedInjection]]:
    """The clinic's injections and the pending patient reports, in one statement."""
    clinic = select(InjectionRow.given_on, InjectionRow.dose_amount, InjectionRow.dose_unit,
                    literal(None, Integer()).label("report_id"), literal(None, UTCDateTime()).label("reported_at"),
                    literal("clinic").label("source")).where(InjectionRow.patient_id == patient_id)
    reported = select(ReportedInjectionRow.given_on, literal(None), literal(None), ReportedInjectionRow.id,
                      ReportedInjectionRow.reported_at, literal("patient")).where(
        ReportedInjectionRow.patient_id == patient_id, ReportedInjectionRow.status == "pending")
    injections, reports = [], []
    for on, amount, unit, report_id, reported_at, source in session.execute(union_all(clinic, reported)):
        if source == "clinic":
            injections.append(Injection(on=on, dose=mapping.dose(amount, unit)))
        else:
            reports.append(ReportedInjection(id=report_id, reference=reference, on=on, reported_at=reported_at))
    return injections, reports


def _lock_patient(session: Session, reference: str) -> PatientRow | None:
    # FOR UPDATE on PostgreSQL; SQLite ignores it but its write transactions are already serial.
    return session.execute(
        select(PatientRow).where(PatientRow.reference == reference).with_for_update()
    ).scalar_one_or_none()


def _patient_id(session: Session, reference: str) -> int:
    patient_id = session.execute(select(PatientRow.id).where(PatientRow.reference == reference)).scalar_one_or_none()
    if patient_id is None:
        raise UnknownPatientError(reference)
    return patient_id
