"""The plan's calendar as an iCalendar file: every planned injection, the reassessment, each lab check."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Event

from bot.answers import citation
from bot.plans.model import PlanFile, PlanRecord
from bot.plans.schedule import calendar


def plan_to_ics(record: PlanRecord | PlanFile, today: date, horizon_months: int = 12) -> bytes:
    plan, patient = record.plan, record.patient
    version = getattr(record, "version", None)
    cal = Calendar()
    cal.add("prodid", "-//B12 Guide//Injection plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"B12 injection plan — {patient.name}")
    # DTSTAMP of a calendar without METHOD: when the information was last revised in the store, i.e. when
    # this plan version was imported. The same plan version then always exports the same bytes.
    stamp = getattr(record, "imported_at", None) or datetime.now(timezone.utc)
    for entry in calendar(plan, today, horizon_months):
        event = Event()
        key = f"{patient.reference}|{version}|{entry.kind}|{entry.on.isoformat()}"
        event.add("uid", hashlib.sha256(key.encode()).hexdigest()[:32] + "@b12-guide")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.on)
        event.add("dtend", entry.on + timedelta(days=1))
        event.add("summary", entry.label)
        event.add("description", f"From your B12 injection plan, {citation(plan)}. "
                                 "Questions about doses go to your clinician.")
        event.add("categories", [entry.kind])
        cal.add_component(event)
    return cal.to_ical()
