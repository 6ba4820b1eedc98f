"""The regimen knowledge module (issue 4): sourced facts, general answers, and their guards."""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.knowledge import (
    ANSWERABLE_INTENTS,
    GENERAL_INTENTS,
    SOURCE_DOCUMENTS,
    TERMS,
    FactsError,
    GeneralAnswer,
    answer_general,
    fact,
    figures_in,
    lab_test_for,
    load_facts,
    maintenance_overview,
    more_is_not_better_text,
    next_step_text,
    normalize_figure,
    product_for,
    scenario_for,
)
from bot.knowledge.facts import parse_fact, parse_facts
from bot.vocabulary import TOPIC_INTENTS
from staff.cli.facts import facts_command

PHRASE = "your clinician's documented schedule comes first"
# the project sits beside ../shared (the design and the source material), as on every machine and in CI
SOURCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "source"

# DESIGN.md's list of general intents, as the contract states it (the vocabulary may add more)
CONTRACT_GENERAL_INTENTS = set(
    "ask_typical_starting_dose ask_switch_to_oral ask_injection_vs_tablet ask_monitoring_labs ask_more_is_better "
    "ask_neurologic_symptoms ask_recovery_time ask_product_difference ask_side_effects ask_deficiency_scenario "
    "ask_weekly_meaning".split()
)

SCENARIO_PHRASES: dict[str, list[str]] = {
    "diet-related": [
        "vegan",
        "Vegan",
        "I'm vegetarian",
        "strict vegetarian",
        "plant-based diet",
        "plant based",
        "my diet",
        "I don't eat meat",
        "meat-free",
        "vegan and slightly low",
        "diet-related",
    ],
    "absorption problem": [
        "pernicious anaemia",
        "pernicious anemia",
        "Pernicious Anaemia",
        "malabsorption",
        "gastric bypass",
        "had a gastrectomy",
        "bariatric surgery",
        "Crohn's disease",
        "crohn’s",
        "coeliac",
        "celiac disease",
        "absorption problem",
        "I can't absorb B12",
        "intrinsic factor antibodies",
    ],
    "neurologic symptoms": [
        "tingling in my feet",
        "numbness",
        "numb hands",
        "pins and needles",
        "neuropathy",
        "nerve damage",
        "neurological symptoms",
        "neurologic symptoms",
        "balance problems",
        "memory problems",
        "mild tingling",
        "pernicious anaemia with numbness",
    ],
    "mild deficiency": [
        "borderline",
        "Borderline low",
        "mild deficiency",
        "slightly low",
        "a bit low",
        "low-normal B12",
        "just below the range",
        "marginal",
    ],
}
SCENARIO_ROW = {
    "diet-related": "scenario_diet",
    "absorption problem": "scenario_absorption",
    "neurologic symptoms": "scenario_neurologic",
    "mild deficiency": "scenario_mild",
}
PRODUCT_VALUES = {
    "cyanocobalamin": "cyanocobalamin",
    "Cyano": "cyanocobalamin",
    "cyanocobalamin 1000mcg/ml": "cyanocobalamin",
    "hydroxocobalamin": "hydroxocobalamin",
    "hydroxo": "hydroxocobalamin",
    "Hydroxycobalamin": "hydroxocobalamin",
    "Neo-Cytamen": "hydroxocobalamin",
    "Cobalin-H": "hydroxocobalamin",
    "methylcobalamin": None,
    "the pink one": None,
}
LAB_VALUES = {
    "serum B12": "serum B12",
    "B12 level": "serum B12",
    "CBC": "blood count",
    "FBC": "blood count",
    "full blood count": "blood count",
    "haemoglobin": "blood count",
    "hemoglobin": "blood count",
    "MCV": "blood count",
    "MMA": "MMA",
    "methylmalonic acid": "MMA",
    "homocysteine": "MMA",
    "reticulocytes": "reticulocytes",
    "retic count": "reticulocytes",
    "folate": "folate",
    "potassium": "potassium",
    "U&E": "potassium",
    "thyroid": None,
}

# Imperative dose advice the bot must never give (DESIGN.md safety rule 2).
DOSE_ADVICE = re.compile(
    r"\btake (?:an? )?extra\b|\bdouble (?:up|your|the)\b|\bskip(?:ping|ped)?\b|\bincrease your\b"
    r"|\byou should (?:take|have|inject|get|stop|start|change|switch)\b|\bchange your dose\b"
    r"|\b(?:add|have|give yourself) (?:an|another|one more) (?:dose|injection|shot)\b"
    r"|\byou (?:can|could|may) (?:stop|skip|double|increase|reduce|take|add)\b"
    r"|\bstop (?:taking|your) (?:injections|tablets|b12)\b",
    re.IGNORECASE,
)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text.strip()) if s]


