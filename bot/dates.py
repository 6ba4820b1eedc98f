"""Dates for patients: how they look in every answer, and the dates of birth patients type in chat."""

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


# ------------------------------------------------------------------- dates of birth, as patients type them

_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9


def _month_number(word: str) -> int | None:
    """Month names in full, abbreviated, or misspelt past the third letter ("Febuary", "Sept")."""
    word = word.lower().rstrip(".")
    if word in _MONTHS:
        return _MONTHS[word]
    if len(word) >= 4 and word[:3] in _MONTHS:
        full = calendar.month_name[_MONTHS[word[:3]]].lower()
        # A typo of the month's own name, not any word that happens to start with "mar" or "may".
        same_letters = sum(a == b for a, b in zip(full, word, strict=False))
        if abs(len(full) - len(word)) <= 2 and same_letters >= len(word) // 2:
            return _MONTHS[word[:3]]
    return None


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years: the most recent past year that ends in those digits (68 -> 1968, 05 -> 2005).
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when there is no such day (31 Feb)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


_ORD = r"(?:st|nd|rd|th)?"
_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})\b")
_SPACED = re.compile(r"\b(\d{1,2})\s+(\d{1,2})\s+(\d{4})\b")
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}}){_ORD}(?:\s+of)?[\s\-/.,]+([a-z]{{3,9}})\.?[\s\-/.,]+(\d{{4}}|\d{{2}})\b"
)
_MONTH_DAY = re.compile(rf"\b([a-z]{{3,9}})\.?[\s\-/.]+(\d{{1,2}}){_ORD},?[\s\-/.,]+(\d{{4}}|\d{{2}})\b")
_COMPACT = re.compile(r"(?<!\d)(\d{8})(?!\d)")


def parse_date_of_birth(text: str, *, today: date | None = None) -> date | None:
    """A date of birth typed in any common way, or None.

    Accepted: 1968-03-14, 1968/03/14, 14/03/1968, 14.03.1968, 14-03-1968, 14 03 1968, 14/03/68,
    14 March 1968, 14th of March 1968, 14-Mar-1968, 14 Mar 68, March 14, 1968, Mar 14th 1968,
    14031968, 19680314.
    All-numeric day/month is ambiguous: we read dd/mm first (the clinic's convention) and fall back to
    mm/dd only when dd/mm is impossible (03/14/1968 -> 14 Mar 1968). A wrong reading simply fails to
    match the record.
    Two-digit years take the latest past century. Dates after `today` or before 1900 are not birth dates.
    """
    if not text:
        return None
    today = today or date.today()
    lowered = text.lower().replace("\u2013", "-").replace("\u2014", "-")
    found: date | None = None

    if m := _ISO.search(lowered):
        found = safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if found is None and (m := (_NUMERIC.search(lowered) or _SPACED.search(lowered))):
        first, second, year = int(m.group(1)), int(m.group(2)), _year(m.group(3), today)
        found = safe_date(year, second, first) or safe_date(year, first, second)
    if found is None and (m := _DAY_MONTH.search(lowered)):
        month = _month_number(m.group(2))
        if month:
            found = safe_date(_year(m.group(3), today), month, int(m.group(1)))
    if found is None and (m := _MONTH_DAY.search(lowered)):
        month = _month_number(m.group(1))
        if month:
            found = safe_date(_year(m.group(3), today), month, int(m.group(2)))
    if found is None and (m := _COMPACT.search(lowered)):
        digits = m.group(1)
        as_iso = None
        if digits[:2] in ("19", "20"):
            as_iso = safe_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        found = as_iso or safe_date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))

    if found is None or found.year < 1900 or found > today:
        return None
    return found
