"""Entity-ruler patterns for our spaCy pipeline: product, dose, frequency, lab_test, scenario.

Official English models cannot be downloaded here, so entities come from rules instead of a
statistical NER. Rules are also easier for clinical reviewers to read than a trained model.

Matching is case-insensitive: phrase patterns are matched on the LOWER attribute (the ruler is
configured with ``phrase_matcher_attr = "LOWER"``) and token patterns use ``LOWER`` explicitly.
When patterns overlap the entity ruler keeps the longest span ("serum B12 level" beats "B12 level").

The label names are the Rasa entity names, so ``SpacyEntityExtractor`` passes them through as is.
This module is data plus small pure functions; it imports nothing from spaCy or Rasa.
"""

from __future__ import annotations

LABELS = ("product", "dose", "frequency", "lab_test", "scenario")

# --- product ---------------------------------------------------------------------------------------
# Canonical product -> the ways patients write it (short forms, brands, common misspellings).
# "B12 injection" or "B12 shot" is deliberately NOT a product: it names no particular substance.
PRODUCT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "cyanocobalamin": (
        "cyanocobalamin", "cyanocobalamine", "cyanocobolamin", "cyano-cobalamin",
        "cyanacobalamin", "cyano", "cytamen",
    ),
    "hydroxocobalamin": (
        "hydroxocobalamin", "hydroxocobalamine", "hydroxycobalamin", "hydroxycobalamine",
        "hydroxocobolamin", "hydroxicobalamin", "hydroxo-cobalamin", "hydroxy-cobalamin",
        "hydroxo", "hydroxy", "neo-cytamen", "neocytamen", "cobalin-h",
    ),
    "methylcobalamin": (
        "methylcobalamin", "methylcobalamine", "methylcobolamin", "methyl-cobalamin", "methyl b12",
        "methyl-b12",
    ),
    "adenosylcobalamin": ("adenosylcobalamin",),
}

# --- dose ------------------------------------------------------------------------------------------
# Units a B12 dose is written in. "µ" exists as the micro sign (U+00B5) and the Greek mu (U+03BC).
DOSE_UNITS = (
    "mcg", "mcgs", "µg", "μg", "ug", "microgram", "micrograms", "micro-grams", "mg", "mgs",
    "milligram", "milligrams",
)
# "1000mcg" or "1,000mcg" is one token for spaCy's English tokenizer, so it needs a token regex.
GLUED_DOSE_REGEX = r"^\d+(?:[.,]\d+)*(?:mcgs?|µg|μg|ug|micrograms?|mgs?|milligrams?)$"

# --- frequency -------------------------------------------------------------------------------------
FREQUENCY_PHRASES = (
    "daily", "every day", "each day", "once a day", "once daily", "once per day",
    "weekly", "every week", "each week", "once a week", "once weekly", "once per week",
    "once-a-week",
    "fortnightly", "every fortnight", "once a fortnight", "bi-weekly", "biweekly",
    "every couple of weeks", "every couple weeks",
    "monthly", "every month", "each month", "once a month", "once monthly", "once per month",
    "once-a-month", "every couple of months", "bimonthly", "bi-monthly",
    "quarterly", "every quarter", "three-monthly", "three monthly", "3-monthly", "3 monthly",
    "two-monthly", "2-monthly", "2 monthly",
    "alternate days", "on alternate days", "alternate day", "every other day", "every second day",
    "every other week", "every second week", "every other month",
    "twice a week", "twice weekly", "twice per week", "twice a month", "twice monthly",
    "yearly", "annually", "every year", "once a year",
)
FREQUENCY_UNITS = (
    "day", "days", "week", "weeks", "wk", "wks", "month", "months", "mth", "mths", "year", "years",
)
FREQUENCY_FEW = ("few", "several", "couple")
FREQUENCY_PERIOD = ("a", "per", "each", "every", "an")
FREQUENCY_SINGULAR_UNITS = ("day", "week", "wk", "month", "fortnight", "year")
TIMES_WORDS = ("times", "x", "time")

