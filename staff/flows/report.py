"""The pass/fail report staff read, and JUnit XML for CI.

For a failing flow the report shows the FIRST difference in full (turn number, the line in the flow
file, what the patient typed, what was expected, what the bot said): later turns often fail only
because of the first one. `verbose` lists every difference.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from staff.flows.runner import FlowResult, TurnOutcome


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines() or [""])


def describe_turn(turn: TurnOutcome, source: Path) -> str:
    """One failing turn: where, what was sent, each difference, and what the bot did and said."""
    lines = [f'turn {turn.number} ({source}:{turn.line}): user said "{turn.user}"']
    lines += [f"  - {d}" for d in turn.differences]
    conf = f" ({turn.confidence:.2f})" if isinstance(turn.confidence, (int, float)) else ""
    lines.append(f"  intent: {turn.intent or 'none'}{conf}; ran: {', '.join(turn.actions) or 'nothing'}")
    lines.append("  bot said:")
    lines.append(_indent(turn.reply or "(nothing)", "    | "))
    return "\n".join(lines)


def first_difference(result: FlowResult) -> str | None:
    """The message a failing flow is summed up by (None when it passed)."""
    if result.error:
        done = f" after {len(result.turns)} turn(s)" if result.turns else ""
        return f"could not run{done}: {result.error}"
    failing = result.failing_turns
    if not failing:
        return None
    return describe_turn(failing[0], result.flow.source)


def holding_replies(results: Sequence[FlowResult]) -> tuple[int, int]:
    """(replies that hold every expectation, replies checked): the figure the evaluation sets report."""
    return sum(1 for r in results for t in r.turns if not t.differences), sum(len(r.turns) for r in results)


def format_report(results: Sequence[FlowResult], verbose: bool = False) -> str:
    lines = []
    for r in results:
        status = "PASS" if r.passed else ("ERROR" if r.error else "FAIL")
        where = f"{r.flow.where}, {len(r.flow.turns)} turns, {r.seconds:.1f} s"
        lines.append(f"{status:<5} {r.flow.name}  ({where})")
        if r.passed:
            continue
        lines.append(_indent(first_difference(r) or "", "      "))
        later = r.failing_turns[1:] if not r.error else r.failing_turns
        if later and verbose:
            for turn in later:
                lines.append(_indent(describe_turn(turn, r.flow.source), "      "))
        elif later:
            numbers = ", ".join(str(t.number) for t in later)
            turns = "turn" if len(later) == 1 else "turns"
            verb = "differs" if len(later) == 1 else "differ"
            lines.append(f"      ({turns} {numbers} also {verb}; --verbose shows them)")
    passed = sum(r.passed for r in results)
    holding, turns = holding_replies(results)
    lines.append("")
    lines.append(
        f"{passed} passed, {len(results) - passed} failed, {len(results)} flows, {turns} turns"
        f" in {sum(r.seconds for r in results):.1f} s (flow time)"
    )
    if turns:
        lines.append(f"replies holding their expectations: {holding}/{turns} ({100 * holding / turns:.1f}%)")
    return "\n".join(lines)


def junit_xml(results: Sequence[FlowResult]) -> bytes:
    """One <testcase> per flow, grouped by flow file, with the first difference as the failure message."""
    failures = sum(1 for r in results if not r.passed and not r.error)
    errors = sum(1 for r in results if r.error)
    suite = ET.Element(
        "testsuite",
        name="flows",
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite, "testcase", classname=r.flow.source.stem, name=r.flow.name, time=f"{r.seconds:.3f}"
        )
        if r.passed:
            continue
        message = first_difference(r) or ""
        tag = "error" if r.error else "failure"
        element = ET.SubElement(case, tag, message=message.splitlines()[0])
        details = [message] + [describe_turn(t, r.flow.source) for t in r.failing_turns[1:]]
        element.text = "\n\n".join(details)
        ET.SubElement(case, "system-out").text = f"sender: {r.sender}\nreference: {r.reference}"
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)


def write_junit(results: Sequence[FlowResult], path: Path | str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(junit_xml(results))
