"""How a message is read when the classifier alone is not enough: pure rules over the words, the
classifier's ranking and what the conversation was about. No Rasa, no SQL.

- `unsure_guess`: the classifier is unsure, but the words and the conversation say which of its likeliest
  questions it is ("when does mine start?" after maintenance was explained; "what about my blood test";
  "what should I do to get ready for it" after a blood-test answer).
- `personal_twin`: a general question asked about the patient's own plan ("is that one of the tests I'm
  having?") is the plan question.
- `asks_about_day`: "is there one on Saturday?", "is tomorrow an injection day?" ask about their dates.
- `asks_if_urgent`: "is it an emergency?" asks when to seek urgent care (it is not itself a red flag).
- `after_dismissal`: "ok never mind, what about mine" still asks something; `after_thanks`: "thanks and MCV".
- `part_guess`: one unsure part of a message with several questions, read from its own words.
- `asks_for_a_dose`, `asks_start`, `asks_remaining`, `asks_meaning_of_term`, `terms_named`, `asked_day`: the
  small readings the service uses to refine what the classifier said.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.knowledge import term_for
from bot.reading_terms import MY_OWN, asks_meaning_of_term
from bot.reading_terms import OWN_DATES as _OWN_DATES
from bot.vocabulary import FALLBACK_INTENT, GENERAL_INTENTS, PLAN_INTENTS, TOPIC_INTENTS

_QUESTION = re.compile(r"\?|^\W*(?:when|what|which|how|is|are|do|does|did|will|can|could|should|so|and|ok)\b",
                       re.IGNORECASE)
_MEANING = re.compile(r"\b(?:mean|means|meaning|what is|what's|whats|what are|stand for|stands for|explain|why|"
                      r"what (?:is|are) (?:it|they|that|those) for)\b", re.IGNORECASE)
# General questions whose personal form is a plan question.
PERSONAL_TWIN = {"ask_monitoring_labs": "ask_next_lab_check", "ask_product_difference": "ask_my_product"}
# A glossary term's question about the patient's own plan ("when does mine start?" after "maintenance").
TERM_PLAN = {
    "serum B12": "ask_next_lab_check", "CBC": "ask_next_lab_check", "MCV": "ask_next_lab_check",
    "MMA": "ask_next_lab_check", "homocysteine": "ask_next_lab_check", "reticulocytes": "ask_next_lab_check",
    "maintenance": "ask_maintenance_plan", "replenishment": "ask_weekly_duration",
    "intramuscular": "ask_my_product", "deep subcutaneous": "ask_my_product",
}
_LAB_TERMS = {term for term, intent in TERM_PLAN.items() if intent == "ask_next_lab_check"}
# Questions that naturally follow one another: after one, the other is the likelier reading of an unsure message.
RELATED: dict[str, frozenset[str]] = {
    "ask_next_lab_check": frozenset({"ask_lab_preparation", "ask_monitoring_labs"}),
    "ask_monitoring_labs": frozenset({"ask_next_lab_check", "ask_lab_preparation"}),
    "ask_lab_preparation": frozenset({"ask_next_lab_check", "ask_monitoring_labs"}),
    "ask_interactions": frozenset({"ask_interactions"}),
    "ask_side_effects": frozenset({"ask_side_effects", "ask_self_injection"}),
    "ask_self_injection": frozenset({"ask_side_effects", "ask_self_injection"}),
    "ask_appointment_change": frozenset({"ask_next_injection", "ask_appointment_change"}),
}
MIN_GUESS = 0.12  # below this even a fitting candidate is a guess too far: ask instead
_CANDIDATES = 3


def _candidates(ranking: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(name, confidence) for name, confidence in ranking
            if name not in (FALLBACK_INTENT, "report_emergency")][:_CANDIDATES]


def is_personal(text: str) -> bool:
    return bool(MY_OWN.search(text or "") or _OWN_DATES.search(text or ""))


def unsure_guess(text: str, ranking: list[tuple[str, float]], topic: str | None, term: str | None) -> str | None:
    """The question an unsure message most likely asks, or None (then the bot asks "did you mean …?")."""
    candidates = [(name, c) for name, c in _candidates(ranking) if c >= MIN_GUESS]
    if not candidates or not text:
        return None
    named_term = term_for(text)
    if term and not named_term and is_personal(text) and TERM_PLAN.get(term):
        return TERM_PLAN[term]  # "when does mine start?" right after "maintenance" was explained
    if named_term and not is_personal(text):
        return "ask_term_meaning"  # "is that the same as replenishment?"
    if topic in RELATED:
        related = [name for name, _ in candidates if name in RELATED[topic]]
        if related:
            return related[0]
    if is_personal(text) or topic in PLAN_INTENTS:
        plan = [name for name, _ in candidates if name in PLAN_INTENTS]
        if plan:
            return plan[0]
    if topic and topic in [name for name, _ in candidates] and topic not in PLAN_INTENTS:
        return topic  # "they're cheap on amazon though" after buying online: still that topic
    return None


def personal_twin(intent: str | None, text: str) -> str | None:
    """The plan question a general question about the patient's own plan is ("which one is mine?")."""
    if not MY_OWN.search(text or "") or _MEANING.search(text or ""):
        return None  # "what does MMA mean on my blood form?" asks what the word means
    if intent in PERSONAL_TWIN:
        return PERSONAL_TWIN[intent]
    if intent in ("ask_term_meaning", "ask_my_product") and term_for(text or "") in _LAB_TERMS:
        return "ask_next_lab_check"  # "is the FBC one of mine?"
    return None


