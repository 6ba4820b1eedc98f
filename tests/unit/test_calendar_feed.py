"""The patient's calendar feed (bot/plans/ics.py): every event still to come, a reminder the day before each,
nothing clinical in the titles, and UIDs that stay the same when a new plan version moves a date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar

from bot.plans.ics import plan_calendar
from bot.plans.model import Dose, Injection, Interval, LabCheck, Phase, Plan

TODAY = date(2026, 12, 1)
MCG = Dose(1000, "mcg")


def plan(start=TODAY - timedelta(days=14), maintenance_start=TODAY + timedelta(days=35), every=Interval(1, "week")):
    return Plan("Dr. Priya Shah", date(2026, 11, 2), "cyanocobalamin", "1000 mcg/mL", "intramuscular",
                "absorption problem",
                (Phase("replenishment", MCG, every, doses=6, starts_on=start),
                 Phase("maintenance", MCG, Interval(1, "month"), starts_on=maintenance_start)),
                reassess_on=TODAY + timedelta(days=28),
                lab_checks=(LabCheck(TODAY + timedelta(days=28), ("serum B12", "CBC")),))


GIVEN = [Injection(TODAY - timedelta(days=14)), Injection(TODAY - timedelta(days=7)), Injection(TODAY)]


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def feed(p=None, given=GIVEN, today=TODAY) -> list:
    return events(plan_calendar(p or plan(), given, today, uid_key="k1",
                                stamp=datetime(2026, 11, 2, tzinfo=timezone.utc), horizon_months=3))


def test_every_upcoming_event_with_a_reminder_the_day_before():
    found = feed()
    starts = [e.decoded("dtstart") for e in found]
    assert starts == sorted(starts) and min(starts) > TODAY - timedelta(days=1)
    injections = [e.decoded("dtstart") for e in found if e.get("summary") == "B12 injection"]
    assert injections[:3] == [TODAY + timedelta(days=7), TODAY + timedelta(days=14), TODAY + timedelta(days=21)]
    assert TODAY + timedelta(days=35) in injections  # maintenance starts
    assert {"Blood test", "Clinic review"} <= {str(e.get("summary")) for e in found}
    for event in found:
        alarms = list(event.walk("VALARM"))
        assert len(alarms) == 1 and alarms[0].decoded("trigger") == timedelta(days=-1)
        assert isinstance(event.decoded("dtstart"), date) and not isinstance(event.decoded("dtstart"), datetime)


def test_titles_say_nothing_clinical_and_descriptions_cite_the_plan():
    for event in feed():
        assert str(event.get("summary")) in ("B12 injection", "Blood test", "Clinic review")
        assert "as documented by Dr. Priya Shah on 2 Nov 2026" in str(event.get("description"))
        assert "MRN" not in str(event.get("uid"))


def test_uids_are_stable_when_a_new_version_moves_the_dates():
    before = feed()[:3]
    moved = feed(plan(every=Interval(8, "day")))[:3]  # a new version: the rest of the course 8 days apart
    assert [e.decoded("dtstart") for e in before] != [e.decoded("dtstart") for e in moved]
    assert [str(e.get("uid")) for e in before] == [str(e.get("uid")) for e in moved]  # updated, not duplicated


def test_uids_differ_between_patients():
    one = events(plan_calendar(plan(), GIVEN, TODAY, uid_key="patient-a"))
    two = events(plan_calendar(plan(), GIVEN, TODAY, uid_key="patient-b"))
    assert {str(e.get("uid")) for e in one}.isdisjoint({str(e.get("uid")) for e in two})


def test_a_reported_injection_moves_the_next_date():
    late = [Injection(TODAY - timedelta(days=14)), Injection(TODAY - timedelta(days=7))]
    next_without = min(e.decoded("dtstart") for e in feed(given=late) if e.get("summary") == "B12 injection")
    reported = [*late, Injection(TODAY - timedelta(days=2))]
    next_with = min(e.decoded("dtstart") for e in feed(given=reported) if e.get("summary") == "B12 injection")
    assert next_without == TODAY and next_with == TODAY + timedelta(days=5)


def test_the_documented_calendar_for_staff_has_every_planned_dose():
    starts = {e.decoded("dtstart") for e in events(plan_calendar(plan(), GIVEN, None, uid_key="k"))}
    assert {TODAY - timedelta(days=14) + timedelta(weeks=n) for n in range(6)} <= starts


def test_a_plan_without_dates_ahead_gives_an_empty_but_valid_calendar():
    over = replace(plan(), reassess_on=TODAY - timedelta(days=100), lab_checks=(),
                   phases=(Phase("replenishment", MCG, Interval(1, "week"), doses=2,
                                 starts_on=TODAY - timedelta(days=120)),))
    given = [Injection(TODAY - timedelta(days=120)), Injection(TODAY - timedelta(days=113))]
    assert events(plan_calendar(over, given, TODAY, uid_key="k")) == []
