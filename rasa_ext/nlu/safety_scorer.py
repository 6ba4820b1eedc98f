"""The red-flag and dose-change scorer: the learned half of the safety screen (bot/safety/scores.py says how
its scores may change what the rules found).

Two logistic regressions over the same features as the intent classifier (the MiniLM embedding of the message
as written, word and character n-gram TF-IDF of its normalised text, bot.safety.text.normalise, so look-alike
letters and leetspeak read as letters), with balanced class weights:
- red flags: urgent / check / not_urgent;
- dose changes: dose / not.

Training phrasings: the development sets in ``data/safety/*.yml`` (written by helpers who saw neither the rules
nor any evaluation set; urgent, check and not_urgent, dose_change and not_dose_change), plus the NLU examples
(``report_emergency`` counts as urgent and ``request_dose_change`` as a dose change, every other intent as
neither). No evaluation phrasing is among them (tests/unit/test_eval_independence.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.safety.scores import Scores
from bot.safety.text import normalise
from rasa_ext.nlu.classifier import IntentModel

URGENT, CHECK, NOT_URGENT = "urgent", "check", "not_urgent"
DOSE, NOT_DOSE = "dose", "not"
_PARTS = {"urgent": URGENT, "check": CHECK, "not_urgent": NOT_URGENT}


@dataclass
class TrainingSet:
    red_texts: list[str] = field(default_factory=list)
    red_labels: list[str] = field(default_factory=list)
    dose_texts: list[str] = field(default_factory=list)
    dose_labels: list[str] = field(default_factory=list)

    def add_red(self, texts: Iterable[str], label: str) -> None:
        texts = list(texts)
        self.red_texts += texts
        self.red_labels += [label] * len(texts)

    def add_dose(self, texts: Iterable[str], label: str) -> None:
        texts = list(texts)
        self.dose_texts += texts
        self.dose_labels += [label] * len(texts)


class TrainingFileError(ValueError):
    """A file of data/safety/ is not what the scorer reads (the message names the file and the part)."""


def read_training_file(path: Path) -> dict[str, list[str]]:
    """The phrasings of one development file, by part (urgent, check, not_urgent, dose_change, not_dose_change)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise TrainingFileError(f"{path}: expected parts such as 'urgent:' and 'not_urgent:' at the top level")
    known = (*_PARTS, "dose_change", "not_dose_change")
    parts: dict[str, list[str]] = {}
    for part, entries in document.items():
        if part not in known:
            raise TrainingFileError(f"{path}: unknown part {part!r} (known: {', '.join(known)})")
        if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("text"), str)
                                                    for e in entries):
            raise TrainingFileError(f"{path}: {part}: every entry needs a text")
        parts[part] = [entry["text"] for entry in entries]
    return parts


def training_set(nlu_examples: Sequence[tuple[str, str]], files: Sequence[Path]) -> TrainingSet:
    """The two models' phrasings and labels from the NLU examples (text, intent) and the development files."""
    data = TrainingSet()
    for text, intent in nlu_examples:
        data.add_red([text], URGENT if intent == "report_emergency" else NOT_URGENT)
        data.add_dose([text], DOSE if intent == "request_dose_change" else NOT_DOSE)
    for path in files:
        parts = read_training_file(path)
        for part, label in _PARTS.items():
            data.add_red(parts.get(part, []), label)
            data.add_dose(parts.get(part, []), NOT_DOSE)  # symptoms are not dose requests
        data.add_red(parts.get("dose_change", []) + parts.get("not_dose_change", []), NOT_URGENT)
        data.add_dose(parts.get("dose_change", []), DOSE)
        data.add_dose(parts.get("not_dose_change", []), NOT_DOSE)
    return data


_SPACES = re.compile(r"\s+")


class SafetyScorer:
    """Fit on a TrainingSet; `scores(texts)` gives one Scores per text."""

    def __init__(self, encoder: Any, red_C: float = 10.0, dose_C: float = 1.0, seed: int = 42) -> None:
        self.encoder = encoder
        self.red = IntentModel(None, C=red_C, class_weight="balanced", seed=seed)
        self.dose = IntentModel(None, C=dose_C, class_weight="balanced", seed=seed)

    def _inputs(self, texts: Sequence[str]) -> tuple[list[str], Any]:
        # the embedding of the text as written (shared with the classifier's cache), n-grams of the normalised
        return [_SPACES.sub(" ", normalise(t)).strip() for t in texts], self.encoder.encode(list(texts))

    def fit(self, data: TrainingSet) -> SafetyScorer:
        if len(set(data.red_labels)) < 2 or len(set(data.dose_labels)) < 2:
            raise ValueError("the safety scorer needs examples of every label (urgent/not_urgent, dose/not)")
        self.red.fit(*self._pair(data.red_texts, data.red_labels))
        self.dose.fit(*self._pair(data.dose_texts, data.dose_labels))
        return self

    def _pair(self, texts: list[str], labels: list[str]) -> tuple[list[str], list[str], Any]:
        normalised, dense = self._inputs(texts)
        return normalised, labels, dense

    def scores(self, texts: Sequence[str]) -> list[Scores]:
        if not texts:
            return []
        normalised, dense = self._inputs(texts)
        red = self.red.predict(normalised, dense)
        dose = self.dose.predict(normalised, dense)
        out = []
        for r, d in zip(red, dose, strict=True):
            r_probs, d_probs = dict(r.ranking), dict(d.ranking)
            out.append(Scores(urgent=r_probs.get(URGENT, 0.0), check=r_probs.get(CHECK, 0.0),
                              dose=d_probs.get(DOSE, 0.0)))
        return out

    def __getstate__(self) -> dict[str, Any]:  # the encoder's weights stay in models/minilm
        return {**self.__dict__, "encoder": None}