_DAY = (r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?|tomorrow|tmrw|tmr|tomoz|2moro|today|"
        r"tonight|"
        r"\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|"
        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}(?:st|nd|rd|th)?|\d{1,2}/\d{1,2}")
_ABOUT_DAY = re.compile(
    rf"\b(?:is there (?:one|an? (?:injection|jab|shot))|do i have (?:one|an? (?:injection|jab|shot))|"
    rf"have i got (?:one|an? (?:injection|jab|shot))|any (?:injection|jab|shot)s?|is (?:it|there))\b.{{0,20}}\b"
    rf"(?:on |for |this |next )?(?:{_DAY})\b"
    rf"|\b(?:is|are) (?:{_DAY}) (?:an? |my )?(?:injection|jab|shot|b12)(?: day)?\b"
    rf"|^\W*(?:and |ok |so )?(?:what|how) about (?:on )?(?:this |next )?(?:{_DAY})\b"
    rf"|^\W*(?:and |ok |so |or )?(?:on |for )?(?:the )?(?:this |next )?(?:{_DAY})(?:,? (?:the )?(?:{_DAY}))?"
    rf"(?:,? \d{{4}})?\W*$",
    re.IGNORECASE)


def asks_about_day(text: str) -> bool:
    """"is there one on Saturday?", "is tomorrow an injection day?", "do I have a jab on 13 Dec?"."""
    return bool(_ABOUT_DAY.search(text or ""))


_EMERGENCY_PLACE = r"(?:a ?&? ?e|the er|er|emergency|999|911|112|an ambulance|urgent care)"
_IF_URGENT = re.compile("|".join((
    r"\bis (?:it|this|that) (?:an )?(?:emergency|urgent|serious)\b",
    rf"\bshould i (?:go to|call) {_EMERGENCY_PLACE}",
    rf"\bdo i need (?:to go to )?{_EMERGENCY_PLACE}",
    r"\bwhen (?:is it|should i (?:worry|seek|get))\b.{0,20}\b(?:urgent|emergency|help)\b",
    # "and if it gets a lot worse over the weekend when the clinic is shut?": who to turn to out of hours
    r"\b(?:if|when) (?:it|they|this|that|she|he|things?|my \w+) (?:gets?|goes|become|becomes|get) (?:a lot |much |any |"
    r"even |really )?worse\b.{0,40}\b(?:weekend|night|overnight|out of hours|closed|shut|holiday|christmas|can'?t "
    r"(?:get|reach)|no one|nobody)\b",
)), re.IGNORECASE)


