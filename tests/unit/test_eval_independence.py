"""The evaluation sets were written apart from the training data and must stay apart: no exact or near
duplicate (token Jaccard >= 0.8) of any evaluation message may appear in data/nlu/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.paths import ROOT

ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<label>[^)]+)\)")
NEAR = 0.8


def _tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", ANNOTATION.sub(lambda m: m["text"], text).lower()))


def _nlu_examples(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [line[2:].strip() for section in document.get("nlu", []) if "intent" in section
            for line in section["examples"].splitlines() if line.startswith("- ")]


def _training() -> list[frozenset[str]]:
    return [t for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) for t in map(_tokens, _nlu_examples(path)) if t]


CONVERSATION_SETS = ("conversation_eval", "conversation_eval_b", "conversation_eval_c", "conversation_eval_d",
                     "conversation_eval_e", "conversation_eval_f")


def _eval_sets() -> dict[str, list[str]]:
    """Every message of every independent set: NLU held-out, red flags and dose requests (A to D), and the
    patients' turns of the conversation sets (A to F)."""
    tests = ROOT / "tests"
    sets = {f"nlu/{path.name}": _nlu_examples(path) for path in sorted((tests / "nlu").glob("*.yml"))}
    for folder in ("safety_eval", "safety_eval_b", "safety_eval_c", "safety_eval_d"):
        for path in sorted((tests / folder).glob("*.yml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            sets[f"{folder}/{path.name}"] = [entry["text"] for entries in document.values() for entry in entries]
    for folder in CONVERSATION_SETS:
        for path in sorted((tests / folder).glob("*.yml")):
            flows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("flows") or []
            sets[f"{folder}/{path.name}"] = [str(turn["user"]) for flow in flows for turn in flow.get("turns", [])
                                             if "{" not in str(turn.get("user", "{"))]
    return sets


TRAINING = _training()


def test_the_evaluation_sets_are_there_and_large_enough():
    sets = _eval_sets()
    assert len(sets["nlu/heldout.yml"]) >= 500
    assert len(sets["nlu/heldout_real_world.yml"]) >= 150
    for folder in ("safety_eval", "safety_eval_b", "safety_eval_c", "safety_eval_d"):
        assert len(sets[f"{folder}/red_flags.yml"]) >= 300
        assert len(sets[f"{folder}/dose_requests.yml"]) >= 200
    for folder in CONVERSATION_SETS:
        assert sum(len(v) for k, v in sets.items() if k.startswith(folder + "/")) >= 150


@pytest.mark.parametrize("name", sorted(_eval_sets()))
def test_no_evaluation_message_is_in_the_training_data(name):
    overlaps = []
    for text in _eval_sets()[name]:
        tokens = _tokens(text)
        if tokens and any(len(tokens & t) / len(tokens | t) >= NEAR for t in TRAINING):
            overlaps.append(text)
    assert not overlaps, f"{len(overlaps)} messages of {name} are (near) duplicates of training examples"
