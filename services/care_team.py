"""What involves the care team: offers to pass a question on (filed only on a clear yes to the offer just
made), a request for a person, worsening symptoms, injections the patient reports, the calendar link."""

from __future__ import annotations

from datetime import date

from bot.conversation import Audit, Button, Context, Reply, Turn, reported_date
from bot.identity import Identity, Verifier
from bot.knowledge import fact
from bot.wording import chat as words
from bot.wording.plan import worsening as plan_worsening
from services import calendar as calendar_service
from services import verification
from services.answering import facts_for

ACTION = "action_respond"
YES_NO = (Button("Yes, please", "/affirm"), Button("No, thanks", "/deny"))


def _signed_in(turn: Turn, store, verifier: Verifier, reply: Reply, otherwise: str):
    """The signed-in patient and their current plan record, or (None, None) after saying `otherwise`."""
    identity = verification.identify(verifier, turn)
    if identity.reference is None:
        reply.say(response=otherwise)
        return None, None
    return identity, store.current_plan(identity.reference)


def offer(kind: str, ctx: Context, reply: Reply) -> None:
    reply.say(response="utter_offer_followup")  # its Yes / No buttons are in domain.yml
    ctx.offer, ctx.offer_turn = kind, ctx.turn


def answer_offer(yes: bool, turn: Turn, store, verifier: Verifier, ctx: Context, reply: Reply) -> None:
    kind, ctx.offer = ctx.offer, None
    if not yes:
        reply.say(response="utter_followup_declined")
        return
    identity, record = _signed_in(turn, store, verifier, reply, "utter_offer_human_anonymous")
    if identity is None:
        return
    _file(kind or "question", identity, record, turn, store, reply)


def _file(kind: str, identity, record, turn: Turn, store, reply: Reply) -> None:
    """A follow-up in the care-team inbox, its audit line, and the patient told."""
    store.add_followup(identity.reference, kind, record.version if record else None, turn.conversation_key)
    reply.audits.append(Audit(kind, "followup", identity.reference, record.plan_version_id if record else None))
    reply.say(response="utter_followup_recorded")


def request_human(turn: Turn, store, verifier: Verifier, ctx: Context, reply: Reply,
                  asked_outright: bool = False) -> None:
    """How to reach a person; signed-in patients are offered a call back (filed on "yes"), or, when they asked
    for it in so many words ("please pass that question to the care team"), it is filed now."""
    identity = verification.identify(verifier, turn)
    if identity.reference is None:
        reply.say(response="utter_offer_human_anonymous")
        return
    if asked_outright:
        ctx.offer = None
        _file("question", identity, store.current_plan(identity.reference), turn, store, reply)
        return
    reply.say(response="utter_offer_human")
    offer("human_requested", ctx, reply)


def worsening(question, turn: Turn, store, verifier: Verifier, ctx: Context, reply: Reply) -> None:
    """Symptoms getting worse or coming back: the plan's own note, the care team first, when it is urgent."""
    identity = verification.identify(verifier, turn)
    record = store.current_plan(identity.reference) if identity.reference else None
    note = plan_worsening(facts_for(record, turn.today)) if record else ()
    reply.say(" ".join([words.WORSENING_LEAD, *note, fact("neuro_red_flag").text, words.WORSENING_URGENT]))
    reply.audits.append(Audit("report_symptoms_worse", ACTION, identity.reference,
                              record.plan_version_id if record else None))
    if identity.reference:
        reply.say(words.WORSENING_CARE_TEAM)
        offer("symptoms_worse", ctx, reply)
    else:
        reply.say(response="utter_offer_human_anonymous")
    ctx.topic = "report_symptoms_worse"


# --- requests about the patient's own plan that are not questions -------------------------------------


def plan_request(intent: str, question, identity: Identity, turn: Turn, store, ctx: Context, reply: Reply) -> None:
    if intent == "ask_calendar":
        return _calendar(identity, turn, store, ctx, reply)
    return _report(question, identity, turn, store, ctx, reply)


def _calendar(identity: Identity, turn: Turn, store, ctx: Context, reply: Reply) -> None:
    link = calendar_service.issue_link(store, identity.reference, turn.conversation_key)
    base = calendar_service.public_base_url()
    https = f"{base}/calendar/{link.token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    reply.say(words.calendar_link(https), buttons=[Button(words.CALENDAR_BUTTON, url=webcal),
                                                   Button(words.CALENDAR_DOWNLOAD_BUTTON, url=https)], link=webcal)
    ctx.topic = "ask_calendar"


def _report(question, identity: Identity, turn: Turn, store, ctx: Context, reply: Reply) -> None:
    """"I had my injection today" → repeat the day understood and ask to confirm; "yes" notes it."""
    on = reported_date(question.text or turn.text or "", turn.today)
    if on is None:
        reply.say(words.REPORT_ASK_DAY)
        return
    record = store.current_plan(identity.reference)
    problem = _report_problem(on, record, turn.today)
    if problem:
        reply.say(problem)
        return
    reply.say(words.report_confirm(on), buttons=YES_NO)
    ctx.report_date, ctx.report_turn = on.isoformat(), ctx.turn
    ctx.topic = "report_injection_given"


def _report_problem(on: date, record, today: date) -> str | None:
    if on > today:
        return words.report_in_future(on)
    if record is not None:
        starts = [p.starts_on for p in record.plan.phases if p.starts_on]
        if starts and on < min(starts):
            return words.report_before_plan(on, min(starts))
        if on in {i.on for i in record.injections_given} or on in {r.on for r in record.reported}:
            return words.report_duplicate(on)
    return None


def answer_report(yes: bool, turn: Turn, store, verifier: Verifier, ctx: Context, reply: Reply) -> None:
    on, ctx.report_date = date.fromisoformat(ctx.report_date), None
    if not yes:
        reply.say(words.REPORT_NOT_RECORDED)
        return
    identity, record = _signed_in(turn, store, verifier, reply, "utter_token_problem")
    if identity is None:
        return
    problem = _report_problem(on, record, turn.today)
    if problem:
        reply.say(problem)
        return
    added = store.add_report(identity.reference, on, turn.conversation_key,
                             record.plan_version_id if record else None)
    if added is None:
        reply.say(words.report_duplicate(on))
        return
    reply.audits.append(Audit("report_injection_given", "report_recorded", identity.reference,
                              record.plan_version_id if record else None))
    reply.say(words.report_recorded(on))
    if record is not None:
        from services.answering import plan_answer, say_plan_answer

        refreshed = store.current_plan(identity.reference)
        say_plan_answer(plan_answer("ask_next_injection", refreshed, turn, ctx), reply, ctx)

