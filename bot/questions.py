"""Read one message for the questions it asks: the NLU's parts, a short follow-up read against the last answer,
and the words that refine what the classifier left open ("when is the last one", "what's MMA and MCV?").

Pure rules over a `Turn` and the conversation's `Context`; `services.conversation` answers what is found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.conversation import Context, Turn, asks_final_date, asks_upcoming_dates, general_twin
from bot.followups import Followup, is_short, read_date_question, resolve_followup
from bot.knowledge import term_for
from bot.reading import (
    TERM_PLAN,
    after_dismissal,
    after_thanks,
    asks_about_day,
    asks_care_team,
    asks_dose_amount,
    asks_for_a_dose,
    asks_how_long_for,
    asks_plan_note,
    asks_reassessment,
    asks_remaining,
    asks_start,
    asks_test_elsewhere,
    bare_plan_question,
    is_personal,
    lab_words,
    next_shot,
    own_test_date,
    part_guess,
    personal_twin,
    preparing,
    route_question,
    topic_followup,
    unsure_guess,
)
from bot.reading_terms import asks_meaning_of_term, asks_what_that_is, defines_term, terms_named
from bot.vocabulary import FALLBACK_INTENT, GENERAL_INTENTS, PLAN_INTENTS, QUESTION_INTENTS

_COURSE_TOPICS = ("ask_maintenance_plan", "ask_my_plan", "ask_weekly_duration", "ask_next_injection")
_ASKS_SOMETHING = re.compile(r"\?|\b(?:when|what|which|how|is|are|does|do)\b", re.IGNORECASE)
_REPORTED = re.compile(r"\b(?:had|have had|'ve had|got|took|taken|given|gave|did|was|received)\b", re.IGNORECASE)
_TILL_NEXT = re.compile(r"\bhow (?:many|long)(?: \w+)? (?:till|until|before|to) (?:the|my|his|her) next\b",
                        re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TABLETS_INSTEAD = re.compile(r"\b(?:tablets?|pills?|oral|sublingual|lozenges?)\b.*\b(?:same job|as good|as well|"
                              r"instead|do the same|work the same|same thing)\b", re.IGNORECASE)
_SELF = re.compile(r"\b(?:myself|my ?self|herself|himself|at home|my own|self|i do it|do it me)\b", re.IGNORECASE)
MAX_QUESTIONS = 3  # questions answered from one message
CONTEXT_GUESS = 0.2  # an unsure plan question right after a plan answer is answered, not clarified
_UNSURE_SOCIAL = ("help", "out_of_scope", "bot_challenge")  # read for a question when the classifier is unsure
UNSURE_HELP = 0.6  # "help" this unsure is read for a question like an unsure message
CONFIDENT = 0.9  # a classification this sure is not overridden by a follow-up that only repeats the topic
_WHY_QUESTION = re.compile(r"^\W*(?:but |and |so |ok |okay )?(?:why|how come)\b", re.IGNORECASE)
_DATES = re.compile(r"\b(?:dates?|days|when)\b", re.IGNORECASE)
_HOW_LONG_GOES_ON = re.compile(r"\bhow long\b|\b(?:go(?:es)? on|last|end|finish|stop|(?:till|until|til) when)\b",
                               re.IGNORECASE)
SOCIAL = {"greet", "thank", "affirm", "goodbye"}
# not read as "what does this word mean" even when a glossary word is named
_NEVER_A_TERM = {"ask_term_meaning", "request_dose_change", "report_missed_dose", "report_injection_given",
                 "report_symptoms_worse", "request_human"}


@dataclass(frozen=True)
class Question:
    intent: str
    text: str
    followup: Followup | None = None


UNSURE_ROUTE = 0.5  # a general answer this unsure, to words about how the injection goes in, is the plan's route


def _unsure_of(intent: str | None, confidence: float) -> bool:
    """The classifier left the question open: no intent, or a social one it was unsure of."""
    return intent == FALLBACK_INTENT or (intent in _UNSURE_SOCIAL and confidence < UNSURE_HELP)


def _same_question(a: Question, b: Question) -> bool:
    return (a.intent, a.followup, term_for(a.text)) == (b.intent, b.followup, term_for(b.text))


def questions_in(turn: Turn, ctx: Context) -> list[Question]:
    """Every question of the message, in order: the NLU's segments, or the message itself, or a short
    follow-up read against the last answer."""
    if len(turn.segments) > 1:
        found: list[Question] = []
        social_only = True  # the parts that ask nothing are only thanks, greetings and the like
        previous = ""
        for segment in turn.segments:
            question = _part_question(segment, ctx)
            if asks_what_that_is(segment.text) and not term_for(segment.text) and (term := term_for(previous)):
                # "I've just been told I have pernicious anaemia. What actually is that?": the word just named
                found = [q for q in found if q.text != previous or q.intent not in GENERAL_INTENTS]
                question = Question("ask_term_meaning", term)
            if question and found and _WHEN_IS_IT.match(segment.text) and (asked := _date_of(found[-1])):
                question = Question(asked, segment.text)  # "what's FBC on my blood form and when is it?"
            previous = segment.text
            if question is None:
                social_only = social_only and segment.intent in SOCIAL
            elif not any(_same_question(q, question) for q in found):
                found.append(question)
        if len(found) > 1 or (found and social_only):
            return found  # "ok thank you. And the blood test, which day?"
    text = turn.text or ""
    if turn.intent in ("stop", "deny") and (rest := after_dismissal(text)):
        # "ok never mind, what about mine": the question after the dismissal, about the last topic if it fits
        if ctx.topic in QUESTION_INTENTS and (is_personal(rest) or is_short(rest)):
            return [Question(ctx.topic, rest)]
        turn = replace(turn, text=rest, intent=FALLBACK_INTENT)
        text = rest
    if (turn.intent in SOCIAL or _unsure_of(turn.intent, turn.confidence)) and (rest := after_thanks(text)):
        if term_for(rest):
            return [Question("ask_term_meaning", rest)]  # "thanks and MCV"
        turn, text = replace(turn, text=rest, intent=FALLBACK_INTENT, segments=()), rest  # "thanks. and after that?"
    if asks_care_team(text) and not turn.from_button:
        return [Question("request_human", turn.text)]  # "yes, please pass that question to the care team"
    if not turn.from_button and (pair := _bare_pair(text)):
        return pair  # "next shot + labs?": nothing but plan words, each its own question
    if not turn.from_button and _LAST_AND_NEXT.search(text):
        # "When I have last one and when is next please?": the last given, then the next
        return [Question("ask_injection_history", text), Question("ask_next_injection", text)]
    if not turn.from_button and _WHICH_FIRST.search(text) and lab_words(text) and _INJECTION_WORD.search(text):
        # "which comes first, my bloods or my next injection?": both dates, in order
        return [Question("ask_next_injection", text), Question("ask_next_lab_check", text)]
    followup = resolve_followup(text, ctx) if not turn.from_button else None
    if followup and not _classifier_knows_better(turn, followup) and (
            turn.intent not in QUESTION_INTENTS or turn.confidence < 0.6 or is_short(text)):
        return [Question(followup.intent, turn.text, followup)]
    intent = turn.intent
    if intent == FALLBACK_INTENT and ctx.topic in PLAN_INTENTS and _WHY_QUESTION.match(text) and not turn.from_button:
        return [Question(ctx.topic, turn.text, Followup(ctx.topic, why=True))]  # "why do they get further apart?"
    if (intent not in PLAN_INTENTS and not turn.from_button and asks_about_day(text)
            and (ctx.topic in PLAN_INTENTS or intent in (FALLBACK_INTENT, "out_of_scope"))):
        intent = "ask_next_injection"  # "what about Friday 11 Dec?" after "is there one on Saturday?"
    if _unsure_of(intent, turn.confidence) and not turn.from_button:
        intent = _unsure(turn, text, ctx) or intent  # "how is it given, like where" is not a request for the menu
    if intent in GENERAL_INTENTS and turn.confidence < UNSURE_ROUTE and route_question(text) and not turn.from_button:
        intent = "ask_my_product"  # "its going under the skin not in the muscle right? i'm scared of the needle"
    if intent in PLAN_INTENTS and _WHY_QUESTION.match(text) and not turn.from_button:
        return [Question(intent, turn.text, Followup(intent, why=True))]  # "why under the skin and not the muscle?"
    if intent == "ask_term_meaning" and len(terms := terms_named(text)) > 1:
        return [Question(intent, term) for term in terms[:MAX_QUESTIONS]]  # "what's MMA and what's MCV?"
    if intent in QUESTION_INTENTS:
        asked = refined(intent, text)
        if asked == "ask_next_injection" and _ALSO_LABS.search(text) and not turn.from_button:
            # "tell me when next injection for me and also blood test when is": both, in order
            return [Question(asked, turn.text), Question("ask_next_lab_check", turn.text)]
        return [Question(asked, turn.text)]
    return []


_WHEN_IS_IT = re.compile(r"^\W*(?:and |so )?(?:when(?:'s| is| are| will| do)? (?:it|that|they|those|them)(?: be| done| "
                         r"due)?|what (?:day|date) (?:is )?(?:it|that))\W*$", re.IGNORECASE)
_PAIR_SPLIT = re.compile(r"\s*(?:\+|&|,|\band\b|\bplus\b)\s*", re.IGNORECASE)


def _date_of(question: Question) -> str | None:
    """The plan date a question's subject has: a lab word's blood test, a dated plan question's own date."""
    if question.intent == "ask_term_meaning":  # a lab word: its blood test (not "maintenance": no one date)
        asked = TERM_PLAN.get(term_for(question.text) or "")
        return asked if asked == "ask_next_lab_check" else None
    return question.intent if question.intent in ("ask_next_injection", "ask_next_lab_check") else None


