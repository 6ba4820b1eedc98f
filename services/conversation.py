"""Answer one chat turn: the use case behind the action server's only action.

In order: red flags (urgent-care advice first and alone), a pending check question, the identity check,
a pending care-team offer or injection report, then every question the message holds (several in one
message are answered in order, short follow-ups are read against the last answer), and a clarifying
question when the NLU is unsure. Pure domain rules decide; the store is the only I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.conversation import (
    Audit,
    Button,
    Context,
    Reply,
    Turn,
    asks_final_date,
    asks_upcoming_dates,
    clear_yes,
    general_twin,
    looks_like_report,
    says_yes,
    split_payload,
)
from bot.followups import Followup, is_short, is_why, read_date_question, resolve_followup
from bot.identity import Identity, Verifier
from bot.knowledge import term_for
from bot.reading import (
    after_dismissal,
    after_thanks,
    asks_about_day,
    asks_dose_amount,
    asks_for_a_dose,
    asks_if_urgent,
    asks_meaning_of_term,
    asks_remaining,
    asks_start,
    asks_test_elsewhere,
    asks_what_that_is,
    defines_term,
    is_personal,
    lab_words,
    next_shot,
    own_test_date,
    part_guess,
    personal_twin,
    route_question,
    terms_named,
    topic_followup,
    unsure_guess,
)
from bot.safety import dose_rule_wins
from bot.safety import screen as screen_text
from bot.vocabulary import FALLBACK_INTENT, GENERAL_INTENTS, PLAN_INTENTS, QUESTION_INTENTS, TOPIC_INTENTS
from bot.wording import chat as words
from services import answering, care_team, verification

ACTION = "action_respond"
MAX_QUESTIONS = 3  # questions answered from one message
SUSPECTED_EMERGENCY = 0.5  # the classifier's report_emergency confidence that earns a check question
CONTEXT_GUESS = 0.2  # an unsure plan question right after a plan answer is answered, not clarified
ASKED_BESIDE = 0.05  # a plan question ranked this high beside identity details is what the patient asked
CONFIDENT = 0.9  # a classification this sure is not overridden by a follow-up that only repeats the topic
_WHAT_NOW = re.compile(r"\b(?:what (?:should|do|can|must) i do|what now|what do i do now|help me|please help)\b",
                       re.IGNORECASE)
_ASKS_WHETHER = re.compile(r"\b(?:should|shall|can|could|may|must|do|will) (?:i|we|he|she|they)\b", re.IGNORECASE)
_WHY_QUESTION = re.compile(r"^\W*(?:but |and |so |ok |okay )?(?:why|how come)\b", re.IGNORECASE)
_DATES = re.compile(r"\b(?:dates?|days|when)\b", re.IGNORECASE)
_HOW_LONG_GOES_ON = re.compile(r"\bhow long\b|\b(?:go(?:es)? on|last|end|finish|stop)\b", re.IGNORECASE)
SOCIAL = {"greet", "thank", "affirm", "goodbye"}
# not read as "what does this word mean" even when a glossary word is named
_NEVER_A_TERM = {"ask_term_meaning", "request_dose_change", "report_missed_dose", "report_injection_given",
                 "report_symptoms_worse", "request_human"}
_STATIC = {
    "greet": "utter_greet", "goodbye": "utter_goodbye", "thank": "utter_you_are_welcome",
    "bot_challenge": "utter_iamabot", "help": "utter_help", "out_of_scope": "utter_out_of_scope",
}


@dataclass(frozen=True)
class Question:
    intent: str
    text: str
    followup: Followup | None = None


def respond(turn: Turn, store, verifier: Verifier | None = None) -> Reply:
    """What the bot says to `turn`, the conversation's new context and the audit lines (written here)."""
    verifier = verifier or Verifier(store)
    ctx = Context.load(turn.context)
    ctx.turn += 1
    reply = Reply()
    _respond(turn, store, verifier, ctx, reply)
    reply.context = ctx.dump()
    for audit in reply.audits:
        store.add_audit(audit.intent, audit.action, reference=audit.reference, plan_version_id=audit.plan_version_id)
    return reply


