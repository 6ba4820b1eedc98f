"""Safety checks that run before anything else: red flags, dose-change requests, and the no-dose-advice guard.

Deterministic on purpose: a red flag must be caught the same way every time, whatever a classifier learned.
Pure functions, no wording for patients (that lives in domain.yml and bot/answers.py), fast (well under 0.2 ms
for a chat message), so they can run on every turn.

How the red-flag detector reads a message:
1. normalise (lower case, straight quotes, "2,000" -> "2000") and split into clauses at sentence punctuation,
   commas and "but / however / also ..." so that "when is my next shot, also my throat is swelling" is judged
   clause by clause;
2. fix small typos on the words that matter ("pian" -> "pain", "troat" -> "throat") with a Damerau-Levenshtein
   distance of at most one, never touching common words that are one edit away ("paint", "month", "does");
3. match symptom patterns that need the symptom itself, not just a body part ("chest pain", not "chest x-ray";
   "can't breathe", not "breathing exercises");
4. drop a match that is negated in its clause ("no chest pain", "I don't have any trouble breathing") or said
   to be over ("the chest pain has gone"). "Not sure if this is chest pain" still counts: when in doubt, flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# --------------------------------------------------------------------------------------------- text handling

_TOKEN = re.compile(r"[a-z0-9\u00b5]+(?:['.][a-z0-9]+)*")
_CLAUSE_BREAK = re.compile(
    r"[.!?;:,]+(?=\s|$)|[\n()\[\]]|\s[-\u2013\u2014]+\s"
    r"|\b(?:but|however|although|though|also|yet|plus|except|anyway|btw|whereas)\b"
)


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 2,000 -> 2000
    text = re.sub(r"\bb[\s-]12\b", "b12", text)
    return text


# Words whose misspellings we repair. Short words (4 letters) are repaired only for swapped letters
# ("pian"), because one substituted letter turns too many ordinary words into symptoms ("rush" -> "rash").
_VOCABULARY = frozenset(
    """
    chest pain pains painful hurts hurting aching tightness pressure heaviness crushing squeezing angina
    breathe breathing breath breathless breathlessness shortness wheezing wheeze wheezy gasping struggling
    difficulty trouble swelling swollen swelled throat tongue lips face mouth eyelids swallow swallowing
    hives rash blistering blisters anaphylaxis anaphylactic allergic reaction itching itchy
    faint fainted fainting passed blacked blacking unconscious collapsed consciousness
    weakness sudden suddenly drooping slurred paralysed paralyzed
    confused confusion disoriented disorientated numbness numb tingling spreading worsening
    heartbeat palpitations racing pounding irregular fluttering skipping severe
    double doubling triple injection injections increase decrease reduce dosage maintenance instead extra
    skip skipping stop higher lower often frequent frequently shots dose doses
    """.split()
)
# Ordinary words one edit away from a vocabulary word: never "corrected".
_PROTECTED = frozenset(
    """
    paid paint paints painted painting painter main rain gain vain spain pail pair chess
    lisp hikes hides hires dives fives gives lives wives hived chives hoves
    smelling spelling dwelling selling shell spell smell dwell threat breadth wreath breaths
    saint tainted fainter wheeling blocked backed slacked blacken heard facing pacing lacing tracing raging
    doable does power lover tower mower lowed slower soften month months south mouths shallow
    sadden passes pasted paused reactor shoots shuts slots spots shoes lower' stops step steps
    raced races tracing fiance fence dosed posed nosed
    """.split()
)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


_DELETION_INDEX: dict[str, set[str]] = {}
for _word in _VOCABULARY:
    for _variant in _deletions(_word) | {_word}:
        _DELETION_INDEX.setdefault(_variant, set()).add(_word)


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance <= 1."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        if len(diffs) != 2 or diffs[1] != diffs[0] + 1:
            return False
        return a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    shorter, longer = (a, b) if la < lb else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


_INFLECTIONS = ("s", "es", "ed", "d", "ing", "ly", "er", "y", "ness")


@lru_cache(maxsize=8192)
def _correct(token: str) -> str:
    """The vocabulary word a token is a small typo of, else the token unchanged."""
    if token in _VOCABULARY or token in _PROTECTED or len(token) < 4 or not token.isalpha():
        return token
    # An inflection of a vocabulary word ("skips", "faints", "stopped") is a real word, not a typo.
    if any(token.endswith(end) and token[: -len(end)] in _VOCABULARY for end in _INFLECTIONS):
        return token
    candidates: set[str] = set()
    for key in _deletions(token) | {token}:
        candidates |= _DELETION_INDEX.get(key, set())
    matches = sorted(
        word
        for word in candidates
        if len(word) >= 4
        and _within_one_edit(token, word)
        and (len(token) > 4 or (len(word) == 4 and sorted(word) == sorted(token)))
    )
    if not matches:
        return token
    # Deterministic choice: prefer a word with the same first letter, then alphabetical.
    return min(matches, key=lambda word: (word[0] != token[0], word))


def _clauses(text: str) -> list[str]:
    """Clauses as canonical strings: corrected tokens joined by single spaces."""
    out = []
    for part in _CLAUSE_BREAK.split(_normalise(text)):
        tokens = [_correct(token) for token in _TOKEN.findall(part)]
        if tokens:
            out.append(" ".join(tokens))
    return out


# --------------------------------------------------------------------------------------------- negation

_NEGATIONS = frozenset(
    """
    no not never without none nor neither denies deny denied zero nothing free
    don't dont doesn't doesnt didn't didnt haven't havent hasn't hasnt hadn't hadnt isn't isnt aren't arent
    wasn't wasnt weren't werent won't wont
    """.split()
)
# A negation word followed by one of these does not deny the symptom ("not sure", "don't know", "won't stop").
_PSEUDO_NEXT = frozenset(
    "stop stopping go going sure know knowing just only certain normal right able improving better easing "
    "ease settle settling think forget".split()
)
# Words that end a negation's reach ("no fever and I can't breathe", "no, I'm wheezing").
_TERMINATORS = frozenset("and now except apart i i'm im i've ive suddenly then until".split())
# Words after a symptom that say it is over ("the chest pain has gone").
_OVER = frozenset("gone resolved disappeared stopped away".split())
_NEGATION_WINDOW = 6


def _is_negation(word: str) -> bool:
    return word in _NEGATIONS


def _negated(clause: str, start: int, end: int) -> bool:
    before = clause[:start].split()
    window_start = max(0, len(before) - _NEGATION_WINDOW)
    for index in range(len(before) - 1, window_start - 1, -1):
        word = before[index]
        if not _is_negation(word):
            continue
        following = before[index + 1] if index + 1 < len(before) else clause[start:end].split()[0]
        if following in _PSEUDO_NEXT:
            continue
        if any(w in _TERMINATORS for w in before[index + 1 :]):
            break
        return True
    for word in clause[end:].split()[:6]:
        if _is_negation(word):  # "has not gone away": still there
            return False
        if word in _OVER:
            return True
    return False


# --------------------------------------------------------------------------------------------- red flags


@dataclass(frozen=True)
class RedFlag:
    """A symptom that needs urgent care. `matched` is the normalised text that triggered it (for logs)."""

    category: str
    matched: str


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_CANT = r"(?:can'?t|cannot|can not|couldn'?t|could not|unable to)"
_FILL = (
    r"(?:is|are|was|feels?|felt|feeling|has|have|been|keeps?|kept|getting|got|gets|went|gone|started|starting|"
    r"really|so|very|quite|a|bit|little|kind|of|kinda|sort|all|suddenly|like|still|looks?|looking|seems?|up|and|"
    r"my|his|her|their|the|its|it's)"
)
_BREATH_WORD = (
    r"(?:breathe?|breathing|breath)(?! (?:exercises?|techniques?|practice|class|classes|app|work|through))"
)
_SWELL = r"(?:swell\w*|swollen|puff(?:y|ed|ing)|bloat\w*|closing|tight|tightening|thick)"
_FACE_PART = r"(?:face|lips?|tongue|throat|mouth)"
_EYE_PART = r"(?:eyes?|eyelids?)"
_DOSE_EVENT = r"(?:injection|shot|jab|dose|b12)"
_SUBJECT = (
    r"(?:he|she|they|he's|she's|they're|hes|shes|mum|mom|mam|dad|husband|wife|partner|father|mother|"
    r"grandma|gran|grandad|grandpa|granddad|son|daughter|brother|sister)"
)
_NOT_ABOUT = r"(?! (?:about|by|with|as to|why|what|how|which|when|whether|if|on|over|regarding|re)\b)"

_RED_FLAGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "chest_pain",
        _any(
            rf"\bchest(?: {_FILL})*? (?:pains?|painful|hurts?|hurting|aches?|aching|achy|tight|tightness|"
            r"tightening|pressure|heavy|heaviness|crushing|squeezing|squeezed|burning|stabbing|discomfort)\b",
            r"\b(?:pains?|painful|tight|tightness|tightening|pressure|heaviness|crushing|squeezing|aching|"
            r"ache|"
            r"burning|hurting|discomfort|stabbing) (?:in|on|across|around|inside|through) "
            r"(?:(?:my|the|his|her|their|your) )?(?:(?:left|right|upper|middle|centre|center) )?chest\b",
            r"\b(?:tight|painful|heavy|crushing|aching|burning|hurting) chest\b",
            r"\bheart (?:pains?|hurts?|hurting|aching)\b|\bpains? in (?:my|his|her) heart\b|\bangina\b",
        ),
    ),
    (
        "breathing",
        _any(
            rf"\b(?:{_CANT}|struggl\w*(?: to)?|hard to|difficult to|troubles?|difficulty|difficulties|"
            rf"problems?|"
            rf"hard time|labou?red|labou?ring)(?: (?!hold\b|held\b|holding\b)\S+){{0,2}}? {_BREATH_WORD}\b",
            r"\bshort(?:ness)?(?: of)? breath\b",
            r"\b(?:out of breath|breathless(?:ness)?)\b(?! (?:from|after|when|while|"
            r"with) (?:\S+ )?(?:running|run|"
            r"exercise|exercising|walking|walk|climbing|stairs|upstairs|gym|jogging|cycling|sports?|swimming|"
            r"laughing|laughter|excitement)\b)",
            r"\bwhee?z(?:e|es|ed|ing|y)\b",
            r"\bgasp(?:ing|ed|s)? for (?:air|breath)\b|\bstruggling for (?:air|breath)\b",
            rf"\b{_CANT} get (?:enough )?air\b",
            r"\bbreathing (?:is|feels|felt|got|has been|became|seems|getting)(?: \S+){0,2}? (?:hard|"
            r"difficult|"
            r"tight|labou?red|heavy|shallow|weird|funny|strange|fast|rapid|noisy|painful|wheezy)\b",
        ),
    ),
    (
        "swelling",
        _any(
            rf"\b{_FACE_PART}(?: {_FILL}| {_FACE_PART})*? {_SWELL}\b",
            rf"\b(?:swell\w*|swollen|puffy|puffed up|puffing up)(?: (?:up|of|in|around|on|to|my|the|his|her|"
            rf"their|"
            rf"both|and|whole|entire|lips?|face))*? {_FACE_PART}\b",
            rf"\b{_EYE_PART}(?: {_FILL})*? (?:swell\w*|swollen)\b|\b(?:swell\w*|swollen)(?: (?:up|of|my|the|"
            rf"both))*? "
            rf"{_EYE_PART}\b",
            rf"\b(?:{_CANT}|trouble|difficulty|hard to|struggling to|problems?) swallow\w*\b",
        ),
    ),
    (
        "allergic_rash",
        _any(
            r"\bhives\b|\bwelts\b|\burticaria\b|\banaphyla\w*\b",
            r"\ballergic (?:reaction|shock|response)\b|\b(?:severe|bad|serious|big|"
            r"major) (?:allergic )?reaction\b",
            r"\b(?:severe|widespread|blistering|blistered|spreading|awful|terrible|massive|huge|weeping|"
            r"peeling|"
            r"purple|horrible|angry|bad)(?: \S+){0,2}? rash\b",
            r"\brash (?:is )?(?:all over|everywhere|spreading|over my (?:whole )?body|on my whole body|"
            r"with blisters|that blisters|blistering)\b",
            rf"(?<!small )(?<!little )(?<!tiny )(?<!mild )(?<!slight )(?<!faint )\brash\b(?: \S+){{0,5}}? "
            rf"(?:after|since|from|following) (?:\S+ )?(?:\S+ )?{_DOSE_EVENT}\b",
            rf"\b(?:after|since|following) (?:\S+ )?(?:\S+ )?{_DOSE_EVENT}\b(?: (?!small\b|little\b|tiny\b|"
            rf"mild\b|"
            r"slight\b)\S+){0,6}? rash\b",
            r"\bitch\w* all over\b|\bitch\w* everywhere\b|\bskin (?:is )?(?:blistering|peeling)\b",
            r"\bblisters (?:all over|everywhere)\b",
        ),
    ),
    (
        "fainting",
        _any(
            r"\b(?:fainted|fainting|faints|faintness|passed out|passing out|pass out|blacked out|"
            r"blacking out|"
            r"black out|lost consciousness|losing consciousness|unconscious|collapsed|collapsing|keeled over|"
            r"swooned)\b",
            r"\b(?:feel|feels|feeling|felt|going to|gonna|about to|nearly|almost|might|could|i|he|she|they|"
            r"we)"
            r"(?: \S+){0,2}? (?<!a )faint\b(?! (?:mark|line|bruise|spot|smell|taste|trace|red|pink|sound))",
        ),
    ),
    (
        "sudden_weakness",
        _any(
            r"\bsudden(?:ly)?(?: \S+){0,3}? weak(?:ness|ened)?\b",
            r"\bweak(?:ness)?(?: \S+){0,2}? (?:on|in|down) (?:(?:my|his|her|the) )?(?:one|left|"
            r"right) (?:side|arm|leg)\b",
            r"\b(?:weak(?:ness)?|numb(?:ness)?|droop\w*|paraly\w*|limp|dead)\b(?: \S+){0,3}? "
            r"(?:one side|side of (?:my|his|her) (?:face|body))\b",
            r"\b(?:face|mouth|smile) (?:is |has |went |gone )?(?:droop\w*|dropped|lopsided)\b",
            r"\bslurr\w* (?:speech|words|my words|talking)\b|\bspeech (?:is )?slurr\w*\b",
            rf"\b{_CANT} (?:speak|talk|get (?:my|his|her) words out)"
            r"(?: properly| clearly| normally| straight)\b",
            rf"\b{_CANT} (?:move|feel|use) (?:my|his|her|one) (?:\S+ )?(?:arm|arms|leg|legs|hand|side)\b",
            r"\b(?:arm|leg|legs|arms|hand)\b(?: \S+){0,2}? (?:went|gone|going|giving|gave) (?:weak|limp|dead|"
            r"way)\b",
            r"\b(?:having|had|think|might be|is having|signs of) (?:a )?stroke\b",
        ),
    ),
    (
        "confusion",
        _any(
            rf"\b(?:sudden(?:ly)?|all of a sudden|out of nowhere|severe(?:ly)?|new|"
            rf"acute(?:ly)?)(?: \S+){{0,2}}? "
            rf"(?:confus\w*|disorient\w*){_NOT_ABOUT}",
            r"\b(?:disoriented|disorientated|delirious)\b",
            rf"\b{_SUBJECT}(?: \S+)?(?: (?:is|seems|got|became|has become|went|getting|s))?(?: \S+)? "
            rf"(?:confused|disoriented|muddled){_NOT_ABOUT}",
            r"\bconfus\w* and (?:dizzy|drowsy|weak|slurr\w*|disoriented|unsteady|sleepy|can't|cannot)\b",
            r"\b(?:feel|feeling|felt|and is|and seems|and became|and got) "
            r"(?:really |very |so |all |suddenly )?"
            rf"(?:confused|muddled|disoriented){_NOT_ABOUT}",
            rf"\b{_CANT} think (?:straight|clearly|properly)\b",
            r"\b(?:don't|dont|doesn't|doesnt|didn't|didnt) (?:know|recogni[sz]e) (?:where (?:i am|she is|"
            r"he is|they are"
            r"|we are)(?! (?:in|with|on)\b)|who (?:i am|she is|he is)|me|her|him|anyone)\b",
        ),
    ),
    (
        "severe_numbness",
        _any(
            r"\b(?:severe(?:ly)?|sudden(?:ly)?|new|spreading|worsening|intense|extreme|complete(?:ly)?|"
            r"total(?:ly)?)(?: \S+){0,3}? (?:numb\w*|pins and needles)\b",
            # worsening numbness; worsening tingling alone is left to the neurologic-symptoms answer
            r"\b(?:numb\w*|pins and needles)(?: \S+){0,4}? (?:(?:is |has |have |it's |"
            r"are )?(?:getting|got|gotten|become|becoming|gone|going) "
            r"(?:much |a lot |way |really )?worse|spreading|worsening|all over|everywhere)\b",
            rf"\b{_CANT} feel (?:my|his|her) (?:legs?|feet|foot|face|toes|fingers)\b",
        ),
    ),
    (
        "irregular_heartbeat",
        _any(
            r"\bpalpitat\w*\b|\barrhythmi\w*\b",
            r"\b(?:heart|heartbeat|heart beat|heart rate|pulse)(?: (?:is|keeps|has been|was|feels|feel|felt|"
            r"started|"
            r"starts|suddenly|really|so|very|going|been|all))*? (?:racing|races|raced|pounding|fluttering|"
            r"skipping|"
            r"flutters|skips|irregular|erratic|jumping|thumping|all over the place|going crazy|out of rhythm|"
            r"missing beats|beating (?:really |so |very )?(?:fast|hard|oddly|strangely|irregularly))\b",
            r"\b(?:racing|pounding|irregular|fluttering|erratic|skipping|rapid|abnormal|uneven) "
            r"(?:heart|heartbeat|heart beat|heart rate|pulse)\b",
            r"\bskipp\w* (?:a )?beats?\b",
        ),
    ),
)

# Every pattern of a category contains one of its anchors, so a clause without any is skipped cheaply.
_ANCHORS: dict[str, tuple[str, ...]] = {
    "chest_pain": ("chest", "heart", "angina"),
    "breathing": ("breath", "wheez", "whez", "air"),
    "swelling": ("face", "lip", "tongue", "throat", "mouth", "eye", "swallow"),
    "allergic_rash": (
        "hive", "welt", "urticaria", "anaphyla", "allergic", "reaction", "rash", "itch", "skin", "blister",
    ),
    "fainting": ("faint", "pass", "black", "conscious", "collaps", "keel", "swoon"),
    "sudden_weakness": (
        "weak", "side", "droop", "dropped", "lopsided", "slurr", "speech", "speak", "talk", "words", "arm",
        "leg", "hand", "stroke",
    ),
    "confusion": ("confus", "disorient", "delirious", "muddled", "know", "recogni", "think"),
    "severe_numbness": ("numb", "pins and needles", "feel"),
    "irregular_heartbeat": ("palpitat", "arrhythmi", "heart", "pulse", "beat"),
}
RED_FLAG_CATEGORIES = tuple(category for category, _ in _RED_FLAGS)


def detect_red_flag(text: str) -> RedFlag | None:
    """The most urgent red-flag symptom in `text` (categories in RED_FLAG_CATEGORIES order), or None."""
    if not text:
        return None
    clauses = _clauses(text)
    for category, pattern in _RED_FLAGS:
        anchors = _ANCHORS[category]
        for clause in clauses:
            if not any(anchor in clause for anchor in anchors):
                continue
            for match in pattern.finditer(clause):
                if _negated(clause, match.start(), match.end()) or _asks_about_causes(clause, match.start()):
                    continue
                return RedFlag(category, match.group(0))
    return None


_CAUSE_QUESTION = re.compile(
    r"^(?:\S+ )?(?:can|could|does|do|will|would|might|may|is|are) (?:\S+ ){0,4}?"
    r"(?:cause|causes|give you|lead to|trigger|make you)\b"
)


def _asks_about_causes(clause: str, start: int) -> bool:
    """ "can b12 jabs cause palpitations?" asks about side effects in general; nobody reports a symptom.
    Any first-person word ("can the jab cause the chest pain I have?") makes it a report again."""
    cause = _CAUSE_QUESTION.match(clause)
    if cause is None or cause.end() > start:
        return False
    return not any(word in _FIRST_PERSON for word in clause.split())


_FIRST_PERSON = frozenset("i i'm im i've ive me my mine myself we we're our us".split())


# --------------------------------------------------------------------------------------------- dose changes

_DOSE_NOUN = (
    r"(?:doses?|dosages?|dosing|shots?|injections?|jabs?|b12|needles?|mcg|micrograms?|mg|milligrams?|ug|"
    r"\u00b5g|"
    r"amount|cobalamin|cyanocobalamin|hydroxocobalamin|one|ones)"
)
# "injection record", "injection site" and the like are not doses.
_NOT_A_DOSE = (
    r"(?! (?:record|records|card|diary|log|site|sites|appointment|schedule|plan|dates?|days?|times?|"
    r"questions?|"
    r"leaflet|kit|technique|nurse|clinic|results?|levels?)\b)"
)
_DOSE = rf"{_DOSE_NOUN}{_NOT_A_DOSE}"
_MODIFIER_GAP = (
    r"(?: (?:of|the|my|b12|vitamin|weekly|monthly|daily|\d[\d.]*|mcg|mg|micrograms?|im|intramuscular|"
    r"cyanocobalamin|hydroxocobalamin|cobalamin|booster|loading|b12s))*"
)
_TIME = r"(?:early|earlier|sooner|now|already|altogether|for good|completely|straight away|right away|before)"
_ORAL = re.compile(
    r"\b(?:tablets?|pills?|oral(?:ly)?|sublingual|spray|nasal|lozenges?|capsules?|supplements?|by mouth)\b"
)
_LAB = re.compile(r"\b(?:blood|lab|labs|test|tests|check|checkup|check-up|appointment|visit|reassessment)\b")
_HAS_DOSE = re.compile(rf"\b{_DOSE}\b")

# Change phrases that only count with a request cue ("can I", "I want", "please"...), so general questions
# such as "is a higher dose better?" stay with the general intents.
_CHANGE = _any(
    r"\b(?:doubl(?:e|ing)|tripl(?:e|ing))\b(?![ -]check)",
    rf"\b(?:more|extra|additional|another|bigger|larger|stronger|higher|increased|heavier|two|2|three|3|"
    rf"several|"
    rf"multiple|top ?up){_MODIFIER_GAP} {_DOSE}\b",
    rf"\b(?:less|fewer|lower|smaller|weaker|reduced|decreased|half|halved|lighter){_MODIFIER_GAP} {_DOSE}\b",
    r"\b(?:more|less) (?:often|frequent\w*)\b|\b(?:further|farther) apart\b|\bcloser together\b",
    r"\b(?:space|spread|stretch) (?:\S+ )?(?:\S+ )?out\b",
    r"\bevery (?:day|other day|\d+ days|couple of days|few days|two days|three days|other week|fortnight)\b",
    r"\b(?:twice|two times|2 times|three times|3 times) (?:a|per|each|every|this|in a|in one) "
    r"(?:week|day|month|fortnight)\b",
    rf"\b(?:increas\w*|decreas\w*|reduc\w*|lower|lowering|raise|raising|boost\w*|bump\w*|cut|cutting|change|"
    rf"changing|adjust\w*|alter|altering|tweak|modify|halve|halving|upp?ing)(?: (?:up|down|back|my|the|our|"
    rf"these|those|this|that|b12|weekly|monthly|number|amount|of))*? (?:{_DOSE}|frequency|how often|regimen|"
    r"interval)\b",
    r"(?<!pick )(?<!picked )(?<!set )\bup (?:my|the) (?:doses?|dosage|shots?|injections?|jabs?|b12|amount)\b",
    r"\b(?:increase|decrease|reduce|cut (?:down|back)|lower it|up it)\b",
    r"\bskip(?:s|ping)?\b",  # "skipped" is a missed dose being reported, not a request
    rf"\b(?:stop|stopping|quit|quitting|discontinue|discontinuing|pause|pausing|come off|coming off|get off|"
    rf"give up|finish|finishing|end|ending|drop|dropping|cut short)(?: (?:the|my|these|those|all|taking|"
    rf"having|getting|doing|with|b12|weekly|monthly|maintenance|replenishment|rest|of))*? "
    rf"(?:{_DOSE}|treatment|course|them|it|therapy|maintenance|weekly)\b",
    # moving a dose: "have my next shot early", "push my injection back", "postpone the jab"
    rf"\b(?:have|get|take|move|bring|push|put|delay|postpone|shift)(?: (?:my|the|next|this|week's|"
    rf"weeks|next week's))*? {_DOSE}(?: \S+){{0,3}}? (?:early|earlier|sooner|back|forward|later|off)\b",
    rf"\b(?:delay|postpone|delaying|postponing)(?: \S+){{0,2}}? {_DOSE}\b",
    rf"\bmake (?:my|the) {_DOSE} "
    r"(?:bigger|smaller|higher|lower|stronger|weaker|larger|more often|less often)\b",
    rf"\bmy {_DOSE} (?:changed|increased|decreased|reduced|lowered|raised|doubled|upped|adjusted|halved)\b",
    r"\b(?:change|changing|adjust|alter|modify)(?: (?:my|the|our))? (?:injection |dosing |dose )?schedule\b",
    r"\bmiss out\b|\b(?:can|could|may) (?:i|we) (?:just )?miss\b",
    r"\b(?:give me|get me|have|take|try|want|switch to|go up to|go to)(?: \S+){0,2}? "
    r"\d[\d.]*\s?(?:mcg|micrograms?|mg|milligrams?|ug|\u00b5g)\b",
    r"\btake a break from\b|\bbreak from (?:the |my )?(?:injections|shots|jabs)\b",
    rf"\b(?:take|have|get|do|give|inject)(?: (?:it|them|one|my|the|a|an|both|b12|shots?|injections?|doses?|"
    rf"jabs?|myself|me))*? (?:twice|two|2|both|double|three|3|extra)(?= {_DOSE}\b| this\b| in\b| at\b| on\b|"
    r" today\b| tomorrow\b| together\b| a\b| per\b| now\b| to make\b|$)",
)
# Switching patterns: an oral-switch question ("tablets instead?") is a general question, not a dose change.
_SWITCH = _any(
    r"\b(?:daily|weekly|monthly|fortnightly|\d[\d.]*\s?(?:mcg|micrograms?|mg|milligrams?|ug|\u00b5g)|"
    r"every (?:\S+ )?(?:days?|weeks?|months?))(?: \S+){0,2}? instead\b",
    r"\binstead of (?:the |my |a )?(?:\S+ )?(?:\d|weekly|monthly|daily|doses?|shots?|injections?|jabs?)",
    r"\b(?:go|switch|move|change|jump|skip ahead|swap|drop|step) (?:straight |right |over |down |up )?"
    r"(?:to|onto|down to|up to) (?:the )?(?:monthly|maintenance|weekly|daily|fortnightly|every|"
    r"\d[\d.]*\s?(?:mcg|mg|micrograms?|milligrams?))\b",
    rf"\bstart (?:the |my )?maintenance {_TIME}\b",
)
# Change phrases that are requests on their own: the patient's own dose, or a dose changed "early"/"now".
_STRONG = _any(
    rf"\b(?:double|doubling|triple|increase|increasing|decrease|decreasing|reduce|reducing|lower|lowering|"
    rf"raise|boost|halve|skip|skipping|up|upping|bump|change|changing|adjust|cut|cutting)"
    rf"(?: up| down| back)? my {_DOSE}\b",
    r"\bdoubl(?:e|ing) up\b",
    rf"\b(?:stop|stopping|quit|quitting|end|ending|finish|finishing|come off|"
    rf"coming off)(?: \S+){{0,4}}? {_TIME}\b",
)
_CUE = _any(
    r"\b(?:can|could|may|might|shall|should|must) (?:i|we|you|he|she)\b",
    # not "is it better / worth ...": that is the general "is more better?" question
    r"\b(?:is|would) it (?:be )?(?:ok|okay|alright|all right|fine|safe|possible|allowed)\b",
    # not "do I need / will I need ...": that asks about the documented plan
    r"(?<!do )(?<!will )(?<!would )\bi (?:want|wanna|need|would like|wish|plan|planned|intend|prefer|"
    r"would prefer|would rather|am planning|am going|am gonna|was thinking|was wondering|think i|feel like|"
    r"will|shall|might|may|could|should|am thinking|am considering)\b",
    r"\bi(?:'d|d) (?:like|prefer|rather|love)\b|\bi(?:'m|m) (?:going|gonna|planning|thinking|considering|"
    r"about)\b",
    r"\bi(?:'ll|ll)\b",
    r"\b(?:let me|let's|lets|please|pls|can you|could you|would you|will you|how about|what about|"
    r"what if i|what if we|why can't i|why cant i|why not|am i allowed|ok to|okay to|allowed to|permission|"
    r"any chance|is there any way|i'm allowed|im allowed)\b",
    # imperatives at the start of a clause ("double my dose", "give me more shots")
    r"^(?:(?:please|just|so|ok|okay|then|now|pls|hey|hi|hello|doctor|doc) )*(?:double|triple|increase|"
    r"decrease|reduce|lower|raise|up|boost|change|adjust|halve|cut|skip|stop|give me|get me)\b",
)
_CHANGE_AS_EFFECT = re.compile(
    r"\b((?:does|do|would|will|could|can|might|did) (?:that|this|it|being \S+|having \S+|my \S+|a \S+ diet))"
    r" change\b"
)
_DOSE_NEGATIONS = frozenset("never don't dont not won't wont didn't didnt doesn't doesnt".split())


def _dose_negated(clause: str, start: int) -> bool:
    """ "I don't want to double my dose", "I didn't skip": a change mentioned and denied ("why not" asks)."""
    before = clause[:start].split()[-3:]
    for index, word in enumerate(before):
        if word in _DOSE_NEGATIONS and not (word == "not" and index > 0 and before[index - 1] == "why"):
            return True
    return False


def detect_dose_change_request(text: str) -> bool:
    """True when the patient asks to change their dose or schedule: more or fewer shots, a double or higher
    dose, another amount instead, an extra injection, stopping early, skipping, taking it twice...

    Needs a personal request ("can I", "I want to", "please", an imperative, or "my dose"), so general
    questions ("is a higher dose better?", "when do I stop the weekly shots?") are left to the classifier.
    """
    if not text:
        return False
    for clause in _clauses(text):
        # "how does that change my injections?" asks what something means for the plan: "change" is
        # then the verb of "that", not a request to change the dose
        clause = _CHANGE_AS_EFFECT.sub(r"\1 affect", clause)
        if any(not _dose_negated(clause, m.start()) for m in _STRONG.finditer(clause)):
            return True
        # An oral-switch question ("can I stop the shots and take tablets?") is the general oral question.
        if not _CUE.search(clause) or _ORAL.search(clause):
            continue
        candidates = [*_CHANGE.finditer(clause), *_SWITCH.finditer(clause)]
        for match in candidates:
            if match.group(0).startswith("skip") and _LAB.search(clause) and not _HAS_DOSE.search(clause):
                continue  # "can I skip the blood test?" is not a dose change
            if not _dose_negated(clause, match.start()):
                return True
    return False


# --------------------------------------------------------------------------------------------- advice guard

_ADVICE_CHANGE_VERBS = (
    r"(?:double|doubling|triple|tripling|skip|skipping|stop|stopping|quit|quitting|pause|pausing|increase|"
    r"increasing|decrease|decreasing|reduce|reducing|lower|lowering|raise|raising|boost|boosting|halve|"
    r"halving|"
    r"cut|cutting|add|adding|up|upping|change|changing|adjust|adjusting|space|spacing|spread|spreading|"
    r"switch|"
    r"switching|drop|dropping|miss|missing|bump|bumping|top|topping|move|moving)"
)
_ADVICE_NEUTRAL_VERBS = (
    r"(?:take|taking|have|having|get|getting|give|giving|inject|injecting|use|using|do|doing)"
)
_OBJECT_WORDS = (
    r"(?:a|an|the|your|my|this|that|these|those|next|one|two|three|another|extra|more|additional|second|"
    r"double|"
    r"higher|lower|bigger|smaller|larger|stronger|weaker|half|of|to|vitamin|weekly|monthly|daily|remaining|"
    r"last|"
    r"upcoming|usual|regular|planned|scheduled|taking|having|getting|using|all|any|\S+'s|\d[\d.]*)"
)
_ADVICE_OBJECT = re.compile(rf"^(?:{_OBJECT_WORDS} ){{0,4}}(?:{_DOSE}|tablets?|pills?|oral)\b")
_ADVICE_PRONOUN_OBJECT = re.compile(
    r"^(?:(?:your|the|this|that|next|a|an|one|extra|another) ){0,2}"
    r"(?:it|them|up|one|ones|another|extra|frequency|often|apart|out|back|down|everything)\b"
)
_CHANGE_MODIFIER = re.compile(
    r"\b(?:extra|another|more|additional|double|two|twice|three|higher|lower|bigger|smaller|second|less|"
    r"half)\b"
)
_AS_DOCUMENTED = re.compile(
    r"\b(?:as documented|as planned|as scheduled|as prescribed|per your plan|in your plan|on your plan|"
    r"your clinician documented|documented by|on the documented|on the planned|on the scheduled|"
    r"on schedule)\b"
)
_FRAMES = re.compile(
    r"(?:"
    # imperative: sentence start, or after a comma / "and" / "or" / "then" / "so"
    r"(?:^|, |\band |\bor |\bthen |\bso )"
    r"|\byou(?:'ll|'d)? (?:will |would )?(?:should|can|could|may|might|must|need to|needs to|have to|"
    r"ought to|"
    r"had better|better|are able to|are allowed to|are free to|want to|will want to|might want to|"
    r"may want to|"
    r"may wish to|could try to|can try to|will need to|need only|just need to|can always|could always) "
    r"|\b(?:it's|it is|its) (?:\S+ )?(?:fine|ok|okay|safe|alright|best|better|good|wise|sensible|reasonable|"
    r"important) (?:for you )?to "
    r"|\b(?:recommend|recommends|recommended|suggest|suggests|suggested|advise|advises|advised|encourage|"
    r"urge)"
    r" (?:that )?(?:you )?(?:to )?"
    r"|\b(?:feel free|make sure|be sure|remember|don't forget|do not forget|try|consider|the best thing is|"
    r"best to|time to|why not)(?: you)?(?: to)? "
    r")"
    r"(?:(?:please|just|simply|now|then|instead|also|first|go ahead and|ok|okay|maybe|definitely|immediately|"
    r"still|safely|always|probably|easily) )*$"
)
_GERUND_FRAME = re.compile(
    r"\b(?:try|trying|consider|considering|recommend|recommends|recommended|suggest|suggests|suggested|"
    r"advise|advises|start|how about|what about|think about|it's worth|it is worth)(?: simply| just)?$"
)
_ADVICE_NEGATIONS = frozenset(
    "never not no don't dont doesn't doesnt cannot can't cant won't wont shouldn't mustn't isn't aren't "
    "avoid "
    "without".split()
)
_ADVICE_PSEUDO_NEXT = frozenset("forget only just hesitate".split())
_SCOPE_END = frozenset("so but however instead rather otherwise because since".split())
_HYPOTHETICAL = frozenset("if whether unless think wonder wondering ask asking before until when".split())
_SENTENCE_BREAK = re.compile(r"[.!?;\n]+(?=\s|$)|\s[-\u2013\u2014]+\s|\bbut\b")
_GUARD_TOKEN = re.compile(r"[a-z0-9\u00b5]+(?:['.][a-z0-9]+)*|,")
_VERB_AT = re.compile(rf"\b(?:{_ADVICE_CHANGE_VERBS}|{_ADVICE_NEUTRAL_VERBS})\b")


_OK_WORDS = (
    r"(?:is|are|would be|will be|should be|'s) (?:perfectly |totally |completely |absolutely |usually )?"
    r"(?:fine|ok|okay|safe|alright|all right|good|a good idea|reasonable|acceptable|allowed|no problem)\b"
)
# Approval without an instruction verb: "doubling up is fine", "an extra shot would be ok".
_APPROVAL = _any(
    rf"\b(?:doubling|tripling|skipping|stopping|increasing|reducing|decreasing|lowering|adding|upping|"
    rf"halving|missing)(?: \S+){{0,4}}? {_OK_WORDS}",
    rf"\b(?:taking|having|getting|injecting)(?: \S+){{0,3}}? (?:extra|additional|another|double|two|"
    rf"higher|bigger|second|more)(?: \S+){{0,2}}? {_OK_WORDS}",
    rf"\b(?:extra|additional|another|double|higher|bigger|second|more) (?:\S+ )?(?:doses?|shots?|injections?|"
    rf"jabs?|one)(?: \S+){{0,2}}? {_OK_WORDS}",
)
# Telling the patient a planned dose is unnecessary is advice to skip it.
_SKIP_ADVICE = re.compile(
    rf"\b(?:don't|do not|dont|won't|will not|no longer|needn't|no need to)(?: \S+)?(?: need to| have to)? "
    rf"(?:take|have|get|inject|bother with)(?: \S+){{0,3}}? {_DOSE}\b"
)


def _advice_blocked(prefix: list[str]) -> bool:
    """Is the verb after `prefix` denied ("never double") or hypothetical ("if you think you should")?"""
    for index in range(len(prefix) - 1, -1, -1):
        word = prefix[index]
        if word in _SCOPE_END:
            return False
        if word in _HYPOTHETICAL and "," not in prefix[index + 1 :]:
            return True
        if word in _ADVICE_NEGATIONS:
            following = prefix[index + 1] if index + 1 < len(prefix) else ""
            if following not in _ADVICE_PSEUDO_NEXT:
                return True
    return False


def contains_dose_advice(text: str) -> bool:
    """True if `text` tells the patient to take, add, double, skip, stop, increase or decrease a dose.

    Advice = an advice verb with a dose as its object, framed as an instruction to the patient: imperative
    ("Double your next dose"), "you should/can/may/need to ...", "it's fine to ...", "we recommend ...",
    "try/consider ...". Not advice: denials ("never double a dose without your clinician", "the bot cannot
    change your dose"), someone else's decision ("only your clinician can change your dose"), hypotheticals
    ("ask your clinician if you think you should skip one"), and taking the documented dose as documented.
    Used as a guard in tests over every text the bot can send.
    """
    if not text:
        return False
    for sentence in _SENTENCE_BREAK.split(_normalise(text)):
        tokens = _GUARD_TOKEN.findall(sentence)
        if not tokens:
            continue
        joined = " ".join(tokens)
        if _AS_DOCUMENTED.search(joined) is None and _SKIP_ADVICE.search(joined):
            return True
        if _APPROVAL.search(joined):
            return True
        for match in _VERB_AT.finditer(joined):
            prefix_text = joined[: match.start()].rstrip()
            prefix = prefix_text.split()
            rest = joined[match.end() :].strip()
            rest = rest.split(",")[0].strip()
            verb = match.group(0)
            neutral = re.fullmatch(_ADVICE_NEUTRAL_VERBS, verb) is not None
            object_match = _ADVICE_OBJECT.match(rest)
            if neutral:
                # "take/inject/give" a dose is advice; "have/get/do/use" one only with a change in it
                # ("you can get your injection at the clinic" is logistics, "get an extra shot" is advice).
                changed = object_match is not None and (
                    re.search(r"\d", object_match.group(0)) or _CHANGE_MODIFIER.search(object_match.group(0))
                )
                if object_match is None or (not changed and not verb.startswith(("tak", "inj", "giv"))):
                    continue
            elif object_match is None and not _ADVICE_PRONOUN_OBJECT.match(rest):
                continue
            if verb.endswith("ing"):
                # A gerund is an instruction only after "try / consider / we recommend ..."; at the start of a
                # sentence it is a subject ("Doubling up is not safe").
                if not _GERUND_FRAME.search(prefix_text):
                    continue
            elif not _FRAMES.search(prefix_text + " " if prefix_text else ""):
                continue
            if _advice_blocked(prefix):
                continue
            if neutral and _AS_DOCUMENTED.search(rest) and not _CHANGE_MODIFIER.search(rest):
                continue
            return True
    return False
