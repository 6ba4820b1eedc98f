"""Schedule arithmetic: pure functions of (documented plan, injections given, today).

Nothing here reads a clock, a database or Rasa, so every answer the bot computes can be checked by
hand in a unit test.

Semantics (the contract in DESIGN.md):
- The replenishment calendar is the documented one: `doses` dates from `starts_on` at the interval,
  or every date up to `until`, or — open-ended — every date before the reassessment.
- Doses given in replenishment = injections on or after its start and before maintenance starts
  (when maintenance has a start date). Remaining = planned − given, never negative.
- Next due = the last dose given in the current phase + the interval, else the phase start. When all
  replenishment doses are given, the next due date is maintenance's start (unknown until the
  reassessment when the plan gives no start date).
- Calendar months are calendar months, clamped to the month end (31 Jan + 1 month = 28/29 Feb);
  each date is computed from the phase start, so clamping never drifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.dates import add_months
from bot.plans.model import Dose, Injection, Interval, LabCheck, Phase, Plan

CurrentPhase = Literal["not_started", "replenishment", "awaiting_reassessment", "maintenance"]
OPEN_ENDED_LIMIT = 520  # safety bound on generated dates for open-ended phases


def step(start: date, every: Interval, n: int) -> date:
    """The n-th date after `start` at interval `every` (n = 0 is `start`)."""
    if every.unit == "month":
        return add_months(start, every.count * n)
    days = every.count * n * (7 if every.unit == "week" else 1)
    return start + timedelta(days=days)


def next_after(last: date, every: Interval) -> date:
    return step(last, every, 1)


def phase_dates(phase: Phase, *, stop_before: date | None = None) -> list[date]:
    """Planned dates of a phase: `doses` of them, or up to `until` (inclusive), or — open-ended —
    every date before `stop_before` (the reassessment). Empty when the dates are not known."""
    if phase.starts_on is None:
        return []
    if phase.doses is not None:
        return [step(phase.starts_on, phase.every, n) for n in range(phase.doses)]
    if phase.until is not None:
        keep = lambda d: d <= phase.until  # noqa: E731
    elif stop_before is not None:
        keep = lambda d: d < stop_before  # noqa: E731
    else:
        return []
    dates = []
    for n in range(OPEN_ENDED_LIMIT):
        current = step(phase.starts_on, phase.every, n)
        if not keep(current):
            break
        dates.append(current)
    return dates


def replenishment_dates(plan: Plan) -> list[date]:
    phase = plan.phase("replenishment")
    if phase is None:
        return []
    maintenance = plan.phase("maintenance")
    stop = maintenance.starts_on if maintenance and maintenance.starts_on else plan.reassess_on
    return phase_dates(phase, stop_before=stop)


def maintenance_start(plan: Plan) -> date | None:
    maintenance = plan.phase("maintenance")
    return maintenance.starts_on if maintenance else None


def replenishment_window_end(plan: Plan) -> date | None:
    """The first day that no longer belongs to replenishment (None: not known)."""
    return maintenance_start(plan) or plan.reassess_on


def given_in_replenishment(plan: Plan, injections_given: Sequence[Injection]) -> list[date]:
    """Injections on or after the replenishment start and before maintenance starts (when that date is known)."""
    phase = plan.phase("replenishment")
    if phase is None or phase.starts_on is None:
        return []
    end = maintenance_start(plan)
    return sorted(i.on for i in injections_given if i.on >= phase.starts_on and (end is None or i.on < end))


def remaining_replenishment_doses(plan: Plan, injections_given: Sequence[Injection]) -> int | None:
    phase = plan.phase("replenishment")
    if phase is None:
        return None
    if phase.doses is None and phase.until is None:
        return None
    planned = len(replenishment_dates(plan))
    return max(0, planned - len(given_in_replenishment(plan, injections_given)))


@dataclass(frozen=True)
class PlanStatus:
    today: date
    current_phase: CurrentPhase
    replenishment_planned: int | None
    replenishment_given: int
    replenishment_remaining: int | None
    last_replenishment_date: date | None
    replenishment_dates: tuple[date, ...]
    next_due: date | None
    next_due_phase: str | None
    overdue_days: int
    due_today: bool
    maintenance_starts: date | None
    maintenance_after_reassessment: bool
    maintenance_interval: Interval | None
    maintenance_dose: Dose | None
    replenishment_interval: Interval | None
    replenishment_dose: Dose | None
    reassess_on: date | None
    next_lab_check: LabCheck | None
    last_dose_given: date | None
    open_ended: bool


def next_due_date(plan: Plan, injections_given: Sequence[Injection], today: date) -> tuple[date | None, str | None]:
    """When the next injection is due and in which phase (None when it depends on the reassessment)."""
    replenishment = plan.phase("replenishment")
    maintenance = plan.phase("maintenance")
    m_start = maintenance_start(plan)
    if maintenance and m_start and today >= m_start:
        given = sorted(i.on for i in injections_given if i.on >= m_start)
        return (next_after(given[-1], maintenance.every) if given else m_start), "maintenance"
    if replenishment is None or replenishment.starts_on is None:
        return None, None
    given = given_in_replenishment(plan, injections_given)
    remaining = remaining_replenishment_doses(plan, injections_given)
    if remaining == 0:
        return (m_start, "maintenance") if m_start else (None, None)
    candidate = next_after(given[-1], replenishment.every) if given else replenishment.starts_on
    # the phase ends at its `until` date, or (open-ended) at the reassessment / maintenance start
    ends_after = replenishment.until
    ends_before = None if ends_after else replenishment_window_end(plan)
    if (ends_after and candidate > ends_after) or (ends_before and candidate >= ends_before):
        return (m_start, "maintenance") if m_start else (None, None)
    return candidate, "replenishment"


def plan_status(plan: Plan, injections_given: Sequence[Injection], today: date) -> PlanStatus:
    replenishment = plan.phase("replenishment")
    maintenance = plan.phase("maintenance")
    planned = replenishment_dates(plan)
    given = given_in_replenishment(plan, injections_given)
    remaining = remaining_replenishment_doses(plan, injections_given)
    fixed = replenishment is not None and (replenishment.doses is not None or replenishment.until is not None)
    next_due, next_phase = next_due_date(plan, injections_given, today)
    m_start = maintenance_start(plan)

    if replenishment and replenishment.starts_on and today < replenishment.starts_on:
        current: CurrentPhase = "not_started"
    elif m_start and today >= m_start:
        current = "maintenance"
    elif (fixed and remaining == 0) or (next_phase != "replenishment"):
        current = "awaiting_reassessment"
    else:
        current = "replenishment"

    all_given = sorted(i.on for i in injections_given)
    overdue = (today - next_due).days if next_due and next_due < today else 0
    return PlanStatus(
        today=today,
        current_phase=current,
        replenishment_planned=len(planned) if fixed else None,
        replenishment_given=len(given),
        replenishment_remaining=remaining,
        last_replenishment_date=planned[-1] if planned and fixed else None,
        replenishment_dates=tuple(planned),
        next_due=next_due,
        next_due_phase=next_phase,
        overdue_days=overdue,
        due_today=next_due == today,
        maintenance_starts=m_start,
        maintenance_after_reassessment=maintenance is not None and m_start is None,
        maintenance_interval=maintenance.every if maintenance else None,
        maintenance_dose=maintenance.dose if maintenance else None,
        replenishment_interval=replenishment.every if replenishment else None,
        replenishment_dose=replenishment.dose if replenishment else None,
        reassess_on=plan.reassess_on,
        next_lab_check=next((c for c in sorted(plan.lab_checks, key=lambda c: c.due_on) if c.due_on >= today), None),
        last_dose_given=all_given[-1] if all_given else None,
        open_ended=replenishment is not None and not fixed,
    )


@dataclass(frozen=True)
class CalendarEntry:
    on: date
    kind: Literal["injection", "reassessment", "lab_check"]
    phase: str | None
    label: str


def calendar(plan: Plan, today: date | None = None, horizon_months: int = 12) -> list[CalendarEntry]:
    """Every planned injection, the reassessment and each lab check, sorted by date."""
    entries: list[CalendarEntry] = []
    replenishment = plan.phase("replenishment")
    for n, on in enumerate(replenishment_dates(plan), start=1):
        entries.append(CalendarEntry(on, "injection", "replenishment",
                                     f"B12 injection {replenishment.dose} (replenishment, dose {n})"))
    maintenance = plan.phase("maintenance")
    if maintenance and maintenance.starts_on:
        horizon = add_months(maintenance.starts_on, horizon_months)
        n = 0
        while (on := step(maintenance.starts_on, maintenance.every, n)) <= horizon and n < OPEN_ENDED_LIMIT:
            label = f"B12 injection {maintenance.dose} (maintenance)"
            entries.append(CalendarEntry(on, "injection", "maintenance", label))
            n += 1
    if plan.reassess_on:
        entries.append(CalendarEntry(plan.reassess_on, "reassessment", None, "Reassessment with your clinician"))
    for check in plan.lab_checks:
        entries.append(CalendarEntry(check.due_on, "lab_check", None, "Blood tests: " + ", ".join(check.tests)))
    order = {"injection": 0, "lab_check": 1, "reassessment": 2}
    return sorted(entries, key=lambda e: (e.on, order[e.kind]))