def _respond(turn: Turn, store, verifier: Verifier, ctx: Context, reply: Reply) -> None:
    is_payload, typed = split_payload(turn.text or "")
    # one safety screen per message: the NLU's, or here for what was typed beside a button payload
    screened_here = is_payload or turn.screen is None
    screen = (screen_text(typed) if typed else None) if screened_here else turn.screen
    answering_check = ctx.check is not None and ctx.just_asked(ctx.check_turn)
    if (screen and screen.red_flag) or (answering_check and turn.intent == "affirm") or (
            is_payload and not typed and turn.intent == "report_emergency"):
        return _urgent(ctx, reply)
    if answering_check and turn.intent in ("deny", "stop"):
        resume, resume_text = ctx.check_resume, ctx.pending_text or ""
        ctx.check = ctx.check_resume = ctx.pending_text = None
        reply.say(words.CHECK_NO)
        if resume:
            _answer_all([Question(resume, resume_text)], turn, store, verifier, ctx, reply)
        return None
    ctx.check = None
    if ctx.just_asked(ctx.urgent_turn) and not turn.from_button:
        if turn.intent == "help" or _WHAT_NOW.search(typed) or asks_if_urgent(typed) or (
                screen and (screen.check or screen.worsening)):
            # "what should I do?" or "it's getting harder to swallow" right after the advice: the advice again
            return _urgent(ctx, reply)
        reply.say(words.AFTER_URGENT)
    if asks_if_urgent(typed) and not (screen and screen.check):
        reply.say(words.WHEN_URGENT)
        ctx.topic = "report_symptoms_worse"
        return None
    if screen and screen.check:
        return _ask_check(screen.check.category, turn, ctx, reply)
    if turn.suspected_emergency >= SUSPECTED_EMERGENCY:  # the classifier's suspicion alone: ask, never alarm
        return _ask_check(None, turn, ctx, reply)
    if turn.intent == "report_emergency":  # the classifier alone never gives urgent advice
        turn = _next_best(turn)

    if ctx.verify:
        pending, pending_text = ctx.verify_pending, ctx.pending_text or ""
        handled, identity = verification.continue_check(verifier, turn, ctx, reply)
        if handled:
            if identity is not None and pending:
                _answer_plan(Question(pending, pending_text), identity, _with_text(turn, pending_text), store,
                             ctx, reply)
            return None
        questions = _questions(turn, ctx)
        if questions and all(q.intent not in PLAN_INTENTS for q in questions):
            _answer_all(questions, turn, store, verifier, ctx, reply)
            verification.ask_again(ctx, reply)
            return None
        if not questions:
            verification.not_understood(ctx, reply)
            return None
        verification.end_check(ctx)  # a new plan question: start over with it

    if ctx.report_date and ctx.just_asked(ctx.report_turn) and (clear_yes(turn) or turn.intent in ("deny", "stop")):
        return care_team.answer_report(clear_yes(turn), turn, store, verifier, ctx, reply)
    ctx.report_date = None
    yes = clear_yes(turn) or says_yes(typed)
    if ctx.offer and ctx.just_asked(ctx.offer_turn) and (yes or turn.intent in ("deny", "stop")) and not is_why(typed):
        return care_team.answer_offer(yes, turn, store, verifier, ctx, reply)
    if ctx.offer and ctx.just_asked(ctx.offer_turn) and turn.intent == "affirm":  # "ok": not a yes, ask again
        ctx.offer_turn = ctx.turn
        reply.say(response="utter_offer_followup_again")
        return None
    ctx.offer = None

    if (screened_here and screen and screen.dose_request and turn.intent not in PLAN_INTENTS
            and dose_rule_wins(turn.intent, turn.confidence)):
        turn = _with_intent(turn, "request_dose_change")
    if looks_like_report(typed, turn.today) and not _ASKS_WHETHER.search(typed) and (
            turn.intent not in QUESTION_INTENTS or turn.confidence < 0.5):
        turn = _with_intent(turn, "report_injection_given")
    questions = _questions(turn, ctx)
    if screen and screen.worsening and not any(q.intent == "report_symptoms_worse" for q in questions):
        questions.insert(0, Question("report_symptoms_worse", turn.text))  # "my tiredness came back, normal?"
    if not questions:
        return _dialogue(turn, store, verifier, ctx, reply)
    _answer_all(questions[:MAX_QUESTIONS], turn, store, verifier, ctx, reply)
    return None


