"""Answer one chat turn: the use case behind the action server's only action.

In order: red flags (urgent-care advice first and alone), a pending check question, the identity check,
a pending care-team offer or injection report, then every question the message holds (several in one
message are answered in order, short follow-ups are read against the last answer), and a clarifying
question when the NLU is unsure. Pure domain rules decide; the store is the only I/O.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.conversation import Audit, Button, Context, Reply, Turn, clear_yes, looks_like_report, says_yes, split_payload
from bot.errors import StoreUnavailable
from bot.followups import is_why, read_date_question
from bot.identity import Identity, Verifier
from bot.knowledge import term_for
from bot.questions import (
    MAX_QUESTIONS,
    Question,
    best_question,
    next_best,
    note_asked_about,
    questions_in,
    with_intent,
    with_text,
)
from bot.reading import asks_care_team, asks_dose_amount, asks_if_urgent, part_guess
from bot.references import named_references
from bot.safety import Screen, dose_rule_wins
from bot.safety import screen as screen_text
from bot.safety.scores import earns_check
from bot.vocabulary import GENERAL_INTENTS, PLAN_INTENTS, QUESTION_INTENTS, TOPIC_INTENTS
from bot.wording import chat as words
from bot.wording import plan as plan_words
from bot.wording.general import CLOSING
from bot.wording.plan import general_closing
from services import answering, care_team, verification

ACTION = "action_respond"
REFUSAL_TURNS = 3  # for this many messages after "I can only show your own plan", "and hers?" is refused too
FRAGMENT_WORDS = 4  # a message this short right after an answer ("and after the 4?") is a follow-up, not evidence
OWN_DATES = 4  # how many of their dates show what "every other day" means for them
UNSURE_DIALOGUE = 0.6  # a stop or deny below this that opens with a question word is read as the question
_WH_QUESTION = re.compile(r"^\W*(?:so |ok |and |but )?(?:when|how long|how many|what|which|where)\b", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9']+", re.IGNORECASE)
_A_WORD = re.compile(r"[^\W\d_]{2}")
ASKED_BESIDE = 0.05  # a plan question ranked this high beside identity details is what the patient asked
_WHAT_NOW = re.compile(r"\b(?:what (?:should|do|can|must) i do|what now|what do i do now|help me|please help)\b",
                       re.IGNORECASE)
_ASKS_WHETHER = re.compile(r"\b(?:should|shall|can|could|may|must|do|will) (?:i|we|he|she|they)\b", re.IGNORECASE)
_FOR_ME = re.compile(r"\b(?:for me|for mine|in my case|my plan|my schedule|for him|for her)\b", re.IGNORECASE)
_SAYS_NO = re.compile(r"^\W*(?:no|nope|nah|not really|not now|it's not|it isn't|its not)\b", re.IGNORECASE)
_THIRD_PERSON = re.compile(r"\b(?:she|he|her|hers|his|him|they|their|them|(?:mum|mom|mother|dad|father|sister|brother|"
                           r"husband|wife|partner|son|daughter|kid|child|baby|gran|granny|grandma|grandad|nan|friend|"
                           r"aunt|uncle|niece|nephew|boyfriend|girlfriend|patient)(?:'?s)?)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|me|my|mine|myself)\b", re.IGNORECASE)
_FIRST_MAINTENANCE = re.compile(r"\bfirst (?:monthly|maintenance|2[- ]monthly|3[- ]monthly|two[- ]monthly|"
                                r"three[- ]monthly) (?:one|jab|shot|injection|dose)\b", re.IGNORECASE)
_DEFICIENCY_LIKE = {"sudden_weakness", "confusion"}  # checks a returning deficiency symptom can look like
_STATIC = {
    "greet": "utter_greet", "goodbye": "utter_goodbye", "thank": "utter_you_are_welcome",
    "bot_challenge": "utter_iamabot", "help": "utter_help", "out_of_scope": "utter_out_of_scope",
}


def respond(turn: Turn, store, verifier: Verifier | None = None) -> Reply:
    """What the bot says to `turn`, the conversation's new context and the audit lines (written here)."""
    verifier = verifier or Verifier(store)
    turn = _with_named_references(turn)
    ctx = Context.load(turn.context)
    ctx.turn += 1
    if offered := verification.given_reference(turn) if turn.entities.get("patient_reference") else None:
        ctx.offered_reference, ctx.offered_turn = offered, ctx.turn  # used if a check starts soon after
    reply = Reply()
    _respond(turn, store, verifier, ctx, reply)
    reply.context = ctx.dump()
    for audit in reply.audits:
        store.add_audit(audit.intent, audit.action, reference=audit.reference, plan_version_id=audit.plan_version_id)
    return reply


