"""Which intents, actions, responses and rules the flows exercised, and which were never reached.

Staff read this after a run to see what the flows do not test yet. Everything is computed from the
trackers' events, so it counts what the bot really did, not what the flow files say.

A rule counts as exercised when its steps occur in order in one flow's events. Between the steps, only
events a rule never spells out may come in between: `action_listen`, slot events and loop events
(unless the rule names them). Slot steps (`slot_was_set`) must be among the slot events that follow
the previous step; rule `condition`s are not checked.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Token = tuple[str, Any, Any]  # (kind, name, value): ("intent", "greet", None), ("slot", "x", True)
_NO_VALUE = object()


@dataclass(frozen=True)
class Section:
    """One kind of thing (intents, actions...): what was reached and what never was."""

    title: str
    exercised: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.exercised) + len(self.missing)


@dataclass(frozen=True)
class Coverage:
    intents: Section
    actions: Section
    responses: Section
    rules: Section

    @property
    def sections(self) -> tuple[Section, ...]:
        return (self.intents, self.actions, self.responses, self.rules)


# --- reading the domain and the rules ----------------------------------------------------------------


def _yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
    return [path]


def _names(items: Iterable[Any]) -> list[str]:
    """Domain lists hold names or one-key mappings (`- greet: {use_entities: []}`)."""
    names = []
    for item in items or ():
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            names.extend(str(k) for k in item)
    return names


def load_domain(path: Path | str) -> dict[str, list[str]]:
    """Intents, actions (custom actions and forms) and responses of a domain file or directory."""
    found: dict[str, list[str]] = {"intents": [], "actions": [], "responses": []}
    for file in _yaml_files(Path(path)):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        found["intents"] += _names(data.get("intents"))
        found["actions"] += _names(data.get("actions")) + list((data.get("forms") or {}).keys())
        found["responses"] += list((data.get("responses") or {}).keys())
    return {k: list(dict.fromkeys(v)) for k, v in found.items()}


def load_rules(path: Path | str) -> list[dict[str, Any]]:
    """Every rule (`rule:` name + `steps:`) of a rules file or directory."""
    rules: list[dict[str, Any]] = []
    for file in _yaml_files(Path(path)):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        rules += [r for r in data.get("rules") or () if isinstance(r, dict) and "rule" in r]
    return rules


# --- events as tokens, rules as patterns ----------------------------------------------------------------


def event_tokens(events: Sequence[dict[str, Any]]) -> list[Token]:
    tokens: list[Token] = []
    for e in events:
        kind = e.get("event")
        if kind == "user":
            intent = ((e.get("parse_data") or {}).get("intent") or {}).get("name")
            tokens.append(("intent", intent, None))
        elif kind == "action":
            tokens.append(("action", e.get("name"), None))
        elif kind == "slot":
            tokens.append(("slot", e.get("name"), e.get("value")))
        elif kind == "active_loop":
            tokens.append(("loop", e.get("name"), None))
    return tokens


def _step_matcher(step: dict[str, Any]) -> tuple[str, Any] | None:
    """("one", {tokens}) for intent/action/loop/or steps, ("slots", {name: value}) for slot steps."""
    if "intent" in step:
        return "one", {("intent", step["intent"], None)}
    if "action" in step:
        return "one", {("action", step["action"], None)}
    if "active_loop" in step:
        return "one", {("loop", step["active_loop"], None)}
    if "or" in step:
        options = set()
        for option in step["or"] or ():
            matcher = _step_matcher(option)
            if matcher and matcher[0] == "one":
                options |= matcher[1]
        return ("one", options) if options else None
    if "slot_was_set" in step:
        wanted: dict[str, Any] = {}
        for item in step["slot_was_set"] or ():
            if isinstance(item, dict):
                wanted.update(item)
            else:
                wanted[str(item)] = _NO_VALUE
        return "slots", wanted
    return None  # checkpoints, user text: not checked


def rule_pattern(rule: dict[str, Any]) -> list[tuple[str, Any]]:
    """The rule's steps as matchers; consecutive slot steps merge (their order in events is free)."""
    pattern: list[tuple[str, Any]] = []
    for step in rule.get("steps") or ():
        matcher = _step_matcher(step) if isinstance(step, dict) else None
        if matcher is None:
            continue
        if matcher[0] == "slots" and pattern and pattern[-1][0] == "slots":
            pattern[-1] = ("slots", {**pattern[-1][1], **matcher[1]})
        else:
            pattern.append(matcher)
    return pattern