# --- reading the message -----------------------------------------------------------------------------


def _questions(turn: Turn, ctx: Context) -> list[Question]:
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
            previous = segment.text
            if question is None:
                social_only = social_only and segment.intent in SOCIAL
            elif all((q.intent, q.followup) != (question.intent, question.followup) for q in found):
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
    if turn.intent in SOCIAL and (rest := after_thanks(text)):
        if term_for(rest):
            return [Question("ask_term_meaning", rest)]  # "thanks and MCV"
        turn, text = replace(turn, text=rest, intent=FALLBACK_INTENT, segments=()), rest  # "thanks. and after that?"
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
    if intent == FALLBACK_INTENT and not turn.from_button:
        intent = _unsure(turn, text, ctx) or intent
    if intent in PLAN_INTENTS and _WHY_QUESTION.match(text) and not turn.from_button:
        return [Question(intent, turn.text, Followup(intent, why=True))]  # "why under the skin and not the muscle?"
    if intent == "ask_term_meaning" and len(terms := terms_named(text)) > 1:
        return [Question(intent, term) for term in terms[:MAX_QUESTIONS]]  # "what's MMA and what's MCV?"
    if intent in QUESTION_INTENTS:
        return [Question(_refined(intent, text), turn.text)]
    return []


def _part_question(segment, ctx: Context) -> Question | None:
    """One part of a message with several questions: the classifier's intent when it was sure, else what the
    part's words ask ("is tomorrow an injection day? and when's the last one?"), or a follow-up ("and the one
    after, plus when do I get reassessed")."""
    if asks_meaning_of_term(segment.text) or defines_term(segment.text):
        return Question("ask_term_meaning", segment.text)
    intent = segment.intent
    if intent == FALLBACK_INTENT:
        if followup := resolve_followup(segment.text, ctx):
            return Question(followup.intent, segment.text, followup)
        intent = part_guess(segment.text) or intent
    return Question(_refined(intent, segment.text), segment.text) if intent in QUESTION_INTENTS else None


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


def _refined(intent: str, text: str) -> str:
    """Read the words for what the classifier's intent leaves open: a plan question put in general terms is
    the general one; "when is the last one" asks for the last planned date; a list or the n-th date from
    now is a question about the next injections."""
    if intent in QUESTION_INTENTS and intent not in _NEVER_A_TERM and defines_term(text):
        return "ask_term_meaning"  # "what's a maintenance dose?", "my MCV was high, what even is MCV"
    if intent == "ask_term_meaning" and defines_term(text):
        return intent  # "is that the same as a CBC? my sister calls it that": not her own tests
    if intent == "ask_cost" and asks_dose_amount(text):
        return "ask_my_product"
    if twin := general_twin(intent, text) or personal_twin(intent, text):
        return twin
    if intent == "ask_weekly_meaning" and _HOW_LONG_GOES_ON.search(text) and not general_twin("ask_weekly_duration",
                                                                                               text):
        return "ask_weekly_duration"  # "how long does the every other day bit go on?"
    if intent in PLAN_INTENTS and intent != "ask_next_injection" and (asks_about_day(text) or asks_start(text)):
        return "ask_next_injection"
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


def _next_best(turn: Turn) -> Turn:
    for name, confidence in turn.ranking:
        if name not in ("report_emergency", FALLBACK_INTENT):
            return _with_intent(turn, name, confidence)
    return _with_intent(turn, FALLBACK_INTENT, 0.0)