def _bare_pair(text: str) -> list[Question] | None:
    """ "next shot + labs?", "jab and bloods": two or three bare plan words, each its own question."""
    parts = [part for part in _PAIR_SPLIT.split(text.strip()) if part.strip(" ?!.")]
    if not 2 <= len(parts) <= MAX_QUESTIONS:
        return None
    intents = [bare_plan_question(part) for part in parts]
    if not all(intents) or len(set(intents)) < len(intents):
        return None
    return [Question(intent, part) for intent, part in zip(intents, parts, strict=True)]


def _part_question(segment, ctx: Context) -> Question | None:
    """One part of a message with several questions: the classifier's intent when it was sure, else what the
    part's words ask ("is tomorrow an injection day? and when's the last one?"), or a follow-up ("and the one
    after, plus when do I get reassessed")."""
    if asks_meaning_of_term(segment.text) or defines_term(segment.text):
        return Question("ask_term_meaning", segment.text)
    intent = segment.intent
    if _unsure_of(intent, segment.confidence):
        if followup := resolve_followup(segment.text, ctx):
            return Question(followup.intent, segment.text, followup)
        intent = part_guess(segment.text) or intent
    return Question(refined(intent, segment.text), segment.text) if intent in QUESTION_INTENTS else None


def _classifier_knows_better(turn: Turn, followup: Followup) -> bool:
    """A confident, different question beats a follow-up that only repeats the last topic ("ok and when's my
    next injection?" after a glossary answer); positional follow-ups ("the one after that") always win."""
    plain = followup.which == 0 and not followup.more and not followup.why
    return (plain and turn.intent in QUESTION_INTENTS and turn.intent != followup.intent
            and turn.confidence >= CONFIDENT)


