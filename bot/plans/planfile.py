"""Plan files (DESIGN.md "The plan file"): parse and validate the WHOLE file, then build the domain objects.

Every problem is reported with the file, the line, the field (a dotted path such as
`plan.phases[1].every`) and what is wrong; a file with any problem yields no PlanFile at all, so an
import never writes half a plan. The YAML is read as a node tree (yaml.compose) to keep line numbers
and the raw text of every value (so `on:` stays a key, not the boolean YAML 1.1 makes of it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.dates import parse_relative
from bot.plans.model import Dose, Injection, Interval, LabCheck, Patient, Phase, Plan, PlanFile
from bot.plans.rules import plan_problems
from bot.vocabulary import INDICATIONS, PHASES, PRODUCTS, ROUTES

_UNITS = {"mcg": "mcg", "microgram": "mcg", "micrograms": "mcg", "µg": "mcg", "ug": "mcg",
          "mg": "mg", "milligram": "mg", "milligrams": "mg"}
_DOSE = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([a-zA-Zµ]+)\s*$")
_EVERY = re.compile(r"^\s*(\d+)\s*(day|week|month)s?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class PlanFileError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def parse_dose(text: str) -> Dose | None:
    """'1000 mcg', '1,000mcg', '1 mg', '500 micrograms' → Dose; None if no number or no known unit."""
    match = _DOSE.match(text)
    if not match or match.group(2).lower() not in _UNITS:
        return None
    amount = float(match.group(1).replace(",", ""))
    return Dose(amount, _UNITS[match.group(2).lower()])


def parse_interval(text: str) -> Interval | None:
    match = _EVERY.match(text)
    if not match or int(match.group(1)) < 1:
        return None
    return Interval(int(match.group(1)), match.group(2).lower())  # type: ignore[arg-type]


class _Reader:
    """Walks the node tree, converting values and collecting problems instead of raising."""

    def __init__(self, path: str, today: date) -> None:
        self.path = path
        self.today = today
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}  # field → line of its value, to place the rules' problems

    def problem(self, node: Node | None, field: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.path, line, field or "(file)", message))

    def at(self, field: str, node: Node) -> None:
        self.lines[field] = node.start_mark.line + 1

    def line_of(self, field: str) -> int:
        """The line of `field`, else of the nearest enclosing field that was read (`a.b[1].c` → `a.b[1]`)."""
        while field:
            if field in self.lines:
                return self.lines[field]
            field = re.sub(r"(?:\.[^.\[\]]+|\[\d+\])$", "", field) if re.search(r"[.\[]", field) else ""
        return 1

    def mapping(self, node: Node, field: str, allowed: dict[str, bool]) -> dict[str, tuple[Node, Node]] | None:
        """Keys → (key node, value node). `allowed` maps each key to whether it is required."""
        if not isinstance(node, MappingNode):
            self.problem(node, field, "must be a mapping of keys and values")
            return None
        found: dict[str, tuple[Node, Node]] = {}
        if field:
            self.at(field, node)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
            name = f"{field}.{key}" if field else key
            if key not in allowed:
                self.problem(key_node, name, f"unknown key (allowed: {', '.join(allowed)})")
            elif key in found:
                self.problem(key_node, name, "appears twice")
            else:
                found[key] = (key_node, value_node)
        for key, required in allowed.items():
            if required and key not in found:
                self.problem(node, f"{field}.{key}" if field else key, "is missing")
        return found

    def text(self, entry: tuple[Node, Node] | None, field: str, *, choices: tuple[str, ...] = ()) -> str | None:
        if entry is None:
            return None
        key_node, node = entry
        self.at(field, node)
        if not isinstance(node, ScalarNode) or node.tag == "tag:yaml.org,2002:null" or not str(node.value).strip():
            self.problem(node if isinstance(node, ScalarNode) else key_node, field, "must be a non-empty text")
            return None
        value = " ".join(str(node.value).split())
        if choices and value.lower() not in choices:
            self.problem(node, field, f"unknown value {value!r} (expected one of: {', '.join(choices)})")
            return None
        return value.lower() if choices else value

    def date(self, entry: tuple[Node, Node] | None, field: str) -> date | None:
        value = self.text(entry, field)
        if value is None:
            return None
        node = entry[1]
        try:
            relative = parse_relative(value, self.today)
        except (OverflowError, ValueError):  # "today+3000000d": past the last date there is
            self.problem(node, field, f"{value!r} is too far from today")
            return None
        if relative is not None:
            return relative
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(node, field, f"{value!r} is not a date (use YYYY-MM-DD or today+Nd)")
            return None

    def _parsed(self, entry: tuple[Node, Node] | None, field: str, parse: Callable[[str], Any], what: str) -> Any:
        """The field's text read by `parse`; a problem naming `what` it should be when `parse` gives None."""
        value = self.text(entry, field)
        if value is None:
            return None
        parsed = parse(value)
        if parsed is None:
            self.problem(entry[1], field, f"{value!r} is not {what}")
        return parsed

    def dose(self, entry: tuple[Node, Node] | None, field: str) -> Dose | None:
        return self._parsed(entry, field, parse_dose, "a dose with a unit (e.g. 1000 mcg or 1 mg)")

    def interval(self, entry: tuple[Node, Node] | None, field: str) -> Interval | None:
        return self._parsed(entry, field, parse_interval,
                            "an interval (N day(s), N week(s) or N month(s), N >= 1)")

    def positive_int(self, entry: tuple[Node, Node] | None, field: str) -> int | None:
        value = self.text(entry, field)
        if value is None:
            return None
        if not value.isdigit() or int(value) < 1:
            self.problem(entry[1], field, f"{value!r} must be a whole number of doses, at least 1")
            return None
        return int(value)

    def sequence(self, entry: tuple[Node, Node] | None, field: str, *, required: bool = False) -> list[Node]:
        if entry is None:
            return []
        key_node, node = entry
        self.at(field, node)
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not required:
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, field, "must be a list")
            return []
        if required and not node.value:
            self.problem(node, field, "must not be empty")
        return list(node.value)


