"""The learned scores beside the rules, and the one way they may change what the rules found.

A scorer trained on phrasings written apart from the rules (rasa_ext/nlu/safety_scorer.py) gives each message
three probabilities: an urgent symptom, partial evidence worth a check question, and a dose-change request.
The rules stay in charge; the scores only fill the gaps the rules leave, never the other way round:

- a red flag the rules found is never taken back, whatever the scores say;
- urgent advice needs the rules' own partial evidence (a check) AND a high urgent score: the scorer alone
  never sends a patient to urgent care;
- with no evidence from the rules at all, a high red-flag score earns one check question (never advice;
  `earns_check` says when);
- a dose-change request is added when the dose score is very high (unknown never means dose change, so the
  bar is high), and never removed.

Pure functions, no Rasa: unit-tested in tests/unit/test_safety_scores.py. The thresholds were chosen on the
development sets (data/safety/), each measured while the scorer was trained on the others (0.8 without evidence:
over the three sets, 13 of 873 urgent phrasings left with nothing and checks on 4.4 % of non-urgent ones, against
19 and 2.8 % at 0.9).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the Screen type is only needed for annotations
    from bot.safety import Screen

URGENT_WITH_EVIDENCE = 0.5  # a check of the rules and p(urgent) at least this: urgent-care advice
CHECK_WITHOUT_EVIDENCE = 0.8  # no evidence of the rules, p(urgent) + p(check) at least this: one check question
DOSE_REQUEST = 0.95  # p(dose-change request) at least this: handled as a dose-change request


@dataclass(frozen=True)
class Scores:
    urgent: float = 0.0
    check: float = 0.0
    dose: float = 0.0

    @property
    def red_flag(self) -> float:
        """How likely the message is about a red-flag symptom at all (urgent or partial)."""
        return self.urgent + self.check

    def as_dict(self) -> dict[str, float]:
        return {"urgent": round(self.urgent, 4), "check": round(self.check, 4), "dose": round(self.dose, 4)}


def combine(found: Screen, scores: Scores | None) -> Screen:
    """What the rules found, with the gaps the scores fill (see the module docstring)."""
    if scores is None:
        return found
    red_flag, check = found.red_flag, found.check
    if red_flag is None and check is not None and scores.urgent >= URGENT_WITH_EVIDENCE:
        red_flag, check = check, None  # "my chest feels weird" and a scorer that reads it as urgent
    dose_request = found.dose_request or scores.dose >= DOSE_REQUEST
    if (red_flag, check, dose_request) == (found.red_flag, found.check, found.dose_request):
        return found
    return replace(found, red_flag=red_flag, check=check, dose_request=dose_request)


def earns_check(found: Screen, red_flag_score: float, *, fragment_after_answer: bool = False,
                after_urgent: bool = False) -> bool:
    """Does the scorer's red-flag score alone earn one check question? Only with no evidence of the rules, and not
    for a fragment of a few words right after an answer ("and after" is a follow-up), a symptom the rules read
    as known and getting worse (the worsening answer says when to seek urgent care) or just after the urgent-care
    advice itself. A classifier's guess that the message is about worsening does not count: it may be wrong."""
    if found.red_flag is not None or found.check is not None or red_flag_score < CHECK_WITHOUT_EVIDENCE:
        return False
    return not (found.worsening is not None or fragment_after_answer or after_urgent)