def _entity_sets() -> list[dict[str, list[str]] | None]:
    sets: list[dict[str, list[str]] | None] = [None, {}, {"scenario": []}]
    sets += [{"scenario": [v]} for vs in SCENARIO_PHRASES.values() for v in vs]
    sets += [{"product": [v]} for v in PRODUCT_VALUES]
    sets += [{"lab_test": [v]} for v in LAB_VALUES]
    sets += [
        {"scenario": [s], "product": [p], "lab_test": [lab]}
        for s, p, lab in zip(["vegan", "borderline", "numbness"], PRODUCT_VALUES, LAB_VALUES, strict=False)
    ]
    sets += [{"term": [term]} for term in TERMS]
    return sets


# Answers that honestly have no sourced fact to give: topics the sources do not cover, and the glossary's
# "which word?" when no term was named. They still end with the pointer to the documented schedule.
NO_FACT_TOPICS = {"ask_appointment_change", "ask_lab_preparation", "ask_cost"}


def _all_answers() -> list[tuple[str, GeneralAnswer]]:
    answers = [
        (f"{intent} {entities}", answer_general(intent, entities))
        for intent, entities in itertools.product(ANSWERABLE_INTENTS, _entity_sets())
    ]
    answers += [
        (f"{intent} {entities} more", answer_general(intent, entities, more=True))
        for intent, entities in itertools.product(GENERAL_INTENTS, _entity_sets())
        if answer_general(intent, entities).more
    ]
    answers += [
        ("next_step_text", next_step_text()),
        ("more_is_not_better_text", more_is_not_better_text()),
        ("maintenance_overview", maintenance_overview()),
    ]
    return answers


ALL_ANSWERS = _all_answers()


# --- every general intent is answered -------------------------------------------------------------------


def test_general_intents_are_exactly_the_contract():
    # the DESIGN.md contract plus the glossary (what a word means), which issue 18 added
    assert set(GENERAL_INTENTS) == CONTRACT_GENERAL_INTENTS | {"ask_term_meaning"}
    assert len(GENERAL_INTENTS) == len(CONTRACT_GENERAL_INTENTS) + 1
    assert set(ANSWERABLE_INTENTS) == set(GENERAL_INTENTS) | set(TOPIC_INTENTS)


def _fact_free(label: str) -> bool:
    intent, _, rest = label.partition(" ")
    return intent in NO_FACT_TOPICS or (intent == "ask_term_meaning" and "term" not in rest)


@pytest.mark.parametrize("intent", sorted(CONTRACT_GENERAL_INTENTS))
def test_every_general_intent_has_a_short_sourced_answer_ending_with_the_plan(intent):
    answer = answer_general(intent)
    assert answer.text.strip()
    assert answer.fact_ids, "an answer must rest on at least one fact"
    for fact_id in answer.fact_ids:
        assert fact(fact_id).text in answer.text
    sentences = _sentences(answer.text)
    assert 2 <= len(sentences) <= 5, sentences
    assert PHRASE in sentences[-1]
    assert not re.search(r"\||\*\*|^#|\n", answer.text), "chat text, no markdown"


@pytest.mark.parametrize(("label", "answer"), ALL_ANSWERS, ids=[label for label, _ in ALL_ANSWERS])
def test_every_answer_shape_holds_for_every_entity_value(label, answer):
    assert answer.fact_ids or _fact_free(label)
    assert len(set(answer.fact_ids)) == len(answer.fact_ids)
    assert 2 <= len(_sentences(answer.text)) <= 5, answer.text
    if label != "next_step_text":
        assert _sentences(answer.text)[-1].endswith("comes first.")
        assert PHRASE in _sentences(answer.text)[-1]


@pytest.mark.parametrize(
    "intent", ["ask_next_injection", "report_missed_dose", "greet", "", "ASK_SIDE_EFFECTS"]
)
def test_non_general_intent_raises_key_error(intent):
    with pytest.raises(KeyError):
        answer_general(intent)


def test_entities_tolerate_missing_empty_and_single_string_values():
    plain = answer_general("ask_deficiency_scenario")
    assert answer_general("ask_deficiency_scenario", {}) == plain
    assert answer_general("ask_deficiency_scenario", {"scenario": []}) == plain
    assert answer_general("ask_deficiency_scenario", {"scenario": "vegan"}).fact_ids == ("scenario_diet",)
    # the first value that maps wins
    picked = answer_general("ask_deficiency_scenario", {"scenario": ["hello", "borderline", "vegan"]})
    assert picked.fact_ids[0] == "scenario_mild"


