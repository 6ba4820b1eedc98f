"""Picks the facts that answer a general question and strings them into a short chat answer.

An answer is a list of "parts": fact ids (the sourced sentences in facts.yml) and a few connective
sentences defined here. Connective sentences never state a figure, so every number a patient reads
in a general answer comes from a fact that names its source; the tests check this for every intent
and entity value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.facts import fact

CLOSING = "For your own injections, your clinician's documented schedule comes first."
DOCUMENTED_SCHEDULE_PHRASE = "your clinician's documented schedule comes first"

_ASK_WHICH_SCENARIO = "If you tell me which of these is closest to your situation, I can say a little more."
_OTHER_PRODUCT = "I only have sourced facts on the injection forms cyanocobalamin and hydroxocobalamin."

GENERAL_INTENTS: tuple[str, ...] = (
    "ask_typical_starting_dose",
    "ask_switch_to_oral",
    "ask_injection_vs_tablet",
    "ask_monitoring_labs",
    "ask_more_is_better",
    "ask_neurologic_symptoms",
    "ask_recovery_time",
    "ask_product_difference",
    "ask_side_effects",
    "ask_deficiency_scenario",
    "ask_weekly_meaning",
)

SCENARIOS: tuple[str, ...] = ("absorption problem", "mild deficiency", "neurologic symptoms", "diet-related")
PRODUCTS: tuple[str, ...] = ("cyanocobalamin", "hydroxocobalamin")
LAB_TESTS: tuple[str, ...] = ("serum B12", "blood count", "MMA", "reticulocytes", "folate", "potassium")


@dataclass(frozen=True)
class GeneralAnswer:
    text: str
    fact_ids: tuple[str, ...]


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
    ("MMA", re.compile(r"\bmma\b|methylmalonic|homocysteine")),
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
# Fixed recipes: 2-4 parts plus the closing sentence keeps every answer within 2-5 short sentences.

_FIXED: dict[str, tuple[str, ...]] = {
    # Seed regimen and UK loading differ, so both are named with their sources, plus "schedules differ".
    "ask_typical_starting_dose": ("replenishment_seed", "faq_starting_dose", "uk_loading", "regimens_differ"),
    "ask_switch_to_oral": ("faq_switch_to_oral", "oral_maintenance_bsh", "oral_trials"),
    "ask_injection_vs_tablet": (
        "injections_bypass_gut",
        "injections_when_oral_not_enough",
        "label_pa_lifelong",
    ),
    "ask_more_is_better": ("more_not_better", "when_clinicians_intensify", "replenishment_with_follow_up"),
    "ask_neurologic_symptoms": ("neuro_bridge", "uk_neuro_loading", "cks_neuro_urgent", "neuro_red_flag"),
    "ask_recovery_time": ("reticulocytes_rise", "blood_count_at_8_weeks", "neuro_bridge", "nice_review"),
    "ask_side_effects": (
        "generally_well_tolerated",
        "common_side_effects",
        "allergy_red_flags",
        "interactions_review",
    ),
    "ask_weekly_meaning": ("weekly_is_a_phase", "faq_weekly_duration", "nice_continue_or_space"),
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
    None: ("scenario_overview", _ASK_WHICH_SCENARIO),
    "absorption problem": ("scenario_absorption", "injections_bypass_gut"),
    "mild deficiency": ("scenario_mild", "severity_shapes_start"),
    "neurologic symptoms": ("scenario_neurologic", "neuro_red_flag"),
    "diet-related": ("scenario_diet",),
}

_PRODUCT_PARTS: dict[str | None, tuple[str, ...]] = {
    None: ("products_vary", "hydroxo_retained", "uk_hydroxo_usual"),
    "hydroxocobalamin": (
        "You asked about hydroxocobalamin, so here is how it compares.",
        "products_vary",
        "hydroxo_retained",
        "uk_hydroxo_usual",
    ),
    "cyanocobalamin": (
        "You asked about cyanocobalamin, so here is how it compares.",
        "products_vary",
        "us_cyano_labels",
        "uk_hydroxo_usual",
    ),
}


def _parts_for(intent: str, entities: Mapping[str, Sequence[str]] | None) -> tuple[str, ...]:
    if intent in _FIXED:
        return _FIXED[intent]
    if intent == "ask_deficiency_scenario":
        return _SCENARIO_PARTS[_first_key(_entity_values(entities, "scenario"), scenario_for)]
    if intent == "ask_monitoring_labs":
        return _MONITORING_BY_LAB[_first_key(_entity_values(entities, "lab_test"), lab_test_for)]
    if intent == "ask_product_difference":
        named = _entity_values(entities, "product")
        product = _first_key(named, product_for)
        if named and product is None:
            return (_OTHER_PRODUCT, "products_vary", "hydroxo_retained")
        return _PRODUCT_PARTS[product]
    raise KeyError(f"not a general intent: {intent!r}")


def _compose(parts: Sequence[str], closing: bool = True) -> GeneralAnswer:
    """Fact ids become their sourced text; anything else is a connective sentence from this module."""
    sentences: list[str] = []
    fact_ids: list[str] = []
    for part in parts:
        if " " in part:
            sentences.append(part)
        else:
            sentences.append(fact(part).text)
            fact_ids.append(part)
    if closing:
        sentences.append(CLOSING)
    return GeneralAnswer(text=" ".join(sentences), fact_ids=tuple(fact_ids))


def answer_general(intent: str, entities: Mapping[str, Sequence[str]] | None = None) -> GeneralAnswer:
    """The general answer for `intent`, shaped by `scenario`, `product` or `lab_test` entities if given.

    Raises KeyError for an intent that is not in GENERAL_INTENTS (plan-specific intents go elsewhere).
    """
    if intent not in GENERAL_INTENTS:
        raise KeyError(f"not a general intent: {intent!r}")
    return _compose(_parts_for(intent, entities))


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
