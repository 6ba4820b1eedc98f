"""Flow files: load and validate the YAML staff write, with errors that name the file, line and field.

A flow file (documented in the README staff guide)::

    flows:
      - name: mid-course patient asks how long weekly lasts
        plan: fixtures/mid_course.yml     # relative to this file; `none` or omitted = no plan
        patient: {reference: MRN-9, name: Sam, date_of_birth: 1970-01-02}  # only without a plan
        signed_in: true                   # false = no token; the turns verify with {reference} and {dob}
        turns:
          - user: how long am I on weekly shots?
            expect:
              intent: ask_weekly_duration
              action: action_answer_plan          # or a list; responses (utter_*) count as actions
              contains: ["3 more", "{date:today+21d}", "Dr. Priya Shah"]   # all of them
              contains_any: ["overdue", "was due"]                      # at least one
              not_contains: ["2000"]
          - user: thanks
            expect: {}                            # any reply (still counted as a reply)

Placeholders, in user text and expectations: `{date:today+21d}` (rendered like the bot renders dates,
`bot.dates.format_date`), `{day:today+7d}` (`format_day`); offsets are d, w, m (calendar months) and
chain left to right (`{date:today-20d+1m}` = one month after the dose given 20 days ago);
`{reference}` (the flow's own test reference, which is unique per run), `{name}`, `{dob}` (date of
birth as 14/03/1968) or `{dob:%Y-%m-%d}` (any strftime format). Other braces (e.g. JSON in
`/intent{"a": 1}`) are left alone.

Everything is checked up front, so a typo in a flow is reported before any server is started.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bot.dates import format_date, format_day, parse_relative
from bot.plans.model import Patient, PlanFile
from bot.plans.planfile import Problem  # the same FILE:LINE: field: message report as plan files

PlanParser = Callable[[Path, date], PlanFile]

FLOW_KEYS = ("name", "description", "plan", "patient", "signed_in", "turns")
TURN_KEYS = ("user", "expect")
EXPECT_KEYS = ("intent", "action", "contains", "contains_any", "not_contains")
PATIENT_KEYS = ("reference", "name", "date_of_birth")
DEFAULT_DOB_FORMAT = "%d/%m/%Y"  # the form the bot's verification question asks for

_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([^{}]*))?\}")
_PATIENT_PLACEHOLDERS = ("reference", "name", "dob")
_DATE_PLACEHOLDERS = ("date", "day")


class FlowFileError(Exception):
    """One or more flow files are wrong; `problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Expect:
    intent: str | None = None
    actions: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    contains_any: tuple[str, ...] = ()  # at least one of them
    not_contains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Turn:
    user: str
    expect: Expect = field(default_factory=Expect)
    line: int = 0


@dataclass(frozen=True)
class Flow:
    name: str
    source: Path
    line: int
    turns: tuple[Turn, ...]
    signed_in: bool
    plan_path: Path | None = None
    planfile: PlanFile | None = None  # parsed with relative dates resolved against the run's today
    patient: Patient | None = None  # the plan's patient, or the inline patient of a flow without a plan
    description: str | None = None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


# --- placeholders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderContext:
    """What placeholders are filled from: the run's today and the flow's (renamed) patient."""

    today: date
    reference: str | None = None
    name: str | None = None
    date_of_birth: date | None = None


_CHAIN = re.compile(r"^\s*today((?:\s*[+-]\s*\d+\s*[dwm])*)\s*$", re.IGNORECASE)
_TERM = re.compile(r"([+-])\s*(\d+)\s*([dwm])", re.IGNORECASE)


def _date_expr(expr: str, today: date) -> date | None:
    """`today`, `today+21d`, chains applied left to right (`today-20d+1m`: a month after 20 days ago,
    the way the schedule adds an interval to a dose given), or an ISO date."""
    chain = _CHAIN.match(expr)
    if chain:
        current: date | None = today
        for sign, count, unit in _TERM.findall(chain.group(1)):
            current = parse_relative(f"today{sign}{count}{unit}", current)
        return current
    try:
        return date.fromisoformat(expr.strip())
    except ValueError:
        return None


def render(text: str, ctx: RenderContext) -> str:
    """Fill the placeholders of `text`. Unknown `{...}` are left as they are (validation reports them)."""

    def fill(m: re.Match[str]) -> str:
        name, arg = m.group(1), m.group(2)
        if name in _DATE_PLACEHOLDERS and arg is not None:
            d = _date_expr(arg, ctx.today)
            if d is None:
                return m.group(0)
            return format_date(d) if name == "date" else format_day(d)
        if name == "reference" and ctx.reference is not None:
            return ctx.reference
        if name == "name" and ctx.name is not None:
            return ctx.name
        if name == "dob" and ctx.date_of_birth is not None:
            return ctx.date_of_birth.strftime(arg or DEFAULT_DOB_FORMAT)
        return m.group(0)

    return _PLACEHOLDER.sub(fill, text)


def placeholder_problems(text: str, has_patient: bool) -> list[str]:
    """What is wrong with the placeholders of `text` (empty list = fine)."""
    problems = []
    for m in _PLACEHOLDER.finditer(text):
        name, arg = m.group(1), m.group(2)
        if name in _DATE_PLACEHOLDERS:
            if not arg or _date_expr(arg, date(2000, 1, 1)) is None:
                problems.append(
                    f"{m.group(0)}: expected {{{name}:today}}, {{{name}:today+21d}}, {{{name}:today-2w}}, "
                    f"{{{name}:today+1m}} or an ISO date"
                )
        elif name in _PATIENT_PLACEHOLDERS:
            if not has_patient:
                problems.append(f"{m.group(0)}: this flow has no patient (give `plan:` or `patient:`)")
            elif name == "dob" and arg is not None and "%" not in arg:
                problems.append(f"{m.group(0)}: the format must be a strftime format such as %d/%m/%Y")
            elif name != "dob" and arg is not None:
                problems.append(f"{m.group(0)}: {{{name}}} takes no argument")
        else:
            known = ", ".join(["{date:...}", "{day:...}", "{reference}", "{name}", "{dob}"])
            problems.append(f"{m.group(0)}: unknown placeholder (known: {known})")
    return problems


# --- loading ------------------------------------------------------------------------------------


def _default_plan_parser(path: Path, today: date) -> PlanFile:
    from bot.plans.planfile import parse_plan_file  # imported late: unit tests can inject their own

    return parse_plan_file(path, today=today)


class _Collector:
    """Collects problems for one file, so one run reports every mistake in it."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, node: yaml.Node | None, fieldname: str, message: str, line: int | None = None) -> None:
        if line is None:
            line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(str(self.path), line, fieldname, message))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(
    node: yaml.Node, where: str, c: _Collector, keys: tuple[str, ...]
) -> dict[str, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        c.add(node, where, f"expected a mapping (key: value), got {_kind(node)}")
        return None
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in keys:
            allowed = ", ".join(keys)
            c.add(key_node, f"{where}.{key}" if where else str(key), f"unknown key (allowed: {allowed})")
            continue
        if key in out:
            c.add(key_node, f"{where}.{key}" if where else key, "given twice")
            continue
        out[key] = value_node
    return out


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if _is_null(node):
        return "nothing"
    return f"{node.value!r}"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _text(node: yaml.Node, where: str, c: _Collector) -> str | None:
    """A non-empty string (numbers are accepted as text: `contains: [3]`)."""
    if not isinstance(node, yaml.ScalarNode) or _is_null(node) or node.tag.endswith(":bool"):
        c.add(node, where, f"expected text, got {_kind(node)}")
        return None
    if not node.value.strip():
        c.add(node, where, "must not be empty")
        return None
    return node.value


def _texts(node: yaml.Node, where: str, c: _Collector, has_patient: bool | None = None) -> tuple[str, ...]:
    """One text or a list of texts; with `has_patient` given, their placeholders are checked too."""
    items = list(enumerate(node.value)) if isinstance(node, yaml.SequenceNode) else [(None, node)]
    if isinstance(node, yaml.SequenceNode) and not node.value:
        c.add(node, where, "empty list")
    texts = []
    for i, item in items:
        here = where if i is None else f"{where}[{i}]"
        text = _text(item, here, c)
        if text is None:
            continue
        if has_patient is not None:
            for problem in placeholder_problems(text, has_patient):
                c.add(item, here, problem)
        texts.append(text)
    return tuple(texts)


def _bool(node: yaml.Node, where: str, c: _Collector) -> bool | None:
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":bool"):
        return node.value.lower() in ("true", "yes", "on", "y")
    c.add(node, where, f"expected true or false, got {_kind(node)}")
    return None


def _date_value(node: yaml.Node, where: str, c: _Collector, today: date) -> date | None:
    text = node.value if isinstance(node, yaml.ScalarNode) else None
    found = _date_expr(text, today) if text else None
    if found is None:
        c.add(node, where, f"expected a date like 1968-03-14 or today-30d, got {_kind(node)}")
    return found


def _expect(node: yaml.Node, where: str, c: _Collector, has_patient: bool) -> Expect:
    if _is_null(node):
        return Expect()
    fields = _mapping(node, where, c, EXPECT_KEYS)
    if fields is None:
        return Expect()
    intent = _text(fields["intent"], f"{where}.intent", c) if "intent" in fields else None
    actions = _texts(fields["action"], f"{where}.action", c) if "action" in fields else ()
    contains = _texts(fields["contains"], f"{where}.contains", c, has_patient) if "contains" in fields else ()
    any_of = _texts(fields["contains_any"], f"{where}.contains_any", c, has_patient) if "contains_any" in fields else ()
    not_contains = ()
    if "not_contains" in fields:
        not_contains = _texts(fields["not_contains"], f"{where}.not_contains", c, has_patient)
    return Expect(intent=intent, actions=actions, contains=contains, contains_any=any_of, not_contains=not_contains)


def _turns(node: yaml.Node, where: str, c: _Collector, has_patient: bool) -> tuple[Turn, ...]:
    if not isinstance(node, yaml.SequenceNode):
        c.add(node, where, f"expected a list of turns, got {_kind(node)}")
        return ()
    if not node.value:
        c.add(node, where, "needs at least one turn")
    turns = []
    for i, turn_node in enumerate(node.value):
        here = f"{where}[{i}]"
        fields = _mapping(turn_node, here, c, TURN_KEYS)
        if fields is None:
            continue
        if "user" not in fields:
            c.add(turn_node, f"{here}.user", "missing: what the patient types in this turn")
            continue
        user = _text(fields["user"], f"{here}.user", c)
        if user is None:
            continue
        for problem in placeholder_problems(user, has_patient):
            c.add(fields["user"], f"{here}.user", problem)
        expect = Expect()
        if "expect" in fields:
            expect = _expect(fields["expect"], f"{here}.expect", c, has_patient)
        turns.append(Turn(user=user, expect=expect, line=_line(turn_node)))
    return tuple(turns)


def _is_none_plan(node: yaml.Node) -> bool:
    return _is_null(node) or (isinstance(node, yaml.ScalarNode) and node.value.strip().lower() == "none")


def _inline_patient(node: yaml.Node, where: str, c: _Collector, today: date) -> Patient | None:
    fields = _mapping(node, where, c, PATIENT_KEYS)
    if fields is None:
        return None
    missing = [k for k in PATIENT_KEYS if k not in fields]
    for key in missing:
        c.add(node, f"{where}.{key}", "missing")
    if missing:
        return None
    reference = _text(fields["reference"], f"{where}.reference", c)
    name = _text(fields["name"], f"{where}.name", c)
    dob = _date_value(fields["date_of_birth"], f"{where}.date_of_birth", c, today)
    if reference is None or name is None or dob is None:
        return None
    return Patient(reference=reference, name=name, date_of_birth=dob)


def _load_plan(
    node: yaml.Node, where: str, c: _Collector, base: Path, today: date, parse_plan: PlanParser
) -> tuple[Path | None, PlanFile | None]:
    text = _text(node, where, c)
    if text is None:
        return None, None
    path = (base / text).resolve()
    if not path.is_file():
        c.add(node, where, f"no such plan file: {path}")
        return path, None
    try:
        return path, parse_plan(path, today)
    except ImportError:
        raise  # a broken installation is not a problem of this flow file
    except Exception as exc:  # the plan parser's own error lists file, line and field
        problems = getattr(exc, "problems", None)
        detail = "\n".join(f"    {p}" for p in problems) if problems else f"    {exc}"
        c.add(node, where, f"the plan file {text} is not valid:\n{detail}")
        return path, None


def _peek_name(node: yaml.Node) -> str | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == "name" and isinstance(value_node, yaml.ScalarNode):
            return value_node.value.strip() or None
    return None


def _flow(
    node: yaml.Node, index: int, c: _Collector, today: date, parse_plan: PlanParser, names: set[str]
) -> Flow | None:
    where = f"flows[{index}]"
    given_name = _peek_name(node)
    if given_name:
        where = f"{where} ({given_name})"  # staff find a flow by its name faster than by its index
    fields = _mapping(node, where, c, FLOW_KEYS)
    if fields is None:
        return None
    name = _text(fields["name"], f"{where}.name", c) if "name" in fields else None
    if "name" not in fields:
        c.add(node, f"{where}.name", "missing: a short name saying what the flow checks")
    if name is not None:
        if name in names:
            c.add(fields["name"], f"{where}.name", f"another flow in this file is already called {name!r}")
        names.add(name)
    plan_node = fields.get("plan")
    has_plan = plan_node is not None and not _is_none_plan(plan_node)
    plan_path: Path | None = None
    planfile: PlanFile | None = None
    patient: Patient | None = None
    plan_failed = False
    if has_plan:
        plan_path, planfile = _load_plan(plan_node, f"{where}.plan", c, c.path.parent, today, parse_plan)
        plan_failed = planfile is None
        patient = planfile.patient if planfile else None
        if "patient" in fields:
            c.add(fields["patient"], f"{where}.patient", "give `plan:` or `patient:`, not both")
    elif "patient" in fields:
        patient = _inline_patient(fields["patient"], f"{where}.patient", c, today)
    has_patient = patient is not None or plan_failed or "patient" in fields
    signed_in = has_patient
    if "signed_in" in fields:
        given = _bool(fields["signed_in"], f"{where}.signed_in", c)
        if given is not None:
            signed_in = given
        if given and not has_patient:
            c.add(fields["signed_in"], f"{where}.signed_in", "true needs a patient (`plan:` or `patient:`)")
    if "turns" not in fields:
        c.add(node, f"{where}.turns", "missing: the list of turns")
        turns: tuple[Turn, ...] = ()
    else:
        turns = _turns(fields["turns"], f"{where}.turns", c, has_patient)
    description = None
    if "description" in fields:
        description = _text(fields["description"], f"{where}.description", c)
    if name is None:
        return None
    return Flow(
        name=name,
        source=c.path,
        line=_line(node),
        turns=turns,
        signed_in=signed_in,
        plan_path=plan_path,
        planfile=planfile,
        patient=patient,
        description=description,
    )


def parse_flows_text(
    text: str, path: Path | str, today: date, parse_plan: PlanParser | None = None
) -> tuple[list[Flow], list[Problem]]:
    """Parse one flow file's text; returns the flows and every problem found (both may be non-empty)."""
    c = _Collector(Path(path))
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        c.add(None, "yaml", f"not valid YAML: {problem}", line=line)
        return [], c.problems
    if root is None:
        c.add(None, "flows", "the file is empty; expected `flows:` with a list of flows")
        return [], c.problems
    top = _mapping(root, "", c, ("flows",))
    if top is None:
        return [], c.problems
    if "flows" not in top:
        c.add(root, "flows", "missing: the file must start with `flows:`")
        return [], c.problems
    flows_node = top["flows"]
    if not isinstance(flows_node, yaml.SequenceNode) or not flows_node.value:
        c.add(flows_node, "flows", f"expected a non-empty list of flows, got {_kind(flows_node)}")
        return [], c.problems
    names: set[str] = set()
    flows = []
    for i, node in enumerate(flows_node.value):
        flow = _flow(node, i, c, today, parse_plan or _default_plan_parser, names)
        if flow is not None:
            flows.append(flow)
    return flows, c.problems


def flow_files(paths: Iterable[Path | str]) -> list[Path]:
    """Expand directories into their `*.yml`/`*.yaml` files (not recursive: `fixtures/` holds plans)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.suffix in (".yml", ".yaml") and f.is_file()))
        else:
            files.append(p)
    return files


def load_flows(paths: Iterable[Path | str], today: date, parse_plan: PlanParser | None = None) -> list[Flow]:
    """Load every flow of `paths` (files or directories). Raises FlowFileError listing every problem."""
    problems: list[Problem] = []
    flows: list[Flow] = []
    files = flow_files(paths)
    if not files:
        raise FlowFileError([Problem("<arguments>", 0, "paths", "no flow files given")])
    for path in files:
        if not path.is_file():
            problems.append(Problem(str(path), 0, "file", "no such file"))
            continue
        found, file_problems = parse_flows_text(path.read_text(encoding="utf-8"), path, today, parse_plan)
        flows.extend(found)
        problems.extend(file_problems)
    if problems:
        raise FlowFileError(problems)
    return flows

