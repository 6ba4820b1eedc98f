"""Save a conversation tried in the console as a flow file the flow runner accepts (`flows check` passes).

A try happens "as of" a chosen day D; a flow runs on whatever day R it is run, without any date override.
So the export moves the whole situation by R - D:

- the plan is written as a fixture whose every date is relative to D (`today-14d`, `today+21d`), so on
  day R the test patient is exactly as far into the plan as the tried patient was on D (when the try began
  from a flow fixture on today's date, that fixture is used as it is);
- each reply's dates become placeholders relative to D: `{date:today+21d}`, `{day:today+7d}` for a
  weekday date; a date of a monthly phase that is whole calendar months after the dose or start it
  follows becomes `{date:today-20d+1m}` (a month after the dose given 20 days before), because calendar
  months do not move by a fixed number of days;
- per turn the expectation is the intent, the actions and responses that ran, the dates, and the plan's
  facts the reply repeated (clinician, product, doses, lab tests, the patient's name as `{name}`).

A plan uploaded by staff may be a real patient's: its fixture gets a test identity (TEST-…, "Test
Patient"), never the real name or date of birth.
"""

from __future__ import annotations

import calendar
import os
import re
import secrets
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.dates import add_months
from bot.plans.model import Interval, Patient, PlanFile
from bot.plans.planfile import PlanFileError, parse_plan_text
from console.bot_session import TriedTurn, TrySession
from staff.flows.model import parse_flows_text

_MONTHS = "|".join(calendar.month_abbr[m] for m in range(1, 13))
_WEEKDAYS = "|".join(calendar.day_name[d] for d in range(7))
_DATE = re.compile(rf"\b(?:(?P<weekday>{_WEEKDAYS}) )?(?P<day>\d{{1,2}}) (?P<month>{_MONTHS}) (?P<year>\d{{4}})\b")
_MONTH_NUMBER = {calendar.month_abbr[m]: m for m in range(1, 13)}
_PLACEHOLDER_LIKE = re.compile(r"\{[a-z_]+(?::[^{}]*)?\}")
MAX_NAME = 100


