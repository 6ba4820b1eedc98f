"""Text normalisation, clause splitting and typo repair for the safety detectors (bot/safety/text.py)."""

from __future__ import annotations

import gc
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.paths import ROOT
from bot.safety import screen
from bot.safety import text as safety_text
from bot.safety.text import clauses, distance, normalise, repair
from bot.safety.vocabulary import DOMAIN_WORDS

DICTIONARIES = [Path("/usr/share/dict/british-english"), Path("/usr/share/dict/american-english")]


def dictionary_words() -> set[str]:
    words: set[str] = set()
    for path in DICTIONARIES:
        if path.exists():
            for line in path.read_text(encoding="utf-8", errors="ignore").split():
                if line.isascii() and line.isalpha() and line == line.lower():
                    words.add(line)
    return words


def words_repair_would_change(words: set[str]) -> list[str]:
    """Dictionary words (not domain words) that the unprotected repair would turn into something else."""
    return sorted(w for w in words if w not in DOMAIN_WORDS and len(w) >= 3 and safety_text._repair_word(w) != w)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("I cnat breathe", ("i can't breathe",)),
        ("cant breath", ("can't breathe",)),
        ("my ch3st is t1ght", ("my chest is tight",)),
        ("p4in", ("pain",)),
        ("сhеst pаin", ("chest pain",)),  # Cyrillic с, е, а
        ("ｃｈｅｓｔ ｐａｉｎ", ("chest pain",)),  # full-width
        ("𝐜𝐡𝐞𝐬𝐭 𝐩𝐚𝐢𝐧", ("chest pain",)),  # mathematical bold
        ("thro\u200bat is clo\u00adsing", ("throat is closing",)),  # zero-width space, soft hyphen
        ("breeeeathe", ("breathe",)),
        ("soooo", ("so",)),
        ("cantbreathe", ("can't breathe",)),
        ("chestpain", ("chest pain",)),
        ("c h e s t p a i n", ("chest pain",)),
        ("b.r.e.a.t.h.e", ("breathe",)),
        ("hart attack", ("heart attack",)),
        ("I\u2019m having a seizure rn", ("i'm having a seizure right now",)),
        ("can I take 2,000mcg", ("can i take 2000 mcg",)),
        ("B-12", ("b12",)),
        ("chset pian", ("chest pain",)),
        ("my tounge", ("my tongue",)),
        ("lipps", ("lips",)),
        ("anafalaxis", ("anaphylaxis",)),
    ],
)
def test_what_patients_type_becomes_canonical(typed, expected):
    assert clauses(typed) == expected


def test_a_clause_boundary_keeps_a_red_flag_after_a_question():
    assert clauses("when is my next shot? i can barely breathe") == ("when is my next shot", "i can barely breathe")
    assert clauses("when is my next shot?i can't breathe") == ("when is my next shot", "i can't breathe")
    assert clauses("not sure but I think my lips are swelling") == ("not sure", "i think my lips are swelling")
    assert clauses("I'm fine and then my chest got tight") == ("i'm fine", "my chest got tight")
    assert clauses("1.5 mg at 10:30") == ("1.5 mg at 10 30",)  # no clause break inside numbers


@pytest.mark.parametrize(
    "word",
    ["rush", "month", "paint", "hikes", "lover", "nearly", "thick", "cheat", "fried", "lives", "infection", "power",
     "saint", "shoes", "other", "might", "heartburn", "breathtaking", "overdose", "upshot", "b12", "10am", "2nd",
     "mcg", "jab", "x2", "lol"],
)
def test_ordinary_words_are_never_repaired_into_domain_words(word):
    assert repair(word) == word


def test_leet_is_decoded_only_into_domain_words():
    assert repair("br3athe") == "breathe"
    assert repair("1ips") == "lips"
    assert repair("h3llo") == "h3llo"  # not a domain word: left alone
    assert repair("b12") == "b12"


def test_distance_counts_a_swap_as_one_edit():
    assert distance("pian", "pain") == 1
    assert distance("troat", "throat") == 1
    assert distance("chest", "chest") == 0
    assert distance("kitten", "sitting") == 3


def test_normalise_keeps_plain_text_cheap_and_unchanged_in_meaning():
    assert normalise("My Chest HURTS") == "my chest hurts"
    assert normalise("µg") == "ug"


