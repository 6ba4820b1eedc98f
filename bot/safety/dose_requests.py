"""Dose-change requests: the patient asks to change their dose or schedule, approves a change they made or
plan, or means to use medicine that is not their documented plan, for themselves or someone in their care. The
bot never advises on any of it; it offers the care team (safety rule 2).

Counted: more or fewer shots, a double, higher or lower dose ("put my dose up", "could it go down"), another
amount, strength or product instead ("can I take 2000 mcg instead", "the higher strength", "switch to
hydroxocobalamin"), another interval ("every 12 weeks", "fortnightly", "longer between"), an extra injection,
two together or catching up, leaving one out, stopping early or now they feel well, taking less; asking whether
an amount is right for them ("is 2000 mcg ok for me?", "is it safe for me to inject 1500 mcg?"); a change
already made ("I took a double dose, is that ok?", "skipped two on purpose", "moved myself onto monthly");
sharing or using someone else's or leftover medicine; buying extra or from abroad, or boosting on top.
Not counted: general and topic questions ("is a higher dose better?", "is it legal to buy b12 online?", "who
can change my dose?"), the documented dose ("I had my 1 mg injection as planned"), a missed dose reported ("I
missed my dose", "I skipped my shot last week"), the oral-switch question ("can I switch to tablets instead?"),
and a change denied ("I don't want to double it", "she can't change my dose").
Most change phrases need a request cue ("can I", "can my husband", "I want", "please", an imperative or "my
dose"). The wider phrasings live in dose_phrases.py.
"""

from __future__ import annotations

import re

from bot.safety import dose_phrases as more
from bot.safety.dose_phrases import AMOUNT as _AMOUNT
from bot.safety.dose_phrases import DOSE
from bot.safety.dose_phrases import OK as _OK


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_DOSE = DOSE
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
    r"\b(?:doubl(?:e|ing)|tripl(?:e|ing))\b(?![ -](?:check|book|booked|booking|click|the thanks|thanks))",
    rf"\b(?:more|extra|additional|another|bigger|larger|stronger|higher|increased|heavier|several|multiple|top ?up|"
    rf"(?<!next )(?<!my )(?<!last )(?<!first )(?:two|2|three|3)){_MODIFIER_GAP} {_DOSE}\b",
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
    # "skipped" is a missed dose being reported, not a request; "skip the queue" is not a dose
    r"\bskip(?:s|ping)?\b(?! (?:the (?:queue|line|jargon|small talk|chat|chit chat|details|intro|part|bit|"
    r"waffle)|to\b|ahead))",
    rf"\b(?:stop|stopping|quit|quitting|discontinue|discontinuing|pause|pausing|come off|coming off|get off|"
    rf"give up|finish|finishing|end|ending|drop|dropping|cut short)(?: (?:the|my|these|those|all|taking|"
    rf"having|getting|doing|with|b12|weekly|monthly|maintenance|replenishment|rest|of))*? "
    rf"(?:{_DOSE}|treatment|course|them|it|therapy|maintenance|weekly)\b",
    # moving a dose: "have my next shot early", "push my injection back", "postpone the jab"
    rf"\b(?:have|get|take|move|bring|push|put|delay|postpone|shift)(?: (?:my|the|next|this|week's|"
    rf"weeks|next week's))*? {_DOSE}(?: \S+){{0,3}}? (?:early|earlier|sooner|back|forward|later|late|off)\b"
    r"(?! in the (?:day|morning|afternoon|evening))",
    rf"\b(?:delay|postpone|delaying|postponing)(?: \S+){{0,2}}? {_DOSE}\b",
    r"\b(?:have|get|take|move|bring|do|give me) (?:it|them|the next one|my next one|the next|my next|this one) "
    r"(?:\S+ )?(?:early|earlier|sooner|a week early|a day early|a few days early)\b",
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
    r" today\b| tomorrow\b| together\b| a\b| per\b| now\b| to make\b| to catch\b| next\b| so\b| and\b|"
    r" instead\b| of them\b| at once\b| back to back\b|$)",
    r"\b(?:catch up|catching up|make up for|make up the|compensate for|double up)\b",
    *more.CHANGE,
)
# Switching patterns: an oral-switch question ("tablets instead?") is a general question, not a dose change.
_SWITCH = _any(
    r"\b(?:daily|weekly|monthly|fortnightly|\d[\d.]*\s?(?:mcg|micrograms?|mg|milligrams?|ug|\u00b5g)|"
    r"every (?:\S+ )?(?:days?|weeks?|months?|fortnight))(?: \S+){0,2}? instead\b",
    r"\binstead of (?:the |my |a )?(?:\S+ )?(?:\d|weekly|monthly|daily|doses?|shots?|injections?|jabs?|"
    r"cyanocobalamin|hydroxocobalamin|methylcobalamin|adenosylcobalamin)",
    r"\b(?:go|switch|move|change|jump|skip ahead|swap|drop|step) (?:straight |right |over |down |up |back )?"
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
    rf"\b(?:can|could) (?:my|the) (?:{_DOSE}|dosage) be (?:increased|decreased|changed|reduced|doubled|raised|lowered|"
    r"adjusted|upped|moved|spaced out|halved)\b",
    rf"\b(?:stop|stopping|quit|quitting|end|ending|finish|finishing|come off|coming off)(?: (?:the|my|these|those|all|"
    rf"of|taking|having|getting|doing|with|b12|weekly|monthly|injections?|shots?|jabs?|treatment|them|it|course|his|"
    rf"her|their|our|your|phase|plan|regime|regimen|programme|program|series|"
    rf"maintenance|everything|loading|doses?|just))*? {_TIME}\b",
    *more.STRONG,
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
    *more.CUES,
)
_CHANGE_AS_EFFECT = re.compile(
    r"\b((?:does|do|would|will|could|can|might|did) (?:that|this|it|being \S+|having \S+|my \S+|a \S+ diet))"
    r" change\b"
)
_DOSE_NEGATIONS = frozenset(
    "never don't dont not won't wont didn't didnt doesn't doesnt can't cant cannot couldn't wouldn't shouldn't".split()
)