def asks_if_urgent(text: str) -> bool:
    return bool(_IF_URGENT.search(text or ""))


_DISMISSAL = re.compile(r"^\W*(?:(?:ok(?:ay)?|right|fine|alright|sorry)\W+)?(?:never ?mind|forget (?:it|that)|"
                        r"no matter|scratch that|doesn't matter)\W+(.+)$", re.IGNORECASE)


def after_dismissal(text: str) -> str | None:
    """What follows "never mind" when it is not the whole message ("ok never mind, what about mine")."""
    m = _DISMISSAL.match(text or "")
    if m and _QUESTION.search(m.group(1)):
        return m.group(1).strip()
    return None


_WORRY = re.compile(r"^\W*(?:should i (?:be )?worr(?:y|ied)|is (?:that|it|this) (?:normal|ok|okay|bad|serious|"
                    r"common|a problem)|do i need to worry|what if it (?:gets worse|doesn't go|does not go)|"
                    r"how long (?:does|will) (?:it|that) last)\W*$", re.IGNORECASE)


def topic_followup(text: str, topic: str | None) -> str | None:
    """"should I be worried", "is that normal", "what about omeprazole" after a general or topic answer:
    the same topic again."""
    if topic not in GENERAL_INTENTS and topic not in TOPIC_INTENTS:
        return None
    if _WORRY.match(text or "") or re.match(r"^\W*(?:and |so )?(?:what|how) about\b", text or "", re.IGNORECASE):
        return topic
    return None


_DOSE_QUESTION = re.compile(
    r"\bwhat (?:dose|strength|amount)\b.{0,30}\b(?:should|would|do you|ought|need|best)\b|\b(?:should|could) i "
    r"(?:be on|have|take|get) (?:a )?(?:higher|lower|bigger|smaller|stronger|different|more|less)\b|"
    r"\bhow (?:much|many (?:mcg|micrograms?|mg|milligrams?|ml|units))(?: b12| of it)? should (?:i|he|she|we|they) "
    r"(?:be )?(?:on|take|taking|have|having|get|getting|inject|injecting|use|using)\b", re.IGNORECASE)


def asks_for_a_dose(text: str) -> bool:
    """ "What dose should I be on?": a request for a dose decision, which only the clinician makes."""
    return bool(_DOSE_QUESTION.search(text or ""))


_START = re.compile(r"\bwhen (?:do|will|can|shall) i (?:start|begin)\b|\b(?:the|my) first (?:date|day)\b|"
                    r"\bwhen (?:does|will) (?:it|my \w+|the \w+) "
                    r"(?:start|begin)\b|\bstart date\b|\bmy first (?:one|injection|jab|shot|dose)\b", re.IGNORECASE)
_NOT_FIRST_PHASE = re.compile(r"\b(?:maintenance|monthly|3[- ]monthly|three[- ]monthly|bloods?|tests?|labs?)\b",
                              re.IGNORECASE)


def asks_start(text: str) -> bool:
    """"when do I start?": the first injection (not when maintenance or the blood tests start)."""
    return bool(_START.search(text or "")) and not _NOT_FIRST_PHASE.search(text or "")


_REMAINING = re.compile(r"\b(?:left|remaining|to go|still to have|more to have|more (?:jabs|shots|injections)|will i "
                        r"(?:get|have|need)|in (?:the )?first (?:part|phase|bit))\b",
                        re.IGNORECASE)


def asks_remaining(text: str) -> bool:
    return bool(_REMAINING.search(text or ""))


_LAB_WORDS = re.compile(r"\b(?:tests?|bloods?|blood work|bloodwork|labs?|fbc|cbc|mcv|serum|mma|homocysteine|"
                        r"recheck|re-check)\b", re.IGNORECASE)
