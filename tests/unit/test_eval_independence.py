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


def _eval_sets() -> dict[str, list[str]]:
    sets = {path.name: _nlu_examples(path) for path in sorted((ROOT / "tests" / "nlu").glob("*.yml"))}
    for path in sorted((ROOT / "tests" / "safety_eval").glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        sets[path.name] = [entry["text"] for entries in document.values() for entry in entries]
    return sets


TRAINING = _training()


def test_the_evaluation_sets_are_there_and_large_enough():
    sets = _eval_sets()
    assert len(sets["heldout.yml"]) >= 500
    assert len(sets["heldout_real_world.yml"]) >= 150
    assert len(sets["red_flags.yml"]) >= 300
    assert len(sets["dose_requests.yml"]) >= 200


@pytest.mark.parametrize("name", sorted(_eval_sets()))
def test_no_evaluation_message_is_in_the_training_data(name):
    overlaps = []
    for text in _eval_sets()[name]:
        tokens = _tokens(text)
        if tokens and any(len(tokens & t) / len(tokens | t) >= NEAR for t in TRAINING):
            overlaps.append(text)
    assert not overlaps, f"{len(overlaps)} messages of {name} are (near) duplicates of training examples"