def _dose_negated(clause: str, start: int) -> bool:
    """ "I don't want to double my dose", "she can't change my dose": a change mentioned and denied ("why not" and
    "why can't I" ask)."""
    words = clause[:start].split()
    before = words[-3:]
    offset = len(words) - len(before)
    for index, word in enumerate(before):
        if word not in _DOSE_NEGATIONS or (index > 0 and before[index - 1] == "why"):
            continue
        following = words[offset + index + 1] if offset + index + 1 < len(words) else ""
        if following in _ASKING_SUBJECTS:
            continue  # "can't I have an extra one?", "couldn't we space them out?": a question, not a denial
        return True
    return False


_ASKING_SUBJECTS = frozenset("i we you he she it my the".split())


_PRODUCT = (
    r"(?:b12|ampoules?|ampules?|injections?|shots?|jabs?|doses?|vials?|syringes?|hydroxocobalamin|cyanocobalamin|"
    r"methylcobalamin|cobalamin|medicine|medication|meds|prescription|supply|stock|box|boxes|pens?)"
)
_PERSONAL = re.compile(r"\b(?:for me|i|i'm|i've|my|me|myself)\b")
# Asking whether an amount or a change is right for them: "is 2000 mcg ok for me?", "would double be safe for me"
_APPROVAL_QUESTION = _any(
    rf"\b(?:is|would|will|are|could|can|should)\b(?: \S+){{0,4}}? {_AMOUNT}(?: \S+){{0,4}}? {_OK}\b",
    rf"\b{_AMOUNT}(?: \S+){{0,3}}? (?:be |is |would be |ok |okay )?(?:ok|okay|alright|fine|safe|right|good|better|"
    r"suitable|too much|enough) for me\b",
    r"\b(?:higher|bigger|double|extra|more|stronger|lower|smaller|less|another|second)(?: \S+){0,2}? (?:doses?|"
    rf"shots?|injections?|jabs?|amount|b12)(?: \S+){{0,3}}? {_OK} for me\b",
    rf"\b(?:should|could|can|would|do) i (?:be on|go on|get on|start on|move to|go up to|need|use|have|take) "
    rf"(?:\S+ )?{_AMOUNT}",
)
_APPROVAL_DATED = _any(*more.APPROVAL)
# A change already made by the patient: "I took a double dose", "I've been injecting twice a week".
_SELF_ADJUSTED = _any(
    r"\bi(?:'ve| have)? (?:just |accidentally |already |mistakenly |by mistake |kind of |sort of )*(?:took|taken|"
    r"injected|gave myself|given myself|did|done|used)(?: \S+){0,3}? (?:a double|double|an extra|extra|another|"
    r"a second|second|two|2|three|3|higher|bigger|twice|more|both|a higher|a bigger)\b",
    rf"\bi(?:'ve| have)? (?:just |accidentally |already |mistakenly )*had (?:an extra(?! (?:blood|lab|test|"
    rf"appointment|check|copy|letter))|a double|double|extra|two "
    rf"{_DOSE}(?: \S+)? (?:today|in one day|at once|together|back to back))\b",
    r"\bi(?:'ve| have)? (?:just |accidentally |already |mistakenly |went and )*(?:doubled|tripled|increased|upped|"
    r"reduced|halved|lowered|cut down|cut back|stopped|changed|adjusted|spaced out|spread out)(?: \S+){0,2}? "
    r"(?:my |the |taking |having )?(?:dose|dosage|doses|injections?|shots?|jabs?|b12|them|it)\b",
    r"(?<!when )(?<!since )(?<!after )(?<!before )(?<!once )(?<!until )\bi(?:'ve| have)? (?:just |already |myself )*"
    r"(?:cut down|cut back|gone down|dropped|gone up|moved|switched) (?:myself )?to (?:one|1|two|2|\d+|every|once|"
    r"monthly|weekly|fortnightly|a lower|a higher)\b",
    r"\bi(?:'ve| have)? been (?:doing|giving|taking|having|injecting|using)(?: \S+){0,5}? instead\b|\b(?:doing|"
    r"giving myself) my own (?:injections|jabs|shots)\b",
    r"\b(?:split|halve|divide|cut) (?:an? |the |my |each )?(?:ampoule|ampule|dose|injection|vial|syringe|shot)s?\b"
    r"|\b(?:use|take|inject|have|give myself) (?:only )?half (?:an? |the |my |of )?(?:ampoule|ampule|dose|injection|"
    r"vial|shot)s?\b",
    r"\bi(?:'ve| have) been (?:taking|having|injecting|doing|giving myself|using)(?: \S+){0,3}? (?:two|2|twice|"
    r"double|extra|three|3|more|an extra|another)\b",
    rf"\bi (?:took|injected|used|had)(?! my\b)(?: \S+){{0,2}}? {_AMOUNT}(?! (?:as|like) (?:prescribed|planned|"
    r"documented))",
    *more.SELF_ADJUSTED,
)
# Someone else's, leftover or shared medicine: "can my kid use my leftover ampoules", "give one to my husband".
_SHARING = _any(
    r"\b(?:(?:got|received|been given|bought) (?:some |a few |a box of |an? )?(?:\S+ )?(?:shots|injections|"
    r"ampoules|ampules|vials|jabs|b12) (?:from|off) (?:a|my|her|his|the) (?:friend|neighbour|neighbor|mum|mom|"
    r"sister|brother|colleague|pharmacy|internet|website|gym|someone|relative|cousin|aunt))\b",
    r"\b(?:use|using|used|take|taking|(?<!i )(?<!i've )(?<!we )have|having|give|giving|gave|share|sharing|borrow|"
    r"borrowing|borrowed|lend|"
    r"lending|inject|injecting|try|pass on|sell|donate)(?: \S+){0,3}? (?:someone else's|somebody else's|another "
    r"person's|other people's|\S+'s|leftover|left over|spare|old|unused|remaining|expired)"
    rf"(?: \S+){{0,2}}? {_PRODUCT}\b",
    # "can I use her ampoules": another person's, when the patient is the one using them (not "he's having his")
    r"\b(?:i|we)\b(?: \S+){0,3}? (?:use|using|used|take|taking|have|having|borrow|borrowing|borrowed|inject|"
    rf"injecting|try)(?: \S+){{0,2}}? (?:her|his|their)(?: \S+){{0,2}}? {_PRODUCT}\b",
    rf"\b(?:give|share|lend|pass|sell|donate)(?: \S+){{0,2}}? (?:my|one of my|some of my|a few of my|any of my)"
    rf"(?: \S+)? {_PRODUCT}(?: \S+){{0,3}}? (?:with|to)\b",
    r"\b(?:use|have|take|borrow|share|try) (?:mine|some of mine|one of mine|hers|his)\b",
    rf"\b(?:give|gave|lend|lent|share|shared|pass|passed|sell|sold|use|used|have|take|took|borrow|borrowed|try)"
    rf"(?: \S+){{0,3}}? (?:one|some|any|a few|a couple|two) "
    rf"of (?:mine|(?:my|his|her|their) (?:\S+ )?{_PRODUCT})\b",
    rf"\b(?:gave|give|giving|lent|lend) me (?:her|his|their|some of (?:her|his|their)|one of (?:her|his|their)) "
    rf"(?:\S+ )?{_PRODUCT}\b",
    rf"\b(?:leftover|left over|spare|unused|remaining|old)(?: \S+){{0,2}}? {_PRODUCT}\b(?: \S+){{0,4}}? (?:for|on) "
    r"(?:my|her|his|their) (?:\S+)\b",
)
# Getting more medicine than the plan: "can I buy ampoules online to top up", "top up between jabs".
_TOP_UP = _any(
    r"\b(?:buy|buying|bought|order|ordering|ordered|purchase|purchasing|get hold of|source)(?: \S+){0,4}? "
    r"(?:b12 )?(?:injections?|ampoules?|ampules?|vials?|shots?|jabs?|hydroxocobalamin|cyanocobalamin|"
    r"methylcobalamin|syringes?|injectable|my own|extra|more|some more)\b",
    r"\b(?:buy|buying|bought|order|ordering|get|getting|take|taking|use|using|have)(?: \S+){0,5}? (?:to top (?:me |"
    r"myself |it |my levels |my b12 )?up|on top of (?:my |the )?(?:injections?|jabs?|shots?|doses?|plan)|in "
    r"between (?:my |the )?(?:injections?|jabs?|shots?|doses?)|between (?:my |the )?(?:injections?|jabs?|shots?|"
    r"doses?)|as well as (?:my |the )?(?:injections?|jabs?|shots?)|alongside (?:my |the )?(?:injections?|jabs?|"
    r"shots?))",
    r"\btop(?:ping)? (?:myself |me |it |my levels |my b12 |my b12 levels )?up\b",
    r"\b(?:buy|buying|bought|order|ordering|get|getting)(?: \S+){0,3}? (?:b12|tablets?|spray|patches|supplements?)"
    r"(?: \S+){0,3}? (?:online|over the counter|from (?:the |a )?(?:pharmacy|chemist|amazon|internet|shop|health "
    r"food shop)|without (?:a )?prescription|privately)\b(?=.*\b(?:as well|too|extra|more|on top|between|also)\b)",
    r"\b(?:buy|buying|bought|order|ordering|ordered|get|getting)(?: \S+){0,2}? b12(?: \S+){0,2}? (?:online|over the "
    r"counter|from (?:the |a )?(?:pharmacy|chemist|amazon|internet|shop)|without (?:a )?prescription|privately)\b"
    r"(?!.*\b(?:tablets?|spray|supplements?|pills?|food)\b)",
    r"\b(?:buy|buying|bought|order|ordering|ordered|get|getting|got|import\w*|ship\w*)(?: \S+){0,3}? (?:from )?"
    r"(?:abroad|overseas|another country|a website|an online shop|a seller|a supplier|ebay|the dark web)\b",
    r"\b(?:use|take|have|get|try|add|buy|using|taking|adding)(?: \S+){0,5}? (?:on top|in addition|as an extra|as a "
    r"booster|to boost (?:it|them|my levels|my b12|the injections?|things|myself)|for a boost|as a top ?up)\b",
    r"\b(?:use|take|have|get|try|add|buy|using|taking|adding)(?: \S+){0,3}? (?:boosters?|sprays?|drops|patches|"
    r"supplements?|tablets|lozenges|sublingual)(?: \S+){0,2}? (?:as well|too|in addition|also|on the side|alongside)\b",
)
# Not about their own dose at all: disposal or storage of leftovers.
_NOT_A_REQUEST = re.compile(
    r"\b(?:dispose|disposal|throw (?:away|out)|get rid of|recycle|store|storing|keep them|sharps bin|bin)\b"
)
# Every pattern below needs one of these (cheap first test per clause).
_ANCHOR = re.compile(
    r"dos|shot|inject|jab|b12|mcg|mg\b|ug\b|gram|ampoul|ampul|vial|doubl|tripl|twice|two|\d|three|skip|stop|quit|"
    r"extra|more|less|fewer|high|low|big|small|strong|weak|increas|decreas|reduc|halv|half|split|space|spread|stretch|"
    r"every|week|month|fortnight|quarter|daily|instead|earl|soon|later|late|delay|postpone|push|move|bring|catch|"
    r"make up|top|buy|"
    r"bought|order|purchase|share|leftover|left over|spare|mine|his|hers|'s|come off|coming off|pause|cut|up|miss|"
    r"chang|adjust|alter|tweak|modif|bump|boost|raise|lower|drop|finish|end|give up|discontinu|cobalamin|medic|"
    r"prescription|syringe|needle|one|them|it|apart|together|often|frequen|switch|go |break|treatment|course|therapy|"
    r"maintenance|amount|regimen|interval|schedule|both|once|another|additional|second|again|sever|multiple"
)
# A question about doses in general or in a hypothetical, not about changing theirs.
_GENERAL_FRAME = re.compile(
    r"^(?:who|whom|which (?:doctor|person|clinician|nurse|team|one))\b|\bwhat happens if (?:you|someone|people|"
    r"a person)\b|\bcan you overdose\b|\bwhat (?:should|do|would) i do if\b"
    r"|\bin case i\b"
)
# A question about a topic, not about their own supply: "is it legal to buy ...", "is there any point in ...".
_TOPIC_FRAME = re.compile(
    r"^(?:is it|are they|is there|are there|would it be) (?:legal|illegal|allowed|permitted|lawful|any point|any "
    r"benefit|any evidence|worth|a good idea|sensible|common|possible)\b|\b(?:generally|in general|generally speaking|"
    r"in theory|do people|can people|can anyone|does anyone|do patients|can you (?:legally |actually )?(?:buy|get))\b"

)
# "can I buy b12 injections online": where to get them (the topic's own answer), not more of them
_ONLINE_QUESTION = re.compile(r"^(?:can|could) (?:i|we) (?:legally |actually )?(?:buy|get|order) (?:b12 )?"
                              r"(?:injections?|ampoules?|jabs?|shots?|them|it) online$")