# --- lab_test --------------------------------------------------------------------------------------
LAB_TEST_PHRASES = (
    "serum b12", "serum vitamin b12", "serum b-12", "serum cobalamin", "serum b12 level",
    "b12 level", "b12 levels", "b-12 level", "b-12 levels", "vitamin b12 level", "vitamin b12 levels",
    "vit b12 level", "vit b12 levels", "b12 blood level", "b12 blood levels", "b12 test", "b12 blood test",
    "active b12", "holotranscobalamin",
    "cbc", "fbc", "full blood count", "complete blood count", "blood count", "full blood picture",
    "hemoglobin", "haemoglobin", "hemoglobin level", "haemoglobin level", "hb", "hgb", "hb level",
    "mcv", "mma", "methylmalonic acid", "methylmalonic acid test", "homocysteine", "homocystein",
    "folate", "folate level", "folate levels", "serum folate", "red cell folate",
    "reticulocytes", "reticulocyte", "reticulocyte count", "retic count", "retics",
    "ferritin", "potassium", "potassium level", "u&e", "u&es", "haematocrit", "hematocrit",
)

# --- scenario --------------------------------------------------------------------------------------
# Canonical scenario kind -> phrases. The kinds follow the plan file's `indication` values plus
# pernicious anaemia, so the knowledge module can choose an answer from the kind.
SCENARIO_PHRASES: dict[str, tuple[str, ...]] = {
    "pernicious anaemia": (
        "pernicious anaemia", "pernicious anemia", "pernicous anemia",
        "pernicous anaemia", "pernicious aneamia", "pernicious", "autoimmune gastritis",
        "atrophic gastritis", "intrinsic factor antibodies",
    ),
    "absorption problem": (
        "malabsorption", "mal-absorption", "absorption problem", "absorption problems",
        "absorption issue", "absorption issues", "gastric bypass", "bariatric surgery",
        "weight loss surgery", "weight-loss surgery", "gastric sleeve", "gastrectomy", "stomach surgery",
        "ileal resection", "bowel resection", "crohn's", "crohns", "crohn", "crohn's disease",
        "crohns disease", "coeliac", "celiac", "coeliac disease", "celiac disease", "metformin",
        "omeprazole", "ppi", "ppis", "proton pump inhibitor", "proton pump inhibitors",
    ),
    "diet-related": (
        "vegan", "vegans", "vegetarian", "vegetarians", "strict vegetarian", "plant-based diet",
        "plant based diet", "plant-based", "plant based", "vegan diet", "vegetarian diet", "diet",
        "poor diet", "low intake", "dietary", "diet related", "diet-related", "dietary deficiency",
    ),
    "neurologic symptoms": (
        "neuropathy", "peripheral neuropathy", "numbness", "numb", "tingling", "tingly",
        "pins and needles", "nerve damage", "nerve problems", "nerve symptoms", "nerve involvement",
        "neurological symptoms", "neurologic symptoms", "neuro symptoms", "balance problems",
        "memory problems",
    ),
    "mild deficiency": (
        "borderline", "borderline low", "borderline deficiency", "borderline b12", "mild deficiency",
        "mildly deficient", "slightly low", "a bit low", "mild b12 deficiency", "low normal",
    ),
    "pregnancy": ("pregnant", "pregnancy", "breastfeeding", "breast feeding", "breast-feeding"),
}


def _phrase(label: str, text: str) -> dict:
    return {"label": label, "pattern": text}


def _tokens(label: str, tokens: list[dict]) -> dict:
    return {"label": label, "pattern": tokens}


def dose_patterns() -> list[dict]:
    """Number + unit as two tokens ("1000 mcg", "1,000 micrograms", "one milligram", "1 mg"),
    an optional second number word ("one thousand mcg"), and the glued single token ("1000mcg")."""
    unit = {"LOWER": {"IN": list(DOSE_UNITS)}}
    return [
        _tokens("dose", [{"LIKE_NUM": True}, unit]),
        _tokens("dose", [{"LIKE_NUM": True}, {"LIKE_NUM": True}, unit]),
        _tokens("dose", [{"LOWER": "a"}, {"LOWER": "thousand"}, unit]),
        _tokens("dose", [{"LOWER": {"REGEX": GLUED_DOSE_REGEX}}]),
    ]