def _unsure(turn: Turn, text: str, ctx: Context) -> str | None:
    """What an unsure message most likely asks, read against the conversation, or None (then: "did you mean")."""
    if asks_for_a_dose(text):
        return "request_dose_change"  # "what dose should I be on?": only the clinician decides
    if defines_term(text):
        return "ask_term_meaning"  # "wat is MMA? its on my blood form"
    if asks_dose_amount(text):
        return "ask_my_product"  # "and how much each time?": the documented dose
    if (bare := bare_plan_question(text)) and (ctx.topic is None or ctx.topic in PLAN_INTENTS or is_short(text)):
        return bare  # "jab?", "labs", "wot am i on", "my shot's still the same date right?"
    if asks_how_long_for(text) and ctx.topic in _COURSE_TOPICS:
        return "ask_term_meaning"  # "is that for the rest of her life then": what maintenance is
    if route_question(text):
        return "ask_my_product"  # "how is it given, like where"
    if asks_plan_note(text):
        return "ask_my_plan"  # "was there a note from the doctor on it?": the whole plan shows it
    if asks_reassessment(text) and (ctx.topic in PLAN_INTENTS or is_personal(text) or is_short(text)):
        return "ask_next_lab_check"  # "review?", "he have review also?": the reassessment (answering.py)
    if read_date_question(text).after_today:
        return "ask_next_injection"  # "what's after today's one anyway?"
    sentences = _SENTENCE_END.split(text.strip())
    if len(sentences) > 1 and (followup := resolve_followup(sentences[-1], ctx)):
        return followup.intent  # "I never had them. what should I do"
    if asks_final_date(text) and (ctx.topic is None or ctx.topic in PLAN_INTENTS or is_personal(text)):
        return "ask_weekly_duration"  # "and the last of the every other day ones?"
    if asks_test_elsewhere(text):
        return "ask_lab_preparation"  # "can I get the FBC done at my GP instead?": the clinic decides
    if asks_upcoming_dates(text) and _DATES.search(text) and (ctx.topic in PLAN_INTENTS or ctx.topic == "ask_calendar"
                                                              or is_personal(text)):
        return "ask_next_injection"  # "what are the dates anyway" after the calendar link
    if guess := topic_followup(text, ctx.topic):
        return guess
    if ctx.topic in PLAN_INTENTS and turn.ranking:
        # in the middle of talking about their plan: the likeliest plan question, not a menu
        best, confidence = turn.ranking[0]
        if best in PLAN_INTENTS and confidence >= CONTEXT_GUESS:
            return best
    if asks_about_day(text) or asks_start(text):
        return "ask_next_injection"
    if asks_meaning_of_term(text):
        return "ask_term_meaning"
    if guess := unsure_guess(text, turn.ranking, ctx.topic, ctx.term):
        return guess
    return None


