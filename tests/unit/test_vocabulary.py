"""One list of intents and entities (bot/vocabulary.py) that domain.yml, the rules, the knowledge module,
the clarifying question and docs/intents.md all agree with."""

from __future__ import annotations

import re

import yaml

from bot import vocabulary
from bot.knowledge import ANSWERABLE_INTENTS
from bot.paths import ROOT
from bot.wording.chat import INTENT_TITLES


def _domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_domain_intents_and_entities_are_the_vocabulary():
    domain = _domain()
    assert domain["intents"] == list(vocabulary.INTENTS)
    assert domain["entities"] == list(vocabulary.ENTITIES)


def test_every_intent_is_routed_to_the_conversation_service():
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    routed = {step["intent"] for rule in rules for block in rule["steps"] if "or" in block for step in block["or"]}
    assert routed == set(vocabulary.INTENTS) | {vocabulary.FALLBACK_INTENT}


def test_groups_do_not_overlap_and_cover_everything():
    groups = [vocabulary.PLAN_INTENTS, vocabulary.GENERAL_INTENTS, vocabulary.TOPIC_INTENTS,
              vocabulary.SAFETY_INTENTS, vocabulary.DIALOGUE_INTENTS]
    flat = [intent for group in groups for intent in group]
    assert len(flat) == len(set(flat)) == len(vocabulary.INTENTS)


def test_knowledge_answers_every_general_and_topic_intent():
    assert set(ANSWERABLE_INTENTS) == set(vocabulary.GENERAL_INTENTS) | set(vocabulary.TOPIC_INTENTS)


def test_every_question_can_be_offered_in_a_clarifying_question():
    assert set(vocabulary.QUESTION_INTENTS) <= set(INTENT_TITLES)


def test_docs_describe_exactly_the_intents():
    documented = re.findall(r"^\| `([a-z_]+)` \|", (ROOT / "docs" / "intents.md").read_text(encoding="utf-8"), re.M)
    assert sorted(documented) == sorted(vocabulary.INTENTS)


def test_every_response_the_service_names_exists_in_the_domain():
    names = set(_domain()["responses"])
    used = set()
    for path in (ROOT / "services").glob("*.py"):
        used |= set(re.findall(r"\"(utter_[a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert used and used <= names, used - names