def parse_plan_text(text: str, path: str = "<string>", today: date | None = None) -> PlanFile:
    today = today or date.today()
    reader = _Reader(path, today)
    try:
        root = yaml.compose(text)
    except RecursionError:  # "[[[[…" nested thousands deep
        raise PlanFileError([Problem(path, 1, "(file)", "is nested too deeply to be a plan file")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = Problem(path, line, "(file)", f"not valid YAML: {getattr(error, 'problem', error)}")
        raise PlanFileError([problem]) from None
    if root is None:
        raise PlanFileError([Problem(path, 1, "(file)", "is empty")])
    top = reader.mapping(root, "", {"patient": True, "plan": True, "injections_given": False}) or {}

    patient = _patient(reader, top.get("patient"))
    plan = _plan(reader, top.get("plan"))
    injections = _injections(reader, top.get("injections_given"))
    if patient is not None and plan is not None and injections is not None:
        # the rules every format shares, in file order so each problem names the entry it is about
        planfile = PlanFile(patient=patient, plan=plan, injections_given=tuple(injections))
        for field, message in plan_problems(planfile, today):
            reader.problems.append(Problem(path, reader.line_of(field), field, message))
    if reader.problems or patient is None or plan is None or injections is None:
        if not reader.problems:
            reader.problem(root, "(file)", "is incomplete")
        raise PlanFileError(sorted(reader.problems, key=lambda p: p.line))
    return replace(planfile, injections_given=tuple(sorted(injections, key=lambda i: i.on)))


def parse_plan_file(path: str | Path, today: date | None = None) -> PlanFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanFileError([Problem(str(path), 1, "(file)", f"cannot be read: {error}")]) from None
    return parse_plan_text(text, str(path), today)


def _patient(reader: _Reader, entry: tuple[Node, Node] | None) -> Patient | None:
    if entry is None:
        return None
    fields = reader.mapping(entry[1], "patient", {"reference": True, "name": True, "date_of_birth": True})
    if fields is None:
        return None
    reference = reader.text(fields.get("reference"), "patient.reference")
    name = reader.text(fields.get("name"), "patient.name")
    born = reader.date(fields.get("date_of_birth"), "patient.date_of_birth")
    if reference and name and born:
        return Patient(reference.upper(), name, born)
    return None


PLAN_KEYS = {"documented_by": True, "documented_on": True, "product": True, "strength": True, "route": True,
             "indication": True, "phases": True, "reassess_on": False, "lab_checks": False, "notes": False}
PHASE_KEYS = {"phase": True, "dose": True, "every": True, "doses": False, "until": False, "starts_on": False}


def _plan(reader: _Reader, entry: tuple[Node, Node] | None) -> Plan | None:
    """The plan as written (phases in file order, duplicates included), or None when any part of it is
    unreadable; the cross-field rules run on it afterwards (bot/plans/rules.py)."""
    if entry is None:
        return None
    f = reader.mapping(entry[1], "plan", PLAN_KEYS)
    if f is None:
        return None
    values = dict(
        documented_by=reader.text(f.get("documented_by"), "plan.documented_by"),
        documented_on=reader.date(f.get("documented_on"), "plan.documented_on"),
        product=reader.text(f.get("product"), "plan.product", choices=PRODUCTS),
        strength=reader.text(f.get("strength"), "plan.strength"),
        route=reader.text(f.get("route"), "plan.route", choices=ROUTES),
        indication=reader.text(f.get("indication"), "plan.indication", choices=INDICATIONS),
    )
    complete = all(v is not None for v in values.values())
    phases = []
    for n, node in enumerate(reader.sequence(f.get("phases"), "plan.phases", required=True)):
        phase = _phase(reader, node, f"plan.phases[{n}]")
        complete = complete and phase is not None
        phases.append(phase)
    lab_checks = []
    for n, node in enumerate(reader.sequence(f.get("lab_checks"), "plan.lab_checks")):
        fields = reader.mapping(node, f"plan.lab_checks[{n}]", {"due_on": True, "tests": True})
        if fields is None:
            complete = False
            continue
        due = reader.date(fields.get("due_on"), f"plan.lab_checks[{n}].due_on")
        tests = [reader.text((t, t), f"plan.lab_checks[{n}].tests[{k}]")
                 for k, t in enumerate(reader.sequence(fields.get("tests"), f"plan.lab_checks[{n}].tests",
                                                       required=True))]
        if due and tests and all(tests):
            lab_checks.append(LabCheck(due, tuple(tests)))
        else:
            complete = False
    reassess_on = reader.date(f.get("reassess_on"), "plan.reassess_on")
    notes = reader.text(f.get("notes"), "plan.notes") if "notes" in f else None
    if "reassess_on" in f and reassess_on is None or "notes" in f and notes is None:
        complete = False
    if not complete or not phases:
        return None
    return Plan(**values, phases=tuple(phases), reassess_on=reassess_on,
                lab_checks=tuple(sorted(lab_checks, key=lambda c: c.due_on)), notes=notes)


def _phase(reader: _Reader, node: Node, field: str) -> Phase | None:
    f = reader.mapping(node, field, PHASE_KEYS)
    if f is None:
        return None
    kind = reader.text(f.get("phase"), f"{field}.phase", choices=PHASES)
    dose = reader.dose(f.get("dose"), f"{field}.dose")
    every = reader.interval(f.get("every"), f"{field}.every")
    doses = reader.positive_int(f.get("doses"), f"{field}.doses")
    until = reader.date(f.get("until"), f"{field}.until")
    starts_on = reader.date(f.get("starts_on"), f"{field}.starts_on")
    given = {"doses": doses, "until": until, "starts_on": starts_on}
    if kind is None or dose is None or every is None or any(k in f and v is None for k, v in given.items()):
        return None
    return Phase(kind, dose, every, doses=doses, until=until, starts_on=starts_on)  # type: ignore[arg-type]


def _injections(reader: _Reader, entry: tuple[Node, Node] | None) -> list[Injection] | None:
    """The injections in file order, or None when any entry is unreadable."""
    found: list[Injection] = []
    complete = True
    for n, node in enumerate(reader.sequence(entry, "injections_given")):
        f = reader.mapping(node, f"injections_given[{n}]", {"on": True, "dose": False})
        if f is None:
            complete = False
            continue
        on = reader.date(f.get("on"), f"injections_given[{n}].on")
        dose = reader.dose(f.get("dose"), f"injections_given[{n}].dose") if "dose" in f else None
        if on is None or ("dose" in f and dose is None):
            complete = False
            continue
        found.append(Injection(on, dose))
    if entry is not None and not isinstance(entry[1], SequenceNode) and not (
            isinstance(entry[1], ScalarNode) and entry[1].tag == "tag:yaml.org,2002:null"):
        complete = False
    return found if complete else None