# --- scenarios, products, lab tests -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "row"), [(p, row) for row, phrases in SCENARIO_PHRASES.items() for p in phrases]
)
def test_scenario_entity_selects_the_right_row(phrase, row):
    assert scenario_for(phrase) == row
    answer = answer_general("ask_deficiency_scenario", {"scenario": [phrase]})
    assert answer.fact_ids[0] == SCENARIO_ROW[row]
    others = set(SCENARIO_ROW.values()) - {SCENARIO_ROW[row]}
    assert not others & set(answer.fact_ids)


@pytest.mark.parametrize("phrase", ["hello", "my knee hurts", "", "what about B12?"])
def test_unrelated_text_maps_to_no_scenario(phrase):
    assert scenario_for(phrase) is None


@pytest.mark.parametrize("entities", [None, {"scenario": ["my knee hurts"]}])
def test_no_scenario_gives_an_overview_of_all_four_rows_and_invites_a_choice(entities):
    answer = answer_general("ask_deficiency_scenario", entities)
    assert answer.fact_ids == ("scenario_overview",)
    lowered = answer.text.lower()
    for keyword in ("absorption", "mild", "borderline", "nerve", "diet"):
        assert keyword in lowered
    assert "tell me which" in lowered


@pytest.mark.parametrize(("value", "product"), PRODUCT_VALUES.items())
def test_product_entity(value, product):
    assert product_for(value) == product
    answer = answer_general("ask_product_difference", {"product": [value]})
    assert "products_vary" in answer.fact_ids
    if product is None:
        assert "only have sourced facts" in answer.text
        assert value not in answer.text  # raw patient text is never echoed back
    else:
        assert _sentences(answer.text)[0] == f"You asked about {product}, so here is how it compares."


def test_product_answers_differ_by_product():
    cyano = answer_general("ask_product_difference", {"product": ["cyanocobalamin"]})
    hydroxo = answer_general("ask_product_difference", {"product": ["hydroxocobalamin"]})
    assert "us_cyano_labels" in cyano.fact_ids and "us_cyano_labels" not in hydroxo.fact_ids
    assert "hydroxo_retained" in hydroxo.fact_ids


@pytest.mark.parametrize(("value", "lab"), LAB_VALUES.items())
def test_lab_test_entity_focuses_the_monitoring_answer(value, lab):
    assert lab_test_for(value) == lab
    answer = answer_general("ask_monitoring_labs", {"lab_test": [value]})
    focus = {
        None: "monitoring_core",
        "serum B12": "serum_b12_recheck_differs",
        "blood count": "blood_count_at_8_weeks",
        "MMA": "confirm_tests",
        "reticulocytes": "reticulocytes_rise",
        "folate": "baseline_folate_reticulocytes",
        "potassium": "potassium_check",
    }[lab]
    assert focus in answer.fact_ids
    if lab is None:
        assert answer == answer_general("ask_monitoring_labs")


# --- guards -------------------------------------------------------------------------------------------


def test_figure_detector_catches_the_forms_a_dose_can_take():
    text = (
        "Take 2,000 mcg twice a week for six weeks, then 3 times a week, 250 micrograms daily, 1.5 mg, "
        "every 2–3 months, 3 to 4 days, 72 h later, 5 injections, about 2% of people. Vitamin B12 is fine."
    )
    found = {normalize_figure(f) for f in figures_in(text)}
    assert found == {
        "2000 mcg",
        "twice a week",
        "six weeks",
        "3 times a week",
        "250 micrograms",
        "1.5 mg",
        "2-3 months",
        "3-4 days",
        "72 h",
        "5 injections",
        "2%",
    }
    assert figures_in("B12 and MMA") == ()
    assert normalize_figure("1000 mcg") == normalize_figure("1,000 mcg")


@pytest.mark.parametrize(("label", "answer"), ALL_ANSWERS, ids=[label for label, _ in ALL_ANSWERS])
def test_guard_every_figure_in_an_answer_comes_from_a_sourced_fact_it_used(label, answer):
    used = [fact(fact_id) for fact_id in answer.fact_ids]
    for f in used:
        assert f.source.document in SOURCE_DOCUMENTS
        assert f.source.section.strip()
    allowed = {normalize_figure(figure) for f in used for figure in f.figures}
    for figure in figures_in(answer.text):
        assert normalize_figure(figure) in allowed, f"{figure!r} in {label} is not stated by a sourced fact"


