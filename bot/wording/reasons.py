"""What a missing date waits on: the answer to "why?" / "why don't you know?" after a plan answer without a date
(every sentence a patient reads lives in bot/wording/)."""

from __future__ import annotations

from bot.dates import format_date
from bot.wording.plan import PlanFacts, closing, on_day

_LOOKS_AT = "your blood levels and how your symptoms have responded"


def why_no_date(facts: PlanFacts, topic: str = "ask_next_injection") -> str | None:
    """What the missing date of the last answer (`topic`: next injection, end of the course, maintenance) waits on,
    or None when that answer had its date."""
    s = facts.status
    when = None
    if s.reassess_on:
        when = (on_day(s.reassess_on, s.today, False) if s.reassess_on >= s.today
                else f"planned for {format_date(s.reassess_on)}")
    if when and s.next_due is not None and topic == "ask_weekly_duration" and s.open_ended:
        reason = (f"Your plan has no fixed last date for these injections: they go on until your reassessment "
                  f"({when}), where your clinician looks at {_LOOKS_AT} and decides what comes next.")
    elif when and s.next_due is not None and topic == "ask_maintenance_plan" and s.maintenance_starts is None:
        reason = (f"Your maintenance has no start date yet because it waits on your reassessment ({when}): your "
                  f"clinician sets it there from {_LOOKS_AT}.")
    elif s.next_due is not None:
        return None
    elif when:
        reason = (f"Your plan has no next injection date because it waits on your reassessment ({when}): your "
                  "clinician decides there how your injections go on.")
    else:
        reason = "Your plan does not give a next injection date, so only the clinic can confirm it."
    return f"{reason} {closing(facts.plan)}"
