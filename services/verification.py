"""Who is asking: a signed token, or a check in chat (reference, then date of birth) with lockouts.

The chat side of bot/identity.py: it decides what to say at each step of the check and remembers the
step in the conversation's Context. The rules (tokens, matching, limits) stay in bot/identity.py.
"""

from __future__ import annotations

import re

from bot.conversation import Context, Reply, Turn
from bot.dates import parse_date_of_birth
from bot.identity import Identity, Verifier
from bot.references import normalise_reference
from bot.wording import chat as words

_STOP = re.compile(r"^\W*(?:stop|cancel|never ?mind|nevermind|nvm|forget it|quit|exit|no thanks?|leave it|"
                   r"not now|skip (?:it|that)|don'?t bother)\b", re.IGNORECASE)
VERIFY_TURNS = 8  # a check left unanswered this many turns is dropped


def identify(verifier: Verifier, turn: Turn) -> Identity:
    token = turn.token if isinstance(turn.token, str) else None
    return verifier.identify(token=token, conversation_key=turn.conversation_key)


def wants_to_stop(turn: Turn) -> bool:
    return turn.intent == "stop" or bool(_STOP.search(turn.text or ""))


def not_identified(verifier: Verifier, turn: Turn, ctx: Context, reply: Reply, pending: str) -> Identity | None:
    """Someone asked about their plan but nobody is identified: explain why, or start the check. May
    finish the check at once when the message carried a reference and a date of birth."""
    if turn.token is not None and (not isinstance(turn.token, str) or turn.token.strip()):
        reply.say(response="utter_token_problem")  # a token was sent but is not valid: never fall back
        return None
    if turn.conversation_key is None:
        reply.say(response="utter_cannot_verify_here")
        return None
    if _locked(verifier, turn, ctx, reply):
        return None
    ctx.verify, ctx.verify_pending, ctx.verify_turn, ctx.verify_reference = "reference", pending, ctx.turn, None
    ctx.pending_text = turn.text or ""
    reference = given_reference(turn) or (ctx.offered_reference if 0 <= ctx.turn - ctx.offered_turn <= VERIFY_TURNS
                                          else None)  # "MRN-1005 here, is B12 safe?" then "when's my next one?"
    reply.say(response="utter_verification_intro")
    if reference is None:
        reply.say(response="utter_ask_verify_reference")
        reply.outcome = "verification"
        return None
    return _take_reference(verifier, turn, ctx, reply, reference)


def given_reference(turn: Turn) -> str | None:
    for value in turn.entities.get("patient_reference", ()):
        reference = normalise_reference(value)
        if reference:
            return reference
    return normalise_reference(turn.text or "")


def continue_check(verifier: Verifier, turn: Turn, ctx: Context, reply: Reply) -> tuple[bool, Identity | None]:
    """A message while the check is on. Returns (handled, identity): handled=False when the message is a
    question to answer first (the check then asks again); identity once the check succeeded."""
    if ctx.turn - ctx.verify_turn > VERIFY_TURNS:
        end_check(ctx)
        return False, None
    if wants_to_stop(turn):
        end_check(ctx)
        reply.say(words.VERIFICATION_STOPPED)
        return True, None
    if ctx.verify == "reference":
        reference = given_reference(turn)
        if reference is None and ctx.verify_reference and parse_date_of_birth(turn.text or "", today=turn.today):
            return True, _attempt(verifier, turn, ctx, reply)  # "sorry, typo: 21/06/1975" after a failed attempt
        if reference is None:
            return False, None
        return True, _take_reference(verifier, turn, ctx, reply, reference)
    # the date-of-birth step; a reference typed again replaces the one given
    reference = given_reference(turn) if not parse_date_of_birth(turn.text or "", today=turn.today) else None
    if reference and reference != ctx.verify_reference:
        return True, _take_reference(verifier, turn, ctx, reply, reference)
    if parse_date_of_birth(turn.text or "", today=turn.today) is None:
        return False, None
    return True, _attempt(verifier, turn, ctx, reply)


def ask_again(ctx: Context, reply: Reply) -> None:
    """After answering something else in the middle of the check: ask for what is still missing."""
    reply.say(words.VERIFICATION_RESUME)
    reply.say(response="utter_ask_verify_reference" if ctx.verify == "reference" else "utter_ask_verify_dob")


def not_understood(ctx: Context, reply: Reply) -> None:
    reply.say(response="utter_reference_not_understood" if ctx.verify == "reference" else "utter_dob_not_understood")


def end_check(ctx: Context) -> None:
    ctx.verify = ctx.verify_reference = ctx.verify_pending = ctx.pending_text = None
    ctx.verify_turn = -1


def _take_reference(verifier: Verifier, turn: Turn, ctx: Context, reply: Reply, reference: str) -> Identity | None:
    ctx.verify_reference, ctx.verify, ctx.verify_turn = reference, "dob", ctx.turn
    rest = _without_reference(turn.text or "", reference)
    if parse_date_of_birth(rest, today=turn.today):
        return _attempt(verifier, turn, ctx, reply, rest)
    reply.say(response="utter_ask_verify_dob")
    reply.outcome = "verification"
    return None


def _without_reference(text: str, reference: str) -> str:
    """The message without the reference it gave, however it was typed ("mrn 1042", "MRN-1042"), so its digits
    are not read as part of a date of birth; the rest ("dob 21/06/1975") stays as typed."""
    prefix, _, digits = reference.rpartition("-")
    typed = rf"(?:{re.escape(prefix)}\s*(?:[-_#:.]|\s|no\.?|number|num)*\s*)?(?<!\d){re.escape(digits)}(?!\d)"
    return re.sub(typed, " ", text, flags=re.IGNORECASE)


def _attempt(verifier: Verifier, turn: Turn, ctx: Context, reply: Reply,
             dob_text: str | None = None) -> Identity | None:
    result = verifier.attempt(turn.conversation_key, ctx.verify_reference or "", dob_text or turn.text or "",
                              client=turn.client)
    reply.outcome = "verification"
    if result.ok:
        reply.say(response="utter_verification_ok")
        end_check(ctx)
        return Identity(result.reference, "verified")
    if result.reason == "bad_date":
        reply.say(response="utter_dob_not_understood")
        return None
    if result.reason in ("locked", "no_client_key"):
        end_check(ctx)
        if result.reason == "no_client_key":
            reply.say(response="utter_cannot_verify_here")
        else:
            _say_locked(ctx, reply, verifier)
        return None
    reply.say(response="utter_verification_failed")
    # the reference is asked again (the reply never says which part was wrong); a date of birth alone retries it
    ctx.verify, ctx.verify_turn = "reference", ctx.turn
    reply.say(response="utter_ask_verify_reference")
    return None


def _locked(verifier: Verifier, turn: Turn, ctx: Context, reply: Reply) -> bool:
    if verifier.is_locked(turn.conversation_key) is None and verifier.client_locked(turn.client) is None:
        return False
    _say_locked(ctx, reply, verifier)
    return True


def _say_locked(ctx: Context, reply: Reply, verifier: Verifier) -> None:
    """The full lockout message once per conversation; after that a short reminder."""
    reply.outcome = "locked"
    if ctx.locked_said:
        reply.say(response="utter_verification_still_locked")
    else:
        ctx.locked_said = True
        reply.say(words.locked(verifier.LOCK_MINUTES))
