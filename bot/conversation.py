"""One chat turn as plain data, and the pure rules that read it: no Rasa, no SQL.

`Turn` is what a patient's message becomes after the NLU (text, intent, entities, the parts of a message
with several questions), plus who is asking (token or conversation key) and what the conversation was
about (`Context`). `Reply` is what the bot answers: messages (computed text or a domain.yml response),
the new context and the audit lines to write. services/conversation.py turns one into the other.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from bot.dates import safe_date
from bot.followups import WEEKDAYS, read_date_question
from bot.vocabulary import QUESTION_INTENTS

# --- the turn -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One question of a message that holds several ("when is my next shot and when are my bloods?")."""

    text: str
    intent: str
    confidence: float


@dataclass(frozen=True)
class Turn:
    text: str
    intent: str | None = None
    confidence: float = 0.0
    ranking: tuple[tuple[str, float], ...] = ()
    entities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    segments: tuple[Segment, ...] = ()
    token: str | None = None
    conversation_key: str | None = None
    client: str | None = None  # a hash of the client's address, set by our channel (rate limits)
    context: dict[str, Any] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    from_button: bool = False  # a "/intent" payload: the patient clicked, nothing to read in the text
    screen: Any = None  # the NLU's safety screen (bot.safety.Screen), when the message went through the NLU
    suspected_emergency: float = 0.0  # the NLU safety scorer's red-flag score (urgent + check), 0 without the NLU


# --- the reply ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """A quick reply (`payload`, e.g. "/affirm") or a link (`url`, opened by the widget)."""

    title: str
    payload: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Message:
    """Either computed `text` (bot/wording) or a static `response` of domain.yml, with optional buttons."""

    text: str | None = None
    response: str | None = None
    buttons: tuple[Button, ...] = ()
    link: str | None = None  # a URL the widget shows as a button (calendar link)


@dataclass(frozen=True)
class Audit:
    intent: str
    action: str
    reference: str | None = None
    plan_version_id: int | None = None


@dataclass
class Reply:
    messages: list[Message] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    audits: list[Audit] = field(default_factory=list)
    outcome: str = "ok"  # for the turn log: ok | red_flag | check | verification | store_unavailable ...

    def say(self, text: str | None = None, *, response: str | None = None, buttons=(), link=None) -> Reply:
        if text or response:
            self.messages.append(Message(text=text, response=response, buttons=tuple(buttons), link=link))
        return self

    @property
    def texts(self) -> list[str]:
        return [m.text or m.response or "" for m in self.messages]


# --- the conversation's memory ------------------------------------------------------------------------

_MISSING = object()


@dataclass
class Context:
    """What the conversation is about, kept between turns (in one Rasa slot, written only by our action).

    `turn` counts user messages; offers, checks and questions the bot asked remember the turn they were made
    in, so only an answer to the question *just* asked acts on it ("yes" two turns later files nothing).
    """

    turn: int = 0
    topic: str | None = None  # the intent last answered
    plan_topic: str | None = None  # the date question last answered ("the one after that" after a glossary part)
    topic_entities: dict[str, list[str]] = field(default_factory=dict)
    term: str | None = None  # the glossary word last explained ("when does mine start?" after "maintenance")
    urgent_turn: int = -1  # when urgent-care advice was last given
    date_index: int = 0  # which upcoming injection the last answer named (0 = the next one)
    listed_to: int = -1  # the last upcoming injection a list just named ("and the next few after that?" goes on)
    history_index: int = 0  # which given injection the last answer named (0 = the last one, 1 = the one before)
    offer: str | None = None  # follow-up kind offered to the care team
    offer_turn: int = -1
    check: str | None = None  # red-flag category of a check question asked
    check_turn: int = -1
    check_resume: str | None = None  # the question to answer once the check is answered "no"
    pending_text: str | None = None  # the words of the question a check or the identity check put on hold
    clarify: list[str] = field(default_factory=list)  # intents offered as "did you mean"
    clarify_turn: int = -1
    verify: str | None = None  # "reference" | "dob" while checking who the patient is
    verify_reference: str | None = None
    verify_pending: str | None = None  # the plan question that started the check
    verify_turn: int = -1
    refused_turn: int = -1  # when "I can only show your own plan" was said (her follow-ups are refused too)
    offered_reference: str | None = None  # a reference typed before any check asked for it ("MRN-1005, is B12 ...")
    offered_turn: int = -1
    report_date: str | None = None  # ISO date of an injection the patient reported, awaiting "yes"
    report_turn: int = -1
    given: list[str] = field(default_factory=list)  # keys of paragraphs already given (no repeats)
    last_answer: str | None = None  # key of the last general answer: the same one twice running is not repeated
    locked_said: bool = False

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> Context:
        """The context a slot holds; a value of the wrong type (the slot is ours, but be safe) is dropped."""
        ctx = cls()
        if not isinstance(data, dict):
            return ctx
        for name, value in data.items():
            default = getattr(ctx, name, _MISSING)
            if default is _MISSING:
                continue
            if isinstance(default, bool) or isinstance(value, bool):
                ok = isinstance(value, bool) and isinstance(default, bool)
            elif isinstance(default, int):
                ok = isinstance(value, int)
            elif isinstance(default, list):
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            elif isinstance(default, dict):
                ok = isinstance(value, dict) and all(isinstance(v, list) for v in value.values())
            else:  # optional text
                ok = value is None or isinstance(value, str)
            if ok:
                setattr(ctx, name, value)
        ctx.given = ctx.given[-40:]
        return ctx

    def dump(self) -> dict[str, Any]:
        return asdict(self)

    def just_asked(self, turn: int) -> bool:
        """Was this asked in reply to the previous message (so the current one answers it)?"""
        return turn == self.turn - 1

    def copy(self) -> Context:
        return replace(self, given=list(self.given), clarify=list(self.clarify),
                       topic_entities=dict(self.topic_entities))


