"""Plan files (DESIGN.md "The plan file"): parse and validate the WHOLE file, then build the domain objects.

Every problem is reported with the file, the line, the field (a dotted path such as
`plan.phases[1].every`) and what is wrong; a file with any problem yields no PlanFile at all, so an
import never writes half a plan. The YAML is read as a node tree (yaml.compose) to keep line numbers
and the raw text of every value (so `on:` stays a key, not the boolean YAML 1.1 makes of it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.dates import parse_relative
from bot.plans.model import Dose, Injection, Interval, LabCheck, Patient, Phase, Plan, PlanFile
from bot.plans.schedule import phase_dates

PRODUCTS = ("cyanocobalamin", "hydroxocobalamin")
ROUTES = ("intramuscular", "deep subcutaneous")
INDICATIONS = ("absorption problem", "mild deficiency", "neurologic symptoms", "diet-related")
PHASES = ("replenishment", "maintenance")
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

    def problem(self, node: Node | None, field: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.path, line, field or "(file)", message))

    def mapping(self, node: Node, field: str, allowed: dict[str, bool]) -> dict[str, tuple[Node, Node]] | None:
        """Keys → (key node, value node). `allowed` maps each key to whether it is required."""
        if not isinstance(node, MappingNode):
            self.problem(node, field, "must be a mapping of keys and values")
            return None
        found: dict[str, tuple[Node, Node]] = {}
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
        relative = parse_relative(value, self.today)
        if relative is not None:
            return relative
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(node, field, f"{value!r} is not a date (use YYYY-MM-DD or today+Nd)")
            return None

    def dose(self, entry: tuple[Node, Node] | None, field: str) -> Dose | None:
        value = self.text(entry, field)
        if value is None:
            return None
        dose = parse_dose(value)
        if dose is None:
            self.problem(entry[1], field, f"{value!r} is not a dose with a unit (e.g. 1000 mcg or 1 mg)")
        return dose

    def interval(self, entry: tuple[Node, Node] | None, field: str) -> Interval | None:
        value = self.text(entry, field)
        if value is None:
            return None
        interval = parse_interval(value)
        if interval is None:
            self.problem(entry[1], field, f"{value!r} is not an interval (N day(s), N week(s) or N month(s), N >= 1)")
        return interval

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
    _cross_checks(reader, plan, injections)
    if reader.problems or patient is None or plan is None:
        if not reader.problems:
            reader.problem(root, "(file)", "is incomplete")
        raise PlanFileError(sorted(reader.problems, key=lambda p: p.line))
    return PlanFile(patient=patient, plan=plan, injections_given=tuple(sorted((i for i, _, _ in injections),
                                                                              key=lambda i: i.on)))


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
    if born and born > reader.today:
        reader.problem(fields["date_of_birth"][1], "patient.date_of_birth", "is in the future")
    if reference and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", reference):
        reader.problem(fields["reference"][1], "patient.reference", "may only hold letters, digits, '-', '_' and '.'")
        reference = None
    if reference and name and born and born <= reader.today:
        return Patient(reference.upper(), name, born)
    return None


PLAN_KEYS = {"documented_by": True, "documented_on": True, "product": True, "strength": True, "route": True,
             "indication": True, "phases": True, "reassess_on": False, "lab_checks": False, "notes": False}
PHASE_KEYS = {"phase": True, "dose": True, "every": True, "doses": False, "until": False, "starts_on": False}


def _plan(reader: _Reader, entry: tuple[Node, Node] | None) -> Plan | None:
    if entry is None:
        return None
    f = reader.mapping(entry[1], "plan", PLAN_KEYS)
    if f is None:
        return None
    documented_on = reader.date(f.get("documented_on"), "plan.documented_on")
    if documented_on and documented_on > reader.today:
        reader.problem(f["documented_on"][1], "plan.documented_on", "is in the future")
    values = dict(
        documented_by=reader.text(f.get("documented_by"), "plan.documented_by"),
        documented_on=documented_on,
        product=reader.text(f.get("product"), "plan.product", choices=PRODUCTS),
        strength=reader.text(f.get("strength"), "plan.strength"),
        route=reader.text(f.get("route"), "plan.route", choices=ROUTES),
        indication=reader.text(f.get("indication"), "plan.indication", choices=INDICATIONS),
    )
    phases = []
    seen: dict[str, int] = {}
    for n, node in enumerate(reader.sequence(f.get("phases"), "plan.phases", required=True)):
        phase = _phase(reader, node, f"plan.phases[{n}]")
        if phase is None:
            continue
        if phase.kind in seen:
            reader.problem(node, f"plan.phases[{n}].phase", f"a {phase.kind} phase is already given")
            continue
        seen[phase.kind] = n
        phases.append((phase, node))
    if seen.get("maintenance", -1) >= 0 and seen.get("replenishment", 10**6) < 10**6 \
            and seen["maintenance"] < seen["replenishment"]:
        n = seen["maintenance"]
        reader.problem(phases[0][1], f"plan.phases[{n}].phase", "maintenance is listed before replenishment")
    if "phases" in f and not any(p.kind == "replenishment" for p, _ in phases) and not reader.problems:
        reader.problem(f["phases"][1], "plan.phases", "needs a replenishment phase")
    lab_checks = []
    for n, node in enumerate(reader.sequence(f.get("lab_checks"), "plan.lab_checks")):
        fields = reader.mapping(node, f"plan.lab_checks[{n}]", {"due_on": True, "tests": True})
        if fields is None:
            continue
        due = reader.date(fields.get("due_on"), f"plan.lab_checks[{n}].due_on")
        tests = [reader.text((t, t), f"plan.lab_checks[{n}].tests[{k}]")
                 for k, t in enumerate(reader.sequence(fields.get("tests"), f"plan.lab_checks[{n}].tests",
                                                       required=True))]
        if due and tests and all(tests):
            lab_checks.append(LabCheck(due, tuple(tests)))
    reassess_on = reader.date(f.get("reassess_on"), "plan.reassess_on")
    notes = reader.text(f.get("notes"), "plan.notes") if "notes" in f else None
    _phase_order(reader, phases, reassess_on)
    if any(v is None for v in values.values()) or not phases:
        return None
    return Plan(**values, phases=tuple(p for p, _ in phases), reassess_on=reassess_on,
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
    if "doses" in f and "until" in f:
        reader.problem(f["until"][0], f"{field}.until", "give either `doses` or `until`, not both")
    if kind == "replenishment" and "starts_on" not in f:
        reader.problem(node, f"{field}.starts_on", "is missing (a replenishment phase needs its start date)")
    if until and starts_on and until < starts_on:
        reader.problem(f["until"][1], f"{field}.until", "is before starts_on")
    if kind is None or dose is None or every is None:
        return None
    return Phase(kind, dose, every, doses=doses, until=until, starts_on=starts_on)  # type: ignore[arg-type]


def _phase_order(reader: _Reader, phases: list[tuple[Phase, Node]], reassess_on: date | None) -> None:
    by_kind = {p.kind: (p, node) for p, node in phases}
    if "replenishment" not in by_kind or "maintenance" not in by_kind:
        return
    (rep, _), (main, main_node) = by_kind["replenishment"], by_kind["maintenance"]
    if not (rep.starts_on and main.starts_on):
        return
    index = next(n for n, (p, _) in enumerate(phases) if p.kind == "maintenance")
    if main.starts_on <= rep.starts_on:
        reader.problem(main_node, f"plan.phases[{index}].starts_on", "maintenance starts before replenishment does")
        return
    planned = phase_dates(rep, stop_before=reassess_on)
    if (rep.doses or rep.until) and planned and main.starts_on <= planned[-1]:
        reader.problem(main_node, f"plan.phases[{index}].starts_on",
                       f"maintenance starts before the last replenishment dose ({planned[-1].isoformat()})")


def _injections(reader: _Reader, entry: tuple[Node, Node] | None) -> list[tuple[Injection, Node, int]]:
    found = []
    for n, node in enumerate(reader.sequence(entry, "injections_given")):
        f = reader.mapping(node, f"injections_given[{n}]", {"on": True, "dose": False})
        if f is None:
            continue
        on = reader.date(f.get("on"), f"injections_given[{n}].on")
        dose = reader.dose(f.get("dose"), f"injections_given[{n}].dose") if "dose" in f else None
        if on and on > reader.today:
            reader.problem(f["on"][1], f"injections_given[{n}].on", "is in the future")
        elif on:
            found.append((Injection(on, dose), f["on"][1], n))
    return found


def _cross_checks(reader: _Reader, plan: Plan | None, injections: list[tuple[Injection, Node, int]]) -> None:
    if plan is None:
        return
    starts = [p.starts_on for p in plan.phases if p.starts_on]
    if not starts:
        return
    first = min(starts)
    for injection, node, n in injections:
        if injection.on < first:
            reader.problem(node, f"injections_given[{n}].on",
                           f"is before the plan starts ({first.isoformat()})")
