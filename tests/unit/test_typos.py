"""ops/typos.py: seeded, about one word in four, and never on references, dates, numbers or dose units."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ops.typos import NEIGHBOURS, SLIPS, add_typos, protected, slip, typo_copy

TEXTS = [
    "When is my next injection? My reference is MRN-1042, born 12/03/1980.",
    "I take 1000 mcg of hydroxocobalamin every other day since 3rd March",
    "can my husband have his jab on Monday instead of Tuesday next week",
    "what does replenishment mean and how many weekly injections are left",
]


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def test_the_same_seed_gives_the_same_typos_and_another_seed_others():
    assert typo_copy(TEXTS, seed=7) == typo_copy(TEXTS, seed=7)
    assert typo_copy(TEXTS, seed=7) != typo_copy(TEXTS, seed=8)
    # a text's slips do not depend on the other texts of the set or their order
    assert typo_copy(TEXTS[::-1], seed=7) == typo_copy(TEXTS, seed=7)[::-1]
    assert add_typos(TEXTS[2], seed=7) == typo_copy(TEXTS, seed=7)[2]


def test_references_dates_numbers_units_and_short_words_are_never_touched():
    for seed in range(300):
        for text in TEXTS:
            before, after = text.split(), add_typos(text, seed=seed, rate=1.0)
            after_tokens = after.split()
            assert len(after_tokens) == len(before)  # a slip never adds or removes a word
            for old, new in zip(before, after_tokens, strict=True):
                if protected(old) or len(old.strip(".,?!")) < 3:
                    assert new == old, (seed, text)


@pytest.mark.parametrize("token", ["MRN-1042", "MRN-1042,", "12/03/1980.", "1000", "3rd", "1.5mg", "March",
                                   "Monday", "mcg", "(2024-01-05)", "today"])
def test_protected_tokens(token):
    assert protected(token)


@pytest.mark.parametrize("token", ["injection", "jab?", "hydroxocobalamin", "weekly,"])
def test_ordinary_words_are_not_protected(token):
    assert not protected(token)


def test_about_one_word_in_four_gets_a_slip():
    words = [w for text in TEXTS for w in text.split() if not protected(w) and len(w.strip(".,?!")) >= 3]
    changed = total = 0
    for seed in range(200):
        for text in TEXTS:
            for old, new in zip(text.split(), add_typos(text, seed=seed).split(), strict=True):
                if old in words:
                    total += 1
                    changed += old != new
    assert 0.18 < changed / total < 0.30


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=15), st.sampled_from(SLIPS),
       st.integers(0, 10_000))
def test_one_slip_is_one_keyboard_mistake(word, kind, seed):
    new = slip(word, kind, random.Random(seed))
    assert new[0] == word[0]
    assert _levenshtein(word, new) <= 2  # a swap is two edits, the others one (or none: "ll" doubled is "lll")
    if kind == "neighbour" and len(new) == len(word):
        diffs = [(a, b) for a, b in zip(word, new, strict=True) if a != b]
        assert len(diffs) == 1 and diffs[0][1] in NEIGHBOURS[diffs[0][0]]


def test_neighbours_are_adjacent_keys():
    assert set("wa") <= set(NEIGHBOURS["q"]) and set("qwsz") <= set(NEIGHBOURS["a"])
    assert "g" in NEIGHBOURS["h"] and "y" in NEIGHBOURS["h"] and "n" in NEIGHBOURS["h"]
    assert "p" not in NEIGHBOURS["a"]