# --- dates the patient names --------------------------------------------------------------------------

_REPORTED_DAY = re.compile(
    r"\b(today|this morning|this afternoon|tonight|earlier today|yesterday|last night|day before yesterday|"
    r"(?:on |last )?(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{1,2}(?:st|nd|rd|th)?|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?|tomorrow|next week)\b", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def reported_date(text: str, today: date) -> date | None:
    """The day an injection was had, as the patient put it ("today", "yesterday", "on Monday", "3 Dec",
    "2026-12-01", "01/12"). Weekdays mean the most recent such day (today counts). None if no day is named.
    Future words ("tomorrow", "next week") give a future date, which the caller refuses."""
    m = _REPORTED_DAY.search(text or "")
    if not m:
        return None
    word = m.group(1).lower()
    if word in ("today", "this morning", "this afternoon", "tonight", "earlier today"):
        return today
    if word in ("yesterday", "last night"):
        return today - timedelta(days=1)
    if word == "day before yesterday":
        return today - timedelta(days=2)
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word == "next week":
        return today + timedelta(days=7)
    day = re.sub(r"^(?:on |last )", "", word)
    for index, name in enumerate(WEEKDAYS):
        if day[:3] == name[:3] and not day[:1].isdigit():
            back = (today.weekday() - index) % 7
            if word.startswith("last ") and back == 0:
                back = 7
            return today - timedelta(days=back)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        try:
            return date.fromisoformat(day)
        except ValueError:
            return None
    if "/" in day:
        parts = [int(p) for p in day.split("/")]
        year = parts[2] if len(parts) == 3 else today.year
        year = year + 2000 if year < 100 else year
        return safe_date(year, parts[1], parts[0])
    numbers = re.findall(r"\d+", day)
    month = next((i + 1 for i, name in enumerate(_MONTHS) if name in day), None)
    if numbers and month:
        found = safe_date(today.year, month, int(numbers[0]))
        if found and found > today + timedelta(days=1):
            found = safe_date(today.year - 1, month, int(numbers[0]))  # "3 Dec" said in January
        return found
    return None


_PAYLOAD = re.compile(r"^\s*/[A-Za-z0-9_]+(?:@[0-9.]+)?(?:\{.*?\})?", re.DOTALL)


def split_payload(text: str) -> tuple[bool, str]:
    """("/intent{...}" payload?, the words typed beside it). A button sends only the payload; anything after
    it was typed, and is read like any message (so "/ask_side_effects@1.0 my throat is closing" is screened)."""
    m = _PAYLOAD.match(text or "")
    if not m:
        return False, text or ""
    return True, text[m.end():].strip()


def is_question_intent(intent: str | None) -> bool:
    return intent in QUESTION_INTENTS


# A plan question put about people in general is the general question ("how long do people usually stay on
# the weekly ones?"): it is answered from the knowledge module, for anyone, without the identity check.
_GENERAL_WORDING = re.compile(r"\b(?:people|patients|most (?:folk|people|patients)|everyone|anyone|someone|"
                              r"usually|typically|normally|generally|in general|on average|the average|a person)\b",
                              re.IGNORECASE)
_PERSONAL = re.compile(r"\b(?:i|i'm|im|i've|ive|me|my|mine|we|our)\b", re.IGNORECASE)
GENERAL_TWIN = {"ask_weekly_duration": "ask_weekly_meaning", "ask_next_lab_check": "ask_monitoring_labs",
                "ask_my_product": "ask_product_difference", "ask_maintenance_plan": "ask_weekly_meaning",
                "request_dose_change": "ask_more_is_better"}


def general_twin(intent: str | None, text: str) -> str | None:
    """The general intent a plan question asked in general terms is, or None."""
    if intent in GENERAL_TWIN and _GENERAL_WORDING.search(text or "") and not _PERSONAL.search(text or ""):
        return GENERAL_TWIN[intent]
    return None


# "I had my injection today", "got my jab yesterday", "I'll have it tomorrow": a report of an injection.
_REPORT = re.compile(r"\b(?:had|have|got|get|getting|did|done|received|given|gave|took|take|having)\b.{0,30}"
                     r"\b(?:it|injection|jab|shot|dose|b12|one)\b|\b(?:injection|jab|shot)\b.{0,20}"
                     r"\b(?:done|given|had)\b", re.IGNORECASE)


# "when is the last one", "when does it stop": the final PLANNED date (not "when was my last injection").
_FINAL = re.compile(
    r"\b(?:(?:last|final)\b(?:(?!\b(?:was|did|had|got)\b).){0,30}\b(?:is|be|will|planned|due|going)\b"
    r"|(?:is|be|when'?s|whens)\b.{0,25}\b(?:last|final)\b"
    r"|when (?:does|do|will) (?:it|they|this|the \w+) (?:stop|end|finish)|(?:stop|end|finish)(?:es)? when"
    r"|^\W*(?:and |so |ok )?(?:the|my) (?:very )?(?:last|final) (?:one |injection |jab |shot |dose )?of (?:the|my|them|"
    r"those)\b(?!.*\b(?:was|were|had|given)\b))",
    re.IGNORECASE)
_UPCOMING = re.compile(r"\b(?:from now|next|upcoming|coming|ahead|future|still to come|left)\b", re.IGNORECASE)


def asks_final_date(text: str) -> bool:
    return bool(_FINAL.search(text or ""))


def asks_upcoming_dates(text: str) -> bool:
    """A list of dates, or the n-th one from now ("list my upcoming dates", "my 2nd injection from now")."""
    question = read_date_question(text or "")
    return question.count > 1 or (question.which > 0 and bool(_UPCOMING.search(text or "")))


# "she's not had one for a couple of weeks", "I have the injection every week": no injection is being reported
_NOT_A_REPORT = re.compile(r"\b(?:not|n't|never|no)\b(?: \S+){0,2} (?:had|have|got|been given|received)\b|\bevery "
                           r"(?:week|day|other day|month|fortnight)\b", re.IGNORECASE)


def looks_like_report(text: str, today: date) -> bool:
    return (bool(_REPORT.search(text or "")) and reported_date(text, today) is not None
            and not _NOT_A_REPORT.search(text or ""))


# "ok" and "fine" acknowledge what was said; they do not accept an offer. A clear yes says yes.
_ACKNOWLEDGE = re.compile(r"^\W*(?:ok(?:ay)?|k|kk|alright|all right|fine|right|cool|noted|got it|i see|thanks?|"
                          r"thank you|cheers|ta|sound|understood|hmm+|mm+)\W*$", re.IGNORECASE)
_CLEAR_YES = re.compile(r"\b(?:yes|yeah|yep|yup|yea|ya|aye|please|pls|sure|certainly|definitely|absolutely|"
                        r"go ahead|go on|do (?:that|it|so)|let them know|tell them|pass it on|that would|that'd|"
                        r"i would|i'd like|i want|of course|ok(?:ay)? (?:please|do|yes|go)|why not|correct|right)\b",
                        re.IGNORECASE)


_YES_WITH_WORDS = re.compile(r"^\W*(?:yes|yeah|yep|yup|please do|go ahead)\b|\byes,? please\b|\bpass (?:it|that|this|"
                             r"my question)(?: question)? (?:on|to)\b", re.IGNORECASE)


def says_yes(text: str) -> bool:
    """ "yes please, get the care team to call me": a yes with more words, whatever the classifier made of it."""
    return bool(_YES_WITH_WORDS.search(text or "")) and not re.search(r"\b(?:no|not|don't|dont)\b", text or "",
                                                                      re.IGNORECASE)


def clear_yes(turn: Turn) -> bool:
    """A yes that accepts an offer or confirms a question: a button, or words that say yes ("yes please",
    "go ahead"), never a bare acknowledgement ("ok", "fine", "thanks")."""
    if turn.intent != "affirm":
        return False
    if turn.from_button:
        return True
    text = turn.text or ""
    return not _ACKNOWLEDGE.match(text) and bool(_CLEAR_YES.search(text))