_ROUTE = re.compile(r"\b(?:muscle|intramuscular|under the skin|subcutaneous|sub-?cut|route)\b", re.IGNORECASE)
# "how is it given, like where", "does it go in the muscle?": the documented route
_HOW_GIVEN = re.compile(r"\b(?:how|where) (?:is|are|do|does) (?:it|they|mine|the (?:injection|jab|shot)s?) (?:get )?"
                        r"(?:given|injected|go|done|put in)\b|\bwhere (?:do|does|will|would) (?:they|you|the nurses?) "
                        r"(?:\w+ )?(?:put|inject|give|do) (?:it|them|mine|the (?:injection|jab|shot)s?)\b",
                        re.IGNORECASE)
_NEXT_SHOT = re.compile(r"\b(?:next (?:one|jab|shot|injection|dose)|when'?s the next|whens the next|"
                        r"when is the next)\b", re.IGNORECASE)
_REASSESS = re.compile(r"\breassess\w*|\breview(?:ed)?\b", re.IGNORECASE)
_HAD_SO_FAR = re.compile(r"\bhow many\b.*\b(?:had|so far|given|done)\b", re.IGNORECASE)
# "how much is in each injection", "how much do I get each time": the documented dose, not a cost
_DOSE_AMOUNT = re.compile(
    r"\bhow much\b(?!.{0,40}\b(?:cost|costs|pay|price|charge|£|\$|money|insurance)\b).{0,40}\b(?:each time|every time|"
    r"per (?:injection|jab|shot|dose)|in (?:each|every|the|my|one) (?:injection|jab|shot|syringe|ampoule)|do i get|"
    r"am i (?:getting|given|on)|(?:are|do) they (?:give|giving|put)|is (?:it|that|in it))\b", re.IGNORECASE)


def asks_dose_amount(text: str) -> bool:
    return bool(_DOSE_AMOUNT.search(text or ""))


def lab_words(text: str) -> bool:
    return bool(_LAB_WORDS.search(text or ""))


def preparing(text: str) -> bool:
    """ "do I need to fast", "can I eat before": getting ready for a test, not when it is."""
    return bool(_PREPARING.search(text or ""))


def asks_reassessment(text: str) -> bool:
    """ "wasn't I supposed to have a review?": the reassessment, not an injection."""
    return bool(_REASSESS.search(text or "")) and not re.search(r"\b(?:injection|jab|shot|dose)s?\b", text or "",
                                                                 re.IGNORECASE)


# "was there a note from the doctor?": the plan's own note (shown with the whole plan)
_NOTE = re.compile(r"\b(?:notes?|comments?|instructions?|message) (?:from|by|left by) (?:the |my |your )?(?:doctor|"
                   r"clinician|gp|nurse|consultant|dr)\b|\b(?:doctor|clinician|gp|consultant)'?s? (?:notes?|"
                   r"comments?)\b"
                   r"|\bany (?:notes?|comments?) (?:on|in|about) (?:my|the) plan\b"
                   r"|\b(?:anything|something|what) (?:\S+ )?(?:in|on) (?:my|her|his|their|the) (?:plan )?notes?\b"
                   r"|\b(?:my|her|his|the) notes? (?:say|said)\b",
                   re.IGNORECASE)  # "is there anything in her notes about making it easier?"


def asks_plan_note(text: str) -> bool:
    return bool(_NOTE.search(text or ""))


# "please pass that question to the care team": asked for outright, whatever was offered before
_TO_CARE_TEAM = re.compile(r"\b(?:pass|send|forward|give) (?:this|that|it|my question|the question|that question|"
                           r"this question|a message|my message)(?: on)? to (?:the|my|your) (?:care team|clinic|nurse|"
                           r"doctor|team)\b|\blet (?:the|my) (?:care team|clinic|nurse|team) know\b"
                           # "ok can you tell them", "ok ask them then": the bot is to pass it on
                           r"|^\W*(?:(?:ok(?:ay)?|yes|yeah|yep|fine|right|please)\W+)*(?:(?:can|could|would|will) you "
                           r"(?:please )?)?(?:tell|ask|message|contact) (?:them|the (?:care team|clinic|nurse|doctor|"
                           r"team))(?: (?:for me|please|then|that|about it|for me please))*\W*$", re.IGNORECASE)


