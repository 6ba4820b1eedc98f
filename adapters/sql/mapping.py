"""Rows ↔ the frozen dataclasses of bot/plans/model.py: the only place that knows both shapes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.sql.orm import (
    InjectionRow,
    LabCheckRow,
    PatientRow,
    PhaseRow,
    PlanVersionRow,
    ReportedInjectionRow,
    utcnow,
)
from bot.plans.model import Dose, Injection, Interval, LabCheck, Patient, Phase, Plan, PlanRecord, ReportedInjection


def plan_row(patient_id: int, version: int, plan: Plan, source: str) -> PlanVersionRow:
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


def merge_injections(session: Session, patient_id: int, injections: Sequence[Injection]) -> int:
    """Add the injections whose date is not recorded yet; fill a missing dose. Returns how many were added."""
    if not injections:
        return 0
    dates = {injection.on for injection in injections}
    existing = {
        row.given_on: row
        for row in session.execute(
            select(InjectionRow).where(InjectionRow.patient_id == patient_id, InjectionRow.given_on.in_(dates))
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


def patient(row: PatientRow) -> Patient:
    return Patient(reference=row.reference, name=row.name, date_of_birth=row.date_of_birth)


def _amount(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def dose(amount: float | None, unit: str | None) -> Dose | None:
    return Dose(amount=_amount(amount), unit=unit) if amount is not None and unit else None


def report(row: ReportedInjectionRow, reference: str) -> ReportedInjection:
    return ReportedInjection(id=row.id, reference=reference, on=row.given_on, reported_at=row.reported_at,
                             status=row.status, decided_by=row.decided_by, decided_at=row.decided_at)


def injection(row: InjectionRow) -> Injection:
    return Injection(on=row.given_on, dose=dose(row.dose_amount, row.dose_unit))


def record(row: PlanVersionRow, injections: Iterable[Injection | InjectionRow],
           reported: Iterable[ReportedInjection] = ()) -> PlanRecord:
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
        patient=patient(row.patient),
        plan=plan,
        injections_given=tuple(sorted((i if isinstance(i, Injection) else injection(i) for i in injections),
                                      key=lambda i: i.on)),
        version=row.version,
        plan_version_id=row.id,
        imported_at=row.imported_at,
        extra={"source_file": row.source_file} if row.source_file else {},
        reported=tuple(sorted(reported, key=lambda r: r.on)),
    )
