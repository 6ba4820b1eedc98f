"""The entity rules on real patient phrasings, and the builder's save/skip/reload behaviour."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from bot.nlp.patterns import LABELS, PRODUCT_SYNONYMS, all_patterns, canonical_product, scenario_kind
from bot.vocabulary import INTENTS
from ops import spacy_build as build


@pytest.fixture(scope="module")
def nlp():
    return build.make_nlp()


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


CASES = [
    # product
    ("Is cyanocobalamin the same as hydroxocobalamin?",
     [("cyanocobalamin", "product"), ("hydroxocobalamin", "product")]),
    ("my nurse said hydroxo lasts longer than cyano", [("hydroxo", "product"), ("cyano", "product")]),
    ("HYDROXOCOBALAMIN jab tomorrow", [("HYDROXOCOBALAMIN", "product")]),
    ("they gave me Neo-Cytamen", [("Neo-Cytamen", "product")]),
    ("is methylcobalamin better", [("methylcobalamin", "product")]),
    ("I'm on hydroxycobalamin", [("hydroxycobalamin", "product")]),
    # dose: spaced, glued, commas, words, units
    ("can I have 2000 mcg instead", [("2000 mcg", "dose")]),
    ("I get 1000mcg every month", [("1000mcg", "dose"), ("every month", "frequency")]),
    ("is 1,000mcg normal", [("1,000mcg", "dose")]),
    ("1,000 micrograms of cyanocobalamin", [("1,000 micrograms", "dose"), ("cyanocobalamin", "product")]),
    ("the label says 1 mg", [("1 mg", "dose")]),
    ("they gave me 1mg.", [("1mg", "dose")]),
    ("500 µg tablets", [("500 µg", "dose")]),
    ("one milligram of hydroxo", [("one milligram", "dose"), ("hydroxo", "product")]),
    ("is 1000 MCG a lot?", [("1000 MCG", "dose")]),
    ("(1000mcg/ml) ampoule", [("1000mcg", "dose")]),
    ("a thousand micrograms", [("a thousand micrograms", "dose")]),
    # frequency
    ("weekly shots", [("weekly", "frequency")]),
    ("every week for 6 weeks", [("every week", "frequency")]),
    ("once a week then once a month", [("once a week", "frequency"), ("once a month", "frequency")]),
    ("every 2 weeks", [("every 2 weeks", "frequency")]),
    ("fortnightly jabs", [("fortnightly", "frequency")]),
    ("every few weeks", [("every few weeks", "frequency")]),
    ("on alternate days", [("on alternate days", "frequency")]),
    ("every other day for two weeks", [("every other day", "frequency")]),
    ("every 3 months after that", [("every 3 months", "frequency")]),
    ("three times a week", [("three times a week", "frequency")]),
    ("3x a week", [("3x a week", "frequency")]),
    ("every 2-3 months", [("every 2-3 months", "frequency")]),
    ("3-monthly injections", [("3-monthly", "frequency")]),
    ("daily tablets", [("daily", "frequency")]),
    # lab_test
    ("when is my serum B12 level checked", [("serum B12 level", "lab_test")]),
    ("my B12 levels", [("B12 levels", "lab_test")]),
    ("CBC and FBC", [("CBC", "lab_test"), ("FBC", "lab_test")]),
    ("full blood count", [("full blood count", "lab_test")]),
    ("complete blood count next month", [("complete blood count", "lab_test")]),
    ("my haemoglobin and hemoglobin", [("haemoglobin", "lab_test"), ("hemoglobin", "lab_test")]),
    ("Hb and MCV", [("Hb", "lab_test"), ("MCV", "lab_test")]),
    ("methylmalonic acid or MMA", [("methylmalonic acid", "lab_test"), ("MMA", "lab_test")]),
    ("homocysteine and folate", [("homocysteine", "lab_test"), ("folate", "lab_test")]),
    ("reticulocyte count", [("reticulocyte count", "lab_test")]),
    # scenario
    ("I have pernicious anaemia", [("pernicious anaemia", "scenario")]),
    ("pernicious anemia", [("pernicious anemia", "scenario")]),
    ("after my gastric bypass", [("gastric bypass", "scenario")]),
    ("I have Crohn's", [("Crohn's", "scenario")]),
    ("coeliac disease and celiac", [("coeliac disease", "scenario"), ("celiac", "scenario")]),
    ("I'm vegan", [("vegan", "scenario")]),
    ("plant-based diet", [("plant-based diet", "scenario")]),
    ("numbness and tingling in my feet", [("numbness", "scenario"), ("tingling", "scenario")]),
    ("pins and needles", [("pins and needles", "scenario")]),
    ("peripheral neuropathy", [("peripheral neuropathy", "scenario")]),
    ("my level was borderline", [("borderline", "scenario")]),
    ("just a mild deficiency", [("mild deficiency", "scenario")]),
    ("malabsorption", [("malabsorption", "scenario")]),
    # mixed, long
    ("I've got pernicious anemia and I'm on 1000 mcg hydroxocobalamin every 2 months, when is my FBC?",
     [("pernicious anemia", "scenario"), ("1000 mcg", "dose"), ("hydroxocobalamin", "product"),
      ("every 2 months", "frequency"), ("FBC", "lab_test")]),
    # negatives: nothing to extract
    ("when is my next b12 injection", []),
    ("B12 shot", []),
    ("how many weeks left", []),
    ("I had 6 injections", []),
    ("my reference is MRN-1042", []),
    ("what's the weather like", []),
    ("I take 2 tablets", []),
    ("hello there", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_ruler_finds_entities(nlp, text, expected):
    assert ents(nlp, text) == expected


def test_at_least_forty_cases():
    assert len(CASES) >= 40
    assert sum(1 for _, expected in CASES if not expected) >= 5


def test_only_our_labels_and_valid_patterns():
    patterns = all_patterns()
    assert {p["label"] for p in patterns} == set(LABELS)
    # the ruler lowercases the text it matches phrases against, so phrase patterns must be lowercase
    assert all(p["pattern"] == p["pattern"].lower() for p in patterns if isinstance(p["pattern"], str))
    phrases = [p["pattern"] for p in patterns if isinstance(p["pattern"], str)]
    assert len(phrases) == len(set(phrases)), "a phrase appears under two labels or twice"


@pytest.mark.parametrize(
    ("text", "product"),
    [("Hydroxo", "hydroxocobalamin"), ("neo-cytamen", "hydroxocobalamin"), ("cyano", "cyanocobalamin"),
     ("B12", None)],
)
def test_canonical_product(text, product):
    assert canonical_product(text) == product


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Tingling", "neurologic symptoms"), ("gastric bypass", "absorption problem"), ("vegan", "diet-related"),
     ("borderline", "mild deficiency"), ("pernicious anaemia", "pernicious anaemia"), ("pizza", None)],
)
def test_scenario_kind(text, kind):
    assert scenario_kind(text) == kind


def test_every_scenario_phrase_has_a_kind_and_every_product_variant_a_product(nlp):
    for pattern in all_patterns():
        if pattern["label"] == "scenario":
            assert scenario_kind(pattern["pattern"]) is not None
        if pattern["label"] == "product":
            assert canonical_product(pattern["pattern"]) is not None


def test_build_skips_when_unchanged_and_rebuilds_with_force(tmp_path, capsys):
    out = tmp_path / "b12_en"
    assert build.build_pipeline(out) == out
    assert "Built" in capsys.readouterr().out
    assert (out / build.STAMP_NAME).read_text().strip() == build.inputs_digest()
    mtime = (out / "config.cfg").stat().st_mtime_ns

    build.build_pipeline(out)
    assert "spaCy pipeline up to date" in capsys.readouterr().out
    assert (out / "config.cfg").stat().st_mtime_ns == mtime

    build.build_pipeline(out, force=True)
    assert "Built" in capsys.readouterr().out


def test_build_redoes_a_tampered_stamp(tmp_path, capsys):
    out = tmp_path / "b12_en"
    build.build_pipeline(out)
    (out / build.STAMP_NAME).write_text("stale\n")
    assert not build.is_up_to_date(out)
    build.build_pipeline(out)
    assert "Built" in capsys.readouterr().out
    assert build.is_up_to_date(out)


def test_saved_pipeline_loads_in_a_fresh_process_without_our_code(tmp_path):
    out = build.build_pipeline(tmp_path / "b12_en")
    script = (
        "import json, sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "doc = nlp('Can I take 2000 mcg of hydroxo every 2 weeks with my vegan diet and check my FBC?')\n"
        "ours = sorted(m for m in sys.modules if m == 'bot' or m.startswith('bot.'))\n"
        "print(json.dumps({'pipes': nlp.pipe_names, 'mods': ours,"
        " 'ents': [[e.text, e.label_] for e in doc.ents]}))\n"
    )
    # run from tmp_path so the repository is not importable: the saved pipeline must stand alone
    result = subprocess.run([sys.executable, "-c", script, str(out)], cwd=tmp_path, capture_output=True,
                            text=True, check=True, timeout=120)
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["pipes"] == ["entity_ruler"]
    assert loaded["mods"] == []
    assert loaded["ents"] == [["2000 mcg", "dose"], ["hydroxo", "product"], ["every 2 weeks", "frequency"],
                              ["vegan diet", "scenario"], ["FBC", "lab_test"]]


# --- the NLU training data stays in step with the ruler and the intent contract ---------------------

NLU_DIR = build.ROOT / "data" / "nlu"
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<label>[^)]+)\)")


def nlu_sections() -> list[dict]:
    sections = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["version"] == "3.1", path
        sections += document.get("nlu", [])
    return sections


def nlu_examples() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for section in nlu_sections():
        if "intent" in section:
            lines = [line[2:] for line in section["examples"].splitlines() if line.startswith("- ")]
            examples.setdefault(section["intent"], []).extend(lines)
    return examples


def plain(example: str) -> tuple[str, list[tuple[str, str]]]:
    """Annotated example -> (text, [(entity text, label)])."""
    found = [(m["text"], m["label"]) for m in ANNOTATION.finditer(example)]
    return ANNOTATION.sub(lambda m: m["text"], example), found


def test_every_intent_has_enough_examples():
    """At least 80 examples per intent (issue 16), in the shapes patients write, for exactly the intents of
    bot/vocabulary.py."""
    examples = nlu_examples()
    for intent in INTENTS:
        assert len(examples.get(intent, [])) >= 80, (intent, len(examples.get(intent, [])))
    assert set(examples) == set(INTENTS)


def test_no_example_is_shared_between_intents_or_repeated():
    owner: dict[str, str] = {}
    for intent, lines in nlu_examples().items():
        for line in lines:
            key = re.sub(r"[^a-z0-9 ]", "", plain(line)[0].lower()).strip()
            assert key not in owner, f"{line!r} in {intent} and {owner[key]}"
            owner[key] = intent


def test_annotations_are_what_the_ruler_finds(nlp):
    """Training annotations for the five ruler labels must equal the ruler's output, or the
    classifier learns from labels that the running bot never produces."""
    mismatches = []
    for intent, lines in nlu_examples().items():
        for line in lines:
            text, annotated = plain(line)
            expected = [pair for pair in annotated if pair[1] in LABELS]
            if ents(nlp, text) != expected:
                mismatches.append((intent, line, ents(nlp, text)))
    assert mismatches == []


def test_identity_annotations_match_the_regexes():
    regexes: dict[str, list[re.Pattern]] = {}
    for section in nlu_sections():
        if "regex" in section:
            regexes[section["regex"]] = [re.compile(line[2:]) for line in section["examples"].splitlines()
                                         if line.startswith("- ")]
    assert set(regexes) == {"patient_reference", "date"}
    annotated_count = 0
    for line in nlu_examples()["provide_identity"]:
        text, annotated = plain(line)
        assert annotated, f"identity example without an entity: {line!r}"
        for value, label in annotated:
            assert any(p.fullmatch(value) or p.search(value) for p in regexes[label]), (value, label)
            annotated_count += 1
        # the regexes overlap (MRN-1042 is both an MRN and a PREFIX-digits reference): each span once
        spans = {(m.start(), m.group(0)) for patterns in regexes.values() for p in patterns for m in p.finditer(text)}
        assert sorted(s for _, s in spans) == sorted(value for value, _ in annotated), line
    assert annotated_count >= 20


def test_product_synonyms_file_matches_patterns():
    synonyms = {s["synonym"]: {line[2:] for line in s["examples"].splitlines() if line.startswith("- ")}
                for s in nlu_sections() if "synonym" in s}
    for product, variants in PRODUCT_SYNONYMS.items():
        others = set(variants) - {product}
        assert synonyms.get(product, set()) == others, product