_LAST_AND_NEXT = re.compile(r"\blast (?:one|jab|shot|injection|dose)\b.{0,25}\band (?:when(?:'s| is| will be)? )?"
                            r"(?:the |my )?next\b(?! (?:blood|bloods|labs?|tests?|review|appointment|check))",
                            re.IGNORECASE)
_ALSO_LABS = re.compile(r"\b(?:and also|also|plus|and)\b[^.?!]{0,15}\b(?:blood tests?|blood work|bloods|labs?)\b",
                        re.IGNORECASE)
_WHICH_FIRST = re.compile(r"\bwhich (?:comes|is|happens|one is|will be) (?:first|sooner|earlier)\b"
                          r"|\b(?:before|after) or (?:before|after) (?:my|the)\b", re.IGNORECASE)
_INJECTION_WORD = re.compile(r"\b(?:injections?|jabs?|shots?)\b", re.IGNORECASE)
_SAME_DOSE = re.compile(r"\bsame (?:dose|amount|strength)\b", re.IGNORECASE)
_WAS_DUE = re.compile(r"\bwhen (?:was|were|is) (?:i|he|she|they|we|it)\b(?: \w+){0,2}? (?:supposed|meant|due|scheduled)"
                      r"\b", re.IGNORECASE)


def refined(intent: str, text: str) -> str:
    """Read the words for what the classifier's intent leaves open: a plan question put in general terms is
    the general one; "when is the last one" asks for the last planned date; a list or the n-th date from
    now is a question about the next injections."""
    if intent in QUESTION_INTENTS and intent not in _NEVER_A_TERM and defines_term(text):
        return "ask_term_meaning"  # "what's a maintenance dose?", "my MCV was high, what even is MCV"
    if intent == "ask_term_meaning" and defines_term(text):
        return intent  # "is that the same as a CBC? my sister calls it that": not her own tests
    if intent == "ask_self_injection" and route_question(text) and not _SELF.search(text):
        return "ask_my_product"  # "where do they normally put it?": the documented route
    if intent == "ask_more_is_better" and _TABLETS_INSTEAD.search(text):
        return "ask_injection_vs_tablet"  # "the tablets from boots, would 1000mcg a day do the same job"
    if intent == "ask_my_product" and route_question(text):
        return intent  # "where do they normally put it?": their documented route answers it, said generally or not
    if intent == "ask_cost" and asks_dose_amount(text):
        return "ask_my_product"
    if twin := general_twin(intent, text) or personal_twin(intent, text):
        return twin
    if intent == "ask_weekly_meaning" and _HOW_LONG_GOES_ON.search(text) and not general_twin("ask_weekly_duration",
                                                                                               text):
        return "ask_weekly_duration"  # "how long does the every other day bit go on?"
    if intent in PLAN_INTENTS and intent != "ask_next_injection" and (asks_about_day(text) or asks_start(text)):
        return "ask_next_injection"
    if intent == "report_injection_given" and _ASKS_SOMETHING.search(text) and not _REPORTED.search(text):
        # "1st jab this wk?", "done after today??": a question about the dates, not a report
        return "ask_weekly_duration" if read_date_question(text).after_today else "ask_next_injection"
    if intent == "ask_typical_starting_dose" and re.search(r"\bstart", text, re.IGNORECASE) and is_short(text) and (
            not asks_dose_amount(text)) and not re.search(r"\b(?:dose|doses|dosage|typical|usual|normal|standard)\b",
                                                          text, re.IGNORECASE):
        return "ask_next_injection"  # "start?" from a patient not yet started
    if intent == "ask_appointment_change" and asks_reassessment(text) and _ASKS_SOMETHING.search(text):
        return "ask_next_lab_check"  # "is that the same day as the review appointment?"
    if intent == "ask_lab_preparation" and lab_words(text) and is_short(text) and not preparing(text):
        return "ask_next_lab_check"  # "and the blood test?"
    if intent in ("ask_weekly_duration", "ask_injection_history") and _TILL_NEXT.search(text):
        return "ask_next_injection"  # "how many weeks till the next one?"
    if intent == "ask_weekly_meaning" and _SAME_DOSE.search(text):
        return "ask_my_product"  # "is it the same dose each week": the documented doses
    if intent in ("ask_injection_history", "report_missed_dose") and _WAS_DUE.search(text):
        return "ask_next_injection"  # "when was he actually supposed to have had it?": the due date

    if intent == "report_missed_dose" and asks_reassessment(text):
        return "ask_maintenance_plan"  # "wasn't I supposed to have a review?"
    if intent == "ask_injection_history" and asks_remaining(text):
        return "ask_weekly_duration"  # "how many jabs have I got left?"
    if intent in ("ask_my_product", "ask_maintenance_plan") and asks_upcoming_dates(text) and (
            read_date_question(text).which > 0):
        return "ask_next_injection"  # "which one is my 3rd injection from now"
    if intent == "ask_lab_preparation" and own_test_date(text):
        return "ask_next_lab_check"  # "and my blood test?"
    if intent == "ask_next_lab_check" and not lab_words(text) and next_shot(text):
        return "ask_next_injection"  # "so when's my next one?"
    if intent in GENERAL_INTENTS and intent != "ask_term_meaning" and asks_meaning_of_term(text):
        return "ask_term_meaning"  # "what does serum B12 actually measure?"
    if intent == "ask_self_injection" and route_question(text):
        return "ask_my_product"  # "is it in the arm muscle or under the skin?"
    if intent in ("ask_injection_history", "ask_next_injection", "ask_my_plan") and asks_final_date(text):
        return "ask_weekly_duration"
    if intent in ("ask_injection_history", "ask_my_plan", "ask_weekly_duration") and asks_upcoming_dates(text):
        return "ask_next_injection"
    return intent