@pytest.mark.skipif(not any(p.exists() for p in DICTIONARIES), reason="Debian word lists (wbritish, wamerican) absent")
def test_every_dictionary_word_the_repair_would_change_is_protected():
    """known_words.txt must list every English word the repair would change (regenerate: see the module end)."""
    missing = [w for w in words_repair_would_change(dictionary_words()) if w not in safety_text.KNOWN_WORDS]
    assert not missing, f"{len(missing)} dictionary words would be 'repaired': {missing[:20]}"


def _batch_ms(messages: list[str], rounds: int) -> float:
    """CPU time of this thread per message: other processes on a shared machine do not count against it, nor does
    a garbage collection of what earlier tests left behind (the collector is paused, as timeit does)."""
    gc.collect()
    gc.disable()
    try:
        start = time.thread_time()
        for _ in range(rounds):
            for message in messages:
                screen(message)
        return (time.thread_time() - start) * 1000 / (rounds * len(messages))
    finally:
        gc.enable()


# A fixed workload of the same kind (regular expressions and string work in pure Python), timed just before each
# batch of the screen: a virtual machine whose host is busy runs both slower, so their ratio stays put while a
# slower detector moves it. CALIBRATED: about 1.3 times the highest ratios seen on the development machine (2 cores,
# 2026-12-03: chat 1.0-2.2, a long message 37-46), so a detector a third slower fails on a busy machine too.
_CALIBRATION_TEXT = "my husband has been short of breath since his jab on tuesday, is that normal? " * 25
_CALIBRATION_RX = re.compile(r"\b(?:short|breath\w*|jab|tues\w*)\b(?: \S+){0,3}? (?:since|of|on|is)\b")
CALIBRATED = {"chat": 3.0, "long": 60.0}


def _calibration_ms(rounds: int = 30) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.thread_time()
        for _ in range(rounds):
            _CALIBRATION_RX.findall(_CALIBRATION_TEXT)
            sorted({word.strip("?,") for word in _CALIBRATION_TEXT.split()}, key=len)
        return (time.thread_time() - start) * 1000 / rounds
    finally:
        gc.enable()


def screen_timings() -> tuple[float, float, float, float]:
    """(ms per typical chat message, ms for one 2,000-character message, and each over the calibration workload
    timed just before it), best of several batches."""
    typical = [
        "when is my next shot? i can barely breathe",
        "can I take 2,000 mcg instead",
        "no chest pain or anything, just tired",
        "I was short of breath before I was diagnosed",
        "my husband just collapsed after his shot",
        "hi, how many injections do I have left this month?",
    ]
    long_message = (" ".join(typical) + ". ") * 12
    long_message = long_message[:2000]
    for message in [*typical, long_message]:  # warm the typo cache as a running server would be
        screen(message)
    chat, long = [], []
    for _ in range(20):  # best of several batches: the machine is shared, and the minimum is the detector's own cost
        calibration = _calibration_ms()
        chat.append((_batch_ms(typical, 50), calibration))
        calibration = _calibration_ms()
        long.append((_batch_ms([long_message], 10), calibration))
    return (min(ms for ms, _ in chat), min(ms for ms, _ in long), min(ms / c for ms, c in chat),
            min(ms / c for ms, c in long))


def test_screen_is_fast_on_chat_messages_and_on_a_long_message():
    # Measured in a process of its own, as the NLU server runs it: not in this one, whose memory and caches the
    # whole unit suite has filled.
    code = "from tests.unit.test_safety_text import screen_timings; print(*screen_timings())"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    per_message_ms, long_ms, chat_ratio, long_ratio = map(float, done.stdout.split()[-4:])
    # Budgets from the issue: 0.3 ms a chat message, well under 5 ms for 2,000 characters; on a machine slowed by a
    # busy host, the same budgets measured against the calibration workload.
    assert per_message_ms < 0.3 or chat_ratio < CALIBRATED["chat"], (per_message_ms, chat_ratio)
    assert long_ms < 5 or long_ratio < CALIBRATED["long"], (long_ms, long_ratio)


if __name__ == "__main__":  # python -m tests.unit.test_safety_text > bot/safety/known_words.txt
    print("# English words (Debian wbritish + wamerican, lower case) that typo repair would otherwise change into a")
    print("# domain word or split: never repaired. Regenerate: python -m tests.unit.test_safety_text > this file")
    sys.stdout.write("\n".join(words_repair_would_change(dictionary_words())) + "\n")
