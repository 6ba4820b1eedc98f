"""One reader of clinic references (bot/references.py): for the identity check, for "that is not your plan", and
for references typed in look-alike characters."""

from __future__ import annotations

import pytest

from bot.references import latin_references, named_references, normalise_reference


@pytest.mark.parametrize("text, named", [
    ("her number is 1002", ("MRN-1002",)),
    ("what's the plan for MRN-2002?", ("MRN-2002",)),
    ("my mum's ref: 1002, when is her next one", ("MRN-1002",)),
    ("patient no. 1002", ("MRN-1002",)),
    ("his patient number is 4455", ("MRN-4455",)),
    ("her no. 1002 - when is it", ("MRN-1002",)),
    ("reference abc-1234", ("ABC-1234",)),
    ("1002", ("MRN-1002",)),
    ("MRN-1001 and MRN-1002, both please", ("MRN-1001", "MRN-1002")),
    ("her mrn 1002 next jab?", ("MRN-1002",)),
])
def test_a_reference_named_anywhere_is_read(text, named):
    assert named_references(text) == named


@pytest.mark.parametrize("text", [
    "is injection number 12 the last one?",
    "is 1000 mcg ok for me",
    "the number of shots left?",
    "I was born in 1961",
    "can I have a number to call",
    "covid-19 jab the same week?",
    "what does number 3 on my letter mean",
    "the dose is 1000 micrograms",
])
def test_a_number_that_is_not_a_reference_is_not_read_as_one(text):
    assert named_references(text) == ()


@pytest.mark.parametrize("typed, plain", [
    ("ＭＲＮ-１００２", "MRN-1002"),                # full-width
    ("MRN\u20111002", "MRN-1002"),                 # a non-breaking hyphen
    ("\u041cRN-1002 next?", "MRN-1002 next?"),      # a Cyrillic М
    ("MR\u041d-1002", "MRH-1002"),                  # a Cyrillic Н reads as the H it looks like, never as N
    ("\u041crn 1002", "Mrn 1002"),                  # a Cyrillic М before a space
    ("\u039cRN_1002", "MRN-1002"),                  # a Greek Μ and an underscore
])
def test_look_alike_characters_in_a_reference_are_written_plainly(typed, plain):
    assert latin_references(typed) == plain


@pytest.mark.parametrize("text", ["дом-123", "привет 2024", "αβγ-1234", "take 1000 mcg", "born 12/03/1961"])
def test_words_of_other_scripts_and_plain_text_are_left_alone(text):
    assert latin_references(text) == text


def test_after_look_alikes_are_written_plainly_both_readers_see_the_reference():
    text = latin_references("what about \u041cRN\u20111002?")
    assert named_references(text) == ("MRN-1002",)
    assert normalise_reference(latin_references("\u041crn 1002")) == "MRN-1002"


@pytest.mark.parametrize("text", [
    "when is M R N 1002 next injection?", "for M.R.N. 1002?", "MRN~1002", "(MRN)1002", "MRN(1002)", "MRN|1002",
    "1MRN-1002 next shot?", "MRN-1002x and her bloods", "MRN\u200b-1002?", "MRN-1\u200d002?", "MRN-1\u0301002?",
    "\u1d0d\u0280\u0274-1002", "\U0001d40c\U0001d411\U0001d40d-1002", "MRN-\u0661\u0660\u0660\u0662",
    "M\u0301RN-1002", "MRN\u0303-1002", "MRN\u200e-1002",  # pass 6: accents that would compose, more invisibles
])
def test_red_team_pass_5_spellings_of_another_reference_are_read(text):
    """Red-team pass 5: spaced or dotted prefixes, other separators, letters stuck on, zero-width characters, stray
    combining marks, small capitals, mathematical letters and Arabic-Indic digits hid the reference."""
    assert named_references(latin_references(text)) == ("MRN-1002",), text


@pytest.mark.parametrize("text", [
    "as a patient on 1000 mcg weekly, when is my next injection?", "I'm a patient with 1000 mcg shots",
    "I've been a patient since 2019, when's my next jab?", "reference range 200 to 900 - when is my blood test?",
    "my number is 07700900123 - when is my next shot?", "my doctor's number is 555 1234, when is my next injection?",
    "my GP's ref is 4471 - when is my next shot?",
])
def test_red_team_pass_5_numbers_that_are_not_references_are_not_refused(text):
    assert named_references(latin_references(text)) == (), text


def test_digits_of_other_scripts_are_read_as_digits_for_the_check():
    assert normalise_reference(latin_references("MRN-\u0661\u0660\u0660\u0661")) == "MRN-1001"
