"""How the learned scores may change what the rules found (bot/safety/scores.py), and the scorer's training
data (rasa_ext/nlu/safety_scorer.py): pure code, no Rasa, no encoder."""

from __future__ import annotations

import pytest

from bot.paths import ROOT
from bot.safety import RedFlag, Screen, screen
from bot.safety.scores import CHECK_WITHOUT_EVIDENCE, DOSE_REQUEST, URGENT_WITH_EVIDENCE, Scores, combine, earns_check
from rasa_ext.nlu.safety_scorer import (
    CHECK,
    DOSE,
    NOT_DOSE,
    NOT_URGENT,
    URGENT,
    TrainingFileError,
    read_training_file,
    training_set,
)

RED = RedFlag("breathing", "can't breathe")
CHECKED = RedFlag("chest_pain", "chest feels odd")


def test_a_red_flag_of_the_rules_is_never_taken_back():
    found = Screen(red_flag=RED)
    assert combine(found, Scores(urgent=0.0, check=0.0, dose=0.0)).red_flag == RED


def test_partial_evidence_and_a_high_urgent_score_give_urgent_advice():
    found = Screen(check=CHECKED)
    promoted = combine(found, Scores(urgent=URGENT_WITH_EVIDENCE, check=0.3))
    assert promoted.red_flag == CHECKED and promoted.check is None
    kept = combine(found, Scores(urgent=URGENT_WITH_EVIDENCE - 0.01, check=0.9))
    assert kept.red_flag is None and kept.check == CHECKED


def test_the_scorer_alone_never_gives_urgent_advice_only_a_check_question():
    found = Screen()
    scores = Scores(urgent=1.0, check=0.0)
    assert combine(found, scores).red_flag is None
    assert earns_check(found, scores.red_flag)
    assert not earns_check(found, Scores(urgent=0.5, check=CHECK_WITHOUT_EVIDENCE - 0.5 - 0.01).red_flag)
    assert not earns_check(Screen(check=CHECKED), 1.0)  # the rules' own check question comes instead
    assert not earns_check(Screen(red_flag=RED), 1.0)


@pytest.mark.parametrize("context", [dict(fragment_after_answer=True), dict(after_urgent=True)])
def test_no_words_free_check_on_a_follow_up_fragment_or_right_after_urgent_advice(context):
    assert not earns_check(Screen(), 1.0, **context)


def test_a_worsening_symptom_the_rules_know_gets_its_own_answer_not_a_words_free_check():
    assert not earns_check(Screen(worsening="tingling"), 1.0)


def test_a_dose_request_is_added_only_on_a_very_high_score_and_never_removed():
    assert combine(Screen(), Scores(dose=DOSE_REQUEST)).dose_request
    assert not combine(Screen(), Scores(dose=DOSE_REQUEST - 0.01)).dose_request
    assert combine(Screen(dose_request=True), Scores(dose=0.0)).dose_request


def test_without_scores_the_rules_stand_alone():
    found = screen("my chest feels a bit odd")
    assert combine(found, None) is found


def test_the_training_set_labels_nlu_examples_and_development_parts(tmp_path):
    path = tmp_path / "cases.yml"
    path.write_text("urgent:\n  - {text: can't breathe}\ncheck:\n  - {text: chest feels odd}\n"
                    "not_urgent:\n  - {text: I was breathless last year}\n"
                    "dose_change:\n  - {text: can I have two}\nnot_dose_change:\n  - {text: what dose is it}\n")
    data = training_set([("help I'm choking", "report_emergency"), ("double it please", "request_dose_change"),
                         ("when is my next one", "ask_next_injection")], [path])
    red = dict(zip(data.red_texts, data.red_labels, strict=True))
    dose = dict(zip(data.dose_texts, data.dose_labels, strict=True))
    assert red["help I'm choking"] == URGENT and red["when is my next one"] == NOT_URGENT
    assert red["can't breathe"] == URGENT and red["chest feels odd"] == CHECK
    assert red["can I have two"] == NOT_URGENT and red["I was breathless last year"] == NOT_URGENT
    assert dose["double it please"] == DOSE and dose["can I have two"] == DOSE
    assert dose["what dose is it"] == NOT_DOSE and dose["can't breathe"] == NOT_DOSE


@pytest.mark.parametrize("body, expected", [
    ("- just a list\n", "top level"),
    ("sometimes:\n  - {text: x}\n", "unknown part"),
    ("urgent:\n  - {kind: x}\n", "urgent: every entry needs a text"),
])
def test_a_malformed_training_file_is_named(tmp_path, body, expected):
    path = tmp_path / "bad.yml"
    path.write_text(body)
    with pytest.raises(TrainingFileError, match=expected) as error:
        read_training_file(path)
    assert "bad.yml" in str(error.value)


def test_the_development_files_are_readable_and_large():
    for name in ("dev_cases_1.yml", "dev_cases_2.yml", "dev_cases_3.yml", "dev_cases_4.yml"):
        parts = read_training_file(ROOT / "data" / "safety" / name)
        assert len(parts["urgent"]) >= 200 and len(parts["not_urgent"]) >= 200
        assert len(parts["dose_change"]) >= 120 and len(parts["not_dose_change"]) >= 120
