"""The plan's calendar as iCalendar: every injection still to come, the reassessment and each lab check,
each with a reminder the day before.

The same builder serves the staff export (`python -m bot plans ics`) and the patient's calendar
subscription (web/feed). Event UIDs are stable across plan versions (a replenishment dose keeps its UID
when its date moves), so a calendar app updates an event instead of adding a second one; they carry no
patient reference, only a hash under a per-patient key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Event

from bot.plans.model import Injection, Plan
from bot.plans.schedule import CalendarEntry, calendar
from bot.wording import calendar as words


def _uid(key: str, entry: CalendarEntry) -> str:
    if entry.kind == "injection" and entry.phase == "replenishment" and entry.number:
        identity = f"replenishment|{entry.number}"
    elif entry.kind == "reassessment":
        identity = "reassessment"
    else:
        identity = f"{entry.kind}|{entry.phase}|{entry.on.isoformat()}"
    return hashlib.sha256(f"{key}|{identity}".encode()).hexdigest()[:32] + "@b12-guide"


def plan_calendar(plan: Plan, injections_given: Sequence[Injection], today: date | None, *, uid_key: str,
                  stamp: datetime | None = None, horizon_months: int = 12) -> bytes:
    """An iCalendar file of the plan as of `today` (None: the documented calendar from its start). `uid_key`
    keeps UIDs per patient without naming them;
    `stamp` (DTSTAMP) is when the plan version was imported, so the same version exports the same bytes."""
    cal = Calendar()
    cal.add("prodid", "-//B12 Guide//Injection plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", words.CALENDAR_NAME)
    cal.add("x-published-ttl", "PT12H")  # subscribed calendars refresh twice a day
    stamp = stamp or datetime.now(timezone.utc)
    for entry in calendar(plan, injections_given, today, horizon_months):
        event = Event()
        title = words.title(entry)
        event.add("uid", _uid(uid_key, entry))
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.on)
        event.add("dtend", entry.on + timedelta(days=1))
        event.add("summary", title)
        event.add("description", words.description(entry, plan))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", words.REMINDER.format(title=title))
        alarm.add("trigger", timedelta(days=-1))  # all-day event: the day before, at midnight local time
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