def asks_care_team(text: str) -> bool:
    return bool(_TO_CARE_TEAM.search(text or ""))


# Bare words a signed-in patient sends about their plan, and the question each asks, tried in order
_BARE_WORDS = (
    # "labs", "bloods?", "blood day"
    ("ask_next_lab_check", r"^\W*(?:my |the |next )?(?:labs?|bloods?|blood tests?|blood work|bloodwork|blood day)\W*$"),
    # "jab?", "my shot's still the same date right?"
    ("ask_next_injection", r"^\W*(?:my |the |next |nxt )?(?:b12 )?(?:jab|shot|injection|inj)s?\W*$|\b(?:same date|"
                           r"same day|still (?:on|the same))\b.*\b(?:right|still|yeah|\?)|\b(?:shot|jab|injection)'?s? "
                           r"still (?:on|the same)\b"),
    # "wot am i on"
    ("ask_my_product", r"^\W*(?:what|wot|wat|which)(?: \w+)? (?:am i|is he|is she|are they|are we) on\W*$"),
    # "is it the same dose all the way through?": the doses of each phase
    ("ask_my_plan", r"\b(?:same (?:dose|amount|strength)|dose (?:stay|stays|change|changes)|doses? (?:the )?same)\b"),
)
_BARE = tuple((intent, re.compile(pattern, re.IGNORECASE)) for intent, pattern in _BARE_WORDS)
# "is that for the rest of her life then": how long maintenance goes on
_FOREVER = re.compile(r"\b(?:for (?:the )?rest of (?:my|her|his|their|your) li(?:fe|ves)|for life|forever|for ever|"
                      r"lifelong|life long|permanent(?:ly)?|for good)\b", re.IGNORECASE)


def bare_plan_question(text: str) -> str | None:
    """The plan question a bare word or fragment asks, or None."""
    return next((intent for intent, pattern in _BARE if pattern.search(text or "")), None)


def asks_how_long_for(text: str) -> bool:
    return bool(_FOREVER.search(text or ""))


def part_guess(text: str) -> str | None:
    """What one unsure part of a message with several questions asks, from its own words."""
    if asks_meaning_of_term(text):
        return "ask_term_meaning"
    if asks_about_day(text) or asks_start(text) or _NEXT_SHOT.search(text or ""):
        return "ask_next_injection"
    if _REASSESS.search(text or ""):
        return "ask_maintenance_plan"
    if re.search(r"\bafter today'?s?\b", text or "", re.IGNORECASE):
        return "ask_next_injection"  # "what's after today's one anyway?"
    if lab_words(text) and re.search(r"\b(?:when|which day|what day|date)\b", text or "", re.IGNORECASE):
        return "ask_next_lab_check"
    if _ROUTE.search(text or ""):
        return "ask_my_product"
    if _HAD_SO_FAR.search(text or ""):
        return "ask_injection_history"
    if re.search(r"\bhow many\b", text or "", re.IGNORECASE) and asks_remaining(text) or _FINAL.search(text or ""):
        return "ask_weekly_duration"  # "and when's the last of the every other day ones?"
    return bare_plan_question(text)  # "thank you. is it the same dose all the way through?"


_FINAL = re.compile(r"\bwhen(?:'s| is| will be| does)? (?:the|my) (?:very )?(?:last|final)\b", re.IGNORECASE)


_PREPARING = re.compile(r"\b(?:fast|fasting|prepare|preparing|ready|eat|eating|drink|drinking|water|before|breakfast|"
                        r"elsewhere|somewhere else|at my gp|at the gp|instead)\b", re.IGNORECASE)


# a carer asking about the patient: "and his bloods?", "when's mum's test"
_THEIRS = re.compile(r"\b(?:his|her|their|(?:mum|mom|mam|dad|father|mother|husband|wife|son|daughter|partner)'?s)\b",
                     re.IGNORECASE)


