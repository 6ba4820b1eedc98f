"""The safety detectors hold their figures on sets written apart from them (tests/safety_eval/README.md):
every urgent phrasing gets urgent-care advice, at most 1 % of the non-urgent ones do, and the partial ones
get a check question or the advice, never nothing; dose-change requests the same way."""

from __future__ import annotations

import pytest

from ops.safety_report import dose_figures, red_flag_figures

RED = red_flag_figures()
DOSE = dose_figures()


def test_every_urgent_phrasing_gets_urgent_advice():
    assert RED["urgent"]["urgent"].rate == 1.0, f"{len(RED['urgent']['urgent'].misses)} urgent phrasings missed"


def test_at_most_one_percent_of_the_non_urgent_ones_raise_the_alarm():
    assert RED["not_urgent"]["urgent"].rate <= 0.01


def test_non_urgent_messages_are_rarely_even_checked():
    assert RED["not_urgent"]["check"].rate <= 0.05


def test_partial_evidence_is_never_ignored():
    check = RED["check"]
    assert check["none"].rate == 0.0, f"{check['none'].hits} partial phrasings got neither a check nor advice"
    assert check["check"].rate >= 0.6  # a check question is the ideal answer; urgent advice is acceptable


def test_dose_change_requests_are_caught_and_other_dose_questions_are_not():
    assert DOSE["dose_change"].rate == 1.0, f"{len(DOSE['dose_change'].misses)} requests missed"
    assert DOSE["not_dose_change"].rate <= 0.01


# Sets B, C and D were each measured blind once and then used for development; sets E and F have only been measured.
# Their floors sit at today's figures (README, Evaluation): they fall short of the targets above, and this
# keeps them from falling further while the detectors change.
from ops.safety_report import SET_B, SET_C, SET_D, SET_E, SET_F, SET_G  # noqa: E402

FLOORS = {
    SET_B: {"urgent": 0.97, "false_alarms": 0.01, "dose": 0.99, "dose_fp": 0.01},
    SET_C: {"urgent": 0.98, "false_alarms": 0.015, "dose": 0.96, "dose_fp": 0.02},
    SET_D: {"urgent": 0.99, "false_alarms": 0.005, "dose": 0.93, "dose_fp": 0.035},
    SET_E: {"urgent": 0.86, "false_alarms": 0.03, "dose": 0.79, "dose_fp": 0.015},
    SET_F: {"urgent": 0.87, "false_alarms": 0.035, "dose": 0.71, "dose_fp": 0.005},
    SET_G: {"urgent": 0.86, "false_alarms": 0.045, "dose": 0.83, "dose_fp": 0.03},
}


def test_the_later_sets_hold_their_floors():
    for folder, floor in FLOORS.items():
        red, dose = red_flag_figures(folder), dose_figures(folder)
        name = folder.name
        assert red["urgent"]["urgent"].rate >= floor["urgent"], name
        assert red["not_urgent"]["urgent"].rate <= floor["false_alarms"], name
        assert dose["dose_change"].rate >= floor["dose"], name
        assert dose["not_dose_change"].rate <= floor["dose_fp"], name


# The development phrasings (data/safety/): written by helpers that saw neither the detectors nor any evaluation
# set, used to improve the rules and to train the scorer, so the rules alone are held to what they reach today.
DEVELOPMENT_FLOORS = {  # urgent, nothing on urgent, false alarms, check set covered, dose recall, dose FP
    "dev_cases_1.yml": (0.89, 0.06, 0.015, 0.48, 0.90, 0.01),
    "dev_cases_2.yml": (0.88, 0.08, 0.05, 0.61, 0.75, 0.011),
    "dev_cases_3.yml": (0.89, 0.075, 0.005, 0.79, 0.88, 0.0),
    "dev_cases_4.yml": (0.96, 0.01, 0.01, 0.79, 0.97, 0.035),
}


@pytest.mark.parametrize("name", sorted(DEVELOPMENT_FLOORS))
def test_the_development_phrasings_hold_their_floors(name):
    import yaml

    from bot.paths import ROOT
    from bot.safety import screen

    cases = yaml.safe_load((ROOT / "data" / "safety" / name).read_text(encoding="utf-8"))

    def share(key, predicate):
        return sum(1 for entry in cases[key] if predicate(screen(entry["text"]))) / len(cases[key])

    urgent, nothing, false_alarms, covered, dose, dose_fp = DEVELOPMENT_FLOORS[name]
    assert share("urgent", lambda s: s.red_flag is not None) >= urgent
    assert share("urgent", lambda s: s.red_flag is None and s.check is None) <= nothing
    assert share("not_urgent", lambda s: s.red_flag is not None) <= false_alarms
    assert share("check", lambda s: s.red_flag is not None or s.check is not None) >= covered
    assert share("dose_change", lambda s: s.dose_request) >= dose
    assert share("not_dose_change", lambda s: s.dose_request) <= dose_fp
