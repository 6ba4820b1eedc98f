"""Short follow-ups read against the last answer ("and after that?", "why?", "the second one?"), and how a
question about injection dates is put (the n-th one, a list, a weekday, "how often now"). Pure rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.knowledge import term_for
from bot.reading import TERM_PLAN
from bot.vocabulary import GENERAL_INTENTS, PLAN_INTENTS

if TYPE_CHECKING:
    from bot.conversation import Context

_NEXT_ONE = re.compile(
    r"\b(?:(?:the )?one after(?: that)?|after that one|the following one|the next one after|and then\b|"
    r"then what|what comes? (?:after|next)|what happens (?:after|next)|after that|and after|"
    r"the one after|next after that)\b|^\W*(?:and |n |an |& |so |ok )?(?:after|then)\W*$", re.IGNORECASE)
_POSITIONAL = re.compile(r"\b(?:the )?one after(?: that| next)?\b", re.IGNORECASE)
_AFTER_THOSE = re.compile(r"\bafter (?:those|them|these|all (?:of )?(?:those|them|these)|the weekly ones|"
                          r"the last one)\b", re.IGNORECASE)
_LAST_ONE = re.compile(r"^\W*(?:and |so |ok )?(?:the |my )?(?:last|final)(?: one| jab| shot| injection| dose)?(?: of "
                       r"(?:the|my|them|those)(?: [\w-]+){0,5})?\W*$",
                       re.IGNORECASE)
_HOW_OFTEN = re.compile(r"\bhow often\b", re.IGNORECASE)
# after a glossary word: "so how long is mine?", "and when's mine", "am I having that one?", "do I have that?"
_MINE = re.compile(r"\b(?:mine|hers|his|theirs|for me|for (?:her|him)|am i (?:having|getting|on)|do i (?:have|get)|"
                   r"(?:is|does) (?:she|he) (?:have|get|having|getting)|my (?:one|ones)|"
                   r"(?:doing|testing|checking|running|"
                   r"taking) (?:\w+ )?(?:on|for|from) (?:me|her|him|mine))\b|^\W*(?:and |so )?"
                   r"(?:how long|when)\b", re.IGNORECASE)
_ONE_BEFORE = re.compile(r"\b(?:the )?one before(?: that)?\b|^\W*(?:and |so |ok |what about )?(?:the (?:jab |shot |"
                         r"injection |dose )?)?before (?:that|then|it|this one)(?: one)?\W*$", re.IGNORECASE)
# "out of how many?" after "you have had 5 so far": the count planned
_OUT_OF = re.compile(r"^\W*(?:and |so |ok )?(?:out of|from) how many(?: (?:then|altogether|in total|is that))?\W*$|"
                     r"^\W*(?:and |so )?how many (?:altogether|in total|all together)\W*$", re.IGNORECASE)
# "and mine?" after a general answer: the same question about their own plan
_AND_MINE = re.compile(r"^\W*(?:and |so |ok |but )?(?:what about |how about )?(?:mine|hers|his|for me|for her|"
                       r"for him|my own|in my case|me)(?: then)?\W*$", re.IGNORECASE)
_OWN_COUNTERPART = {"ask_typical_starting_dose": "ask_my_product", "ask_product_difference": "ask_my_product",
                    "ask_monitoring_labs": "ask_next_lab_check", "ask_weekly_meaning": "ask_weekly_duration",
                    "ask_injection_vs_tablet": "ask_my_product", "ask_recovery_time": "ask_my_plan"}
_WHY = re.compile(r"^\W*(?:why|how come|why is that|why so|why\s+that|why not|but why|why's that)\W*$|"
                  r"^\W*(?:but |and |so )?why (?:don'?t|do not|can'?t|cannot|won'?t|isn'?t|aren'?t|is there no|not) "
                  r"(?:you|it|there|i|they)(?: \w+){0,6}\W*$|"
                  r"^\W*(?:but |and |so )?why (?:no|not an?|is there no|isn'?t there an?|haven'?t i got an?) "
                  r"(?:\w+ )?(?:date|day|end date|end|answer)\W*$", re.IGNORECASE)
_MORE = re.compile(r"\b(?:tell me more|more (?:info|information|detail|details)|go on|explain more|"
                   r"can you explain|what else)\b", re.IGNORECASE)
_HOW_LONG = re.compile(r"^\W*(?:so |and |ok )?how long(?: for| then| is that| is it| will it be| will that be| have i "
                       r"got)?(?: (?:till|until|til|to) (?:then|that|it))?(?: then)?\W*$", re.IGNORECASE)
# "how many is that then" after the last weekly date: the count still to go
_HOW_MANY_THAT = re.compile(r"^\W*(?:so |and |ok )?how many(?: is that| will that be| does that make| are there| more)?"
                            r"(?: then| left| to go| altogether| in total)?\W*$", re.IGNORECASE)
_WHAT_DO = re.compile(r"\b(?:what (?:should|do|can|must) i do|what now|what do i do now)\b", re.IGNORECASE)
_WHO_ASK = re.compile(r"\b(?:who (?:do|should|can) i (?:ask|call|contact|talk to|speak to)|who to (?:ask|call))\b",
                      re.IGNORECASE)
_WHICH_TESTS = re.compile(r"\bwhich (?:tests?|bloods?)\b|\bwhat tests?\b|\bwhat bloods?\b", re.IGNORECASE)
_SAME_DAY_AS_LABS = re.compile(r"\b(?:same (?:day|time|date) as|together with|at the same time as|along with) "
                               r"(?:the |my |her |his )?(?:bloods?|blood (?:tests?|work)|labs?|tests?|fbc|cbc)\b",
                               re.IGNORECASE)
_ANY_MORE = re.compile(r"\b(?:any|are there) (?:more|other|further|others)\b|\banother (?:one|blood test|test|lot)\b",
                       re.IGNORECASE)
_WHAT_FOR = re.compile(r"\bwhat (?:are|is|were) (?:those|they|these|that|it|them) (?:for|about|checking|testing)\b|"
                       r"\bwhy (?:do|are) (?:they|i|we) (?:need|having|doing) (?:those|them|these)\b", re.IGNORECASE)
_WHICH_PHASE = re.compile(r"\bwhich (?:one |phase |stage |bit )?(?:am i|is (?:she|he|mum|dad)|are (?:we|they)) "
                          r"(?:on|in|at)\b", re.IGNORECASE)
_BARE_LABS = re.compile(r"^\W*(?:and |so |ok |what about |k )?(?:the |my |any |her |his )?(?:bloods?|blood tests?|"
                        r"blood work|labs?|lab work)\b(?! (?:for|mean))[^?]{0,30}\??\W*$", re.IGNORECASE)
# "by how many days", "how late am I": how far overdue the next one is
_HOW_LATE = re.compile(r"^\W*(?:and |so |ok )?(?:by )?how (?:many days|late|overdue|long overdue)(?: (?:late|overdue|"
                       r"over|behind|then|is that|am i|is it|was it|is he|is she))*\W*$", re.IGNORECASE)
# "and the other ones on the order, what are those" after a lab word: the plan's own tests
_OTHER_TESTS = re.compile(r"\b(?:the )?(?:other|rest of the) (?:ones?|tests?|bloods?|things|bits)\b", re.IGNORECASE)
_UNTIL_WHEN = re.compile(r"^\W*(?:and |so )?(?:until|till|til|up to) when\W*$|^\W*for how long\W*$", re.IGNORECASE)
_WHICH_ONES = re.compile(r"^\W*(?:and |so )?which (?:ones|one)(?: (?:are they|again|are those))?\W*$", re.IGNORECASE)
_LIST = re.compile(r"\b(?:all (?:(?:of )?(?:my|the) )?(?:upcoming |future |remaining |next )?"
                   r"(?:dates|injections|jabs|shots|days|ones)|all (?:upcoming|future|remaining)|list|upcoming|"
                   r"next (?:few|couple|two|three|four|2|3|4)|dates|(?:which|what) (?:actual |exact )?days)\b",
                   re.IGNORECASE)
_COUNT = re.compile(r"\bnext (two|three|four|five|six|2|3|4|5|6)\b", re.IGNORECASE)
# "the date of my first one and the one after": two dates
_AND_THE_ONE_AFTER = re.compile(r"\b(?:first|next) (?:one|injection|jab|shot|dose)\b.*\band (?:the )?(?:one )?after\b",
                                re.IGNORECASE)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_ORDINAL = re.compile(r"\b(second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|one after next)\b", re.IGNORECASE)
_ORDINAL_TOPICS = ("ask_next_injection", "ask_weekly_duration", "ask_my_plan")
_ORDINALS = {"one after next": 1, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4,
             "5th": 4, "sixth": 5, "6th": 5}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(?:on (?:a |this |next )?)?(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)"
                      r"(?:day)?s?\b", re.IGNORECASE)
_IS_THERE = re.compile(r"\b(?:is there|do i have|have i got|any)\b.*\b(?:one|injection|jab|shot)\b|"
                       r"^\W*(?:and |ok |so )?(?:what|how) about\b", re.IGNORECASE)
_AND_WHAT_ABOUT = re.compile(r"^\W*(?:and what about|so what about|what about|how about|ok and|and|also)\b\s*"
                             r"(?!(?:when|what|how|where|why|who|which|is|are|do|does|can|will|should|am)\b)\S",
                             re.IGNORECASE)  # "and homocysteine?", not "ok and when is my lab work" (its own question)
# "how often now", "how often will they be": the current frequency first (maintenance is said after it)
_HOW_OFTEN_NOW = re.compile(r"\bhow often\b(?!.*\b(?:maintenance|monthly|after|later|then|long[- ]term)\b)",
                            re.IGNORECASE)
_WHEN_AGAIN = re.compile(r"^\W*(?:so |and |ok |sorry,? )?(?:when(?:'s| is| was) (?:it|that|this)|what(?:'s| is) the "
                         r"date(?: again)?|(?:which|what) day(?: of the week)?(?: is (?:it|that|this))?|when again)"
                         r"(?: again)?\W*$", re.IGNORECASE)
_DATED = ("ask_next_injection", "ask_next_lab_check", "ask_maintenance_plan")
SHORT_FOLLOWUP_WORDS = 7


@dataclass(frozen=True)
class Followup:
    """What a short follow-up asks, read against the last topic."""

    intent: str
    which: int = 0
    more: bool = False
    why: bool = False


_PREP = re.compile(r"\b(?:fast|fasting|eat|eating|drink|drinking|prepare|preparing|breakfast)\b", re.IGNORECASE)
_MINE_THEN = re.compile(r"^\W*(?:ok\W*|okay\W*|so |and |well )?(?:what|how) about (?:mine|me|my own|for me)\b"
                        r"(?: then)?\W*$", re.IGNORECASE)


def is_short(text: str) -> bool:
    return len(text.split()) <= SHORT_FOLLOWUP_WORDS


def _longer_followup(text: str, ctx: Context) -> bool:
    """A follow-up of up to 12 words: "is the one after that a week later as well?", "why don't you have an
    actual date for that", "is that the same day as the bloods", "and MCV, that was flagged on my results"."""
    if len(text.split()) > 12:
        return False
    return bool(_POSITIONAL.search(text) or _WHY.search(text) or _SAME_DAY_AS_LABS.search(text) or (
        _OTHER_TESTS.search(text) and ctx.topic in ("ask_term_meaning", "ask_next_lab_check")) or (
        ctx.topic == "ask_term_meaning" and _AND_WHAT_ABOUT.search(text) and term_for(" ".join(text.split()[:4]))))