# "is it dangerous to double up?" in general; "is it possible to get a bigger dose next time" is theirs.
_RISK_FRAME = re.compile(
    r"^(?:is it|would it be|isn't it) (?:dangerous|bad|harmful|risky|unsafe|a bad idea|possible|legal)\b"
)
_NEGATED_VERB = re.compile(r"\b(?:never|don't|dont|won't|wont|didn't|didnt|not|wouldn't|shouldn't)(?: \S+){0,2}$")


def _denied(clause: str, start: int) -> bool:
    return _NEGATED_VERB.search(clause[:start].rstrip()) is not None


# Leftover or someone's medicine in one clause, "can I use them?" in the next.
_LEFTOVER_THEN_USE = re.compile(
    rf"(?:\b(?:leftover|left over|spare|unused|old|expired|extra|\S+'s)(?: \S+){{0,2}}? {_PRODUCT}\b|\b{_PRODUCT} "
    rf"(?:left over|left|spare)\b).*\b(?:use|take|inject|"
    r"have|try) (?:them|these|those|it)\b(?! (?:away|out))"
)
# "when do the weekly ones finish now?": when the plan ends, not a request to end it
_TIMING_QUESTION = re.compile(r"^(?:(?:wait|so|ok|okay|and|but|um|erm|hmm|sorry|right)\W* )*"
                              r"(?:when|how long|until when) (?:do|does|will|is|are|did|can|could|should|shall|may)\b")