def _hits(token: Token, wanted: set[Token]) -> bool:
    return token[0] != "slot" and token in wanted  # slot values may be unhashable lists


def _skippable(token: Token) -> bool:
    return token[0] in ("slot", "loop") or token == ("action", "action_listen", None)


def _slots_follow(tokens: Sequence[Token], j: int, wanted: dict[str, Any]) -> bool:
    """The slot/loop events from `j` up to the next intent or action include every wanted slot value."""
    seen: dict[str, Any] = {}
    while j < len(tokens) and tokens[j][0] in ("slot", "loop"):
        if tokens[j][0] == "slot":
            seen[tokens[j][1]] = tokens[j][2]
        j += 1
    return all(name in seen and (value is _NO_VALUE or seen[name] == value) for name, value in wanted.items())


def _match_at(tokens: Sequence[Token], start: int, pattern: Sequence[tuple[str, Any]]) -> bool:
    j = start
    for kind, wanted in pattern:
        if kind == "slots":
            if not _slots_follow(tokens, j, wanted):
                return False
            continue
        while j < len(tokens) and not _hits(tokens[j], wanted):
            if not _skippable(tokens[j]):
                return False
            j += 1
        if j == len(tokens):
            return False
        j += 1
    return True


def rule_exercised(rule: dict[str, Any], tokens: Sequence[Token]) -> bool:
    pattern = rule_pattern(rule)
    if not pattern:
        return False
    first_kind, first = pattern[0]
    if first_kind == "slots":
        return any(_match_at(tokens, i, pattern) for i in range(len(tokens)))
    return any(_match_at(tokens, i, pattern) for i, t in enumerate(tokens) if _hits(t, first))


# --- putting it together ------------------------------------------------------------------------------


def _section(title: str, universe: Sequence[str], reached: set[str]) -> Section:
    return Section(
        title=title,
        exercised=tuple(n for n in universe if n in reached),
        missing=tuple(n for n in universe if n not in reached),
    )


def compute_coverage(
    event_lists: Iterable[Sequence[dict[str, Any]]],
    domain: dict[str, list[str]],
    rules: Sequence[dict[str, Any]],
) -> Coverage:
    """Coverage of `domain` (see load_domain) and `rules` by trackers' events (one list per flow)."""
    intents: set[str] = set()
    actions: set[str] = set()
    responses: set[str] = set()
    token_lists = []
    for events in event_lists:
        tokens = event_tokens(events)
        token_lists.append(tokens)
        intents |= {t[1] for t in tokens if t[0] == "intent" and t[1]}
        actions |= {t[1] for t in tokens if t[0] == "action" and t[1]}
        for e in events:
            if e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action"):
                responses.add(e["metadata"]["utter_action"])
    responses |= {a for a in actions if a.startswith("utter_")}
    # a form's validation action runs inside the form; the tracker only logs the form itself
    actions |= {f"validate_{a}" for a in actions}
    rule_names = [str(r["rule"]) for r in rules]
    reached_rules = {
        str(r["rule"]) for r in rules if any(rule_exercised(r, tokens) for tokens in token_lists)
    }
    return Coverage(
        intents=_section("intents", domain.get("intents", []), intents),
        actions=_section("actions", domain.get("actions", []), actions),
        responses=_section("responses", domain.get("responses", []), responses),
        rules=_section("rules", list(dict.fromkeys(rule_names)), reached_rules),
    )


def coverage_of(
    event_lists: Iterable[Sequence[dict[str, Any]]],
    domain_path: Path | str = "domain.yml",
    rules_path: Path | str = "data/rules.yml",
) -> Coverage:
    """compute_coverage with the domain and rules read from files (missing rules file = no rules)."""
    rules = load_rules(rules_path) if Path(rules_path).exists() else []
    return compute_coverage(event_lists, load_domain(domain_path), rules)


def format_coverage(coverage: Coverage) -> str:
    """The coverage block printed after the flow report (rule names may hold commas: one per line)."""
    lines = ["Coverage (what the flows exercised):"]
    for s in coverage.sections:
        lines.append(f"  {s.title:<10} {len(s.exercised)}/{s.total} exercised")
        if not s.missing:
            continue
        if s.title == "rules":
            lines.append("    never reached:")
            lines += [f"      - {name}" for name in s.missing]
        else:
            text = "never reached: " + ", ".join(s.missing)
            lines += textwrap.wrap(text, width=106, initial_indent="    ", subsequent_indent="      ")
    return "\n".join(lines)
