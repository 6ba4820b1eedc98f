"""Picks the facts that answer a general question and strings them into a short chat answer.

An answer is a list of "parts": fact ids (the sourced sentences in facts.yml) and connective sentences
from bot/wording/general.py. Connective sentences never state a figure, so every number a patient reads
in a general answer comes from a fact that names its source; the tests check this for every intent
and entity value. A recipe has the parts said first (the direct answer, then at most two details) and
the parts a patient gets when they ask for more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.facts import fact
from bot.vocabulary import GENERAL_INTENTS, LAB_TESTS, PRODUCTS, TOPIC_INTENTS
from bot.wording.general import (
    ALTERNATE_DAYS,
    ASK_WHICH_SCENARIO,
    ASK_WHICH_TERM,
    CLOSING,
    DOCUMENTED_SCHEDULE_PHRASE,
    OTHER_PRODUCT,
    TOPIC_LEADS,
    TOPICS_OFFERING_CARE_TEAM,
    asked_about_product,
)

SCENARIOS: tuple[str, ...] = ("absorption problem", "mild deficiency", "neurologic symptoms", "diet-related")
ANSWERABLE_INTENTS: tuple[str, ...] = GENERAL_INTENTS + TOPIC_INTENTS


@dataclass(frozen=True)
class GeneralAnswer:
    text: str
    fact_ids: tuple[str, ...]
    more: tuple[str, ...] = ()  # parts a "tell me more" gives
    offers_care_team: bool = False
    parts: tuple[str, ...] = ()  # the text of each part, in order (without the closing line)


# --- entity values → canonical keys -------------------------------------------------------------------
# Order matters: the first matching row wins. Nerve symptoms come first because they change how
# carefully a plan is run ("mild tingling" is a nerve question, not a mild deficiency); diet beats
# "mild" for the same reason ("slightly low, I'm vegan" is about the cause).

_SCENARIO_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "neurologic symptoms",
        re.compile(
            r"neuro|nerve|numb|tingl|pins and needles|balance|unsteady|memory|cognit|brain fog|"
            r"burning (?:feet|hands)",
        ),
    ),
    (
        "absorption problem",
        re.compile(
            r"pernicious|malabsor|absor[bp]|intrinsic factor|gastric bypass|bypass surgery|bariatric|"
            r"gastrectomy|stomach (?:surgery|removed|removal)|ileal|ileum|crohn|co?eliac|celiac",
        ),
    ),
    (
        "diet-related",
        re.compile(r"vegan|vegetarian|plant[- ]based|diet|don't eat meat|no meat|meat[- ]free"),
    ),
    (
        "mild deficiency",
        re.compile(r"borderline|mild|slightly low|a (?:bit|little) low|low[- ]normal|marginal|just below"),
    ),
)

_PRODUCT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hydroxocobalamin", re.compile(r"hydrox[oy]\s*-?\s*(?:cobalamin)?|neo-?cytamen|cobalin")),
    ("cyanocobalamin", re.compile(r"cyano\s*-?\s*(?:cobalamin)?|cytamen")),
)

_LAB_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("MMA", re.compile(r"\bmma\b|methyl ?malonic|homocysteine")),
    ("reticulocytes", re.compile(r"retic")),
    ("folate", re.compile(r"folate|folic")),
    ("potassium", re.compile(r"potassium|u ?& ?e|electrolyte")),
    (
        "blood count",
        re.compile(
            r"\b(?:cbc|fbc|hb|mcv)\b|blood count|haemoglobin|hemoglobin|red (?:blood )?cell|haematocrit"
        ),
    ),
    ("serum B12", re.compile(r"serum|b12|cobalamin|holotc|holotranscobalamin")),
)


def _normalize(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def _first_match(text: str, patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    lowered = _normalize(text)
    for key, pattern in patterns:
        if pattern.search(lowered):
            return key
    return None


def scenario_for(text: str) -> str | None:
    """An entity value ("vegan", "pernicious anaemia", "tingling in my feet") → one of SCENARIOS, or None."""
    return _first_match(text, _SCENARIO_PATTERNS)


def product_for(text: str) -> str | None:
    """An entity value ("hydroxo", "Neo-Cytamen") → one of PRODUCTS, or None."""
    return _first_match(text, _PRODUCT_PATTERNS)


def lab_test_for(text: str) -> str | None:
    """An entity value ("FBC", "haemoglobin", "MMA") → one of LAB_TESTS, or None."""
    return _first_match(text, _LAB_PATTERNS)


def _entity_values(entities: Mapping[str, Sequence[str]] | None, name: str) -> tuple[str, ...]:
    if not entities or name not in entities or entities[name] is None:
        return ()
    values = entities[name]
    if isinstance(values, str):  # tolerate a single value where a list was meant
        values = (values,)
    return tuple(v for v in values if isinstance(v, str) and v.strip())


def _first_key(values: Sequence[str], mapper) -> str | None:
    for value in values:
        key = mapper(value)
        if key is not None:
            return key
    return None


# --- recipes ------------------------------------------------------------------------------------------
# (said first, given on "tell me more"). The first part answers the question; the starting dose names
# both the seed article's and the UK regimen with their sources, because the sources differ.

_FIXED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ask_typical_starting_dose": (
        ("replenishment_seed", "faq_starting_dose", "uk_loading", "regimens_differ"), ("replenishment_with_follow_up",)
    ),
    "ask_switch_to_oral": (("faq_switch_to_oral", "oral_maintenance_bsh"), ("oral_trials",)),
    "ask_injection_vs_tablet": (("injections_bypass_gut", "injections_when_oral_not_enough"), ("label_pa_lifelong",)),
    "ask_more_is_better": (("more_not_better", "when_clinicians_intensify"), ("replenishment_with_follow_up",)),
    "ask_neurologic_symptoms": (("neuro_bridge", "neuro_red_flag"), ("uk_neuro_loading", "cks_neuro_urgent")),
    "ask_recovery_time": (("reticulocytes_rise", "neuro_bridge"), ("blood_count_at_8_weeks", "nice_review")),
    "ask_side_effects": (
        ("common_side_effects", "allergy_red_flags"), ("generally_well_tolerated", "interactions_review")
    ),
    "ask_weekly_meaning": (("weekly_is_a_phase", "faq_weekly_duration"), ("nice_continue_or_space",)),
}

_MONITORING_BY_LAB: dict[str | None, tuple[str, ...]] = {
    None: ("monitoring_core", "monitoring_mma", "nice_review"),
    "serum B12": ("monitoring_core", "serum_b12_recheck_differs", "confirm_tests"),
    "blood count": ("monitoring_core", "blood_count_at_8_weeks", "baseline_folate_reticulocytes"),
    "MMA": ("monitoring_mma", "confirm_tests"),
    "reticulocytes": ("reticulocytes_rise", "blood_count_at_8_weeks", "baseline_folate_reticulocytes"),
    "folate": ("baseline_folate_reticulocytes", "monitoring_core"),
    "potassium": ("potassium_check", "monitoring_core"),
}

_SCENARIO_PARTS: dict[str | None, tuple[str, ...]] = {
    None: ("scenario_overview", ASK_WHICH_SCENARIO),
    "absorption problem": ("scenario_absorption", "injections_bypass_gut"),
    "mild deficiency": ("scenario_mild", "severity_shapes_start"),
    "neurologic symptoms": ("scenario_neurologic", "neuro_red_flag"),
    "diet-related": ("scenario_diet",),
}

_COMPARES = re.compile(r"\b(?:better|worse|over|versus|vs|compared?|difference|differ|instead of|rather than)\b",
                       re.IGNORECASE)
_PRODUCT_PARTS: dict[str | None, tuple[str, ...]] = {
    None: ("products_vary", "hydroxo_retained", "uk_hydroxo_usual"),
    "hydroxocobalamin": (
        asked_about_product("hydroxocobalamin"), "products_vary", "hydroxo_retained", "uk_hydroxo_usual"
    ),
    "cyanocobalamin": (asked_about_product("cyanocobalamin"), "products_vary", "us_cyano_labels", "uk_hydroxo_usual"),
}

# Glossary: a term the patient names → its fact (and a related one given on "tell me more").
TERMS: dict[str, tuple[str, ...]] = {
    "serum B12": ("term_serum_b12", "confirm_tests"),
    "CBC": ("term_cbc", "monitoring_core"),
    "MCV": ("term_mcv",),
    "MMA": ("term_mma", "monitoring_mma"),
    "homocysteine": ("term_homocysteine", "monitoring_mma"),
    "reticulocytes": ("reticulocytes_rise",),
    "replenishment": ("term_replenishment", "weekly_is_a_phase"),
    "maintenance": ("term_maintenance", "nice_continue_or_space"),
    "pernicious anaemia": ("term_pernicious_anaemia", "label_pa_lifelong"),
    "intrinsic factor": ("term_intrinsic_factor", "injections_bypass_gut"),
    "intramuscular": ("term_intramuscular",),
    "deep subcutaneous": ("term_deep_subcutaneous",),
}
# Searched in this order (the first word that matches names the term).
_TERM_WORDS = {
    "intrinsic factor": r"intrinsic",
    "pernicious anaemia": r"pernic|\bpa\b",
    "homocysteine": r"homocyst",
    "MMA": r"\bmma\b|methyl ?malon",
    "MCV": r"\bmcv\b|mean (?:cell|corpuscular) volume",
    "CBC": r"\b(?:cbc|fbc)\b|(?:full|complete) blood count|blood count",
    "reticulocytes": r"retic",
    "serum B12": r"serum|b12 level|level of b12",
    "deep subcutaneous": r"sub-?cut|\bsc\b|\bsubq\b|under the skin",
    "intramuscular": r"intra-?muscular|\bim\b|into the muscle",
    "replenishment": r"replenish|loading|load(?:ing)? dose",
    "maintenance": r"maint[ae]n",
}
_TERM_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (term, re.compile(pattern)) for term, pattern in _TERM_WORDS.items())

# Topics: the honest lead (bot/wording/general.py) plus the sourced facts that do apply.
_TOPIC_PARTS: dict[str, tuple[str, ...]] = {
    "ask_appointment_change": (),
    "ask_self_injection": ("generally_well_tolerated",),
    "ask_pregnancy": ("nice_review",),
    "ask_interactions": ("interactions_review",),
    "ask_lab_preparation": (),
    "ask_buy_online": ("generally_well_tolerated", "products_vary"),
    "ask_cost": (),
}


_ALTERNATE = re.compile(r"every (?:other|second|2(?:nd)?|two) days?|alternate days?|every 48 hours", re.IGNORECASE)


def term_for(text: str) -> str | None:
    """"fbc", "what's MMA", "sub-cut" → the glossary term (a key of TERMS), or None."""
    return _first_match(text, _TERM_PATTERNS)


def _parts_for(intent: str, entities: Mapping[str, Sequence[str]] | None,
               text: str = "") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(parts said first, parts for "tell me more")."""
    if intent == "ask_weekly_meaning" and _ALTERNATE.search(text or ""):
        first, rest = _FIXED[intent]
        return (ALTERNATE_DAYS, *first[:1]), first[1:] + rest
    if intent in _FIXED:
        return _FIXED[intent]
    if intent == "ask_deficiency_scenario":
        return _SCENARIO_PARTS[_first_key(_entity_values(entities, "scenario"), scenario_for)], ()
    if intent == "ask_monitoring_labs":
        return _MONITORING_BY_LAB[_first_key(_entity_values(entities, "lab_test"), lab_test_for)], ()
    if intent == "ask_product_difference":
        named = _entity_values(entities, "product")
        product = _first_key(named, product_for)
        if named and product is None:
            return (OTHER_PRODUCT, "products_vary", "hydroxo_retained"), ()
        if _COMPARES.search(text):  # "why that one over the cyanocobalamin, is one better?": the comparison
            product = None
        return _PRODUCT_PARTS[product], ()
    if intent == "ask_term_meaning":
        candidates = [*_entity_values(entities, "term"), *_entity_values(entities, "lab_test"), text]
        term = _first_key(candidates, term_for)
        if term is None:
            return (ASK_WHICH_TERM,), ()
        return TERMS[term][:1], TERMS[term][1:]
    if intent in _TOPIC_PARTS:
        return (TOPIC_LEADS[intent], *_TOPIC_PARTS[intent]), ()
    raise KeyError(f"not a general intent: {intent!r}")


