"""Schedule arithmetic: hand-checked cases and Hypothesis properties (pure functions, no database)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.plans.model import Dose, Injection, Interval, LabCheck, Patient, Phase, Plan, PlanRecord
from bot.plans.schedule import calendar, plan_status
from bot.safety import contains_dose_advice
from bot.vocabulary import PLAN_INTENTS
from services.answering import plan_answer_text

MCG = Dose(1000, "mcg")
WEEK, MONTH = Interval(1, "week"), Interval(1, "month")
TODAY = date(2026, 11, 24)


def plan(replenishment: Phase, maintenance: Phase | None = None, reassess_on: date | None = None,
         lab_checks: tuple[LabCheck, ...] = ()) -> Plan:
    phases = (replenishment,) + ((maintenance,) if maintenance else ())
    return Plan("Dr. Priya Shah", date(2026, 11, 2), "cyanocobalamin", "1000 mcg/mL", "intramuscular",
                "absorption problem", phases, reassess_on, lab_checks)


def given_on(*days: date) -> list[Injection]:
    return [Injection(d) for d in days]


def weekly(start: date, doses: int | None = 6, until: date | None = None) -> Phase:
    return Phase("replenishment", MCG, WEEK, doses=doses, until=until, starts_on=start)


def test_mid_course_three_of_six_given_last_today():
    start = TODAY - timedelta(days=14)
    p = plan(weekly(start), Phase("maintenance", MCG, MONTH), reassess_on=TODAY + timedelta(days=28),
             lab_checks=(LabCheck(TODAY + timedelta(days=28), ("serum B12", "CBC")),))
    s = plan_status(p, given_on(start, start + timedelta(days=7), TODAY), TODAY)
    assert s.current_phase == "replenishment"
    assert (s.replenishment_planned, s.replenishment_given, s.replenishment_remaining) == (6, 3, 3)
    assert s.last_replenishment_date == TODAY + timedelta(days=21)
    assert s.next_due == TODAY + timedelta(days=7) and s.overdue_days == 0
    assert s.maintenance_after_reassessment and s.maintenance_starts is None
    assert s.next_lab_check.tests == ("serum B12", "CBC")
    history = tuple(given_on(start, start + timedelta(days=7), TODAY))
    record = PlanRecord(Patient("MRN-1", "A", date(1960, 1, 1)), p, history, 1, 1)
    text = plan_answer_text("ask_weekly_duration", record, TODAY)
    assert "3 more weekly injections" in text and "15 Dec 2026" in text and "22 Dec 2026" in text
    assert text.endswith("as documented by Dr. Priya Shah on 2 Nov 2026.")


def test_last_dose_due_today():
    start = TODAY - timedelta(days=21)
    history = given_on(start, start + timedelta(days=7), start + timedelta(days=14))
    s = plan_status(plan(weekly(start, doses=4)), history, TODAY)
    assert s.due_today and s.next_due == TODAY and s.replenishment_remaining == 1
    assert s.last_replenishment_date == TODAY


def test_overdue_by_ten_days():
    start = TODAY - timedelta(days=24)
    s = plan_status(plan(weekly(start)), given_on(start, start + timedelta(days=7)), TODAY)
    assert s.next_due == start + timedelta(days=14) and s.overdue_days == 10
    assert s.replenishment_remaining == 4
    # 4 weekly doses cannot fit by the documented last date: counted from today, the earliest the late one
    # can be had, they run to today + 3 weeks, and the status says the schedule moved
    assert s.remaining_dates == tuple(TODAY + timedelta(weeks=n) for n in range(4))
    assert s.last_replenishment_date == TODAY + timedelta(weeks=3) and s.schedule_shifted
    record = PlanRecord(Patient("MRN-1", "A", date(1960, 1, 1)), plan(weekly(start)),
                        tuple(given_on(start, start + timedelta(days=7))), 1, 1)
    text = plan_answer_text("ask_weekly_duration", record, TODAY)
    assert "4 more" in text and "15 Dec 2026" in text and "clinic will confirm" in text
    assert not re.search(r"(?<!\d)5 Dec 2026", text)  # the documented last date, which 4 doses cannot meet


def test_maintenance_pending_reassessment():
    start = TODAY - timedelta(days=35)
    p = plan(weekly(start, doses=4), Phase("maintenance", MCG, Interval(2, "month")),
             reassess_on=TODAY + timedelta(days=5))
    s = plan_status(p, given_on(*(start + timedelta(weeks=n) for n in range(4))), TODAY)
    assert s.current_phase == "awaiting_reassessment" and s.replenishment_remaining == 0
    assert s.next_due is None and s.maintenance_after_reassessment


def test_in_maintenance_next_from_last_maintenance_dose():
    start = date(2026, 8, 1)
    p = plan(weekly(start, doses=4), Phase("maintenance", MCG, MONTH, starts_on=date(2026, 9, 10)))
    s = plan_status(p, given_on(*(start + timedelta(weeks=n) for n in range(4)), date(2026, 9, 10), date(2026, 10, 10)),
                    TODAY)
    assert s.current_phase == "maintenance" and s.next_due == date(2026, 11, 10) and s.overdue_days == 14


def test_not_started():
    s = plan_status(plan(weekly(TODAY + timedelta(days=3))), [], TODAY)
    assert s.current_phase == "not_started" and s.next_due == TODAY + timedelta(days=3)
    assert s.replenishment_given == 0 and s.replenishment_remaining == 6


def test_month_end_clamping_and_leap_year():
    p = plan(weekly(date(2027, 12, 1), doses=2), Phase("maintenance", MCG, MONTH, starts_on=date(2028, 1, 31)))
    months = [e.on for e in calendar(p, horizon_months=3) if e.phase == "maintenance"]
    assert months[:4] == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]
    p = plan(weekly(date(2026, 12, 1), doses=2), Phase("maintenance", MCG, MONTH, starts_on=date(2027, 1, 31)))
    assert [e.on for e in calendar(p, horizon_months=1) if e.phase == "maintenance"][1] == date(2027, 2, 28)


def test_until_phase_and_open_ended_phase():
    start = date(2026, 11, 2)
    s = plan_status(plan(weekly(start, doses=None, until=date(2026, 11, 30))), [], TODAY)
    assert s.replenishment_planned == 5 and s.replenishment_dates[-1] == date(2026, 11, 30)
    s = plan_status(plan(weekly(start, doses=None), reassess_on=date(2026, 12, 14)), given_on(start), TODAY)
    assert s.open_ended and s.replenishment_remaining is None
    assert s.replenishment_dates[-1] == date(2026, 12, 7)  # every week before the reassessment


def test_alternate_days():
    start = TODAY - timedelta(days=4)
    p = plan(Phase("replenishment", Dose(1, "mg"), Interval(2, "day"), doses=6, starts_on=start))
    s = plan_status(p, given_on(start, start + timedelta(days=2), TODAY), TODAY)
    assert s.next_due == TODAY + timedelta(days=2) and s.last_replenishment_date == start + timedelta(days=10)


# --- properties ---------------------------------------------------------------------------------------

intervals = st.builds(Interval, st.integers(1, 4), st.sampled_from(["day", "week", "month"]))


@st.composite
def plans_with_history(draw):
    start = draw(st.dates(date(2024, 1, 1), date(2027, 12, 31)))
    doses = draw(st.integers(1, 12))
    every = draw(intervals)
    maintenance_start = draw(st.one_of(st.none(), st.integers(1, 400).map(lambda n: start + timedelta(days=n))))
    p = plan(Phase("replenishment", MCG, every, doses=doses, starts_on=start),
             Phase("maintenance", MCG, draw(intervals), starts_on=maintenance_start),
             reassess_on=start + timedelta(days=draw(st.integers(1, 300))))
    today = start + timedelta(days=draw(st.integers(-30, 500)))
    days = draw(st.lists(st.integers(0, 500), max_size=15, unique=True))
    history = [Injection(start + timedelta(days=d)) for d in sorted(days) if start + timedelta(days=d) <= today]
    return p, history, today


@settings(max_examples=200, deadline=None)
@given(plans_with_history())
def test_properties(case):
    p, history, today = case
    s = plan_status(p, history, today)
    assert s.replenishment_remaining is None or s.replenishment_remaining >= 0
    if s.next_due and history and s.next_due_phase == "replenishment":
        assert s.next_due >= max(i.on for i in history if i.on >= p.phases[0].starts_on)
    if s.next_due and s.last_dose_given and s.current_phase == "maintenance":
        assert s.next_due >= min(s.last_dose_given, s.maintenance_starts)
    # planned dates never lie before the next due date, nor before today, and come one interval apart
    if s.remaining_dates:
        assert s.remaining_dates[0] == max(s.next_due, today)
        assert list(s.remaining_dates) == sorted(set(s.remaining_dates))
        assert len(s.remaining_dates) == s.replenishment_remaining
    assert all(d >= today for d in s.upcoming) and list(s.upcoming) == sorted(s.upcoming)
    entries = calendar(p, today)
    assert [e.on for e in entries] == sorted(e.on for e in entries)
    assert len(s.replenishment_dates) == p.phases[0].doses
    record = PlanRecord(Patient("MRN-1", "A", date(1960, 1, 1)), p, tuple(history), 1, 1)
    for intent in PLAN_INTENTS:
        if intent in ("report_injection_given", "ask_calendar"):
            continue  # requests, not answers: they are handled by the conversation service
        text = plan_answer_text(intent, record, today)
        assert text.endswith("as documented by Dr. Priya Shah on 2 Nov 2026.")
        assert not contains_dose_advice(text)
        assert "on today" not in text and "on tomorrow" not in text and " 1 remaining injections" not in text


def _record(p: Plan, history) -> PlanRecord:
    return PlanRecord(Patient("MRN-1", "A", date(1960, 1, 1)), p, tuple(history), 1, 1)


def test_why_no_date_names_what_the_missing_date_waits_on():
    from bot.wording.reasons import why_no_date
    from services.answering import facts_for

    start = TODAY - timedelta(days=14)
    reassess = TODAY + timedelta(days=28)
    open_ended = plan(weekly(start, doses=None), Phase("maintenance", MCG, MONTH), reassess_on=reassess)
    facts = facts_for(_record(open_ended, given_on(start, start + timedelta(days=7))), TODAY)
    assert "no fixed last date" in why_no_date(facts, "ask_weekly_duration") and "22 Dec 2026" in why_no_date(
        facts, "ask_weekly_duration")
    assert "maintenance has no start date yet" in why_no_date(facts, "ask_maintenance_plan")
    assert why_no_date(facts, "ask_next_injection") is None  # the next date is known

    dated = plan(weekly(start), Phase("maintenance", MCG, MONTH, starts_on=TODAY + timedelta(days=35)),
                 reassess_on=reassess)
    facts = facts_for(_record(dated, given_on(start, start + timedelta(days=7))), TODAY)
    assert why_no_date(facts, "ask_maintenance_plan") is None and why_no_date(facts, "ask_weekly_duration") is None


def test_upcoming_dates_reach_into_a_documented_maintenance():
    start = TODAY - timedelta(days=14)
    m_start = TODAY + timedelta(days=35)
    p = plan(weekly(start), Phase("maintenance", MCG, MONTH, starts_on=m_start))
    s = plan_status(p, given_on(start, start + timedelta(days=7), TODAY), TODAY)
    assert len(s.upcoming) >= 8 and s.upcoming[3] == m_start
    assert s.upcoming[6] == date(2027, 3, 29)  # three months after the first maintenance date (29 Dec 2026)


def test_stepping_back_through_the_injections_given_and_lists_that_carry_on():
    start = TODAY - timedelta(days=14)
    p = plan(weekly(start), Phase("maintenance", MCG, MONTH, starts_on=start + timedelta(days=70)))
    record = _record(p, given_on(start, start + timedelta(days=7), TODAY))
    from bot.conversation import Context, Turn
    from bot.followups import Followup
    from services.answering import plan_answer

    ctx = Context()
    back = plan_answer("ask_injection_history", record, Turn(text="and before that", today=TODAY), ctx,
                       Followup("ask_injection_history", which=1))
    assert "before that was on Tuesday 17 Nov 2026" in back.lead and ctx.history_index == 1
    first = plan_answer("ask_injection_history", record, Turn(text="and before that", today=TODAY), ctx,
                        Followup("ask_injection_history", which=3))
    assert "first recorded injection, on Tuesday 10 Nov 2026" in first.lead
    listed = plan_answer("ask_next_injection", record, Turn(text="list the next 3", today=TODAY), ctx)
    assert listed.lead.count("2026") == 3 and (ctx.date_index, ctx.listed_to) == (0, 2)
    after = plan_answer("ask_next_injection", record, Turn(text="and the next few after that?", today=TODAY), ctx,
                        Followup("ask_next_injection", which=3))
    assert after.lead.startswith("After those, the next") and "1 Dec 2026" not in after.lead


def test_a_reassessment_that_has_passed_is_named_when_no_next_date_is_documented():
    start = TODAY - timedelta(days=70)
    p = plan(weekly(start, doses=None), Phase("maintenance", MCG, MONTH), reassess_on=TODAY - timedelta(days=10))
    text = plan_answer_text("ask_next_injection", _record(p, given_on(TODAY - timedelta(days=7))), TODAY)
    assert "planned for 14 Nov 2026" in text and "If that has not happened" in text


def test_is_there_one_next_week_and_the_blood_tests_after_the_next_ones():
    from bot.wording.plan import in_week, next_lab_check
    from services.answering import facts_for

    start = TODAY - timedelta(days=14)  # a Tuesday: weekly on Tuesdays
    p = plan(weekly(start), Phase("maintenance", MCG, MONTH, starts_on=start + timedelta(days=70)),
             lab_checks=(LabCheck(TODAY + timedelta(days=10), ("CBC",)),
                         LabCheck(TODAY + timedelta(days=40), ("serum B12", "MMA"))))
    facts = facts_for(_record(p, given_on(start, start + timedelta(days=7), TODAY)), TODAY)
    assert in_week(facts, 1).lead == "Yes: next week you have an injection on Tuesday 1 Dec 2026."
    assert next_lab_check(facts, which=1).lead.startswith("After those, your plan lists blood tests on ")
    assert "serum B12, MMA" in next_lab_check(facts, which=1).lead
    assert next_lab_check(facts, which=2).lead == "Your plan lists no further blood tests after those."
