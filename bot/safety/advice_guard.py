"""The dose-advice guard: does a text the bot is about to send tell the patient to change a dose?

Used in tests over every text the bot can send (and available to any reply path as a last check). Advice = an
advice verb with a dose as its object, framed as an instruction to the patient; denials, someone else's decision,
hypotheticals and taking the documented dose as documented are not advice.
"""

from __future__ import annotations

import re

from bot.safety.dose_requests import DOSE as _DOSE
from bot.safety.text import normalise as _normalise


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))



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
