"""The rules a documented plan must meet, whatever format it came in (plan file or FHIR bundle).

`plan_problems` checks a fully built `PlanFile` and returns `(field, message)` pairs, the field a
dotted path into the plan-file shape (`plan.phases[1].starts_on`, `injections_given[0].on`). Each
reader (YAML with line numbers, FHIR with JSON paths) maps those fields back to where the value came
from, so the rules exist once and every format reports them the same way.
"""

from __future__ import annotations

from datetime import date

from bot.plans.model import PlanFile
from bot.plans.schedule import phase_dates
from bot.references import REFERENCE_FORMAT

MAX_DOSES = 1000  # the schedule is computed dose by dose: a plan of 10^12 doses would never finish
MAX_INTERVAL_DAYS = 366
MAX_YEARS_AWAY = 50  # dates counted from a start in 9999 would overflow
_UNIT_DAYS = {"day": 1, "week": 7, "month": 31}


def plan_problems(planfile: PlanFile, today: date) -> list[tuple[str, str]]:
    """Every rule the plan breaks, in the order of the plan-file fields."""
    problems: list[tuple[str, str]] = []
    add = lambda field, message: problems.append((field, message))  # noqa: E731
    patient, plan = planfile.patient, planfile.plan

    if not REFERENCE_FORMAT.fullmatch(patient.reference.upper()):
        add("patient.reference", f"{patient.reference!r} is not a patient reference in the clinic's format: letters, "
                                 "a dash and digits, such as MRN-1042 (the chat must be able to read it back)")
    if patient.date_of_birth > today:
        add("patient.date_of_birth", "is in the future")
    if plan.documented_on > today:
        add("plan.documented_on", "is in the future")

    seen: dict[str, int] = {}
    for n, phase in enumerate(plan.phases):
        where = f"plan.phases[{n}]"
        if phase.kind in seen:
            add(f"{where}.phase", f"a {phase.kind} phase is already given")
        else:
            seen[phase.kind] = n
        if phase.doses is not None and phase.until is not None:
            add(f"{where}.until", "give either `doses` or `until`, not both")
        if phase.doses is not None and phase.doses < 1:
            add(f"{where}.doses", f"{phase.doses!r} must be a whole number of doses, at least 1")
        if phase.doses is not None and phase.doses > MAX_DOSES:
            add(f"{where}.doses", f"{phase.doses!r} is more doses than any plan has (at most {MAX_DOSES})")
        if phase.every.count * _UNIT_DAYS.get(phase.every.unit, 1) > MAX_INTERVAL_DAYS:
            add(f"{where}.every", f"{phase.every.describe()!r} is longer than a year between injections")
        for name, day in (("starts_on", phase.starts_on), ("until", phase.until)):
            if day is not None and abs((day - today).days) > MAX_YEARS_AWAY * 366:
                add(f"{where}.{name}", f"{day.isoformat()} is more than {MAX_YEARS_AWAY} years from today")
        if phase.kind == "replenishment" and phase.starts_on is None:
            add(f"{where}.starts_on", "is missing (a replenishment phase needs its start date)")
        if phase.until and phase.starts_on and phase.until < phase.starts_on:
            add(f"{where}.until", "is before starts_on")
    if "replenishment" not in seen:
        add("plan.phases", "needs a replenishment phase")
    elif "maintenance" in seen and seen["maintenance"] < seen["replenishment"]:
        add(f"plan.phases[{seen['maintenance']}].phase", "maintenance is listed before replenishment")
    else:
        problems.extend(_phase_order(planfile, seen))

    for n, check in enumerate(plan.lab_checks):
        if not check.tests:
            add(f"plan.lab_checks[{n}].tests", "must not be empty")

    starts = [p.starts_on for p in plan.phases if p.starts_on]
    first = min(starts) if starts else None
    for n, injection in enumerate(planfile.injections_given):
        if injection.on > today:
            add(f"injections_given[{n}].on", "is in the future")
        elif first and injection.on < first:
            add(f"injections_given[{n}].on", f"is before the plan starts ({first.isoformat()})")
    return problems


def _phase_order(planfile: PlanFile, seen: dict[str, int]) -> list[tuple[str, str]]:
    if "maintenance" not in seen:
        return []
    plan = planfile.plan
    rep, main = plan.phases[seen["replenishment"]], plan.phases[seen["maintenance"]]
    if not (rep.starts_on and main.starts_on):
        return []
    where = f"plan.phases[{seen['maintenance']}].starts_on"
    if main.starts_on <= rep.starts_on:
        return [(where, "maintenance starts before replenishment does")]
    planned = phase_dates(rep, stop_before=plan.reassess_on)
    if (rep.doses or rep.until) and planned and main.starts_on <= planned[-1]:
        return [(where, f"maintenance starts before the last replenishment dose ({planned[-1].isoformat()})")]
    return []
