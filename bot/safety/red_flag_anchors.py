"""The red-flag prefilter: which words make a category worth trying on a clause (red_flag_lexicon.py).

Every pattern of a category contains a word with one of its anchors in it, so a clause without any is skipped
cheaply. Anchors are looked for inside single words ("wheez" in "wheezing"); one written "=out" must be the whole
word, for short common words that are only a cue in a phrase ("out of it", "went down").
"""

from __future__ import annotations

ANCHORS: dict[str, tuple[str, ...]] = {
    "chest_pain": ("chest", "heart", "ticker", "angina", "attack", "arrest", "crushing", "arm", "jaw", "neck",
                   "shoulder"),
    "breathing": ("breath", "air", "oxygen", "gasp", "wheez", "whez", "suffocat", "smother", "straw", "winded",
                  "puffed", "inhaler", "asthma", "lung", "airway", "windpipe", "sob", "whistl"),
    "choking": ("chok", "stuck", "lodged"),
    "blue_lips": ("blu", "purpl", "grey", "gray", "ashen", "dusky"),
    "swelling": ("face", "lip", "tongue", "throat", "mouth", "cheek", "eye", "swallow", "angio", "swell", "swoll",
                 "puff", "blow", "blew"),
    "allergic_rash": ("hive", "welt", "urticaria", "anaph", "anaf", "anap", "epi", "allergic", "reaction", "react",
                      "rash", "itch", "skin", "blister", "blotch", "lumps", "bumps", "spots", "patches", "flush",
                      "=body", "jext", "emerade", "adrenaline", "injector", "=red", "face", "cheek"),
    "seizure": ("seiz", "convuls", "epilep", "grand", "fit", "jerk", "twitching", "shaking", "rolled",
                "foaming", "spasm", "thrash"),
    "fainting": ("faint", "pass", "black", "conscious", "collaps", "keel", "swoon", "respon", "wake", "waking",
                 "cold", "floor", "dizz", "light", "woozy", "spinning", "vertigo", "dark", "=dim", "fuzzy",
                 "fading", "ground", "pavement", "=long", "=down", "=over", "turn", "spell", "=white", "grey", "gray",
                 "=stone", "=sack", "=bricks", "=rock", "=log", "=tree", "deck", "crumpl", "=folded",
                 "flopp", "round", "=in"),
    "sudden_weakness": ("stroke", "face", "mouth", "smile", "droop", "slurr", "speech", "words", "speak", "talk",
                        "arm", "leg", "hand", "side", "weak", "headache", "see", "sight", "vision", "knee", "walk",
                        "stand", "get", "strength", "power", "control", "sentences", "grip", "feet", "foot",
                        "finger"),
    "confusion": ("confus", "disorient", "delirious", "incoherent", "muddled", "think", "know", "recogni",
                  "nonsense", "gibberish", "rubbish", "sense", "spaced", "spacey", "spacy", "daze", "=out",
                  "=with", "=there", "fuddl", "discombobul", "remember", "=tell", "vague", "random", "=idea", "=clue",
                  "fuzzy", "muzzy", "woolly"),
    "severe_numbness": ("numb", "pins", "feel", "feeling", "dead"),
    "irregular_heartbeat": ("palpitat", "arrhythmi", "heart", "ticker", "pulse", "beat"),
    "unwell": ("unwell", "ill", "strange", "weird", "odd", "off", "awful", "terrible", "horrible", "rough",
               "poorly", "funny", "right", "myself", "himself", "herself", "sorts", "peculiar", "wrong", "wiped",
               "spaced"),
}