def _compose(parts: Sequence[str], closing: bool = True, more: Sequence[str] = (),
             offers_care_team: bool = False) -> GeneralAnswer:
    """Fact ids become their sourced text; anything else is a connective sentence (bot/wording/general.py)."""
    sentences: list[str] = []
    fact_ids: list[str] = []
    for part in parts:
        if " " in part:
            sentences.append(part)
        else:
            sentences.append(fact(part).text)
            fact_ids.append(part)
    parts_text = tuple(sentences)
    if closing:
        sentences.append(CLOSING)
    return GeneralAnswer(text=" ".join(sentences), fact_ids=tuple(fact_ids), more=tuple(more),
                         offers_care_team=offers_care_team, parts=parts_text)


def answer_general(intent: str, entities: Mapping[str, Sequence[str]] | None = None, text: str = "",
                   *, more: bool = False) -> GeneralAnswer:
    """The general answer for `intent`, shaped by `scenario`, `product`, `lab_test` or `term` entities (or,
    for a glossary question, the words of `text`). With `more`, the parts kept for "tell me more".

    Raises KeyError for an intent that is not a general or topic intent (plan-specific intents go elsewhere).
    """
    if intent not in ANSWERABLE_INTENTS:
        raise KeyError(f"not a general intent: {intent!r}")
    first, rest = _parts_for(intent, entities, text)
    if more:
        return _compose(rest) if rest else GeneralAnswer("", ())
    return _compose(first, more=rest, offers_care_team=intent in TOPICS_OFFERING_CARE_TEAM)


def next_step_text() -> GeneralAnswer:
    """For a patient with no plan on file: what to ask the clinician to document (no closing line,
    because there is no documented schedule to point to yet)."""
    return _compose(("next_step", "five_steps"), closing=False)


def more_is_not_better_text() -> GeneralAnswer:
    """Short guidance for a dose-change request; the caller adds the documented schedule and the
    offer to pass the question to the care team."""
    return _compose(("more_not_better", "when_clinicians_intensify"))


def maintenance_overview() -> GeneralAnswer:
    """General maintenance patterns (seed and UK, both named), for a maintenance question with no plan."""
    return _compose(("maintenance_seed", "uk_maintenance", "uk_maintenance_neuro", "regimens_differ"))


__all__ = ["CLOSING", "DOCUMENTED_SCHEDULE_PHRASE", "GENERAL_INTENTS", "LAB_TESTS", "PRODUCTS", "SCENARIOS", "TERMS"]
