"""What a calendar shows: event titles say nothing clinical beyond "B12 injection", so a lock screen does
not over-share; the description, read only when the patient opens the event, names the dose and the phase."""

from __future__ import annotations

from bot.plans.schedule import CalendarEntry
from bot.wording.plan import citation

CALENDAR_NAME = "B12 injection plan"
REMINDER = "Tomorrow: {title}"


def title(entry: CalendarEntry) -> str:
    if entry.kind == "injection":
        return "B12 injection"
    if entry.kind == "lab_check":
        return "Blood test"
    return "Clinic review"


def description(entry: CalendarEntry, plan) -> str:
    if entry.kind == "injection":
        phase = "first (replenishment) phase" if entry.phase == "replenishment" else "maintenance"
        what = f"{entry.dose}, {phase}" if entry.dose else phase
        if entry.phase == "replenishment" and entry.number:
            what += f", dose {entry.number}"
        elif entry.phase == "maintenance" and entry.number == 1:
            what += ", the first maintenance injection"
        lead = f"B12 injection: {what}."
    elif entry.kind == "lab_check":
        lead = f"Blood tests: {', '.join(entry.tests)}."
    else:
        lead = "Reassessment with your clinician."
    return (f"{lead} From your B12 injection plan, {citation(plan)}. Questions about doses go to your "
            "clinician.")