# Questions about the plan's own course: "when can I stop the injections?", "is that why I need more shots?"
_PLAN_QUESTION = re.compile(
    r"^(?:(?:wait|so|ok|okay|and|but|um|erm|hmm|sorry|right)\W* )*(?:when|how long|how soon|at what point|"
    r"how many more)\b|\b(?:when|until) (?:i|we) (?:can|could|should|will|'ll|"
    r"get to) (?:stop|finish|come off|end)\b|\b(?:is that why|is this why|that's why|why do i|"
    r"why does|why am i|why is)\b"
)


def is_dose_request(clauses: tuple[str, ...]) -> bool:
    """True when one of the (canonical) clauses asks for, approves or reports a dose change."""
    message = " | ".join(clauses)
    not_a_request = _NOT_A_REQUEST.search(message) is not None
    if len(clauses) > 1 and _LEFTOVER_THEN_USE.search(message) and not not_a_request:
        return True
    if _extra_then_asked(clauses):
        return True
    dose_before = False  # a dose mentioned in an earlier clause, for "..., can you change it?"
    for clause in clauses:
        if not _ANCHOR.search(clause):
            continue  # no dose, schedule or medicine word at all: nothing to change
        if _clause_is_request(clause, not_a_request, dose_before):
            return True
        dose_before = dose_before or bool(_HAS_DOSE.search(clause))
    return False


