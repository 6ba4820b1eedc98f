"""Figures of the deterministic safety detectors on the independent evaluation sets (tests/safety_eval/).

`python -m ops.safety_report [--set-b|...|--set-g] [--pipeline] [--misses]` prints, per set and per
kind: red-flag
recall (urgent advice on the urgent set),
checks and alarms on the check set, false alarms and checks on the non-urgent set; dose-change recall and
false positives. The tests in tests/unit/test_safety_eval.py hold the same figures to their targets.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

import yaml

from bot.paths import ROOT
from bot.safety import Screen, screen
from bot.safety.scores import earns_check

SETS = ROOT / "tests" / "safety_eval"
SET_B = ROOT / "tests" / "safety_eval_b"  # written later; measured blind once, then used to improve the detector
SET_C = ROOT / "tests" / "safety_eval_c"  # held out until 2026-12-02, then its misses were used too
SET_D = ROOT / "tests" / "safety_eval_d"  # held out until 2026-12-03, then its misses were used too
SET_E = ROOT / "tests" / "safety_eval_e"  # never used to improve the detector: held-out figures
SET_F = ROOT / "tests" / "safety_eval_f"  # written after the scorer, never used to improve anything: held out
SET_G = ROOT / "tests" / "safety_eval_g"  # written 2026-12-03, never used to improve anything: held out


@dataclass
class Tally:
    total: int = 0
    hits: int = 0
    by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


def load(name: str, folder=SETS) -> dict[str, list[dict]]:
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


_PARSER = None  # with --pipeline: the trained NLU, so the scorer's scores count as they do in chat


def use_pipeline(parser) -> None:
    """Measure what the trained NLU passes to the conversation (rules and scorer), or the rules alone (None)."""
    global _PARSER
    _PARSER = parser
    _parsed.cache_clear()


@cache
def _parsed(text: str) -> dict:
    return _PARSER.parse(text)


def _screen(text: str) -> Screen:
    """The rules alone, or (with --pipeline) what the trained NLU passes to the conversation."""
    if _PARSER is None:
        return screen(text)
    return Screen.from_dict(_parsed(text).get("b12_screen")) or Screen()


def outcome(text: str) -> str:
    result = _screen(text)
    if result.red_flag:
        return "urgent"
    if result.check:
        return "check"
    if _PARSER is not None and earns_check(result, float(_parsed(text).get("b12_suspected_emergency") or 0.0)):
        return "check"  # as the conversation decides it for a message that opens a conversation
    return "none"


def red_flag_figures(folder=SETS) -> dict[str, dict[str, Tally]]:
    figures: dict[str, dict[str, Tally]] = {}
    for part, entries in load("red_flags.yml", folder).items():
        tallies = {"urgent": Tally(), "check": Tally(), "none": Tally()}
        for entry in entries:
            got = outcome(entry["text"])
            for name, tally in tallies.items():
                tally.total += 1
                tally.by_kind[entry["kind"]][got] += 1
                if got == name:
                    tally.hits += 1
                elif name == {"urgent": "urgent", "check": "check", "not_urgent": "none"}[part]:
                    tally.misses.append(entry["text"])
        figures[part] = tallies
    return figures


def dose_figures(folder=SETS) -> dict[str, Tally]:
    figures = {}
    for part, entries in load("dose_requests.yml", folder).items():
        tally = Tally()
        for entry in entries:
            tally.total += 1
            flagged = _screen(entry["text"]).dose_request
            tally.hits += flagged
            if flagged != (part == "dose_change"):
                tally.misses.append(entry["text"])
            tally.by_kind[entry["kind"]]["flagged" if flagged else "not"] += 1
        figures[part] = tally
    return figures


def main(show_misses: bool = False, folder=SETS) -> None:
    print(f"== {folder.relative_to(ROOT)}")
    red = red_flag_figures(folder)
    u, c, n = red["urgent"], red["check"], red["not_urgent"]
    print(f"red flags, urgent set ({u['urgent'].total}): urgent advice {u['urgent'].rate:.1%}, "
          f"check question {u['check'].rate:.1%}, nothing {u['none'].rate:.1%}")
    print(f"red flags, check set ({c['check'].total}): check question {c['check'].rate:.1%}, "
          f"urgent advice {c['urgent'].rate:.1%}, nothing {c['none'].rate:.1%}")
    print(f"red flags, non-urgent set ({n['none'].total}): false alarms {n['urgent'].rate:.1%}, "
          f"check question {n['check'].rate:.1%}, nothing {n['none'].rate:.1%}")
    dose = dose_figures(folder)
    print(f"dose-change requests ({dose['dose_change'].total}): recall {dose['dose_change'].rate:.1%}; "
          f"not requests ({dose['not_dose_change'].total}): flagged {dose['not_dose_change'].rate:.1%}")
    if show_misses:
        for label, tally in [("urgent not flagged", u["urgent"]), ("non-urgent flagged", n["none"]),
                             ("dose requests missed", dose["dose_change"]),
                             ("dose false positives", dose["not_dose_change"])]:
            print(f"\n{label}:")
            for text in tally.misses:
                print("  -", text)


if __name__ == "__main__":
    flags = (("--set-g", SET_G), ("--set-f", SET_F), ("--set-e", SET_E), ("--set-d", SET_D), ("--set-c", SET_C),
             ("--set-b", SET_B))
    chosen = next((folder for flag, folder in flags if flag in sys.argv), SETS)
    if "--pipeline" in sys.argv:  # the whole chat pipeline: the rules, then the scorer (bot/safety/scores.py)
        from ops.nlu_report import Parser
        from ops.training import latest_model

        use_pipeline(Parser(latest_model()))
        print("(pipeline: the rules and the trained scorer, as the conversation sees them)")
    main(show_misses="--misses" in sys.argv, folder=chosen)
