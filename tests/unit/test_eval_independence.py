"""The evaluation sets were written apart from the training and development data and must stay apart: no exact
or near duplicate (token Jaccard >= 0.8) of any evaluation message may appear in data/nlu/ or in the development
phrasings the detectors and reading rules are improved on and the red-flag scorer is trained on
(data/safety/, tests/conversation_dev*/)."""

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


def _flow_turns(path: Path) -> list[str]:
    flows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("flows") or []
    return [str(turn["user"]) for flow in flows for turn in flow.get("turns", [])
            if "{" not in str(turn.get("user", "{"))]


def _development() -> list[str]:
    tests = ROOT / "tests"
    return _safety_training() + [t for folder in ("conversation_dev", "conversation_dev_2", "conversation_dev_3",
                                                                "conversation_dev_4", "conversation_dev_5")
                    for path in sorted((tests / folder).glob("*.yml")) for t in _flow_turns(path)]


def _safety_training() -> list[str]:
    """The red-flag and dose-change scorer's own training phrasings (data/safety/, development sets)."""
    texts = []
    for path in sorted((ROOT / "data" / "safety").glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [entry["text"] for entries in document.values() for entry in entries]
    return texts


def _training() -> list[frozenset[str]]:
    return [t for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) for t in map(_tokens, _nlu_examples(path)) if t]


# never used to improve the bot
HELD_OUT = ("safety_eval_e", "safety_eval_f", "safety_eval_g", "conversation_eval_g", "conversation_eval_h")
SHORT = 6  # fragments shorter than this ("and after that?", "yes please") are common to any two chats


CONVERSATION_SETS = ("conversation_eval", "conversation_eval_b", "conversation_eval_c", "conversation_eval_d",
                     "conversation_eval_e", "conversation_eval_f", "conversation_eval_g", "conversation_eval_h")
SAFETY_SETS = ("safety_eval", "safety_eval_b", "safety_eval_c", "safety_eval_d", "safety_eval_e", "safety_eval_f",
               "safety_eval_g")


def _eval_sets() -> dict[str, list[str]]:
    """Every message of every independent set: NLU held-out, red flags and dose requests (A to E), and the
    patients' turns of the conversation sets (A to G)."""
    tests = ROOT / "tests"
    sets = {f"nlu/{path.name}": _nlu_examples(path) for path in sorted((tests / "nlu").glob("*.yml"))}
    for folder in SAFETY_SETS:
        for path in sorted((tests / folder).glob("*.yml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            sets[f"{folder}/{path.name}"] = [entry["text"] for entries in document.values() for entry in entries]
    for folder in CONVERSATION_SETS:
        for path in sorted((tests / folder).glob("*.yml")):
            sets[f"{folder}/{path.name}"] = _flow_turns(path)
    return sets


def _by_size(token_sets: list[frozenset[str]]) -> dict[int, list[frozenset[str]]]:
    index: dict[int, list[frozenset[str]]] = {}
    for tokens in token_sets:
        index.setdefault(len(tokens), []).append(tokens)
    return index


def _near_any(tokens: frozenset[str], index: dict[int, list[frozenset[str]]]) -> bool:
    """A Jaccard of NEAR needs sizes within NEAR of each other, so only those are compared."""
    size = len(tokens)
    return any(len(tokens & t) / len(tokens | t) >= NEAR
               for n in range(int(size * NEAR), int(size / NEAR) + 1) for t in index.get(n, ()))


TRAINING = _by_size(_training())
SAFETY_TRAINING = _by_size([t for t in map(_tokens, _safety_training()) if t])
DEVELOPMENT = _by_size([t for t in map(_tokens, _development()) if len(t) >= SHORT])
EVAL_SETS = _eval_sets()


def test_the_evaluation_sets_are_there_and_large_enough():
    sets = _eval_sets()
    assert len(sets["nlu/heldout.yml"]) >= 500
    assert len(sets["nlu/heldout_real_world.yml"]) >= 150
    for folder in SAFETY_SETS:
        assert len(sets[f"{folder}/red_flags.yml"]) >= 300
        assert len(sets[f"{folder}/dose_requests.yml"]) >= 200
    for folder in CONVERSATION_SETS:
        assert sum(len(v) for k, v in sets.items() if k.startswith(folder + "/")) >= 150


@pytest.mark.parametrize("name", sorted(_eval_sets()))
def test_no_evaluation_message_is_in_the_training_data(name):
    overlaps = []
    for text in EVAL_SETS[name]:
        tokens = _tokens(text)
        if tokens and _near_any(tokens, TRAINING):
            overlaps.append(text)
        elif name.startswith("safety_eval") and tokens and _near_any(tokens, SAFETY_TRAINING):
            overlaps.append(text)  # the scorer is measured on the safety sets: none of them may be in its data
        elif name.split("/")[0] in HELD_OUT and len(tokens) >= SHORT and _near_any(tokens, DEVELOPMENT):
            overlaps.append(text)  # the development phrasings must not stand in for a held-out set
    assert not overlaps, f"{len(overlaps)} messages of {name} are (near) duplicates of training examples"