@pytest.mark.parametrize("f", load_facts(), ids=lambda f: f.id)
def test_each_fact_declares_exactly_the_figures_its_text_states(f):
    assert {normalize_figure(x) for x in figures_in(f.text)} == {normalize_figure(x) for x in f.figures}


def test_dose_advice_detector_catches_advice():
    for bad in (
        "You should take another shot.",
        "Double your dose this week.",
        "It's fine to skip one.",
        "Increase your injections to twice weekly.",
        "Take an extra injection.",
        "You can stop the injections now.",
        "Add another dose on Friday.",
    ):
        assert DOSE_ADVICE.search(bad), bad


@pytest.mark.parametrize(("label", "answer"), ALL_ANSWERS, ids=[label for label, _ in ALL_ANSWERS])
def test_no_answer_gives_dose_advice(label, answer):
    assert not DOSE_ADVICE.search(answer.text), DOSE_ADVICE.search(answer.text)


@pytest.mark.parametrize("f", load_facts(), ids=lambda f: f.id)
def test_no_fact_gives_dose_advice(f):
    assert not DOSE_ADVICE.search(f.text)


def test_where_sources_differ_on_a_regimen_both_are_named_and_none_is_picked():
    for label, answer in ALL_ANSWERS:
        regimen_docs = {
            fact(i).source.document
            for i in answer.fact_ids
            if fact(i).figures and fact(i).topic in {"replenishment", "maintenance"}
        }
        if len(regimen_docs) > 1:
            assert "regimens_differ" in answer.fact_ids, label
            for word in ("country", "product", "cause"):
                assert word in answer.text, label


# --- the three seed FAQs -------------------------------------------------------------------------------


def test_faq_typical_starting_weekly_dose():
    answer = answer_general("ask_typical_starting_dose")
    text = answer.text
    for expected in ("1,000 mcg", "1 mg", "intramuscular", "weekly", "reassess", "maintenance"):
        assert expected in text
    assert text.index("1,000 mcg") < text.index("weekly") < text.index("reassess")
    # the UK loading course is named too, with its source, and no regimen is chosen for the patient
    assert "UK guidance" in text and "3 times a week for 2 weeks" in text
    expected_facts = {"replenishment_seed", "faq_starting_dose", "uk_loading", "regimens_differ"}
    assert expected_facts <= set(answer.fact_ids)


def test_faq_how_long_on_weekly():
    answer = answer_general("ask_weekly_meaning")
    text = answer.text.lower()
    assert "initial replenishment period" in text
    for driver in ("severe", "cause", "labs and symptoms respond"):
        assert driver in text
    assert "maintenance" in text and "longer interval" in text
    assert "faq_weekly_duration" in answer.fact_ids


def test_faq_switching_to_oral():
    answer = answer_general("ask_switch_to_oral")
    text = answer.text.lower()
    assert "sometimes possible" in text
    assert "cause of the deficiency" in text and "absorb" in text
    assert "persistent absorption problem" in text and "injections are often the safer long-term" in text
    assert "faq_switch_to_oral" in answer.fact_ids


def test_next_step_for_a_patient_without_a_plan():
    answer = next_step_text()
    text = answer.text
    assert "document a replenishment-to-maintenance schedule" in text
    assert "exact injection product" in text and "CBC" in text and "serum B12" in text and "rechecked" in text
    assert answer.fact_ids[0] == "next_step"


def test_more_is_not_better_guidance():
    answer = more_is_not_better_text()
    assert "not always better" in answer.text
    assert answer.fact_ids == ("more_not_better", "when_clinicians_intensify")
    assert PHRASE in _sentences(answer.text)[-1]


def test_every_fact_is_reachable_from_some_answer():
    used = {fact_id for _, answer in ALL_ANSWERS for fact_id in answer.fact_ids}
    assert {f.id for f in load_facts()} - used == set()


# --- the fact file ------------------------------------------------------------------------------------


def test_fact_ids_are_unique_and_lookup_works():
    facts = load_facts()
    assert len({f.id for f in facts}) == len(facts) >= 30
    assert fact(facts[0].id) is facts[0]
    with pytest.raises(KeyError):
        fact("no_such_fact")


def test_facts_are_loaded_once():
    assert load_facts() is load_facts()