class ExportError(ValueError):
    """The conversation cannot be saved as a flow; the message (and `problems`) say why."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class SavedFlow:
    name: str
    path: Path
    fixture: Path
    fixture_written: bool
    text: str


# --- dates ------------------------------------------------------------------------------------------


def offset(d: date, anchor: date) -> str:
    """`today`, `today+21d`, `today-3d`: `d` relative to `anchor`."""
    days = (d - anchor).days
    return "today" if days == 0 else f"today{days:+d}d"


def plan_dates(planfile: PlanFile) -> set[date]:
    plan = planfile.plan
    found = {plan.documented_on, *(i.on for i in planfile.injections_given), *(c.due_on for c in plan.lab_checks)}
    found |= {d for p in plan.phases for d in (p.starts_on, p.until) if d}
    if plan.reassess_on:
        found.add(plan.reassess_on)
    return found


def date_expression(d: date, anchor: date, planfile: PlanFile) -> str:
    """The placeholder expression (without braces) that renders `d` on the day a flow runs."""
    if d in plan_dates(planfile) or d == anchor:
        return offset(d, anchor)
    monthly = [p for p in planfile.plan.phases if p.every.unit == "month"]
    if not monthly:
        return offset(d, anchor)
    starts = [p.starts_on or planfile.plan.reassess_on for p in monthly]
    start = min((s for s in starts if s), default=None)
    if start is not None and d < start:
        return offset(d, anchor)
    anchors = {anchor, *(s for s in starts if s), *(i.on for i in planfile.injections_given
                                                     if start is None or i.on >= start)}
    for base in sorted((a for a in anchors if a < d), reverse=True):  # the latest dose or start first
        for months in range(1, 601):
            stepped = add_months(base, months)
            if stepped == d:
                head = offset(base, anchor)
                return f"{head}+{months}m"
            if stepped > d:
                break
    return offset(d, anchor)


def _found_date(match: re.Match[str]) -> date | None:
    try:
        return date(int(match.group("year")), _MONTH_NUMBER[match.group("month")], int(match.group("day")))
    except ValueError:
        return None


def date_placeholders(text: str, anchor: date, planfile: PlanFile) -> tuple[str, list[str]]:
    """`text` with its dates as placeholders, and those placeholders in order."""
    found: list[str] = []

    def swap(match: re.Match[str]) -> str:
        d = _found_date(match)
        if d is None:
            return match.group(0)
        expression = date_expression(d, anchor, planfile)
        weekday = match.group("weekday")
        if weekday and weekday == calendar.day_name[d.weekday()]:
            placeholder = f"{{day:{expression}}}"
            found.append(placeholder)
            return placeholder
        placeholder = f"{{date:{expression}}}"
        found.append(placeholder)
        return f"{weekday} {placeholder}" if weekday else placeholder  # a weekday that does not fit stays text

    return _DATE.sub(swap, text), found


# --- the plan fixture -------------------------------------------------------------------------------


def _interval(every: Interval) -> str:
    return f"{every.count} {every.unit}{'s' if every.count != 1 else ''}"


def plan_document(planfile: PlanFile, anchor: date) -> dict[str, Any]:
    """The plan file (DESIGN.md format) of `planfile`, every date relative to `anchor`."""
    plan, rel = planfile.plan, (lambda d: offset(d, anchor))
    phases = []
    for phase in plan.phases:
        entry: dict[str, Any] = {"phase": phase.kind, "dose": str(phase.dose), "every": _interval(phase.every)}
        if phase.doses is not None:
            entry["doses"] = phase.doses
        if phase.until is not None:
            entry["until"] = rel(phase.until)
        if phase.starts_on is not None:
            entry["starts_on"] = rel(phase.starts_on)
        phases.append(entry)
    body: dict[str, Any] = {
        "documented_by": plan.documented_by, "documented_on": rel(plan.documented_on), "product": plan.product,
        "strength": plan.strength, "route": plan.route, "indication": plan.indication, "phases": phases,
    }
    if plan.reassess_on:
        body["reassess_on"] = rel(plan.reassess_on)
    if plan.lab_checks:
        body["lab_checks"] = [{"due_on": rel(c.due_on), "tests": list(c.tests)} for c in plan.lab_checks]
    if plan.notes:
        body["notes"] = plan.notes
    patient = planfile.patient
    document: dict[str, Any] = {
        "patient": {"reference": patient.reference, "name": patient.name,
                    "date_of_birth": patient.date_of_birth.isoformat()},
        "plan": body,
    }
    if planfile.injections_given:
        document["injections_given"] = [
            {"on": rel(i.on), **({"dose": str(i.dose)} if i.dose else {})} for i in planfile.injections_given
        ]
    return document


def _dump(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)


def plan_fixture_text(planfile: PlanFile, anchor: date, header: str) -> str:
    """The fixture's YAML, checked to read back as the very same plan on `anchor`."""
    text = header + _dump(plan_document(planfile, anchor))
    try:
        back = parse_plan_text(text, "<exported plan>", today=anchor)
    except PlanFileError as error:
        raise ExportError("The plan cannot be written as a flow fixture.", [str(p) for p in error.problems]) from None
    dated = lambda pf: (pf.plan.documented_on, pf.plan.reassess_on, pf.plan.phases, pf.plan.lab_checks,  # noqa: E731
                        pf.injections_given)
    if dated(back) != dated(planfile):
        raise ExportError("The plan does not read back the same from the flow fixture; it was not saved.")
    return text


# --- the flow ---------------------------------------------------------------------------------------


def _facts(reply: str, planfile: PlanFile, tried_patient: Patient) -> list[str]:
    """Plan facts the reply repeats, as they would read in the flow's run."""
    plan = planfile.plan
    candidates = [plan.documented_by, plan.product, *(str(p.dose) for p in plan.phases),
                  *(t for c in plan.lab_checks for t in c.tests)]
    facts = [c for c in dict.fromkeys(candidates) if c and c.casefold() in reply.casefold()]
    if tried_patient.name and tried_patient.name.casefold() in reply.casefold():
        facts.append("{name}")
    if tried_patient.reference.casefold() in reply.casefold():
        facts.append("{reference}")
    return facts


def _user_text(turn: TriedTurn, session: TrySession) -> str:
    text = turn.user.replace(session.reference, "{reference}")
    text, _ = date_placeholders(text, session.as_of, session.planfile)
    return text


