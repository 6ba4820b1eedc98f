"""The small phrases every plan sentence is built from: the citation of the documented schedule, counts,
days ("today", "tomorrow", "on Thursday 3 Dec 2026") and intervals as patients say them. Pure functions."""

from __future__ import annotations

from datetime import date, timedelta

from bot.dates import format_date, format_day
from bot.plans.model import Interval, Plan


def citation(plan: Plan) -> str:
    return f"as documented by {plan.documented_by} on {format_date(plan.documented_on)}"


def closing(plan: Plan) -> str:
    return f"This follows your schedule {citation(plan)}."


def general_closing(plan: Plan) -> str:
    """The last line of a general answer to a signed-in patient: whose schedule comes first, and from when."""
    return (f"For your own injections, your clinician's documented schedule comes first ({plan.documented_by}, "
            f"{format_date(plan.documented_on)}).")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def on_day(d: date, today: date, weekday: bool = True) -> str:
    """`today (Tuesday 1 Dec 2026)`, `tomorrow (…)`, `on Thursday 3 Dec 2026`, `on 3 Dec 2026`."""
    shown = format_day(d) if weekday else format_date(d)
    if d == today:
        return f"today ({shown})"
    if d == today + timedelta(days=1):
        return f"tomorrow ({shown})"
    return f"on {shown}"


def every(interval: Interval) -> str:
    """`every week`, `every 2 weeks`, `every month`, `every other day`."""
    if interval.count == 1:
        return f"every {interval.unit}"
    if interval.count == 2 and interval.unit == "day":
        return "every other day"
    return f"every {interval.count} {interval.unit}s"


def how_often(interval: Interval | None) -> str:
    """`weekly`, `monthly`, `every 2 weeks`, `every other day` — as a patient says it."""
    if interval is None:
        return ""
    if interval.count == 1:
        return {"day": "daily", "week": "weekly", "month": "monthly"}[interval.unit]
    return every(interval)


def injections_word(interval: Interval | None, n: int | None = None) -> str:
    """`weekly injections`, `weekly injection`, `injections every other day`."""
    noun = "injection" if n == 1 else "injections"
    if interval is None:
        return noun
    if interval.count == 1:
        return f"{how_often(interval)} {noun}"
    return f"{noun} {every(interval)}"


ROUTE_PHRASE = {"intramuscular": "into the muscle (intramuscular)",
                "deep subcutaneous": "deep under the skin (deep subcutaneous)"}
INDICATION_PHRASE = {"absorption problem": "an absorption problem", "mild deficiency": "a mild deficiency",
                     "neurologic symptoms": "a deficiency with nerve symptoms",
                     "diet-related": "a diet-related deficiency"}
ORDINALS = ("next", "one after that", "third", "fourth", "fifth", "sixth")