def _with_named_references(turn: Turn) -> Turn:
    """The references the words name ("her number is 1002") beside those the NLU's entity pattern found."""
    named = named_references(turn.text or "")
    found = turn.entities.get("patient_reference", ())
    if not set(named) - set(found):
        return turn
    return replace(turn, entities={**turn.entities, "patient_reference": tuple(dict.fromkeys((*found, *named)))})


def _respond(turn: Turn, store, verifier: Verifier, ctx: Context, reply: Reply) -> None:
    is_payload, typed = split_payload(turn.text or "")
    # one safety screen per message: the NLU's, or here for what was typed beside a button payload
    screened_here = is_payload or turn.screen is None
    screen = (screen_text(typed) if typed else None) if screened_here else turn.screen
    answering_check = ctx.check is not None and ctx.just_asked(ctx.check_turn)
    if (screen and screen.red_flag) or (answering_check and turn.intent == "affirm") or (
            is_payload and not typed and turn.intent == "report_emergency"):
        return _urgent(ctx, reply)
    if answering_check and (turn.intent in ("deny", "stop") or _SAYS_NO.match(typed)):
        resume, resume_text = ctx.check_resume, ctx.pending_text or ""
        ctx.check = ctx.check_resume = ctx.pending_text = None
        reply.say(words.CHECK_NO)
        if screen and screen.worsening:  # "no it's not sudden, it's been creeping up. what should I do"
            _answer_all([Question("report_symptoms_worse", typed)], turn, store, verifier, ctx, reply)
        elif resume:
            _answer_all([Question(resume, resume_text)], turn, store, verifier, ctx, reply)
        return None
    ctx.check = None
    if ctx.just_asked(ctx.urgent_turn) and not turn.from_button:
        if turn.intent == "help" or _WHAT_NOW.search(typed) or asks_if_urgent(typed) or (
                screen and (screen.check or screen.worsening)):
            # "what should I do?" or "it's getting harder to swallow" right after the advice: the advice again
            return _urgent(ctx, reply)
        reply.say(words.AFTER_URGENT)
    if asks_if_urgent(typed) and not (screen and screen.check) and not term_for(typed):  # not "is PA serious?"
        reply.say(words.WHEN_URGENT)
        ctx.topic = "report_symptoms_worse"
        return None
    if screen and screen.check and not (screen.worsening and screen.check.category in _DEFICIENCY_LIKE):
        # "his legs feel weird and wobbly again": a known symptom back is the worsening answer (which says when
        # to seek urgent care), not a check question about a sudden weakness
        return _ask_check(screen.check.category, turn, ctx, reply)
    if earns_check(screen or Screen(), turn.suspected_emergency, after_urgent=ctx.just_asked(
            ctx.urgent_turn), fragment_after_answer=(bool(ctx.topic) and len(_WORDS.findall(typed)) <= FRAGMENT_WORDS)
                                          or not _A_WORD.search(typed)):  # "8102", "-1002": nothing to check
        return _ask_check(None, turn, ctx, reply)  # the scorer's suspicion alone: ask, never alarm
    if turn.intent == "report_emergency":  # the classifier alone never gives urgent advice
        turn = next_best(turn)
    elif turn.intent in ("stop", "deny") and turn.confidence < UNSURE_DIALOGUE and _WH_QUESTION.match(typed):
        turn = best_question(turn)  # "so when do I stop?" asks when the course ends; it does not end the chat

    if ctx.verify:
        pending, pending_text = ctx.verify_pending, ctx.pending_text or ""
        handled, identity = verification.continue_check(verifier, turn, ctx, reply)
        if handled:
            if identity is not None and pending:
                _answer_plan(Question(pending, pending_text), identity, with_text(turn, pending_text), store,
                             ctx, reply)
            return None
        questions = questions_in(turn, ctx)
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
        turn = with_intent(turn, "request_dose_change")
    if looks_like_report(typed, turn.today) and not _ASKS_WHETHER.search(typed) and (
            turn.intent not in QUESTION_INTENTS or turn.confidence < 0.5):
        turn = with_intent(turn, "report_injection_given")
    questions = questions_in(turn, ctx)
    if screen and screen.worsening and not any(q.intent == "report_symptoms_worse" for q in questions):
        questions.insert(0, Question("report_symptoms_worse", turn.text))  # "my tiredness came back, normal?"
    if not questions:
        return _dialogue(turn, store, verifier, ctx, reply)
    _answer_all(questions[:MAX_QUESTIONS], turn, store, verifier, ctx, reply)
    return None


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
            care_team.request_human(turn, store, verifier, ctx, reply, asked_outright=asks_care_team(question.text))
        elif question.intent in GENERAL_INTENTS or question.intent in TOPIC_INTENTS:
            _answer_general(question, turn, store, verifier, ctx, reply)


