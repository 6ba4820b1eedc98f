"""Symptom words with no lexicon phrasing around them: the last net of the red-flag screen.

A message that names a red-flag symptom in words the lexicon (red_flag_lexicon*.py) has no pattern for ("my
breathing's gone all wrong", "lips look swole") is not ignored: if the context does not deny it, date it, make it
hypothetical, general, figurative or someone else's, the patient gets one check question. Never urgent advice on
its own: a bare word is partial evidence.
"""

from __future__ import annotations

import re

_NOT_AFTER = r"(?! (?:exercises?|a sigh|normally|normal|fine|ok|okay|easy|easier|of fresh air|away|with laugh\w*|about|"
_NOT_AFTER += r"by|with|over|as to|of pride|with pride|test\w*|back|from (?:the )?(?:stairs|walk\w*|running|climb\w*|"
_NOT_AFTER += r"rushing|hurrying|laugh\w*)))"
_STEMS = (
    ("breathing", r"\b(?:breath(?:less\w*|ing)?|wheez\w*|gasp\w*|suffocat\w*|air hunger)\b"),
    ("choking", r"\bchok(?:e|es|ed|ing)\b"),
    ("chest_pain", r"\b(?:chest (?:pain\w*|hurt\w*|tight\w*|pressure|heavy|heaviness|ache\w*|aching|crush\w*|squeez\w*|"
                   r"sore)|heart attack|angina)\b"),
    ("swelling", r"\b(?:swell\w*|swollen|swole|puff(?:y|ed|ing) up|throat (?:\S+ )?(?:tight\w*|clos\w*|narrow\w*))\b"),
    ("allergic_rash", r"\b(?:hives|welts|anaphyla\w*|allergic reaction|rash(?:es)? (?:everywhere|all over|"
                      r"spreading))\b"),
    ("fainting", r"\b(?:faint(?:ed|ing)?|pass(?:ed|ing)? out|black(?:ed|ing)? out|collaps\w*|unconscious|unresponsive|"
                 r"keel\w* over)\b"),
    ("seizure", r"\b(?:seiz(?:ure|ures|ing)|convuls\w*|fitting)\b"),
    ("blue_lips", r"\b(?:lips?|face|fingers?|mouth) (?:\S+ )?(?:blue|purple|grey|gray)\b"),
    ("sudden_weakness", r"\b(?:slurr\w*|droop\w*)\b"),
    ("confusion", r"\b(?:disorient\w*|delirious)\b"),
)
STEMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern + _NOT_AFTER)) for category, pattern in _STEMS)
_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in STEMS))


def stem_mentions(clause: str) -> list[tuple[str, re.Match[str]]]:
    """Every symptom word in the clause, with its category (cheap when there is none)."""
    if not _ANY.search(clause):
        return []
    return [(category, match) for category, pattern in STEMS for match in pattern.finditer(clause)]
