"""Every computed sentence a patient reads about their own plan. One place, for clinical review.

Answers state what the clinician documented and what the dates work out to; they never recommend,
change or approve a dose, and each one ends with the citation of the documented schedule.
Figures come only from the plan itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.dates import format_date, format_day
from bot.plans.model import Interval, Plan, PlanRecord
from bot.plans.schedule import PlanStatus, plan_status

PLAN_INTENTS = ("ask_weekly_duration", "ask_next_injection", "ask_my_plan", "ask_maintenance_plan",
                "ask_next_lab_check", "report_missed_dose", "request_dose_change")


@dataclass(frozen=True)
class Answer:
    text: str
    plan_version: int | None = None
    citation: str | None = None


def citation(plan: Plan) -> str:
    return f"as documented by {plan.documented_by} on {format_date(plan.documented_on)}"


def _closing(plan: Plan) -> str:
    return f"This follows your schedule {citation(plan)}."


def _date(d: date, today: date) -> str:
    """`today, 24 Nov 2026` / `tomorrow, 25 Nov 2026` / `24 Nov 2026`."""
    if d == today:
        return f"today, {format_date(d)}"
    if d == today + timedelta(days=1):
        return f"tomorrow, {format_date(d)}"
    return format_date(d)


def _day(d: date, today: date) -> str:
    if d == today:
        return f"today, {format_day(d)}"
    if d == today + timedelta(days=1):
        return f"tomorrow, {format_day(d)}"
    return format_day(d)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _interval_adverb(every: Interval) -> str:
    """`weekly`, `monthly`, `every 2 weeks`, `every other day` — how often, as a patient says it."""
    if every.count == 1:
        return {"day": "daily", "week": "weekly", "month": "monthly"}[every.unit]
    return every.describe()


INDICATION_PHRASE = {"absorption problem": "an absorption problem", "mild deficiency": "a mild deficiency",
                     "neurologic symptoms": "a deficiency with nerve symptoms",
                     "diet-related": "a diet-related deficiency"}


def _injections_word(every: Interval | None, n: int | None = None) -> str:
    """`weekly injections`, `monthly injection`, `injections (every other day)`."""
    noun = "injection" if n == 1 else "injections"
    if every is None:
        return noun
    if every.count == 1:
        return f"{_interval_adverb(every)} {noun}"
    return f"{noun} ({every.describe()})"


def _maintenance_sentence(s: PlanStatus) -> str:
    if s.maintenance_dose is None or s.maintenance_interval is None:
        return "Your clinician has not documented a maintenance phase yet; it is usually decided at the reassessment."
    what = f"{s.maintenance_dose} {s.maintenance_interval.describe()}"
    if s.maintenance_starts:
        return f"Maintenance of {what} starts on {format_date(s.maintenance_starts)}."
    if s.reassess_on:
        return f"Maintenance of {what} starts after your reassessment on {format_date(s.reassess_on)}."
    return f"Maintenance of {what} starts after your reassessment."


def _reassessment_sentence(s: PlanStatus) -> str:
    if not s.reassess_on:
        return ""
    if s.reassess_on >= s.today:
        return f"Your reassessment is on {_date(s.reassess_on, s.today)}."
    if s.current_phase == "awaiting_reassessment":
        return (f"Your reassessment was planned for {format_date(s.reassess_on)}; please ask the clinic about "
                "the next step if it has not happened.")
    return ""


def _reassessment_and_maintenance(s: PlanStatus) -> str:
    """The reassessment, then maintenance — without naming the reassessment date twice."""
    if s.maintenance_after_reassessment and s.reassess_on:
        return _maintenance_sentence(s)
    return " ".join(filter(None, [_reassessment_sentence(s), _maintenance_sentence(s)]))


def _next_due_sentence(s: PlanStatus) -> str:
    if s.next_due is None:
        if s.reassess_on and s.reassess_on >= s.today:
            return (f"Your next injection date will be set at your reassessment on {format_date(s.reassess_on)}.")
        return "Your plan does not give a date for your next injection yet; please ask the clinic to confirm it."
    if s.due_today:
        return f"Your next injection is due today, {format_day(s.next_due)}."
    if s.overdue_days:
        return (f"Your next injection was due on {format_day(s.next_due)}, "
                f"{_plural(s.overdue_days, 'day')} ago. Please contact the clinic to arrange it.")
    return f"Your next injection is on {_day(s.next_due, s.today)}."


def _weekly_duration(s: PlanStatus, plan: Plan) -> str:
    dose = s.replenishment_dose
    if s.current_phase == "not_started":
        start = plan.phase("replenishment").starts_on
        if s.replenishment_planned:
            first = (f"Your {_injections_word(s.replenishment_interval)} of {dose} start on {format_date(start)}: "
                     f"{_plural(s.replenishment_planned, 'injection')} in all, the last planned on "
                     f"{format_date(s.last_replenishment_date)}.")
        else:
            first = (f"Your {_injections_word(s.replenishment_interval)} of {dose} start on {format_date(start)} "
                     "and continue until your reassessment.")
    elif s.current_phase == "replenishment":
        if s.replenishment_remaining is not None:
            first = (f"You have {s.replenishment_remaining} more "
                     f"{_injections_word(s.replenishment_interval, s.replenishment_remaining)} to go "
                     f"({s.replenishment_given} of {s.replenishment_planned} given), "
                     f"the last planned on {_date(s.last_replenishment_date, s.today)}.")
        else:
            first = (f"Your {_injections_word(s.replenishment_interval)} continue until your reassessment"
                     f"{' on ' + format_date(s.reassess_on) if s.reassess_on else ''}; "
                     f"{_plural(s.replenishment_given, 'injection')} given so far.")
    elif s.current_phase == "awaiting_reassessment":
        first = (f"Your first-phase {_injections_word(s.replenishment_interval)} are complete "
                 f"({s.replenishment_given} given), so there are 0 more to go in that phase.")
    else:
        first = (f"Your first phase of {_injections_word(s.replenishment_interval)} is over "
                 f"({s.replenishment_given} given); "
                 f"you are now on maintenance of {s.maintenance_dose} {s.maintenance_interval.describe()}.")
        return " ".join(filter(None, [first, _next_due_sentence(s)]))
    return " ".join(filter(None, [first, _reassessment_and_maintenance(s)]))


def _next_injection(s: PlanStatus) -> str:
    parts = [_next_due_sentence(s)]
    if s.next_due and s.next_due_phase == "replenishment" and s.replenishment_remaining:
        parts.append(f"That is one of {s.replenishment_remaining} remaining injections of {s.replenishment_dose} "
                     f"in your first phase.")
    elif s.next_due and s.next_due_phase == "maintenance" and s.maintenance_dose:
        parts.append(f"It is a maintenance injection of {s.maintenance_dose}.")
    return " ".join(parts)


def _maintenance_plan(s: PlanStatus) -> str:
    parts = [_maintenance_sentence(s)]
    if s.current_phase == "maintenance":
        parts = [f"You are on maintenance: {s.maintenance_dose} {s.maintenance_interval.describe()}, "
                 f"which started on {format_date(s.maintenance_starts)}.", _next_due_sentence(s)]
    elif s.current_phase in ("replenishment", "not_started") and s.last_replenishment_date:
        parts.insert(0, f"Your first (replenishment) phase ends with the injection planned on "
                        f"{format_date(s.last_replenishment_date)}.")
    if s.current_phase != "maintenance" and not s.maintenance_after_reassessment:
        parts.append(_reassessment_sentence(s))
    return " ".join(filter(None, parts))


def _lab_check(s: PlanStatus, plan: Plan) -> str:
    if s.next_lab_check:
        check = s.next_lab_check
        when = "today" if check.due_on == s.today else f"on {format_date(check.due_on)}"
        text = f"Your next blood tests are {when}: {', '.join(check.tests)}."
    elif plan.lab_checks:
        last = max(plan.lab_checks, key=lambda c: c.due_on)
        text = (f"Your plan lists no further blood tests; the last ones ({', '.join(last.tests)}) were due on "
                f"{format_date(last.due_on)}. Please ask the clinic when your next recheck is.")
    else:
        text = "Your plan does not list any blood test dates. Please ask the clinic when your blood will be rechecked."
    return " ".join(filter(None, [text, _reassessment_sentence(s)]))


def _my_plan(s: PlanStatus, plan: Plan) -> str:
    parts = [f"Your plan: {plan.product} {plan.strength}, {plan.route} injections, for "
             f"{INDICATION_PHRASE.get(plan.indication, plan.indication)}."]
    rep = plan.phase("replenishment")
    if rep:
        span = (f"{_plural(s.replenishment_planned, 'dose')}, {format_date(rep.starts_on)} to "
                f"{format_date(s.last_replenishment_date)}" if s.replenishment_planned
                else f"from {format_date(rep.starts_on)} until your reassessment")
        parts.append(f"First (replenishment) phase: {rep.dose} {rep.every.describe()}, {span}; "
                     f"{s.replenishment_given} given so far.")
    parts.append(_reassessment_and_maintenance(s))
    if plan.lab_checks:
        checks = "; ".join(f"{format_date(c.due_on)} ({', '.join(c.tests)})" for c in plan.lab_checks)
        parts.append(f"Blood tests: {checks}.")
    parts.append(_next_due_sentence(s))
    if plan.notes:
        parts.append(f"Note from your clinician: {plan.notes}")
    return " ".join(filter(None, parts))


def _missed_dose(s: PlanStatus) -> str:
    parts = []
    if s.next_due and s.next_due <= s.today:
        parts.append(f"Your plan had an injection due on {_day(s.next_due, s.today)}.")
    elif s.next_due is None:
        parts.append(_next_due_sentence(s))
    elif s.last_dose_given:
        parts.append(f"Your last recorded injection was on {format_date(s.last_dose_given)}, "
                     f"and the next one on your plan is {_day(s.next_due, s.today)}.")
    elif s.next_due:
        parts.append(f"Your plan's next injection is on {format_day(s.next_due)}.")
    parts.append("Please contact the clinic so they can arrange your injection and tell you how your schedule "
                 "continues. I can't advise on doses; only your care team can decide what happens after a missed "
                 "injection.")
    return " ".join(parts)


def _dose_change(s: PlanStatus) -> str:
    if s.current_phase == "maintenance" or (s.current_phase == "awaiting_reassessment" and s.maintenance_dose):
        current = (f"Your documented schedule is {s.maintenance_dose} {s.maintenance_interval.describe()} "
                   "for maintenance.")
    else:
        current = (f"Your documented schedule is {s.replenishment_dose} {s.replenishment_interval.describe()} "
                   "in your first phase.")
        if s.maintenance_dose and s.maintenance_interval:
            current += f" After that: {s.maintenance_dose} {s.maintenance_interval.describe()}."
    return (f"{current} I can't change or approve a different dose or schedule; only your clinician can, "
            "and the care team can look at your question.")


def plan_answer(intent: str, record: PlanRecord, today: date) -> Answer:
    plan = record.plan
    s = plan_status(plan, record.injections_given, today)
    body = {
        "ask_weekly_duration": lambda: _weekly_duration(s, plan),
        "ask_next_injection": lambda: _next_injection(s),
        "ask_my_plan": lambda: _my_plan(s, plan),
        "ask_maintenance_plan": lambda: _maintenance_plan(s),
        "ask_next_lab_check": lambda: _lab_check(s, plan),
        "report_missed_dose": lambda: _missed_dose(s),
        "request_dose_change": lambda: _dose_change(s),
    }[intent]()
    return Answer(f"{body} {_closing(plan)}", plan_version=record.version, citation=citation(plan))


def no_plan_answer(patient_name: str | None, intent: str) -> Answer:
    first = patient_name.split()[0] if patient_name else None
    greeting = f"{first}, " if first else ""
    text = (f"{greeting}I don't have a documented B12 injection plan on file for you, so I can't give you dates. "
            "Please ask your clinician to document a replenishment-to-maintenance schedule for the exact injection "
            "product you use, including when your CBC and serum B12 will be rechecked. Once it is on file, I can "
            "answer questions about it.")
    return Answer(text[0].upper() + text[1:])