def resolve_followup(text: str, ctx: Context) -> Followup | None:
    """A short message that only makes sense after the last answer ("and after that?", "why?",
    "which tests are those again", "what should I do", "who do I ask") → what it asks, else None."""
    if not ctx.topic or not text or not (is_short(text) or _longer_followup(text, ctx)):
        return None  # "is the one after that a week later as well?" is still about the last date
    topic = ctx.topic
    if _WHO_ASK.search(text):
        return Followup("request_human")
    if _WHY.search(text):
        return Followup(topic, why=True)
    if _MORE.search(text):
        return Followup(topic, more=True)
    if _WHICH_PHASE.search(text) and topic in ("ask_term_meaning", "ask_weekly_meaning", "ask_maintenance_plan"):
        return Followup("ask_weekly_duration")  # "so which am I on right now": the phase they are in
    if topic == "ask_term_meaning" and TERM_PLAN.get(ctx.term or "") and _MINE.search(text) and not _PREP.search(text):
        return Followup(TERM_PLAN[ctx.term or ""])  # "so how long is mine?" after "replenishment" was explained
    if topic == "ask_term_meaning" and _MINE.search(text) and re.search(r"\bhow long\b", text, re.IGNORECASE):
        return Followup("ask_weekly_duration")  # "so how long is hers then?" after "intrinsic factor"
    if ordinal := _ORDINAL.search(text) if topic in _ORDINAL_TOPICS else None:
        return Followup("ask_next_injection", which=_ORDINALS[ordinal.group(1).lower()])  # "and the second one?"
    if _UNTIL_WHEN.search(text) and topic in PLAN_INTENTS:
        return Followup("ask_weekly_duration" if topic != "ask_maintenance_plan" else topic)
    if (_WHICH_TESTS.search(text) or _WHICH_ONES.search(text)) and topic in (
            "ask_next_lab_check", "ask_my_plan", "ask_monitoring_labs"):
        return Followup("ask_next_lab_check")
    if _HOW_LATE.search(text) and topic in ("report_missed_dose", "ask_next_injection", "ask_weekly_duration",
                                            "ask_my_plan"):
        return Followup("ask_next_injection")  # the overdue answer says by how many days
    if _OTHER_TESTS.search(text) and (topic == "ask_next_lab_check" or (
            topic == "ask_term_meaning" and TERM_PLAN.get(ctx.term or "") == "ask_next_lab_check")):
        return Followup("ask_next_lab_check")
    if _WHAT_FOR.search(text) and topic in ("ask_next_lab_check", "ask_monitoring_labs"):
        return Followup("ask_monitoring_labs")  # "what are those for" after the plan's tests
    if (_BARE_LABS.search(text) and topic in PLAN_INTENTS and topic != "ask_next_lab_check"
            and not _PREP.search(text)):
        return Followup("ask_next_lab_check")  # "and bloods in between those?" after their dates
    if _ANY_MORE.search(text) and topic == "ask_next_lab_check":
        return Followup(topic, which=1)  # "any more after that one?": the blood tests after those
    if _SAME_DAY_AS_LABS.search(text) and topic in PLAN_INTENTS:
        return Followup("ask_next_lab_check")  # "is that the same day as the bloods?" after the review date
    if _WHAT_DO.search(text) and topic in ("report_missed_dose", "ask_next_injection", "request_dose_change"):
        return Followup("report_missed_dose" if topic != "request_dose_change" else topic)
    if _WHEN_AGAIN.search(text) and topic in PLAN_INTENTS:
        which = ctx.date_index if topic == "ask_next_injection" and ctx.date_index > 0 else 0
        # "when is it?", "what day of the week is that": the date just named (the course's last, after its length)
        return Followup(topic if topic in (*_DATED, "ask_weekly_duration") else "ask_next_injection", which=which)
    if _HOW_MANY_THAT.search(text) and topic in ("ask_weekly_duration", "ask_next_injection", "ask_my_plan"):
        return Followup("ask_weekly_duration")
    if _HOW_LONG.search(text):
        # after the maintenance answer, "so how long?" asks how long it goes on (the course answer says)
        return Followup("ask_weekly_duration" if topic in ("ask_next_injection", "ask_my_plan", "ask_weekly_meaning",
                                                           "ask_maintenance_plan") else topic)
    if _ONE_BEFORE.search(text) and topic == "ask_next_injection":
        return Followup("ask_injection_history") if ctx.date_index == 0 else Followup(topic, which=ctx.date_index - 1)
    if _ONE_BEFORE.search(text) and topic == "ask_injection_history":
        return Followup(topic, which=ctx.history_index + 1)  # "and before that?" after the last one given
    if _OUT_OF.search(text) and topic in ("ask_injection_history", "ask_weekly_duration"):
        return Followup("ask_injection_history" if topic == "ask_injection_history" else topic)
    if _AND_MINE.search(text) and topic in _OWN_COUNTERPART:
        return Followup(_OWN_COUNTERPART[topic])
    if _LAST_ONE.search(text) and topic in ("ask_weekly_duration", "ask_next_injection", "ask_my_plan"):
        return Followup("ask_weekly_duration")  # "last one?": the last planned date of the course
    if (_AFTER_THOSE.search(text) or (_HOW_OFTEN.search(text) and _NEXT_ONE.search(text))) and topic in (
            "ask_next_injection", "ask_weekly_duration", "ask_my_plan"):
        return Followup("ask_maintenance_plan")  # "and after those?", "and how often after that"
    if _HOW_OFTEN.search(text) and topic == "ask_maintenance_plan":
        return Followup(topic)
    if _AND_WHAT_ABOUT.search(text) and topic in GENERAL_INTENTS and not _NEXT_ONE.search(text):
        return Followup(topic)  # "and homocysteine?" after a glossary answer: the same question, new words
    if _MINE_THEN.search(text) and topic in PLAN_INTENTS:
        return Followup(topic)  # "ok, what about mine then" after "I can only show your own plan"
    if _WHAT_DO.search(text) and topic in ("ask_next_lab_check", "ask_monitoring_labs", "ask_lab_preparation"):
        return Followup("request_human")  # "I never had them. what should I do": the care team rebooks
    if _NEXT_ONE.search(text):
        if ctx.plan_topic in ("ask_next_injection", "ask_maintenance_plan") and (
                topic not in PLAN_INTENTS or (_POSITIONAL.search(text) and topic == "ask_next_lab_check")):
            # "next jab and what MCV means" or "next jab and my bloods", then "and the one after that?"
            topic = ctx.plan_topic
        if topic == "ask_next_injection":
            return Followup(topic, which=ctx.date_index + 1)
        if topic == "ask_weekly_duration":
            return Followup("ask_maintenance_plan")
        if topic == "ask_next_lab_check":
            return Followup("ask_maintenance_plan")
        if topic == "ask_maintenance_plan" and ctx.date_index >= 0:
            return Followup("ask_next_injection", which=ctx.date_index + 1)
        if topic in ("ask_maintenance_plan", "ask_my_plan"):
            return Followup("ask_next_injection")
    return None