def own_test_date(text: str) -> bool:
    """ "and my blood test?", "and his bloods?": when their own test is (not how to prepare for one)."""
    return (bool(MY_OWN.search(text or "") or _THEIRS.search(text or "")) and lab_words(text)
            and not _PREPARING.search(text or ""))


# "can I get the FBC done at my GP instead": where the test is done (the clinic decides)
_ELSEWHERE = re.compile(r"\b(?:at|from|with|by) (?:my|the|a|our|his|her) (?:own )?(?:local )?(?:gp|surgery|doctor'?s?|"
                        r"pharmacy|chemist|practice|health cent(?:re|er)|walk-in)\b|\b(?:somewhere else|elsewhere|"
                        r"closer to home)\b", re.IGNORECASE)


def asks_test_elsewhere(text: str) -> bool:
    return lab_words(text) and bool(_ELSEWHERE.search(text or ""))


def next_shot(text: str) -> bool:
    return bool(_NEXT_SHOT.search(text or ""))


# "into the muscle or under the skin?": one route or the other
_ROUTE_CHOICE = re.compile(r"\b(?:muscle|intramuscular(?:ly)?|\bim\b)\W+(?:\w+\W+){0,2}?or\W+(?:\w+\W+){0,3}?"
                           r"(?:skin|subcutaneous(?:ly)?|sub-?cut)\b"
                           r"|\b(?:under the skin|subcutaneous(?:ly)?|sub-?cut)\W+"
                           r"(?:\w+\W+){0,2}?or\W+(?:\w+\W+){0,3}?(?:muscle|intramuscular(?:ly)?)\b", re.IGNORECASE)


def route_question(text: str) -> bool:
    """ "is it in the arm muscle or under the skin?": the documented route (not self-injection)."""
    text = text or ""
    return bool(_HOW_GIVEN.search(text)) or bool(_ROUTE_CHOICE.search(text)) or (bool(_ROUTE.search(text)) and bool(
        re.search(r"\b(?:is|does) (?:it|that|mine|this)\b|\b(?:it'?s|its|it is|they'?re|they are) (?:going|given|"
                  r"done|injected|put)\b|\bgo(?:es|ing)? (?:in|into)\b", text, re.IGNORECASE)))


_ACK = r"(?:thanks?|thank you|thx|cheers|ta|ok(?:ay)?|great|lovely|fair enough|right|alright|got it|i see|cool|sure)"
# "thanks and MCV", "ok thank you. he have review also?", "fair enough. jab?": the words after the thanks
_THANKS_AND = re.compile(rf"^\W*{_ACK}(?:\W+{_ACK})*(?:\W+(?:and|also|now)\W+|\s*[.!]+\s*)(.+)$", re.IGNORECASE)


def after_thanks(text: str) -> str | None:
    """ "thanks and MCV": the words after the thanks, when they name something to answer."""
    m = _THANKS_AND.match(text or "")
    return m.group(1).strip() if m else None


_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_NAMED_DAY = re.compile(
    rf"\b(?:(today|tonight)|(tomorrow|tmrw|tmr|tomoz|2moro)|(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH}"
    rf"(?:,? (\d{{4}}))?|"
    rf"{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?)\b", re.IGNORECASE)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def asked_day(text: str, today: date) -> date | None:
    """The calendar day a question about the patient's dates names ("tomorrow", "13 Dec 2026", "Dec 13"):
    a day without a year is the next such day from today. Weekdays are read elsewhere (the coming week)."""
    m = _NAMED_DAY.search(text or "")
    if not m:
        return None
    if m.group(1):
        return today
    if m.group(2):
        return today + timedelta(days=1)
    day, month, year = ((m.group(3), m.group(4), m.group(5)) if m.group(3) else (m.group(7), m.group(6), m.group(8)))
    month_number = _MONTH_NAMES.index(month[:3].lower()) + 1
    for candidate_year in ([int(year)] if year else [today.year, today.year + 1]):
        try:
            found = date(candidate_year, month_number, int(day))
        except ValueError:
            return None
        if year or found >= today:
            return found
    return None
