"""Schedule arithmetic: pure functions of (documented plan, injections given, today).

Nothing here reads a clock, a database or Rasa, and nothing here is worded for a patient (that is
bot/wording/), so every figure the bot states can be checked by hand in a unit test.

Semantics (the contract in DESIGN.md):
- The replenishment calendar is the documented one: `doses` dates from `starts_on` at the interval,
  or every date up to `until`, or — open-ended — every date before the reassessment.
- Doses given in replenishment = injections on or after its start and before maintenance starts
  (when maintenance has a start date). Remaining = planned − given, never negative.
- Next due = the last dose given in the current phase + the interval, else the phase start. When all
  replenishment doses are given, the next due date is maintenance's start (unknown until the
  reassessment when the plan gives no start date).
- The remaining doses follow on from the next due date, one interval apart. A late patient cannot have
  the overdue dose before today, so their remaining dates are counted from today: planned dates never lie
  before the next due date or before today, and `schedule_shifted` says they moved.
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
UPCOMING_COUNT = 12  # how many future injection dates a status lists (the n-th next one, "is there one on …")


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


def maintenance_start(plan: Plan) -> date | None:
    maintenance = plan.phase("maintenance")
    return maintenance.starts_on if maintenance else None


def replenishment_dates(plan: Plan) -> list[date]:
    phase = plan.phase("replenishment")
    if phase is None:
        return []
    return phase_dates(phase, stop_before=maintenance_start(plan) or plan.reassess_on)


@dataclass(frozen=True)
class PlanStatus:
    today: date
    current_phase: CurrentPhase
    replenishment_planned: int | None  # None for an open-ended phase
    replenishment_given: int
    replenishment_remaining: int | None
    replenishment_dates: tuple[date, ...]  # the documented calendar
    remaining_dates: tuple[date, ...]  # replenishment dates still to come, from the next due date
    last_replenishment_date: date | None  # the last of remaining_dates, else the documented last one
    schedule_shifted: bool  # a late dose moved the remaining dates past the documented ones
    next_due: date | None
    next_due_phase: str | None
    overdue_days: int
    due_today: bool
    upcoming: tuple[date, ...]  # the next injection dates in order (next due first, never before today)
    maintenance_starts: date | None
    maintenance_after_reassessment: bool
    maintenance_interval: Interval | None
    maintenance_dose: Dose | None
    replenishment_interval: Interval | None
    replenishment_dose: Dose | None
    reassess_on: date | None
    next_lab_check: LabCheck | None
    last_dose_given: date | None
    first_dose_given: date | None
    injections_given: int
    open_ended: bool


def plan_status(plan: Plan, injections_given: Sequence[Injection], today: date) -> PlanStatus:
    """Everything the bot says about a plan, computed in one pass."""
    replenishment = plan.phase("replenishment")
    maintenance = plan.phase("maintenance")
    m_start = maintenance_start(plan)
    window_end = m_start or plan.reassess_on  # the first day that no longer belongs to replenishment
    planned = replenishment_dates(plan)
    fixed = replenishment is not None and (replenishment.doses is not None or replenishment.until is not None)
    all_given = sorted(i.on for i in injections_given)
    r_start = replenishment.starts_on if replenishment else None
    given = [d for d in all_given if r_start and d >= r_start and (m_start is None or d < m_start)]
    remaining = max(0, len(planned) - len(given)) if fixed else None

    next_due, next_phase = _next_due(replenishment, maintenance, m_start, window_end, given, remaining,
                                     all_given, today)
    remaining_dates: list[date] = []
    shifted = False
    if next_phase == "replenishment" and next_due is not None:
        first = max(next_due, today)
        shifted = first > next_due
        count = remaining if remaining is not None else OPEN_ENDED_LIMIT
        for n in range(count):
            current = step(first, replenishment.every, n)
            if remaining is None and window_end is not None and current >= window_end:
                break
            if remaining is None and window_end is None:
                break
            remaining_dates.append(current)
        shifted = shifted and bool(remaining_dates) and bool(planned) and remaining_dates[-1] > planned[-1]

    if replenishment and r_start and today < r_start:
        current: CurrentPhase = "not_started"
    elif m_start and today >= m_start:
        current = "maintenance"
    elif (fixed and remaining == 0) or next_phase != "replenishment":
        current = "awaiting_reassessment"
    else:
        current = "replenishment"

    if remaining_dates:
        last_planned = remaining_dates[-1]
    else:
        last_planned = planned[-1] if planned and fixed else None
    return PlanStatus(
        today=today,
        current_phase=current,
        replenishment_planned=len(planned) if fixed else None,
        replenishment_given=len(given),
        replenishment_remaining=remaining,
        replenishment_dates=tuple(planned),
        remaining_dates=tuple(remaining_dates),
        last_replenishment_date=last_planned if fixed or remaining_dates else None,
        schedule_shifted=shifted,
        next_due=next_due,
        next_due_phase=next_phase,
        overdue_days=(today - next_due).days if next_due and next_due < today else 0,
        due_today=next_due == today,
        upcoming=_upcoming(remaining_dates, next_due, next_phase, maintenance, m_start, today),
        maintenance_starts=m_start,
        maintenance_after_reassessment=maintenance is not None and m_start is None,
        maintenance_interval=maintenance.every if maintenance else None,
        maintenance_dose=maintenance.dose if maintenance else None,
        replenishment_interval=replenishment.every if replenishment else None,
        replenishment_dose=replenishment.dose if replenishment else None,
        reassess_on=plan.reassess_on,
        next_lab_check=next((c for c in sorted(plan.lab_checks, key=lambda c: c.due_on) if c.due_on >= today), None),
        last_dose_given=all_given[-1] if all_given else None,
        first_dose_given=all_given[0] if all_given else None,
        injections_given=len(all_given),
        open_ended=replenishment is not None and not fixed,
    )


def _next_due(replenishment: Phase | None, maintenance: Phase | None, m_start: date | None,
              window_end: date | None, given: list[date], remaining: int | None, all_given: list[date],
              today: date) -> tuple[date | None, str | None]:
    """When the next injection is due and in which phase (None when it depends on the reassessment)."""
    if maintenance and m_start and today >= m_start:
        in_maintenance = [d for d in all_given if d >= m_start]
        return (next_after(in_maintenance[-1], maintenance.every) if in_maintenance else m_start), "maintenance"
    if replenishment is None or replenishment.starts_on is None:
        return None, None
    if remaining == 0:
        return (m_start, "maintenance") if m_start else (None, None)
    candidate = next_after(given[-1], replenishment.every) if given else replenishment.starts_on
    # the phase ends at its `until` date, or (open-ended) at the reassessment / maintenance start
    ends_after = replenishment.until
    ends_before = None if ends_after else window_end
    if (ends_after and candidate > ends_after) or (ends_before and candidate >= ends_before):
        return (m_start, "maintenance") if m_start else (None, None)
    return candidate, "replenishment"


def _upcoming(remaining_dates: list[date], next_due: date | None, next_phase: str | None,
              maintenance: Phase | None, m_start: date | None, today: date) -> tuple[date, ...]:
    """The next UPCOMING_COUNT injection dates: what is left of replenishment, then maintenance when its
    start is documented. A late next dose counts from today."""
    dates = list(remaining_dates[:UPCOMING_COUNT])
    if maintenance is None or m_start is None:
        return tuple(dates)
    if next_phase == "maintenance" and next_due is not None:
        first = max(next_due, today)
    else:
        first = m_start
        if dates and first <= dates[-1]:
            return tuple(dates)  # a shifted replenishment runs into maintenance: the clinic re-plans
    n = 0
    while len(dates) < UPCOMING_COUNT:
        dates.append(step(first, maintenance.every, n))
        n += 1
    return tuple(dates)


@dataclass(frozen=True)
class CalendarEntry:
    on: date
    kind: Literal["injection", "reassessment", "lab_check"]
    phase: str | None = None
    dose: Dose | None = None
    number: int | None = None  # the dose's place in a fixed replenishment course; 1 = first of maintenance
    tests: tuple[str, ...] = ()


def calendar(plan: Plan, injections_given: Sequence[Injection] = (), today: date | None = None,
             horizon_months: int = 12) -> list[CalendarEntry]:
    """Every injection still to come (the remaining replenishment dates, then maintenance up to
    `horizon_months` after it starts, the first one marked), the reassessment and each lab check,
    sorted by date. With `today` None, the documented calendar from the plan's start."""
    replenishment = plan.phase("replenishment")
    maintenance = plan.phase("maintenance")
    entries: list[CalendarEntry] = []
    if today is None:
        rep_dates, first_number = replenishment_dates(plan), 1
        status = None
    else:
        status = plan_status(plan, injections_given, today)
        rep_dates, first_number = list(status.remaining_dates), status.replenishment_given + 1
    for n, on in enumerate(rep_dates, start=first_number):
        entries.append(CalendarEntry(on, "injection", "replenishment", replenishment.dose,
                                     n if status is None or status.replenishment_planned else None))
    if maintenance and maintenance.starts_on:
        started = status is not None and status.current_phase == "maintenance" and status.next_due
        first = max(status.next_due, today) if started else maintenance.starts_on
        horizon = add_months(max(first, today or first), horizon_months)
        n = 0
        while (on := step(first, maintenance.every, n)) <= horizon and n < OPEN_ENDED_LIMIT:
            number = 1 if n == 0 and not started else None
            entries.append(CalendarEntry(on, "injection", "maintenance", maintenance.dose, number))
            n += 1
    if plan.reassess_on and (today is None or plan.reassess_on >= today):
        entries.append(CalendarEntry(plan.reassess_on, "reassessment"))
    for check in plan.lab_checks:
        if today is None or check.due_on >= today:
            entries.append(CalendarEntry(check.due_on, "lab_check", tests=check.tests))
    order = {"injection": 0, "lab_check": 1, "reassessment": 2}
    return sorted(entries, key=lambda e: (e.on, order[e.kind]))
