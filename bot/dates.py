"""How dates look to a patient. One place, so flows and tests render them the same way."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta


def format_date(d: date) -> str:
    """2 Nov 2026 — the form used in citations and every answer."""
    return f"{d.day} {calendar.month_abbr[d.month]} {d.year}"


def format_day(d: date) -> str:
    """Tuesday 15 Dec 2026 — used where the weekday helps the patient plan."""
    return f"{calendar.day_name[d.weekday()]} {format_date(d)}"


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = d.month - 1 + months
    year = d.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


_RELATIVE = re.compile(r"^\s*today\s*(?:([+-])\s*(\d+)\s*([dwm]))?\s*$", re.IGNORECASE)


def parse_relative(text: str, today: date) -> date | None:
    """`today`, `today+21d`, `today-2w`, `today+1m` → a date; None if `text` is not of that form."""
    m = _RELATIVE.match(text)
    if not m:
        return None
    if not m.group(1):
        return today
    n = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
    unit = m.group(3).lower()
    if unit == "d":
        return today + timedelta(days=n)
    if unit == "w":
        return today + timedelta(weeks=n)
    return add_months(today, n)
