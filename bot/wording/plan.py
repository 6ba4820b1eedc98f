"""Every computed sentence a patient reads about their own plan. One place, for clinical review.

An answer leads with the direct answer in one sentence, adds at most two sentences of detail, and ends
with the citation of the documented schedule. It states what the clinician documented and what the dates
work out to; it never recommends, changes or approves a dose, and every figure comes from the plan.
Dates in the past are written as past, today and tomorrow by name.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.dates import format_date, format_day
from bot.plans.model import Interval, Plan
from bot.plans.schedule import PlanStatus
from bot.wording.phrases import (  # re-exported: the answers' own vocabulary
    INDICATION_PHRASE,
    ORDINALS,
    ROUTE_PHRASE,
    citation,
    closing,
    every,
    general_closing,
    how_often,
    injections_word,
    on_day,
    plural,
)

__all__ = ["INDICATION_PHRASE", "ORDINALS", "ROUTE_PHRASE", "PlanAnswer", "PlanFacts", "citation", "closing", "every",
           "general_closing", "how_often", "injections_word", "on_day", "plural"]


@dataclass(frozen=True)
class PlanAnswer:
    """`lead` answers the question; `details` are at most two short sentences; `citation` closes it."""

    lead: str
    details: tuple[str, ...] = ()
    citation: str = ""
    offers_followup: str | None = None  # the kind of care-team follow-up this answer offers, if any

    @property
    def text(self) -> str:
        return " ".join(filter(None, [self.lead, *self.details, self.citation]))


@dataclass(frozen=True)
class PlanFacts:
    """What the wording needs beyond the status: the plan and the patient-reported injections."""

    plan: Plan
    status: PlanStatus
    reported: tuple[date, ...] = ()  # injections the patient told us about, not yet confirmed by the clinic
    notes: tuple[str, ...] = field(default=())
    given: tuple[date, ...] = ()  # every injection recorded or reported, in order


def _reported_note(facts: PlanFacts) -> str:
    """Said whenever a patient-reported injection shapes the dates."""
    if not facts.reported or facts.status.last_dose_given not in facts.reported:
        return ""
    told = on_day(facts.status.last_dose_given, facts.status.today, False)
    return f"This is based on the injection you told me about {told}, which the clinic has not confirmed yet."


def _maintenance(s: PlanStatus) -> str:
    if s.maintenance_dose is None or s.maintenance_interval is None:
        return "Your clinician has not documented a maintenance phase yet; it is usually decided at the reassessment."
    what = f"{s.maintenance_dose} {every(s.maintenance_interval)}"
    if s.maintenance_starts:
        verb = "started" if s.maintenance_starts < s.today else "starts"
        return f"Maintenance of {what} {verb} {on_day(s.maintenance_starts, s.today, False)}."
    if s.reassess_on and s.reassess_on >= s.today:
        return f"Maintenance of {what} starts after your reassessment {on_day(s.reassess_on, s.today, False)}."
    if s.reassess_on:
        return (f"Maintenance of {what} follows your reassessment, which was planned for "
                f"{format_date(s.reassess_on)}; please ask the clinic for your first maintenance date.")
    return f"Maintenance of {what} starts after your reassessment."


def _reassessment(s: PlanStatus) -> str:
    if not s.reassess_on:
        return ""
    if s.reassess_on >= s.today:
        return f"Your reassessment is {on_day(s.reassess_on, s.today, False)}."
    if s.current_phase != "awaiting_reassessment":
        return ""  # it is behind them: their plan moved on
    return (f"Your reassessment was planned for {format_date(s.reassess_on)}; if it has not happened, please ask "
            "the clinic about the next step.")


def _next_due(s: PlanStatus) -> str:
    if s.next_due is None:
        if s.reassess_on and s.reassess_on >= s.today:
            return f"Your next injection date will be set at your reassessment {on_day(s.reassess_on, s.today, False)}."
        if s.reassess_on:  # the reassessment that was to set it is behind them
            return (f"Your plan does not give a date for your next injection yet: it was to be set at your "
                    f"reassessment, planned for {format_date(s.reassess_on)}. If that has not happened, please ask the "
                    "clinic about the next step.")
        return "Your plan does not give a date for your next injection yet; please ask the clinic to confirm it."
    if s.due_today:
        return f"Your next injection is due today ({format_day(s.next_due)})."
    if s.overdue_days:
        return (f"Your next injection is overdue: it was due on {format_day(s.next_due)}, "
                f"{plural(s.overdue_days, 'day')} ago; please contact the clinic to arrange it.")
    if s.current_phase == "not_started" and s.next_due_phase == "replenishment":
        return f"Your first injection is {on_day(s.next_due, s.today)}."
    return f"Your next injection is {on_day(s.next_due, s.today)}."


def _what_injection(s: PlanStatus) -> str:
    if s.next_due and s.next_due_phase == "replenishment" and s.replenishment_remaining:
        if s.replenishment_remaining == 1:
            kind = how_often(s.replenishment_interval) or "first-phase"
            return f"It is the last {kind} injection of {s.replenishment_dose}."
        return (f"It is one of {s.replenishment_remaining} {injections_word(s.replenishment_interval)} of "
                f"{s.replenishment_dose} still to go.")
    if s.next_due and s.next_due_phase == "maintenance" and s.maintenance_dose:
        return f"It is a maintenance injection of {s.maintenance_dose}."
    return ""



# --- the answers --------------------------------------------------------------------------------------


def weekly_duration(facts: PlanFacts) -> PlanAnswer:
    s, plan = facts.status, facts.plan
    rep = plan.phase("replenishment")
    kind = injections_word(s.replenishment_interval)
    if s.current_phase == "not_started":
        if s.replenishment_planned:
            lead = (f"Your {kind} of {s.replenishment_dose} start {on_day(rep.starts_on, s.today, False)}: "
                    f"{plural(s.replenishment_planned, 'injection')} in all, the last planned for "
                    f"{format_date(s.last_replenishment_date)}.")
        else:
            lead = (f"Your {kind} of {s.replenishment_dose} start {on_day(rep.starts_on, s.today, False)} "
                    "and continue until your reassessment.")
        details = (_maintenance(s),)
    elif s.current_phase == "replenishment" and s.replenishment_remaining is not None:
        left = s.replenishment_remaining
        lead = (f"You have {left} more {injections_word(s.replenishment_interval, left)} to go "
                f"({s.replenishment_given} of {s.replenishment_planned} given)")
        if s.overdue_days:
            lead += (f", and one is overdue since {format_date(s.next_due)}; counting from today, the last would be "
                     f"around {format_date(s.remaining_dates[-1])}.")
            details = ("The clinic will confirm the new dates.",)
        elif left == 1:
            lead += f": the last one is {on_day(s.last_replenishment_date, s.today)}."
            details = (_maintenance(s),)
        else:
            lead += f"; the last is planned {on_day(s.last_replenishment_date, s.today)}."
            details = (_maintenance(s),)
    elif s.current_phase == "replenishment":
        until = f" {on_day(s.reassess_on, s.today, False)}" if s.reassess_on else ""
        lead = (f"Your {kind} continue until your reassessment{until}; "
                f"{plural(s.replenishment_given, 'injection')} given so far.")
        details = (_maintenance(s),)
    elif s.current_phase == "awaiting_reassessment":
        lead = f"Your {kind} are complete: all {s.replenishment_given} are given, so none are left in that phase."
        known = s.maintenance_starts or s.maintenance_after_reassessment
        details = (_maintenance(s),) if known else (_reassessment(s),)
    else:
        lead = (f"Your first phase of {kind} is over ({s.replenishment_given} given); you are now on maintenance "
                f"of {s.maintenance_dose} {every(s.maintenance_interval)}.")
        details = (_next_due(s), MAINTENANCE_HOW_LONG)
    return _answer(facts, lead, details)


MAINTENANCE_HOW_LONG = "How long maintenance goes on is for your clinician to decide at your reviews."


def next_injection(facts: PlanFacts, which: int = 0, count: int = 1, weekday: int | None = None) -> PlanAnswer:
    """The next date (`which` = 0), the one after (1), the next `count` dates, or whether one falls on
    `weekday` (0 = Monday) in the coming week."""
    s = facts.status
    if weekday is not None:
        return _on_weekday(facts, weekday)
    if count > 1 and len(s.upcoming) > which + 1:
        dates = s.upcoming[which:which + count]  # "and the next few after that?": from the one after those said
        listed = ", ".join(format_day(d) for d in dates)
        lead = (f"Your next {plural(len(dates), 'injection')}: {listed}." if not which else
                f"After those, the next {plural(len(dates), 'injection')}: {listed}.")
        details = (_overdue_warning(s),) if s.overdue_days else ()
        if s.replenishment_interval == Interval(2, "day"):
            details += ("Every other day means every second day, so the weekday changes from one injection to the "
                        "next.",)
        return _answer(facts, lead, details)
    if which > 0:
        if which < len(s.upcoming):
            when = s.upcoming[which]
            name = "one after that" if which == 1 else f"{ORDINALS[min(which, len(ORDINALS) - 1)]} one"
            lead = f"The {name} is {on_day(when, s.today)}."
            return _answer(facts, lead, (_reassessment(s),) if s.reassess_on and s.reassess_on < when else ())
        lead = ("After that, your plan has no further injection date yet; the next ones are set at your reassessment"
                f"{' ' + on_day(s.reassess_on, s.today, False) if s.reassess_on and s.reassess_on >= s.today else ''}.")
        return _answer(facts, lead)
    lead = _next_due(s)
    details = tuple(filter(None, [_what_injection(s), _reported_note(facts)]))
    return _answer(facts, lead, details[:2])


def on_date(facts: PlanFacts, day: date) -> PlanAnswer:
    """"Is there one on 13 Dec?": yes, or no and the planned dates either side of it."""
    s = facts.status
    if day in s.upcoming:
        return _answer(facts, f"Yes: you have an injection planned on {format_day(day)}.")
    before = [d for d in s.upcoming if d < day]
    after = [d for d in s.upcoming if d > day]
    around = " and ".join(format_day(d) for d in [*before[-1:], *after[:1]])
    if around:
        return _answer(facts, f"No, there is no injection planned on {format_day(day)}; the nearest "
                              f"{'ones are' if before and after else 'one is'} on {around}.")
    return _answer(facts, f"No, there is no injection planned on {format_day(day)}.", (_next_due(s),))


def in_week(facts: PlanFacts, week: int) -> PlanAnswer:
    """"Is there one this week / next week?": the calendar week (Monday to Sunday), and the dates either side."""
    s = facts.status
    start = s.today - timedelta(days=s.today.weekday()) + timedelta(weeks=week)
    end = start + timedelta(days=6)
    named = "this week" if week == 0 else "next week"
    inside = [d for d in s.upcoming if max(start, s.today) <= d <= end]
    if inside:
        listed = " and ".join(format_day(d) for d in inside[:3])
        return _answer(facts, f"Yes: {named} you have an injection on {listed}.")
    after = next((d for d in s.upcoming if d > end), None)
    before = [d for d in s.upcoming if d < start]
    lead = f"No, there is no injection planned {named}."
    if before and after:
        lead += f" Your next one is {on_day(before[0], s.today)}, then {on_day(after, s.today)}."
    elif after:
        lead += f" The next one after that is {on_day(after, s.today)}."
    return _answer(facts, lead, () if after else (_next_due(s),))


def _overdue_warning(s: PlanStatus) -> str:
    return (f"Your injection due on {format_date(s.next_due)} is {plural(s.overdue_days, 'day')} late, so these are "
            "counted from today; the clinic will confirm them.")


def _on_weekday(facts: PlanFacts, weekday: int) -> PlanAnswer:
    s = facts.status
    day_name = _calendar.day_name[weekday]
    week = [d for d in s.upcoming if d <= s.today + timedelta(days=7)]
    hit = next((d for d in week if d.weekday() == weekday), None)
    if hit:
        return _answer(facts, f"Yes: you have an injection on {format_day(hit)}.")
    if week:
        listed = " and ".join(format_day(d) for d in week[:3])
        return _answer(facts, f"No, not on {day_name}: your next {plural(len(week[:3]), 'injection')} "
                              f"{'is' if len(week[:3]) == 1 else 'are'} on {listed}.")
    return _answer(facts, f"No, there is no injection on your plan this coming {day_name}.", (_next_due(s),))


def injection_history(facts: PlanFacts, first: bool = False, back: int = 0) -> PlanAnswer:
    """`first`: the question asks for the first injection ("when was the very first one?"); `back`: the one
    so many before the last ("and before that?" = 1)."""
    s = facts.status
    if not s.injections_given:
        lead = "You haven't had any injections on your plan yet."
        return _answer(facts, lead, (_next_due(s),))
    given = sorted(set(facts.given), reverse=True)
    if back and given and back < len(given):
        return _answer(facts, f"The one before that was on {format_day(given[back])}.")
    if back and given:
        return _answer(facts, f"That was your first recorded injection, on {format_day(given[-1])}; there is none "
                              "recorded before it.")
    if first:
        lead = (f"Your first recorded injection was on {format_day(s.first_dose_given)}, and you have had "
                f"{plural(s.injections_given, 'injection')} so far.")
    else:
        lead = (f"Your last recorded injection was on {format_day(s.last_dose_given)}, and you have had "
                f"{plural(s.injections_given, 'injection')} so far.")
    details = []
    if s.replenishment_planned and s.current_phase in ("replenishment", "awaiting_reassessment"):
        details.append(f"That is {s.replenishment_given} of the {s.replenishment_planned} in your first phase.")
    if facts.reported:
        reported = ", ".join(format_date(d) for d in facts.reported)
        details.append(f"That includes what you told me about ({reported}), which the clinic has not confirmed yet.")
    return _answer(facts, lead, details)


def my_product(facts: PlanFacts) -> PlanAnswer:
    plan = facts.plan
    lead = (f"Your plan is {plan.product} {plan.strength}, given {ROUTE_PHRASE.get(plan.route, plan.route)}.")
    doses = []
    rep, main = plan.phase("replenishment"), plan.phase("maintenance")
    if rep:
        doses.append(f"{rep.dose} {every(rep.every)} in the first phase")
    if main:
        doses.append(f"{main.dose} {every(main.every)} for maintenance")
    details = (f"The documented doses are {' and '.join(doses)}.",) if doses else ()
    return _answer(facts, lead, details)


def maintenance_plan(facts: PlanFacts, how_often_now: bool = False) -> PlanAnswer:
    s = facts.status
    if s.current_phase == "maintenance":
        lead = (f"You are on maintenance: {s.maintenance_dose} {every(s.maintenance_interval)}, since "
                f"{format_date(s.maintenance_starts)}.")
        return _answer(facts, lead, (_next_due(s),))
    if how_often_now and s.replenishment_interval and s.current_phase in ("replenishment", "not_started"):
        lead = (f"For now your injections are {s.replenishment_dose} {every(s.replenishment_interval)}.")
        return _answer(facts, lead, (_maintenance(s),))
    lead = _maintenance(s)
    details = []
    if s.current_phase in ("replenishment", "not_started") and s.last_replenishment_date:
        last = format_date(s.last_replenishment_date)
        details.append(f"Your first phase ends with the injection planned for {last}.")
    if not s.maintenance_after_reassessment and s.reassess_on:
        details.append(_reassessment(s))
    return _answer(facts, lead, details)


def reassessment(facts: PlanFacts) -> PlanAnswer:
    """ "review?": the reassessment date first, then what it decides (the maintenance that follows)."""
    s = facts.status
    lead = _reassessment(s) or ("Your plan has no reassessment date documented; please ask the clinic when your "
                                "treatment will be reviewed.")
    return _answer(facts, lead, (_maintenance(s),) if s.reassess_on and s.reassess_on >= s.today else ())


def next_lab_check(facts: PlanFacts, which: int = 0) -> PlanAnswer:
    """The next blood tests (`which` = 0) or the ones after them ("any more after that one?" = 1)."""
    s, plan = facts.status, facts.plan
    if which:
        coming = sorted((c for c in plan.lab_checks if c.due_on >= s.today), key=lambda c: c.due_on)
        if which < len(coming):
            later = coming[which]
            return _answer(facts, f"After those, your plan lists blood tests {on_day(later.due_on, s.today)}: "
                                  f"{', '.join(later.tests)}.")
        return _answer(facts, "Your plan lists no further blood tests after those.",
                       tuple(filter(None, [_reassessment(s)])) or ("The clinic will tell you when the next ones are.",))
    if s.next_lab_check:
        check = s.next_lab_check
        when = "today" if check.due_on == s.today else on_day(check.due_on, s.today)
        lead = f"Your next blood tests are {when}: {', '.join(check.tests)}."
        details = (_reassessment(s),) if s.reassess_on and s.reassess_on != check.due_on else ()
        if s.reassess_on == check.due_on:
            details = ("That is the same day as your reassessment.",)
        return _answer(facts, lead, details)
    if plan.lab_checks:
        last = max(plan.lab_checks, key=lambda c: c.due_on)
        lead = (f"Your plan lists no further blood tests; the last ones ({', '.join(last.tests)}) were due on "
                f"{format_date(last.due_on)}, which has passed.")
        return _answer(facts, lead, ("Please ask the clinic when your next recheck is.",))
    return _answer(facts, "Your plan does not list any blood test dates.",
                   ("Please ask the clinic when your blood will be rechecked.",))


def my_plan(facts: PlanFacts) -> PlanAnswer:
    """The whole plan: the one answer that may be longer, because the patient asked for all of it."""
    s, plan = facts.status, facts.plan
    lead = (f"Your plan: {plan.product} {plan.strength}, given {ROUTE_PHRASE.get(plan.route, plan.route)}, for "
            f"{INDICATION_PHRASE.get(plan.indication, plan.indication)}.")
    parts = []
    rep = plan.phase("replenishment")
    if rep:
        span = (f"{plural(s.replenishment_planned, 'dose')} from {format_date(rep.starts_on)} to "
                f"{format_date(s.replenishment_dates[-1])}" if s.replenishment_planned
                else f"from {format_date(rep.starts_on)} until your reassessment")
        parts.append(f"First phase: {rep.dose} {every(rep.every)}, {span}; {s.replenishment_given} given so far.")
        still = [d for d in s.upcoming if s.replenishment_dates and d <= s.replenishment_dates[-1]]
        if s.current_phase == "replenishment" and 1 < len(still) <= 12:
            parts.append(f"Still to come in this phase: {', '.join(format_date(d) for d in still)}.")
    parts.append(_maintenance(s))
    if not s.maintenance_after_reassessment:
        parts.append(_reassessment(s))
    if plan.lab_checks:
        checks = "; ".join(f"{format_date(c.due_on)} ({', '.join(c.tests)})" for c in plan.lab_checks)
        parts.append(f"Blood tests: {checks}.")
    parts.append(_next_due(s))
    if plan.notes:
        parts.append(f"Note from your clinician: {plan.notes}")
    return _answer(facts, lead, parts, limit=None)


def missed_dose(facts: PlanFacts) -> PlanAnswer:
    s = facts.status
    if s.next_due and s.next_due <= s.today:
        lead = (f"Your plan had an injection due {on_day(s.next_due, s.today)}"
                + (f", so it is {plural(s.overdue_days, 'day')} overdue." if s.overdue_days else "."))
    elif s.next_due is None:
        lead = _next_due(s)
    elif s.last_dose_given:
        lead = (f"Your last recorded injection was on {format_date(s.last_dose_given)}, and the next one on your "
                f"plan is {on_day(s.next_due, s.today)}.")
    else:
        lead = f"Your plan's next injection is {on_day(s.next_due, s.today)}."
    details = ("Please contact the clinic so they can arrange it and tell you how your schedule continues; only "
               "your care team can decide what happens after a missed injection.",)
    return _answer(facts, lead, details, offers="missed_dose")


def dose_change(facts: PlanFacts) -> PlanAnswer:
    s = facts.status
    lead = "I can't change or approve a different dose or schedule; only your clinician can."
    if s.current_phase == "maintenance" or (s.current_phase == "awaiting_reassessment" and s.maintenance_dose):
        current = f"Your documented schedule is {s.maintenance_dose} {every(s.maintenance_interval)} for maintenance."
    else:
        current = (f"Your documented schedule is {s.replenishment_dose} {every(s.replenishment_interval)} in your "
                   "first phase")
        current += (f", then {s.maintenance_dose} {every(s.maintenance_interval)}."
                    if s.maintenance_dose and s.maintenance_interval else ".")
    return _answer(facts, lead, (current,), offers="dose_change_request")


def plan_note(facts: PlanFacts) -> PlanAnswer:
    """ "anything in her notes about making it easier?", "numbing cream when": the clinician's note itself."""
    note = worsening(facts)
    return _answer(facts, note[0] if note else "Your clinician has not added a note to your plan.")


def worsening(facts: PlanFacts | None) -> tuple[str, ...]:
    """What a patient whose symptoms get worse hears from their plan: the clinician's own note first."""
    if facts is None or not facts.plan.notes:
        return ()
    plan = facts.plan
    return (f"The note {plan.documented_by} added to your plan on {format_date(plan.documented_on)} says: "
            f"{plan.notes}",)


def _answer(facts: PlanFacts, lead: str, details=(), offers: str | None = None, limit: int | None = 2) -> PlanAnswer:
    kept = tuple(d for d in details if d)
    if limit is not None:
        kept = kept[:limit]
    return PlanAnswer(lead, kept, closing(facts.plan), offers)


def no_plan(patient_name: str | None) -> str:
    first = patient_name.split()[0] if patient_name else None
    greeting = f"{first}, " if first else ""
    text = (f"{greeting}there is no documented B12 injection plan on file for you, so I can't give you dates. "
            "Please ask your clinician to document a replenishment-to-maintenance schedule for the exact injection "
            "product you use, including when your CBC and serum B12 will be rechecked. Once it is on file, I can "
            "answer questions about it.")
    return text[0].upper() + text[1:]