def _extra_then_asked(clauses: tuple[str, ...]) -> bool:
    """ "so I had two this week, was that ok?": an extra dose reported, then asked about."""
    for index, clause in enumerate(clauses):
        if more.HAD_EXTRA.search(clause) and not more.AS_PLANNED.search(clause) and not _denied(clause, 0):
            if any(more.WAS_THAT_OK.search(later) for later in clauses[index:]):
                return True
    return False


# verbs of dose change whose object is the chat, not the treatment
_NOT_DOSE_OBJECT = re.compile(
    r"\b(?:skip|skipping|increase|increasing|change|changing|stop|stopping|double|reduce|bump)(?: \S+){0,2}? "
    r"(?:the |this |that |my )?(?:small talk|chit ?chat|text size|font(?: size)?|reminders?|messages?|notifications?|"
    r"chat|page|zoom|volume|language|password|email|phone number|address|questions?)\b"
    r"|\b(?:give|gave|tell|send) (?:me|us|him|her) (?:a bit |a little |some )?more (?:info|information|details?|"
    r"explanation)\b|\bmore (?:info|information|details?|explanation)\b")


def _clause_is_request(clause: str, not_a_request: bool, dose_before: bool) -> bool:
    # "how does that change my injections?" asks what something means for the plan: "change" is
    # then the verb of "that", not a request to change the dose
    clause = _CHANGE_AS_EFFECT.sub(r"\1 affect", clause)
    clause = _NOT_DOSE_OBJECT.sub(" ", clause)  # "can I skip the small talk", "increase the text size"
    personal = more.PERSONAL_OR_DATED.search(clause) is not None
    if _GENERAL_FRAME.search(clause) or (_RISK_FRAME.search(clause) and not personal):
        return False  # "is it dangerous to double up?", "what should I do if I accidentally take two?"
    if not _TIMING_QUESTION.search(clause) and any(not _dose_negated(clause, m.start())
                                                   for m in _STRONG.finditer(clause)):
        return True
    planned = more.AS_PLANNED.search(clause) is not None
    if not not_a_request and not planned:
        if any(not _denied(clause, m.start()) for m in _SELF_ADJUSTED.finditer(clause)):
            return True
        if not _TIMING_QUESTION.search(clause) and any(not _denied(clause, m.start())
                                                       for m in _SHARING.finditer(clause)):
            return True  # but "when did my father last have his b12 shot" asks a date
        topic = (_TOPIC_FRAME.search(clause) and not _PERSONAL.search(clause)) or _ONLINE_QUESTION.match(clause)
        if not topic and any(not _denied(clause, m.start()) for m in _TOP_UP.finditer(clause)):
            return True  # but "is it legal to buy b12 injections online?" is a general question
    if _PERSONAL.search(clause) and any(not _denied(clause, m.start()) for m in _APPROVAL_QUESTION.finditer(clause)):
        return True
    if personal and any(not _denied(clause, m.start()) for m in _APPROVAL_DATED.finditer(clause)):
        return True
    if not planned and more.ELLIPTICAL.match(clause):
        return True  # "extra shot before my exams?", "2 shots at once next week ok?"
    # An oral-switch question ("can I stop the shots and take tablets?") is the general oral question.
    if not _CUE.search(clause) or _ORAL.search(clause) or _PLAN_QUESTION.search(clause):
        return False
    if dose_before and more.PRONOUN_CHANGE.search(clause):
        return True  # "I need more than 1 mg, can you change it"
    carried = more.CARRY.search(clause) is not None
    for match in [*_CHANGE.finditer(clause), *_SWITCH.finditer(clause)]:
        if match.group(0).startswith("skip") and _LAB.search(clause) and not _HAS_DOSE.search(clause):
            continue  # "can I skip the blood test?" is not a dose change
        if carried and match.re is _CHANGE and not match.group(0).startswith(("doubl", "tripl", "skip")):
            continue  # "can I take a load of ampoules with me on the plane?"
        if more.OTHER_VACCINE.search(clause) and more.TOGETHER.search(match.group(0)):
            continue  # "can I have my b12 and the flu jab on the same day?"
        if not _dose_negated(clause, match.start()):
            return True
    return False