def _part(turn: Turn, question: Question, questions: list[Question]) -> Turn:
    """The turn as one question of several: its own words decide which date or list it asks for."""
    return with_text(turn, question.text) if len(questions) > 1 and question.text else turn


def _names_someone_else(turn: Turn, identity: Identity) -> bool:
    """The message names a reference that is not the signed-in patient's."""
    named = {r for r in map(verification.normalise_reference, turn.entities.get("patient_reference", ())) if r}
    return bool(named - {identity.reference})


def _refuse(ctx: Context, reply: Reply) -> None:
    """Only their own plan, and nothing else; remembered, so that "and hers?" right after is refused too."""
    reply.say(response="utter_only_own_plan")
    ctx.refused_turn = ctx.turn


def _answer_plan(question: Question, identity: Identity, turn: Turn, store, ctx: Context, reply: Reply) -> None:
    intent = question.intent
    after_refusal = ctx.refused_turn >= 0 and ctx.turn - ctx.refused_turn <= REFUSAL_TURNS
    if _names_someone_else(turn, identity) or (after_refusal and (_THIRD_PERSON.search(turn.text or "") or (
            not _FIRST_PERSON.search(turn.text or "")))):
        # and nothing else: their own dates could be read as the other's; "and hers?", "and after that?", "next
        # one?", "what about my son's?" right after are refused too; "ok, what about mine" is answered
        ctx.topic = intent
        return _refuse(ctx, reply)
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
        if intent in ("ask_next_injection", "ask_maintenance_plan"):
            ctx.plan_topic = intent
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
    identity, record = _own_plan_if_any(turn, store, verifier)
    closing = general_closing(record.plan) if record else CLOSING  # who documented their own schedule, and when
    offers = answering.general_answer(intent, with_text(turn, question.text or turn.text), ctx, reply,
                                      more=bool(followup and (followup.more or followup.why)), entities=entities,
                                      closing=closing)
    if intent == "ask_weekly_meaning":
        _their_own_dates(turn, identity, record, ctx, reply)
    elif intent == "ask_appointment_change" and record is not None:
        # "one of his injections falls in the middle of the trip": which date the clinic would move
        which = "ask_maintenance_plan" if _FIRST_MAINTENANCE.search(turn.text or "") else "ask_next_injection"
        reply.say(answering.plan_answer(which, record, turn, ctx).lead)  # "the day my first monthly one is due"
    if intent == "ask_term_meaning":
        ctx.term = term_for(question.text or turn.text or "") or ctx.term
    if offers:
        care_team.offer("topic_question", ctx, reply)
    reply.audits.append(Audit(intent, ACTION, identity.reference if record else None,
                              record.plan_version_id if record else None))
    ctx.topic = intent


def _own_plan_if_any(turn: Turn, store, verifier: Verifier):
    """The signed-in patient and their plan, for the closing line of a general answer; a general answer never
    fails because the plan store is down."""
    try:
        identity = verification.identify(verifier, turn)
        return identity, (store.current_plan(identity.reference) if identity.reference else None)
    except StoreUnavailable:
        return Identity(None, "none"), None


def _their_own_dates(turn: Turn, identity: Identity, record, ctx: Context, reply: Reply) -> None:
    """ "Does every other day mean Monday, Wednesday, Friday?": a signed-in patient's real dates (`record`, the plan
    the general answer already looked up) answer it."""
    question = read_date_question(turn.text or "")
    if question.count <= 1 and question.weekday is None and not _FOR_ME.search(turn.text or ""):
        return  # "what does every other day actually mean for me?" is answered with their dates too
    if record is None:
        return
    if question.count <= 1 and question.weekday is None:  # "… for me?": their next few dates show it
        answer = plan_words.next_injection(answering.facts_for(record, turn.today), count=OWN_DATES)
    else:
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
        if identity.reference is not None and _names_someone_else(turn, identity):
            _refuse(ctx, reply)  # "what about MRN-1002?", "1002": someone else's reference
        elif identity.reference is not None:
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
        identity, record = _own_plan_if_any(turn, store, verifier)
        if record is not None and note_asked_about(turn.text or "", record.plan.notes):
            # "numbing cream when": what their clinician's note says about it, not a menu
            return _answer_plan(Question("ask_my_plan", turn.text or ""), identity, turn, store, ctx, reply)
        _clarify(turn, ctx, reply)
    return None


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