def _with_intent(turn: Turn, intent: str, confidence: float | None = None) -> Turn:
    return replace(turn, intent=intent, confidence=turn.confidence if confidence is None else confidence,
                   segments=())


def _with_text(turn: Turn, text: str) -> Turn:
    return replace(turn, text=text, segments=()) if text else turn


# --- answering ---------------------------------------------------------------------------------------


def _answer_all(questions: list[Question], turn: Turn, store, verifier: Verifier, ctx: Context,
                reply: Reply) -> None:
    identity: Identity | None = None
    for question in questions:
        if question.intent in PLAN_INTENTS:
            if identity is None:
                identity = verification.identify(verifier, turn)
            if identity.reference is None:
                identity = verification.not_identified(verifier, turn, ctx, reply, question.intent)
                if identity is not None:  # the message carried a reference and a date of birth that match
                    _answer_plan(question, identity, turn, store, ctx, reply)
                return
            _answer_plan(question, identity, _part(turn, question, questions), store, ctx, reply)
        elif question.intent == "report_symptoms_worse":
            care_team.worsening(question, turn, store, verifier, ctx, reply)
        elif question.intent == "request_human":
            care_team.request_human(turn, store, verifier, ctx, reply)
        elif question.intent in GENERAL_INTENTS or question.intent in TOPIC_INTENTS:
            _answer_general(question, turn, store, verifier, ctx, reply)


def _part(turn: Turn, question: Question, questions: list[Question]) -> Turn:
    """The turn as one question of several: its own words decide which date or list it asks for."""
    return _with_text(turn, question.text) if len(questions) > 1 and question.text else turn


def _answer_plan(question: Question, identity: Identity, turn: Turn, store, ctx: Context, reply: Reply) -> None:
    intent = question.intent
    asked_about = {r for r in map(verification.normalise_reference, turn.entities.get("patient_reference", ())) if r}
    if asked_about - {identity.reference}:
        reply.say(response="utter_only_own_plan")  # and nothing else: their own dates could be read as the other's
        ctx.topic = intent
        return
    if intent in ("report_injection_given", "ask_calendar"):
        return care_team.plan_request(intent, question, identity, turn, store, ctx, reply)
    record = store.current_plan(identity.reference)
    if record is None:
        patient = store.patient(identity.reference)
        from bot.wording.plan import no_plan

        reply.say(no_plan(patient.name if patient else None))
        reply.audits.append(Audit(intent, ACTION, identity.reference))
        ctx.topic = None
        return
    if question.followup and question.followup.why:
        answering.why(intent, reply, ctx, answering.facts_for(record, turn.today))
    else:
        answer = answering.plan_answer(intent, record, turn, ctx, question.followup)
        extra = ()
        if intent == "request_dose_change":
            from bot.knowledge import fact

            extra = (fact("more_not_better").text,)
        # a follow-up asks for this answer again: say it whole, even the parts said before
        whole = (intent == "ask_my_plan" or question.followup is not None
                 or (intent == "ask_my_product" and asks_dose_amount(turn.text or "")))  # "and how much each time?"
        answering.say_plan_answer(answer, reply, ctx, whole=whole, extra=extra)
        if answer.offers_followup:
            care_team.offer(answer.offers_followup, ctx, reply)
    reply.audits.append(Audit(intent, ACTION, identity.reference, record.plan_version_id))
    ctx.topic = intent


def _answer_general(question: Question, turn: Turn, store, verifier: Verifier, ctx: Context, reply: Reply) -> None:
    intent = question.intent
    followup = question.followup
    if followup and followup.why and intent in PLAN_INTENTS:
        answering.why(intent, reply, ctx)
        return
    entities = ctx.topic_entities if followup and (followup.more or followup.why) else None
    if intent == "ask_term_meaning" and term_for(question.text or ""):
        entities = {}  # the word this question names, not the first one the message's entities hold
    offers = answering.general_answer(intent, _with_text(turn, question.text or turn.text), ctx, reply,
                                      more=bool(followup and (followup.more or followup.why)), entities=entities)
    if intent == "ask_weekly_meaning":
        _their_own_dates(turn, verifier, store, ctx, reply)
    if intent == "ask_term_meaning":
        ctx.term = term_for(question.text or turn.text or "") or ctx.term
    if offers:
        care_team.offer("topic_question", ctx, reply)
    reply.audits.append(Audit(intent, ACTION))
    ctx.topic = intent