def _raw(**overrides):
    raw = {
        "id": "sample",
        "topic": "t",
        "figures": ["1 mg"],
        "text": "Something about 1 mg.",
        "source": {"document": "guideline-facts.md", "section": "3. Maintenance", "evidence": "x"},
    }
    raw.update(overrides)
    return raw


def test_loader_rejects_broken_facts():
    assert parse_fact(_raw(), 0).figures == ("1 mg",)
    with pytest.raises(FactsError, match="figures"):
        parse_fact(_raw(text="Something about 2 mg."), 0)
    with pytest.raises(FactsError, match="figures"):
        parse_fact(_raw(figures=[]), 0)
    with pytest.raises(FactsError, match="document"):
        parse_fact(_raw(source={"document": "blog.txt", "section": "s", "evidence": "x"}), 0)
    with pytest.raises(FactsError, match="section"):
        parse_fact(_raw(source={"document": "guideline-facts.md", "evidence": "x"}), 0)
    with pytest.raises(FactsError, match="unknown"):
        parse_fact(_raw(colour="red"), 0)
    with pytest.raises(FactsError, match="more than once"):
        parse_facts({"facts": [_raw(), _raw()]})


def _normalize(text: str) -> str:
    return (
        text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("—", "-")
    ).strip()


def _sections(document: str) -> dict[str, str]:
    """Heading → body for the headings the facts cite (markdown `## ` headings, or whole lines in the txt)."""
    lines = [_normalize(line) for line in (SOURCE_DIR / document).read_text(encoding="utf-8").splitlines()]
    if document.endswith(".md"):
        headings = {i: line[3:].strip() for i, line in enumerate(lines) if line.startswith("## ")}
    else:
        cited = {_normalize(f.source.section) for f in load_facts() if f.source.document == document}
        headings = {i: line for i, line in enumerate(lines) if line in cited}
    starts = sorted(headings)
    return {
        headings[start]: "\n".join(lines[start + 1 : end])
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)
    }


needs_sources = pytest.mark.skipif(
    not SOURCE_DIR.is_dir() and not os.environ.get("CI"), reason=f"source texts not available at {SOURCE_DIR}"
)


@needs_sources
@pytest.mark.parametrize("f", load_facts(), ids=lambda f: f.id)
def test_fact_source_section_exists_and_holds_the_evidence(f):
    sections = _sections(f.source.document)
    section = _normalize(f.source.section)
    assert section in sections, f"{f.id}: no section {section!r} in {f.source.document}"
    body = sections[section]
    evidence = _normalize(f.source.evidence)
    assert evidence in body, f"{f.id}: evidence not in section {section!r}"
    if f.source.document == "guideline-facts.md":
        bullet = next(line for line in body.splitlines() if evidence in line)
        assert "verified: read in stored page" in bullet and "unverified" not in bullet, f.id


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _normalize(text).lower())


@needs_sources
def test_patient_text_is_in_our_own_words():
    """No run of 8 words in any fact or answer text is lifted from the source documents."""
    source_grams: set[tuple[str, ...]] = set()
    for document in SOURCE_DOCUMENTS:
        words = _words((SOURCE_DIR / document).read_text(encoding="utf-8"))
        source_grams |= {tuple(words[i : i + 8]) for i in range(len(words) - 7)}
    texts = [f.text for f in load_facts()] + [answer.text for _, answer in ALL_ANSWERS]
    for text in texts:
        words = _words(text)
        grams = (tuple(words[i : i + 8]) for i in range(len(words) - 7))
        copied = [" ".join(gram) for gram in grams if gram in source_grams]
        assert not copied, copied


# --- CLI ----------------------------------------------------------------------------------------------


def test_cli_lists_every_fact_with_its_source():
    result = CliRunner().invoke(facts_command, [])
    assert result.exit_code == 0, result.output
    for f in load_facts():
        row = next(line for line in result.output.splitlines() if line.startswith(f.id + " "))
        assert f.topic in row and f.source.document in row and f.source.section in row
        for figure in f.figures:
            assert figure in row
    assert f"{len(load_facts())} fact(s)" in result.output


def test_cli_topic_filter_and_text():
    result = CliRunner().invoke(facts_command, ["--topic", "scenarios", "--text"])
    assert result.exit_code == 0, result.output
    expected = [f for f in load_facts() if f.topic == "scenarios"]
    assert f"{len(expected)} fact(s)" in result.output
    assert all(f.text in result.output for f in expected)
    assert "uk_loading" not in result.output
    bad = CliRunner().invoke(facts_command, ["--topic", "astrology"])
    assert bad.exit_code != 0 and "unknown topic" in bad.output
