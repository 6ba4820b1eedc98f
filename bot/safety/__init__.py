"""Safety checks that run before anything else: red flags, dose-change requests, worsening symptoms, and the
no-dose-advice guard.

Deterministic on purpose: a red flag must be caught the same way every time, whatever a classifier learned.
Pure functions, no wording for patients (that lives in domain.yml and bot/wording), no Rasa or SQL, fast (a chat
message in well under 0.3 ms) so they run on every turn.

`screen(text)` is the one entry point: it normalises the text and splits it into clauses once (text.py), then
asks each detector about the same clauses:
- red_flags.py: urgent symptoms (`red_flag`), or partial evidence worth one check question (`check`);
- dose_requests.py: a request to change, approve or self-source a dose (`dose_request`);
- worsening.py: a known symptom getting worse or coming back (`worsening`).
advice_guard.py checks the other direction: that a text the bot sends gives no dose advice.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.safety.advice_guard import contains_dose_advice
from bot.safety.dose_requests import is_dose_request
from bot.safety.red_flag_lexicon import CATEGORIES as RED_FLAG_CATEGORIES
from bot.safety.red_flags import RedFlag, assess
from bot.safety.text import clauses as _clauses
from bot.safety.worsening import worsening_symptom

__all__ = [
    "RED_FLAG_CATEGORIES",
    "RedFlag",
    "Screen",
    "contains_dose_advice",
    "detect_dose_change_request",
    "detect_red_flag",
    "dose_rule_wins",
    "screen",
]


@dataclass(frozen=True)
class Screen:
    """What the safety checks found in one message.

    red_flag: an urgent symptom (category, matched text): answer with urgent-care advice first and alone.
    check: partial evidence (mild, vague, past or asked about): ask the one check question for the category.
        Never set together with red_flag.
    dose_request: the patient asks to change or approve a dose, or to use medicine outside their plan.
    worsening: which known symptom is worse or back ("tingling", "tiredness", "symptoms"...), else None.
    clauses: the normalised clauses the detectors read (for logs and tests).
    """

    red_flag: RedFlag | None = None
    check: RedFlag | None = None
    dose_request: bool = False
    worsening: str | None = None
    clauses: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """A plain dict (for the NLU message and the logs)."""
        return {
            "red_flag": _flag_dict(self.red_flag),
            "check": _flag_dict(self.check),
            "dose_request": self.dose_request,
            "worsening": self.worsening,
            "clauses": list(self.clauses),
        }


    @classmethod
    def from_dict(cls, data: object) -> Screen | None:
        """The Screen `as_dict` gave (as the NLU passes it on to the action), or None if it is not one."""
        if not isinstance(data, dict):
            return None

        def flag(value: object) -> RedFlag | None:
            if isinstance(value, dict) and isinstance(value.get("category"), str):
                return RedFlag(value["category"], str(value.get("matched") or ""))
            return None

        worsening = data.get("worsening")
        return cls(red_flag=flag(data.get("red_flag")), check=flag(data.get("check")),
                   dose_request=data.get("dose_request") is True,
                   worsening=worsening if isinstance(worsening, str) else None,
                   clauses=tuple(c for c in data.get("clauses") or () if isinstance(c, str)))


def _flag_dict(flag: RedFlag | None) -> dict | None:
    return None if flag is None else {"category": flag.category, "matched": flag.matched}


_EMPTY = Screen()

# Topic questions that mention doses in passing ("can I buy b12 injections online?"): when the classifier is sure
# of one of them, its answer (which gives no dose advice either) stands over the dose-change rule.
TOPICS_OVER_DOSE_RULE = ("ask_buy_online", "ask_appointment_change", "ask_pregnancy", "ask_self_injection",
                         "ask_cost", "ask_lab_preparation")
TOPIC_CONFIDENCE = 0.6


def dose_rule_wins(intent: str | None, confidence: float) -> bool:
    """Does a dose-change request found by the rules replace the classifier's intent?"""
    return not (intent in TOPICS_OVER_DOSE_RULE and confidence >= TOPIC_CONFIDENCE)


def screen(text: str) -> Screen:
    """Every safety signal of `text`, from one normalisation and one clause split."""
    clauses = _clauses(text or "")
    if not clauses:
        return _EMPTY
    red_flag, check = assess(clauses)
    return Screen(
        red_flag=red_flag,
        check=check,
        dose_request=is_dose_request(clauses),
        worsening=worsening_symptom(clauses),
        clauses=clauses,
    )


def detect_red_flag(text: str) -> RedFlag | None:
    """The most urgent red-flag symptom in `text` (categories in RED_FLAG_CATEGORIES order), or None."""
    return screen(text).red_flag


def detect_dose_change_request(text: str) -> bool:
    """True when the patient asks to change their dose or schedule (see dose_requests.py)."""
    return screen(text).dose_request