def frequency_patterns() -> list[dict]:
    """Fixed phrases plus the numeric shapes: "every 2 weeks", "every 2-3 months", "every 2 to 3
    months", "every few weeks", "once every 3 months", "3 times a week", "three times weekly", "2x a week"."""
    units = {"LOWER": {"IN": list(FREQUENCY_UNITS)}}
    every = {"LOWER": {"IN": ["every", "each"]}}
    num = {"LIKE_NUM": True}
    patterns = [_phrase("frequency", p) for p in FREQUENCY_PHRASES]
    patterns += [
        _tokens("frequency", [every, num, units]),
        _tokens("frequency", [every, num, {"LOWER": {"IN": ["-", "to", "or"]}}, num, units]),
        _tokens("frequency", [every, {"LOWER": {"IN": list(FREQUENCY_FEW)}}, units]),
        _tokens("frequency", [every, {"LOWER": "couple"}, {"LOWER": "of"}, units]),
        _tokens("frequency", [{"LOWER": "once"}, every, num, units]),
        _tokens("frequency", [{"LOWER": {"IN": ["once", "twice"]}}, every, num, units]),
        _tokens("frequency", [num, {"LOWER": {"IN": list(TIMES_WORDS)}},
                              {"LOWER": {"IN": list(FREQUENCY_PERIOD)}},
                              {"LOWER": {"IN": list(FREQUENCY_SINGULAR_UNITS)}}]),
        _tokens("frequency", [num, {"LOWER": {"IN": list(TIMES_WORDS)}},
                              {"LOWER": {"IN": ["weekly", "monthly", "daily"]}}]),
        _tokens("frequency", [{"LOWER": {"REGEX": r"^(?:\d+x|x\d+)$"}},
                              {"LOWER": {"IN": list(FREQUENCY_PERIOD)}},
                              {"LOWER": {"IN": list(FREQUENCY_SINGULAR_UNITS)}}]),
        _tokens("frequency", [{"LOWER": {"REGEX": r"^(?:\d+x|x\d+)$"}},
                              {"LOWER": {"IN": ["weekly", "monthly", "daily"]}}]),
        _tokens("frequency", [num, {"LOWER": "-"}, {"LOWER": {"IN": ["weekly", "monthly", "daily"]}}]),
        _tokens("frequency", [num, {"LOWER": "-"}, num, {"LOWER": "-"}, {"LOWER": "monthly"}]),
        _tokens("frequency", [{"LOWER": "every"}, {"LOWER": {"IN": ["other", "second", "third"]}},
                              {"LOWER": {"IN": ["day", "week", "month"]}}]),
    ]
    return patterns


def all_patterns() -> list[dict]:
    """Every entity-ruler pattern, in a stable order (the build stamp hashes this list)."""
    patterns: list[dict] = []
    for variants in PRODUCT_SYNONYMS.values():
        patterns += [_phrase("product", v) for v in variants]
    patterns += dose_patterns()
    patterns += frequency_patterns()
    patterns += [_phrase("lab_test", p) for p in LAB_TEST_PHRASES]
    for phrases in SCENARIO_PHRASES.values():
        patterns += [_phrase("scenario", p) for p in phrases]
    return patterns


def canonical_product(text: str) -> str | None:
    """"Hydroxo", "Neo-Cytamen" -> "hydroxocobalamin"; None for anything we do not know."""
    needle = " ".join(text.lower().split())
    for product, variants in PRODUCT_SYNONYMS.items():
        if needle in variants:
            return product
    return None


def scenario_kind(text: str) -> str | None:
    """"tingling" -> "neurologic symptoms", "gastric bypass" -> "absorption problem"; None if unknown.

    Lets the knowledge module pick an answer from a scenario entity without its own word lists."""
    needle = " ".join(text.lower().split())
    for kind, phrases in SCENARIO_PHRASES.items():
        if needle in phrases:
            return kind
    return None
