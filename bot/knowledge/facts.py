"""Sourced regimen facts: loading, validation, and the figure detector the guards share.

Facts live in `facts.yml` so clinical reviewers can read and edit them without touching code.
The loader refuses a file whose text states a figure its `figures` list does not declare (or the
reverse), because rule 4 of DESIGN.md ("no dose figure that is not in the plan or the knowledge
module") is only checkable if every figure a fact states is recorded with that fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

FACTS_PATH = Path(__file__).with_name("facts.yml")

SEED_DOCUMENT = "b12-injection-dosage.txt"
GUIDELINE_DOCUMENT = "guideline-facts.md"
SOURCE_DOCUMENTS: tuple[str, ...] = (SEED_DOCUMENT, GUIDELINE_DOCUMENT)

_FACT_KEYS = {"id", "topic", "figures", "text", "source"}
_SOURCE_KEYS = {"document", "section", "evidence", "cites"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class FactsError(ValueError):
    """facts.yml breaks one of its rules; the message names the fact and the rule."""


@dataclass(frozen=True)
class Source:
    document: str  # one of SOURCE_DOCUMENTS
    section: str  # heading in that document
    evidence: str  # short exact excerpt from that section the fact rests on
    cites: str = ""  # the authority behind a guideline bullet (for reviewers)


@dataclass(frozen=True)
class Fact:
    id: str
    topic: str
    figures: tuple[str, ...]
    text: str
    source: Source


# --- figures ------------------------------------------------------------------------------------------

_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half"
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:{_NUMBER_WORDS}))"
_RANGE = rf"{_NUMBER}(?:\s*(?:-|–|—|to|or)\s*{_NUMBER})?"
_UNIT = (
    r"(?:times?\s+(?:a|per|each|every)\s+(?:day|week|month)|times?\s+(?:daily|weekly|monthly)"
    r"|mcg|micrograms?|µg|μg|mg|milligrams?|ml|millilit(?:re|er)s?|iu|units?"
    r"|weeks?|months?|days?|hours?|hrs?|h|years?|doses?|injections?|shots?|tablets?"
    r"|%|per\s*cent|percent)"
)
_FIGURE = re.compile(
    rf"(?<![\w.,])(?:{_RANGE})\s*{_UNIT}(?![A-Za-z])"
    r"|\btwice\s+(?:a|per|each|every)\s+(?:day|week|month)\b|\btwice\s+(?:daily|weekly|monthly)\b",
    re.IGNORECASE,
)


def figures_in(text: str) -> tuple[str, ...]:
    """Every number-with-unit stated in `text` ("1,000 mcg", "2–3 months", "3 times a week", "72 hours").

    Deliberately broad (spelled-out numbers, ranges, dose counts) so a guard built on it errs towards
    flagging; "B12" is not a figure because the digits are glued to a letter.
    """
    return tuple(m.group(0) for m in _FIGURE.finditer(text))


def normalize_figure(figure: str) -> str:
    """Compare figures by meaning of the characters, not typography: 1000 = 1,000 and 2–3 = 2 to 3 = 2-3."""
    text = figure.lower().strip()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"\s*(?:-|–|—|\bto\b|\bor\b)\s*(?=\d|(?:" + _NUMBER_WORDS + r")\b)", "-", text)
    return re.sub(r"\s+", " ", text)


# --- loading ------------------------------------------------------------------------------------------


def _require_str(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FactsError(f"{where}: `{key}` must be a non-empty string")
    return " ".join(value.split())


def _check_mapping(raw: Any, allowed: frozenset[str] | set[str], where: str, not_mapping: str,
                   unknown_keys: str) -> None:
    if not isinstance(raw, dict):
        raise FactsError(f"{where}: {not_mapping}")
    unknown = set(raw) - set(allowed)
    if unknown:
        raise FactsError(f"{where}: {unknown_keys} {sorted(unknown)}")


def _parse_source(raw: Any, where: str) -> Source:
    _check_mapping(raw, _SOURCE_KEYS, where, "`source` must be a mapping", "unknown source key(s)")
    document = _require_str(raw, "document", where)
    if document not in SOURCE_DOCUMENTS:
        raise FactsError(f"{where}: source document {document!r} is not one of {SOURCE_DOCUMENTS}")
    cites = raw.get("cites") or ""
    return Source(
        document=document,
        section=_require_str(raw, "section", where),
        evidence=_require_str(raw, "evidence", where),
        cites=" ".join(str(cites).split()),
    )


def parse_fact(raw: Any, index: int) -> Fact:
    """One YAML entry → Fact, checking the rules in the header of facts.yml."""
    where = f"facts[{index}]"
    _check_mapping(raw, _FACT_KEYS, where, "each fact must be a mapping", "unknown key(s)")
    fact_id = _require_str(raw, "id", where)
    if not _ID.match(fact_id):
        raise FactsError(f"{where}: id {fact_id!r} must be snake_case")
    where = f"fact {fact_id!r}"
    figures_raw = raw.get("figures")
    if not isinstance(figures_raw, list) or not all(isinstance(f, str) and f.strip() for f in figures_raw):
        raise FactsError(f"{where}: `figures` must be a list of strings (may be empty)")
    text = _require_str(raw, "text", where)
    declared = {normalize_figure(f) for f in figures_raw}
    stated = {normalize_figure(f) for f in figures_in(text)}
    if stated != declared:
        raise FactsError(
            f"{where}: figures in the text {sorted(stated)} differ from `figures` {sorted(declared)}"
        )
    return Fact(
        id=fact_id,
        topic=_require_str(raw, "topic", where),
        figures=tuple(f.strip() for f in figures_raw),
        text=text,
        source=_parse_source(raw.get("source"), where),
    )


def parse_facts(document: Any) -> tuple[Fact, ...]:
    """The whole YAML document → facts, rejecting duplicate ids."""
    if not isinstance(document, dict) or not isinstance(document.get("facts"), list):
        raise FactsError("facts.yml must be a mapping with a `facts` list")
    facts = tuple(parse_fact(raw, i) for i, raw in enumerate(document["facts"]))
    seen: set[str] = set()
    for f in facts:
        if f.id in seen:
            raise FactsError(f"fact id {f.id!r} appears more than once")
        seen.add(f.id)
    return facts


@lru_cache(maxsize=1)
def load_facts() -> tuple[Fact, ...]:
    """All facts, read and validated once per process (the action server calls this on every turn)."""
    with FACTS_PATH.open(encoding="utf-8") as handle:
        return parse_facts(yaml.safe_load(handle))


@lru_cache(maxsize=1)
def _by_id() -> dict[str, Fact]:
    return {f.id: f for f in load_facts()}


def fact(fact_id: str) -> Fact:
    """The fact with this id; KeyError if there is none (a typo in a recipe should fail loudly)."""
    return _by_id()[fact_id]


def topics() -> tuple[str, ...]:
    """Topics in file order, each once."""
    return tuple(dict.fromkeys(f.topic for f in load_facts()))
