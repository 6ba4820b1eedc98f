"""A seeded keyboard-slip generator: a typo'd copy of an evaluation set, to measure typo tolerance.

About one word in four (``rate``) of three or more letters gets one slip: a neighbouring key on a
QWERTY keyboard instead of a letter, a dropped letter, a doubled letter, or two letters swapped.
Never touched: any token with a digit (doses, counts, dates such as 12/03/1980 or 3rd), patient
references (MRN-1042), month and weekday names (they are dates too), dose units (mcg, mg), and words of
one or two letters.
The slips of a text depend only on the seed and the text, not on which other texts are typo'd with it.

Usage: ``python -m ops.typos "when is my next injection?" [--seed 7] [--rate 0.25]``
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re

ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
SLIPS = ("neighbour", "drop", "double", "swap")
REFERENCE = re.compile(r"^[\W_]*[a-z]{2,6}-\d+[\W_]*$", re.I)
MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december jan feb mar apr "
    "jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue tues wed "
    "thu thur thurs fri sat sun today tomorrow yesterday".split())
UNITS = frozenset("mcg mg ml mls iu micrograms microgram milligrams milligram".split())  # part of a dose
_TOKEN = re.compile(r"\S+")
_LETTERS = re.compile(r"[A-Za-z]{3,}")


def _neighbours() -> dict[str, str]:
    out: dict[str, str] = {}
    for r, row in enumerate(ROWS):
        for c, key in enumerate(row):
            near = [row[c - 1] if c else "", row[c + 1] if c + 1 < len(row) else ""]
            for other in (r - 1, r + 1):
                if 0 <= other < len(ROWS):
                    near += [ROWS[other][k] for k in (c - 1, c, c + 1) if 0 <= k < len(ROWS[other])]
            out[key] = "".join(n for n in near if n)
    return out


NEIGHBOURS = _neighbours()


def protected(token: str) -> bool:
    """Tokens a slip never touches: numbers, dates, references, month and day names, dose units."""
    word = token.strip(".,;:!?()[]\"'").lower()
    return any(ch.isdigit() for ch in token) or bool(REFERENCE.match(token)) or word in MONTHS_AND_DAYS or word in UNITS


def slip(word: str, kind: str, rng: random.Random) -> str:
    """One slip of ``kind`` at a random inner or final position (the first letter is kept, as people do)."""
    i = rng.randrange(1, len(word))
    if kind == "neighbour":
        lower = word[i].lower()
        choices = NEIGHBOURS.get(lower, "")
        if not choices:
            return word[:i] + word[i + 1:]
        new = rng.choice(choices)
        return word[:i] + (new.upper() if word[i].isupper() else new) + word[i + 1:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if i == len(word) - 1:  # swap with the letter before
        i -= 1
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return swapped if swapped != word else word[:i] + word[i + 1:]


def _rng(text: str, seed: int) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(f"{seed}\0{text}".encode()).digest()[:8], "big"))


def add_typos(text: str, seed: int = 0, rate: float = 0.25) -> str:
    """``text`` with keyboard slips on about ``rate`` of its eligible words (deterministic for a seed)."""
    rng = _rng(text, seed)

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if protected(token):
            return token
        letters = _LETTERS.search(token)
        if letters is None or rng.random() >= rate:
            return token
        word = slip(letters.group(0), rng.choice(SLIPS), rng)
        return token[: letters.start()] + word + token[letters.end():]

    return _TOKEN.sub(replace, text)


def typo_copy(texts: list[str], seed: int = 0, rate: float = 0.25) -> list[str]:
    return [add_typos(text, seed, rate) for text in texts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text", nargs="+")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0.25)
    args = parser.parse_args(argv)
    for text in args.text:
        print(add_typos(text, args.seed, args.rate))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