@dataclass(frozen=True)
class DateQuestion:
    """How an injection-date question is put: the n-th next one, a list, a weekday, or "how often now"."""

    which: int = 0
    count: int = 1
    weekday: int | None = None
    how_often_now: bool = False
    after_today: bool = False  # "after today when is the next one": not today's injection
    week: int | None = None  # "is there one next week?": 0 this calendar week, 1 the next


_AFTER_TODAY = re.compile(r"\b(?:after today|other than today|apart from today|besides today|not (?:counting |"
                          r"including )?today|after today's|after this one)\b")


_IN_WEEK = re.compile(r"\b(?:is there|are there|do i have|have i got|any|anything|one|jab|shot|injection)\b.{0,30}\b"
                      r"(this|next) week\b")


def read_date_question(text: str) -> DateQuestion:
    lowered = text.lower()
    if in_week := _IN_WEEK.search(lowered):
        return DateQuestion(week=0 if in_week.group(1) == "this" else 1)
    if _AFTER_TODAY.search(lowered):
        return DateQuestion(after_today=True)
    if _HOW_OFTEN_NOW.search(lowered):
        return DateQuestion(how_often_now=True)
    weekday = _WEEKDAY.search(lowered)
    if weekday and _IS_THERE.search(lowered):
        prefix = weekday.group(1)[:3]
        return DateQuestion(weekday=next(i for i, d in enumerate(WEEKDAYS) if d.startswith(prefix)))
    if weekday and (re.search(r"\bmean[st]?\b", lowered) or len(_WEEKDAY.findall(lowered)) >= 2):
        return DateQuestion(count=4)  # "every other day means mon wed fri?": their next dates answer it
    if _AND_THE_ONE_AFTER.search(lowered):
        return DateQuestion(count=2)
    if count := _COUNT.search(lowered):
        word = count.group(1)
        return DateQuestion(count=int(word) if word.isdigit() else _NUMBERS[word])
    if _LIST.search(lowered):
        return DateQuestion(count=4)
    if ordinal := _ORDINAL.search(lowered):
        return DateQuestion(which=_ORDINALS[ordinal.group(1).lower()])
    return DateQuestion()


def is_why(text: str) -> bool:
    return bool(_WHY.search(text or ""))
