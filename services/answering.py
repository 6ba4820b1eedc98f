"""Answering one question: from the patient's own plan, or from the knowledge module.

Each answer leads with the direct answer; detail sentences already given in this conversation are left
out, so the same paragraph never comes twice running (the patient can ask "tell me more").
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from bot.conversation import Context, Reply, Turn
from bot.followups import DateQuestion, Followup, read_date_question
from bot.knowledge import answer_general, fact
from bot.plans.model import PlanRecord
from bot.plans.schedule import plan_status
from bot.questions import note_asked_about
from bot.reading import asked_day, asks_about_day, asks_plan_note, asks_reassessment, lab_words
from bot.vocabulary import PLAN_INTENTS
from bot.wording import chat as chat_words
from bot.wording import plan as plan_words
from bot.wording.general import CLOSING
from bot.wording.reasons import why_no_date

_FIRST_ONE = re.compile(r"\b(?:first|1st|earliest)\b|\bwhen (?:did|do) (?:i|we|she|he|they) (?:start|begin)\b|"
                        r"\bwhen (?:was|were) (?:the |my |her |his )?start\b|\bstarted (?:on )?when\b", re.IGNORECASE)
# For "why?" after a plan answer: the sourced reason behind it.
_WHY_FACTS: dict[str, tuple[str, ...]] = {
    "ask_weekly_duration": ("weekly_is_a_phase",),
    "ask_next_injection": ("weekly_is_a_phase",),
    "ask_maintenance_plan": ("faq_starting_dose", "term_maintenance"),
    "ask_next_lab_check": ("monitoring_core",),
    "report_missed_dose": ("more_not_better",),
    "request_dose_change": ("more_not_better", "when_clinicians_intensify"),
    "ask_my_plan": ("weekly_is_a_phase",),
    "ask_my_product": ("products_vary",),
    "ask_injection_history": ("weekly_is_a_phase",),
}


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _fresh(sentences, ctx: Context) -> list[str]:
    """The sentences not given before in this conversation; remembers them as given."""
    out = []
    for sentence in sentences:
        key = _key(sentence)
        if key in ctx.given:
            continue
        ctx.given.append(key)
        out.append(sentence)
    del ctx.given[:-40]
    return out


def facts_for(record: PlanRecord, today: date) -> plan_words.PlanFacts:
    schedule = record.injections_for_schedule
    reported = tuple(r.on for r in record.reported if r.status == "pending")
    return plan_words.PlanFacts(record.plan, plan_status(record.plan, schedule, today), reported,
                                given=tuple(i.on for i in schedule))


def plan_answer(intent: str, record: PlanRecord, turn: Turn, ctx: Context,
                followup: Followup | None = None) -> plan_words.PlanAnswer:
    """The answer to a plan question (the intent already resolved, follow-ups included)."""
    facts = facts_for(record, turn.today)
    question = read_date_question(turn.text or "") if followup is None else None
    if intent == "ask_next_injection":
        which = followup.which if followup else question.which
        if followup and followup.which and (asked := read_date_question(turn.text or "")).count > 1:
            question = DateQuestion(count=asked.count)  # "and the next few after that?": a list from there
            which = max(which, ctx.listed_to + 1)  # from after the dates a list just named
        if question and question.after_today and facts.status.upcoming[:1] == (turn.today,):
            which += 1  # the last weekly one is today: the one after it
        if question and question.how_often_now:
            return plan_words.maintenance_plan(facts, how_often_now=True)
        if question and question.week is not None:
            return plan_words.in_week(facts, question.week)  # "is there one next week at all?"
        day = asked_day(turn.text or "", turn.today) if question and asks_about_day(turn.text or "") else None
        if day is not None:  # a named date beats its weekday ("Sunday 13 Dec")
            return plan_words.on_date(facts, day)
        count = question.count if question else 1
        answer = plan_words.next_injection(facts, which=which, count=count,
                                           weekday=question.weekday if question else None)
        ctx.date_index, ctx.listed_to = which, which + count - 1 if count > 1 else -1
        return answer
    if intent in ("ask_next_lab_check", "ask_maintenance_plan") and asks_reassessment(turn.text or "") and not (
            lab_words(turn.text or "")):
        return plan_words.reassessment(facts)  # "review?", "he have review also?"
    if intent == "ask_maintenance_plan":
        s = facts.status  # "and the one after that?" then counts from the first maintenance date
        ctx.date_index = (s.upcoming.index(s.maintenance_starts) if s.maintenance_starts in s.upcoming
                          else 0 if s.current_phase == "maintenance" else -1)
        return plan_words.maintenance_plan(facts, how_often_now=bool(question and question.how_often_now))
    if intent == "ask_my_plan" and (asks_plan_note(turn.text or "") or followup is None and note_asked_about(
            turn.text or "", facts.plan.notes)):
        return plan_words.plan_note(facts)  # the note they ask about, not the whole plan
    if intent == "ask_next_lab_check" and followup is not None and followup.which:
        return plan_words.next_lab_check(facts, which=followup.which)  # "any more after that one?"
    if intent == "ask_injection_history":
        ctx.history_index = back = followup.which if followup else 0  # "and before that?" steps back from here
        return plan_words.injection_history(facts, first=not back and bool(_FIRST_ONE.search(turn.text or "")),
                                            back=back)
    builders = {
        "ask_weekly_duration": plan_words.weekly_duration,
        "ask_my_plan": plan_words.my_plan,
        "ask_my_product": plan_words.my_product,
        "ask_next_lab_check": plan_words.next_lab_check,
        "report_missed_dose": plan_words.missed_dose,
        "request_dose_change": plan_words.dose_change,
    }
    return builders[intent](facts)


def plan_answer_text(intent: str, record: PlanRecord, today: date, text: str = "") -> str:
    """The whole answer to one plan question asked out of any conversation (tests, staff previews)."""
    return plan_answer(intent, record, Turn(text=text, today=today), Context()).text


def say_plan_answer(answer: plan_words.PlanAnswer, reply: Reply, ctx: Context, *, whole: bool = False,
                    extra: tuple[str, ...] = ()) -> None:
    """Lead, the details not said before, any extra sentences (e.g. the dose-change guidance), citation."""
    details = list(answer.details) if whole else _fresh(answer.details, ctx)
    details += _fresh(extra, ctx)
    reply.say(" ".join([answer.lead, *details, answer.citation]))


def why(intent: str, reply: Reply, ctx: Context, facts: plan_words.PlanFacts | None = None) -> None:
    """The reason behind the last answer: what a missing date waits on (from the plan), else sourced facts
    (never a new figure of its own)."""
    if facts is not None and intent in ("ask_next_injection", "ask_maintenance_plan", "ask_weekly_duration") and (
            no_date := why_no_date(facts, intent)):
        reply.say(no_date)
        return
    parts = _WHY_FACTS.get(intent)
    if parts is None:
        general = answer_general(intent, ctx.topic_entities, more=True) if _is_general(intent) else None
        if general and general.text:
            reply.say(general.text)
            return
        reply.say(response="utter_ask_care_team_why")
        return
    sentences = _fresh([fact(p).text for p in parts], ctx) or [fact(parts[0]).text]
    reply.say(" ".join([*sentences, plan_words.general_closing(facts.plan) if facts is not None else CLOSING]))


_ASKS_FURTHER = re.compile(r"\b(?:why|how come|is (?:one|it|that) better|which is better|better than|what's the "
                           r"reason|what is the reason)\b", re.IGNORECASE)


def general_answer(intent: str, turn: Turn, ctx: Context, reply: Reply, *, more: bool = False,
                   entities: dict | None = None, closing: str = CLOSING) -> bool:
    """A general or topic answer, ending with `closing` (the patient's own clinician and date when known); True
    when it offers to pass the question to the care team."""
    entities = entities if entities is not None else {k: list(v) for k, v in turn.entities.items()}
    answer = answer_general(intent, entities, turn.text or "", more=more)
    if more:
        if not answer.text:
            reply.say(response="utter_nothing_more")
            return True
        sentences = _fresh([fact(f).text for f in answer.fact_ids], ctx)
        reply.say(" ".join([*sentences, closing]) if sentences else chat_words.ALREADY_SAID)
        return False
    # the same answer twice running (the question asked again in other words) is not repeated; otherwise the
    # first part, which answers the question, is always said and the details given before are left out
    whole = _key(answer.text)
    lead, *details = answer.parts or (answer.text,)
    if ctx.last_answer == whole:  # the gist again, not the paragraph
        if not more and _ASKS_FURTHER.search(turn.text or ""):
            # "why would they have picked that one over the other? is one better?": what lies behind it
            return general_answer(intent, turn, ctx, reply, more=True, entities=entities, closing=closing)
        reply.say(f"{chat_words.ALREADY_SAID[:-1]}: {_mid_sentence(lead)} {closing}")
        return answer.offers_care_team
    ctx.last_answer = whole
    fresh = _fresh(details, ctx)
    _fresh([lead], ctx)
    reply.say(" ".join([lead, *fresh, closing]))
    ctx.topic_entities = entities
    return answer.offers_care_team


def _mid_sentence(sentence: str) -> str:
    """A sentence continued after a colon: "Moving to tablets…" → "moving to tablets…", but "I", "UK", "NICE" stay."""
    first = sentence.split(" ", 1)[0]
    if first == "I" or first.startswith("I'") or (len(first) > 1 and first[1].isupper()) or first == "Weekly":
        return sentence
    return sentence[0].lower() + sentence[1:]


def _is_general(intent: str) -> bool:
    return intent not in PLAN_INTENTS