def _their_own_dates(turn: Turn, verifier: Verifier, store, ctx: Context, reply: Reply) -> None:
    """ "Does every other day mean Monday, Wednesday, Friday?": a signed-in patient's real dates answer it."""
    question = read_date_question(turn.text or "")
    if question.count <= 1 and question.weekday is None:
        return
    identity = verification.identify(verifier, turn)
    record = store.current_plan(identity.reference) if identity.reference else None
    if record is None:
        return
    answer = answering.plan_answer("ask_next_injection", record, turn, ctx)
    answering.say_plan_answer(answer, reply, ctx, whole=True)  # what "every other day" means for them, in full
    reply.audits.append(Audit("ask_next_injection", ACTION, identity.reference, record.plan_version_id))


# --- everything else ---------------------------------------------------------------------------------


def _urgent(ctx: Context, reply: Reply) -> None:
    reply.say(response="utter_urgent_care")
    reply.say(response="utter_urgent_care_followup")
    reply.audits.append(Audit("report_emergency", ACTION))
    reply.outcome = "red_flag"
    ctx.urgent_turn = ctx.turn
    ctx.check = ctx.offer = ctx.report_date = None
    ctx.clarify = []
    verification.end_check(ctx)


def _ask_check(category: str | None, turn: Turn, ctx: Context, reply: Reply) -> None:
    buttons = [Button(title, payload) for title, payload in words.CHECK_BUTTONS]
    reply.say(words.check_question(category), buttons=buttons)
    ctx.check, ctx.check_turn = category, ctx.turn
    ctx.check_resume = turn.intent if turn.intent in QUESTION_INTENTS else None
    ctx.pending_text = turn.text or ""
    reply.audits.append(Audit("red_flag_check", ACTION))
    reply.outcome = "check"


def _dialogue(turn: Turn, store, verifier: Verifier, ctx: Context, reply: Reply) -> None:
    intent = turn.intent
    if intent in _STATIC:
        reply.say(response=_STATIC[intent])
    elif intent == "request_human":
        care_team.request_human(turn, store, verifier, ctx, reply)
    elif intent == "provide_identity":
        identity = verification.identify(verifier, turn)
        if identity.reference is not None:
            reply.say(response="utter_already_signed_in")
        else:
            # "my ref is MRN-1042, dob …, how many have I had?": the question beside the details, if any
            guessed = part_guess(turn.text or "")
            asked = guessed if guessed in PLAN_INTENTS else next(
                (name for name, confidence in turn.ranking if name in PLAN_INTENTS and confidence >= ASKED_BESIDE),
                "ask_my_plan")
            identity = verification.not_identified(verifier, turn, ctx, reply, asked)
            if identity is not None:
                _answer_plan(Question(asked, turn.text or ""), identity, turn, store, ctx, reply)
    elif intent in ("affirm", "deny", "stop"):
        reply.say(response="utter_anything_else")
    else:
        _clarify(turn, ctx, reply)


def _clarify(turn: Turn, ctx: Context, reply: Reply) -> None:
    """Ask instead of guessing: the two or three likeliest questions as buttons."""
    options = [name for name, _ in turn.ranking if name in words.INTENT_TITLES and name != "report_emergency"][:3]
    if not options:
        reply.say(response="utter_default")
        reply.outcome = "fallback"
        return
    buttons = [Button(words.INTENT_TITLES[name], f"/{name}") for name in options]
    buttons.append(Button(words.CLARIFY_NONE, "/help"))
    reply.say(words.CLARIFY_LEAD, buttons=buttons)
    ctx.clarify, ctx.clarify_turn = options, ctx.turn
    reply.outcome = "clarify"