def flow_document(session: TrySession, name: str, plan_path: str) -> dict[str, Any]:
    turns = []
    for turn in session.turns:
        expect: dict[str, Any] = {}
        if turn.intent:
            expect["intent"] = turn.intent
        ran = list(turn.ran)
        if ran:
            expect["action"] = ran[0] if len(ran) == 1 else ran
        _, dates = date_placeholders(turn.reply, session.as_of, session.planfile)
        contains = list(dict.fromkeys(dates + _facts(turn.reply, session.planfile, session.planfile.patient)))
        if contains:
            expect["contains"] = contains
        turns.append({"user": _user_text(turn, session), "expect": expect})
    ahead = (session.as_of - session.started_on).days
    description = (f"Tried in the staff console as of {session.as_of.isoformat()} "
                   f"({ahead} days after {session.started_on.isoformat()}) with the plan {session.source}.")
    return {"flows": [{"name": name, "description": description, "plan": plan_path, "signed_in": True,
                       "turns": turns}]}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:50] or "flow"


def _free_names(flows_dir: Path, fixtures_dir: Path, base: str) -> tuple[Path, Path]:
    for n in range(1, 200):
        stem = f"console_{base}" + ("" if n == 1 else f"_{n}")
        flow, fixture = flows_dir / f"{stem}.yml", fixtures_dir / f"{stem}.yml"
        if not flow.exists() and not fixture.exists():
            return flow, fixture
    raise ExportError("Too many saved flows with this name; choose another name.")


def _write_new(path: Path, text: str) -> None:
    """Create `path` (never overwrite one that appeared meanwhile)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def anonymous_identity() -> Patient:
    """The fixture's patient for a plan staff uploaded: a test identity, never the real person's."""
    return Patient(reference=f"TEST-{secrets.randbelow(10**4):04d}", name="Test Patient",
                   date_of_birth=date(1970, 1, 1))


def save_flow(session: TrySession, name: str, flows_dir: Path, actor: str, today: date) -> SavedFlow:
    """Write the flow (and its plan fixture) under `flows_dir`; ExportError when it would not pass
    `flows check` (then nothing is left behind)."""
    name = " ".join(name.split())[:MAX_NAME] or f"{session.source} as of {session.as_of.isoformat()}"
    if not session.turns:
        raise ExportError("Send at least one message before saving the conversation as a flow.")
    for turn in session.turns:
        if _PLACEHOLDER_LIKE.search(turn.user.replace(session.reference, "")):
            raise ExportError(f"Turn {turn.number} contains text in braces ({turn.user[:60]!r}), which a flow "
                              "would read as a placeholder; try again without it.")
    fixtures_dir = flows_dir / "fixtures"
    fixtures_dir.mkdir(parents=True, exist_ok=True)
    flow_path, fixture_path = _free_names(flows_dir, fixtures_dir, slug(name))
    reuse = session.fixture is not None and session.as_of == session.started_on \
        and (fixtures_dir / session.fixture).is_file()
    if reuse:
        fixture_path = fixtures_dir / session.fixture
        shown = session.original_patient
    else:
        shown = session.original_patient if session.fixture else anonymous_identity()
    header = (f"# Plan of the flow {flow_path.name}, saved from the staff console by {actor} on {today.isoformat()}.\n"
              f"# Every date is relative to the day the flow runs, which stands for {session.as_of.isoformat()}.\n")
    fixture_text = None if reuse else plan_fixture_text(replace(session.planfile, patient=shown), session.as_of,
                                                         header)
    document = flow_document(session, name, f"fixtures/{fixture_path.name}")
    text = (f"# Saved from the staff console by {actor} on {today.isoformat()}: a conversation tried as of "
            f"{session.as_of.isoformat()}.\n# Dates are relative to that day (`today` is the day the flow runs); "
            "edit the expectations as needed.\n" + _dump(document))
    if fixture_text is not None:
        _write_new(fixture_path, fixture_text)
    try:
        _, problems = parse_flows_text(text, flow_path, today)
        if problems:
            raise ExportError("The saved flow would not pass `flows check`.", [str(p) for p in problems])
        _write_new(flow_path, text)
    except BaseException:
        if fixture_text is not None:
            fixture_path.unlink(missing_ok=True)
        raise
    return SavedFlow(name, flow_path, fixture_path, fixture_text is not None, text)
