"""Worsening or returning deficiency symptoms: not an emergency, but a reason to offer the care team.

"the tingling is getting worse", "my tiredness is back", "the numbness is spreading up my legs", "brain fog is
worse again". Sudden or severe change ("the numbness is much worse", "I can't feel my legs") is a red flag
instead (red_flags.py); this signal only says which known symptom is worse or back.
"""

from __future__ import annotations

import re

# symptom word as typed -> the name reported
_SYMPTOMS = {
    "tingling": "tingling", "tingly": "tingling", "pins and needles": "pins and needles", "numbness": "numbness",
    "numb": "numbness", "tiredness": "tiredness", "tired": "tiredness", "fatigue": "tiredness",
    "exhaustion": "tiredness", "exhausted": "tiredness", "energy": "tiredness", "brain fog": "brain fog",
    "fog": "brain fog", "memory": "memory", "forgetful": "memory", "forgetfulness": "memory", "balance": "balance",
    "unsteady": "balance", "symptoms": "symptoms", "sore tongue": "sore tongue", "weakness": "weakness",
    "weaker": "weakness", "breathless": "breathlessness", "breathlessness": "breathlessness",
    "burning": "burning feet",
    "wobbly": "balance", "wobbling": "balance", "dizziness": "dizziness", "mood": "mood", "depression": "mood",
    "concentration": "concentration", "headaches": "headaches", "pain": "pain", "aches": "pain",
    "more numb": "numbness", "more tingly": "tingling", "wobblier": "balance", "more wobbly": "balance",
    "more unsteady": "balance", "more tired": "tiredness", "more forgetful": "memory",
}
_SYMPTOM = "|".join(sorted(map(re.escape, _SYMPTOMS), key=len, reverse=True))
_WORSE = (
    r"(?:getting worse|got worse|gotten worse|worse|worsening|is back|are back|has come back|have come back|"
    r"came back|coming back|returned|returning|creeping back|creeping up|creeping|crept|climbing|travelling up|"
    r"traveling up|"
    r"going up (?:my|to|towards|into|past)|spreading|has spread|spread|moved|moving|back again|"
    r"more than before|worse again|again)"
)
_PATTERNS = (
    re.compile(rf"\b(?P<symptom>{_SYMPTOM})\b(?: \S+){{0,5}}? {_WORSE}\b"),
    re.compile(rf"\b(?:more|even more|much more) (?P<symptom>{_SYMPTOM})\b(?: \S+){{0,2}}? (?:than|again|lately|"
               r"now|every)\b"),
    re.compile(rf"\b(?P<symptom>{_SYMPTOM}) (?:is |are )?(?:worse|back)\b"),
    re.compile(r"\b(?:(?:i|he|she|they) (?:feel|feels|felt|am feeling|'m feeling|is feeling|'s feeling) (?:much |even "
               r"|a lot |far |a bit )?worse|worse not better|worse instead of better)\b"),
    re.compile(r"\b(?:getting worse not better|gone downhill|going downhill|feeling worse|wearing off|(?:i'm|i am) "
               r"(?:getting|feeling) worse)\b"),
    # "dad's legs feel weaker and more numb since he missed his jab"
    re.compile(r"\b(?:feel|feels|feeling|felt|are|is|'re|'s|getting|got|gone|going|seem|seems) (?:a bit |much |even "
               r"|a lot |far |so |really )?(?P<symptom>weaker|wobblier|more numb|more tingly|more wobbly|more unsteady|"
               r"more tired|more forgetful)\b"),
)
# Denied or imagined: "the tingling isn't getting worse", "what if my tingling comes back?"
_NOT = re.compile(
    r"\b(?:not|isn't|aren't|hasn't|haven't|no|never|if|what if|in case|will|would|might|could|won't|stopped)\b"
    r"(?: \S+){0,4}$"
)
_CUE = re.compile(r"worse|back|spread|again|more|return|creep|crept|climb|travel|going up|moved|moving|downhill|"
                  r"wearing|"
                  r"weaker|wobblier")
_NEGATED_INSIDE = re.compile(r"\b(?:not|isn't|aren't|hasn't|haven't|no|never|won't|doesn't)\b")
_NOT_AFTER = re.compile(r"^(?: \S+){0,3} (?:not|no longer|anymore)\b(?! better)")


def worsening_symptom(clauses: tuple[str, ...]) -> str | None:
    """The name of the first worsening or returning symptom, or None."""
    for clause in clauses:
        if not _CUE.search(clause):
            continue  # every pattern needs one of these words
        for pattern in _PATTERNS:
            for match in pattern.finditer(clause):
                if (_NOT.search(clause[: match.start()].rstrip()) or _NOT_AFTER.match(clause[match.end() :])
                        or _NEGATED_INSIDE.search(match.group(0))):
                    continue
                word = match.groupdict().get("symptom")
                return _SYMPTOMS.get(word, "symptoms") if word else "symptoms"
    return None