def next_best(turn: Turn) -> Turn:
    for name, confidence in turn.ranking:
        if name not in ("report_emergency", FALLBACK_INTENT):
            return with_intent(turn, name, confidence)
    return with_intent(turn, FALLBACK_INTENT, 0.0)


def best_question(turn: Turn) -> Turn:
    """The best-ranked question intent in place of the one predicted (an unsure stop or deny), if there is one."""
    for name, confidence in turn.ranking:
        if name in QUESTION_INTENTS and name != "report_emergency":
            return with_intent(turn, name, confidence)
    return turn


def with_intent(turn: Turn, intent: str, confidence: float | None = None) -> Turn:
    return replace(turn, intent=intent, confidence=turn.confidence if confidence is None else confidence,
                   segments=())


def with_text(turn: Turn, text: str) -> Turn:
    return replace(turn, text=text, segments=()) if text else turn


# Words a question shares with any plan note, which say nothing about what the note is about
_NOTE_STOP = frozenset(
    "about after again also always and anything before being could does doing from have having here injection "
    "injections jab jabs just know like make making more much need next note notes plan please really shot shots "
    "should that their them then there they this today tomorrow very want week weeks what when where which will "
    "with would your b12 dose doses doctor nurse clinic".split())
_CONTENT = re.compile(r"[a-z]{4,}")


def note_asked_about(text: str, note: str | None) -> bool:
    """ "numbing cream when": the message names something the clinician's note is about (two words of it, or one
    word of a short message), beyond the words every plan question uses."""
    if not note or not text:
        return False
    def stems(words: str) -> set[str]:
        return {w[:5] for w in _CONTENT.findall(words.lower()) if w not in _NOTE_STOP}
    shared = stems(text) & stems(note)
    return len(shared) >= 2 or (bool(shared) and len(text.split()) <= 4)
