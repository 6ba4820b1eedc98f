"""From what the patient typed to canonical clauses: the one text pass every safety detector reads.

`clauses(text)` does, in this order:
1. Unicode: NFKD, drop combining marks and invisible format characters (zero-width spaces, soft hyphens),
   map Cyrillic/Greek look-alike letters to Latin ("сhеst" typed with Cyrillic с and е), NFKC (full-width and
   mathematical letters), lower case, straight quotes;
2. numbers and units: "2,000" -> "2000", "1000mcg" -> "1000 mcg", "b-12" -> "b12";
3. split into clauses at sentence punctuation, commas and linking words ("but", "and then", "btw" ...), so
   a negation or a question in one clause cannot reach a symptom in the next;
4. per token: chat shorthand ("rn" -> "right now"), leet inside words ("ch3st", "p4in"), stretched letters
   ("breeeathe"), letters typed with spaces ("c h e s t"), missing spaces ("cantbreathe"), and typos of the
   domain vocabulary ("cnat" -> "cant", "troat" -> "throat") by Damerau-Levenshtein distance;
5. contractions without an apostrophe get one ("cant" -> "can't", "im" -> "i'm"), and real words that are
   typos only inside a key phrase are repaired there ("cant breath" -> "can't breathe", "hart attack").

Repair never turns an ordinary English word into a domain word: every dictionary word that the repair would
change is listed in known_words.txt (generated from the Debian word lists, see tests/unit/test_safety_text.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product
from pathlib import Path

from bot.safety.vocabulary import CONTENT_WORDS, DOMAIN_WORDS, GLUE_WORDS

# --------------------------------------------------------------------------------------------- characters

_LOOK_ALIKES = {
    # Cyrillic (lower and upper case) that render like Latin letters
    "а": "a", "в": "b", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "м": "m", "о": "o",
    "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "у": "y", "х": "x", "ԝ": "w", "ӏ": "l", "ё": "e",
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "μ": "u", "γ": "y", "ς": "s",
    # Latin letters of other scripts (IPA "script g")
    "ɡ": "g", "ɑ": "a",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin letters that NFKD does not take apart, and punctuation variants
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŀ": "l",
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
}
_LOOK_ALIKE_TABLE = str.maketrans(_LOOK_ALIKES)


def _u_or_y(word: str) -> str:
    """Cyrillic "у" looks like "y" but stands for "u" as often ("blуe"): "u" when only that makes a word."""
    as_u, as_y = (word.replace("у", c).replace("У", c).translate(_LOOK_ALIKE_TABLE).lower() for c in "uy")
    known = (as_u in KNOWN_WORDS or as_u in DOMAIN_WORDS) and as_y not in KNOWN_WORDS and as_y not in DOMAIN_WORDS
    return word.replace("у", "u").replace("У", "U") if known else word


def _unicode_to_ascii_letters(text: str) -> str:
    if "у" in text or "У" in text:
        text = re.sub(r"\w*[уУ]\w*", lambda m: _u_or_y(m.group(0)), text)
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
    return unicodedata.normalize("NFKC", kept.translate(_LOOK_ALIKE_TABLE))


def normalise(text: str) -> str:
    """Lower-case text with Latin letters, straight quotes, plain numbers and units (no clause split)."""
    if not text.isascii():
        text = _unicode_to_ascii_letters(text)
    text = text.lower().replace("`", "'")
    if any(ch.isdigit() for ch in text):
        text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 2,000 -> 2000
        text = re.sub(r"\bb[\s-]12\b", "b12", text)
        text = re.sub(r"(?<=\d)(?=(?:mcg|mg|ug|micrograms?|milligrams?|ml)\b)", " ", text)  # 1000mcg
    return text


# --------------------------------------------------------------------------------------------- clauses

_CLAUSE_BREAK = re.compile(
    r"[!?;,]+|:+(?!\d)|\.{2,}|\.(?=\s|$)|[\n()\[\]]|\s-+\s|\s-+$|^-+\s"
    r"|\b(?:but|however|although|though|yet|except|anyway|anyways|btw|whereas|ps|and then|and now|"
    r"and also|oh and|also|plus)\b(?= (?:my|i|i'm|im|i've|ive|the|he|she|he's|she's|it's|its|there's|now|"
    r"suddenly|this|they|we)\b)"
    r"|\b(?:but|however|although|whereas|btw|anyway|anyways|and then|and now)\b"
)
_TOKEN = re.compile(r"[a-z0-9@$]+(?:['.][a-z0-9@$]+)*")


def split_clauses(normalised: str) -> list[str]:
    """The normalised text cut into clause strings (not yet tokenised)."""
    return [part for part in _CLAUSE_BREAK.split(normalised) if part and not part.isspace()]


def clauses(text: str) -> tuple[str, ...]:
    """Canonical clauses: repaired tokens joined by single spaces, empty clauses dropped."""
    if not text:
        return ()
    out = []
    for part in split_clauses(normalise(text)):
        tokens = repair_tokens(_TOKEN.findall(part))
        if tokens:
            out.append(" ".join(tokens))
    return tuple(out)


# --------------------------------------------------------------------------------------------- tokens

# Chat shorthand, written out so the patterns need only one spelling.
_SHORTHAND = {
    "rn": "right now", "atm": "at the moment", "u": "you", "ur": "your", "r": "are", "pls": "please",
    "plz": "please", "cuz": "because", "coz": "because", "cos": "because", "bc": "because", "idk": "i don't know",
    "tmrw": "tomorrow", "tmr": "tomorrow", "b4": "before", "2day": "today", "2nite": "tonight",
    "smth": "something", "sth": "something", "dr": "doctor", "hubby": "husband", "mom's": "mum's",
    "mom": "mum", "mommy": "mum", "mummy": "mum", "kiddo": "kid", "bf": "boyfriend", "gf": "girlfriend",
    "cnt": "can't", "cudnt": "couldn't", "b12s": "b12", "hav": "have", "cn": "can", "wk": "week", "wks": "weeks",
    "wana": "want to", "wanna": "want to", "shud": "should", "shld": "should", "tak": "take", "wud": "would",
    "cud": "could", "gimme": "give me", "dbl": "double", "dubble": "double", "exra": "extra", "xtra": "extra",
    "erlier": "earlier", "erly": "early", "nxt": "next", "thx": "thanks", "ty": "thank you",
    # vowels dropped or swapped in short dose-chat words
    "stp": "stop", "tuk": "took", "tk": "take", "tkn": "taken", "hve": "have", "inj": "injection",
    "injs": "injections", "shts": "shots", "dse": "dose", "dses": "doses", "nrse": "nurse",
}
# Apostrophe-less contractions, only the unambiguous ones ("ill", "were", "well", "its" are words).
_CONTRACTIONS = {
    "cant": "can't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "wasnt": "wasn't",
    "arent": "aren't", "werent": "weren't", "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't",
    "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't", "wont": "won't", "im": "i'm",
    "ive": "i've", "youre": "you're", "thats": "that's", "whats": "what's", "theres": "there's", "hes": "he's",
    "shes": "she's", "theyre": "they're", "aint": "ain't", "mustnt": "mustn't", "cannae": "cannot",
    "itll": "it'll", "can't't": "can't",
}
# Real words that are typos inside a key phrase: (word, neighbour, neighbour is before?) -> repaired word.
_PHRASE_REPAIRS = {
    **{("breath", before, True): "breathe" for before in (
        "can't", "cannot", "couldn't", "to", "barely", "hardly", "not", "cant", "t", "scarcely", "i",
    )},
    **{("hart", after, False): "heart" for after in (
        "attack", "attacks", "pain", "racing", "pounding", "beating", "is", "rate", "keeps", "skipping",
    )},
    **{("chess", after, False): "chest" for after in ("pain", "pains", "hurts", "tight", "tightness", "pressure")},
    **{("feint", before, True): "faint" for before in ("feel", "feeling", "felt", "feels", "very", "so", "really")},
    ("past", "out", False): "passed",
    # "doze" (a nap) is "dose" after a determiner or dose word: "up my doze", "a double doze"
    **{("doze", before, True): "dose" for before in (
        "my", "the", "your", "his", "her", "their", "this", "next", "double", "extra", "higher", "lower", "bigger",
        "smaller", "b12", "weekly", "monthly", "missed", "whole", "half", "same", "usual", "maintenance",
    )},
    **{("dozes", before, True): "doses" for before in ("my", "the", "two", "2", "extra", "more", "missed", "of")},
}
_PHRASE_WORDS = frozenset(word for word, _, _ in _PHRASE_REPAIRS)
_LEET = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s"}
_STRETCHED = re.compile(r"([a-z])\1{2,}")


def repair_tokens(tokens: list[str]) -> list[str]:
    """Shorthand, spaced-out letters, per-token repair, phrase repairs and contractions, in that order."""
    words: list[str] = []
    for token in _join_spaced_letters(tokens):
        token = _SHORTHAND.get(token, token)
        if " " in token:
            words.extend(token.split())
            continue
        if token.endswith("'s") and repair(token[:-2]) in _S_IS_NOUNS:  # "throat's closing" -> "throat is"
            words.extend((repair(token[:-2]), "is"))
            continue
        words.extend(repair(token).split())
    _repair_body_words(words)
    for index, word in enumerate(words):
        if word not in _PHRASE_WORDS:
            continue
        if index + 1 < len(words):
            fixed = _PHRASE_REPAIRS.get((word, words[index + 1], False))
            if fixed:
                words[index] = fixed
        if index:
            fixed = _PHRASE_REPAIRS.get((word, words[index - 1], True))
            if fixed:
                words[index] = fixed
    return [_CONTRACTIONS.get(word, word) for word in words]


# Body and symptom nouns whose "'s" is "is" ("throat's closing", "chest's tight"), not a possessive.
_S_IS_NOUNS = frozenset(
    "throat chest heart ticker tongue face mouth lip lips breathing breath head speech vision eyesight skin rash "
    "pulse body voice".split()
)
# A word before a body-state word ("... is swelling", "... are closing up") is a body part if it is near one:
# a real word with two letters swapped ("lisp" -> "lips") or a long misspelling sharing four first letters
# ("throught" -> "throat"). Only here: elsewhere "lisp" and "through" are words.
_BODY_STATES = frozenset(
    "swelling swollen swelled swell swells closing closed tight tighter tightening blue purple grey numb tingling "
    "tingly puffy puffing itchy thick huge burning".split()
)
_STATE_GAP = frozenset(
    "is are was were feels feel felt has have been getting gone going all really so very keeps up".split()
)
_BODY_NOUNS = ("throat", "tongue", "lips", "lip", "mouth", "chest", "face", "cheeks", "eyes", "eyelids")
_BODY_PREFIX_NOUNS = ("throat", "tongue", "chest")


def _body_word(word: str) -> str | None:
    if word in DOMAIN_WORDS or not word.isalpha() or len(word) < 3:
        return None
    for noun in _BODY_NOUNS:
        if len(noun) == len(word) and sorted(noun) == sorted(word) and distance(noun, word) == 1:
            return noun
    skeleton = _skeleton(word)
    for noun in _BODY_NOUNS:  # the same consonants: "tung", "thorat"
        if noun[0] == word[0] and len(noun) >= 4 and _skeleton(noun) == skeleton:
            return noun
    for noun in _BODY_PREFIX_NOUNS:
        if word[:4] == noun[:4] and len(word) >= 5 and abs(len(word) - len(noun)) <= 2 and distance(word, noun) <= 3:
            return noun
    return None


def _skeleton(word: str) -> str:
    return re.sub(r"(?<=.)[aeiouy]", "", word)


def _repair_body_words(words: list[str]) -> None:
    for index, word in enumerate(words):
        if word not in _BODY_STATES or not index:
            continue
        before = index - 1
        while before > 0 and words[before] in _STATE_GAP:
            before -= 1
        fixed = _body_word(words[before])
        if fixed:
            words[before] = fixed


def _join_spaced_letters(tokens: list[str]) -> list[str]:
    """ "c h e s t p a i n" -> "chestpain" (repaired later), when the letters spell domain words."""
    if len(tokens) < 4 or sum(len(t) == 1 for t in tokens) < 4:
        return tokens
    out: list[str] = []
    index = 0
    while index < len(tokens):
        end = index
        while end < len(tokens) and len(tokens[end]) == 1 and tokens[end].isalpha():
            end += 1
        if end - index >= 4:
            joined = "".join(tokens[index:end])
            if repair(joined) != joined or joined in DOMAIN_WORDS:
                out.append(joined)
                index = end
                continue
        out.append(tokens[index])
        index += 1
    return out


@lru_cache(maxsize=32768)
def repair(token: str) -> str:
    """The domain word(s) a token stands for, else the token unchanged. May return two words ("chest pain")."""
    if len(token) == 2 and (token[0] in "14" and token[1].isalpha() or token[0].isalpha() and token[1] in "013"):
        return _decode_leet(token)  # "1s" -> "is", "n0" -> "no"
    if token in DOMAIN_WORDS or token in KNOWN_WORDS or len(token) < 3:
        return token
    if "." in token and all(len(part) == 1 for part in token.split(".")):  # "b.r.e.a.t.h.e"
        joined = token.replace(".", "")
        fixed = repair(joined)
        return fixed if fixed != joined or joined in DOMAIN_WORDS else token
    if not token.isalpha():
        return _decode_leet(token)
    return _repair_word(token)


# Frequent misspellings more than one edit away from the word.
_MISSPELLINGS = {
    "tounge": "tongue", "tonuge": "tongue", "toungue": "tongue", "thoat": "throat", "throte": "throat",
    "brethe": "breathe", "sieze": "seizure", "seizur": "seizure", "siezure": "seizure",
    "anaphalactic": "anaphylactic", "anafylactic": "anaphylactic", "anaphalaxis": "anaphylaxis",
    "anafalaxis": "anaphylaxis", "anaphylaxsis": "anaphylaxis", "palpatations": "palpitations",
    "palpertations": "palpitations", "unconsious": "unconscious", "concious": "conscious", "colapsed": "collapsed",
    "collasped": "collapsed", "dizy": "dizzy", "fanted": "fainted", "feinted": "fainted", "wheesing": "wheezing",
    "weezing": "wheezing", "weezy": "wheezy", "sweeling": "swelling", "swolled": "swollen", "swolen": "swollen",
    "chesst": "chest", "cheast": "chest", "ches": "chest", "lipz": "lips", "blu": "blue",
    "breth": "breath", "brething": "breathing", "breating": "breathing", "breahting": "breathing",
}
# Stretched short words ("soooo") squeezed back to the word.
_SHORT_WORDS = frozenset("so no too very really please help bad now hard omg god yes ok".split())


def _repair_word(token: str) -> str:
    """Repair of an alphabetic token, ignoring the protected list (used to generate that list too)."""
    if token in _MISSPELLINGS:
        return _MISSPELLINGS[token]
    if _is_inflection(token):
        return token
    squeezed = _STRETCHED.sub(r"\1\1", token)
    if squeezed in DOMAIN_WORDS:
        return squeezed
    if re.search(r"([a-z])\1", squeezed):  # doubled letters: "lipps", "cheest"
        variants = _single_letter_variants(squeezed)
        for variant in variants:
            if variant in DOMAIN_WORDS:
                return variant
        if squeezed != token:
            for variant in variants:
                if variant in _SHORT_WORDS or variant in GLUE_WORDS:
                    return variant
    token = squeezed
    split = _word_break(token)
    if split:
        return split
    return _closest(token) or token


def _is_inflection(token: str) -> bool:
    """ "skips", "faints", "stopped": an inflection of a domain word is a real word, not a typo."""
    if token.endswith("eing") and token[:-4] + "ing" in DOMAIN_WORDS:
        return False  # "breatheing": the e of "breathe" kept by mistake
    for end in ("s", "es", "ed", "d", "ing", "ly", "er", "y", "ness"):
        if token.endswith(end) and token[: -len(end)] in DOMAIN_WORDS and len(token) - len(end) >= 4:
            return True
    return token.endswith("ped") and token[:-3] in DOMAIN_WORDS


def _single_letter_variants(token: str) -> list[str]:
    """ "cheest" -> "chest": each doubled letter kept or made single."""
    runs = [(m.start(), m.group(0)) for m in re.finditer(r"([a-z])\1", token)][:4]
    variants = []
    for choice in product((False, True), repeat=len(runs)):
        chars = list(token)
        for (start, _), single in zip(reversed(runs), reversed(choice), strict=True):
            if single:
                del chars[start]
        variants.append("".join(chars))
    return variants


def _decode_leet(token: str) -> str:
    """ "ch3st" -> "chest", "1ips" -> "lips": digits and @ $ inside a word, kept only if a domain word results.
    Units, doses and dates ("b12", "1000", "2nd", "10am") never decode to one, so they stay as they are."""
    if "'" in token and any(ch in _LEET for ch in token):  # "c@n't", "w0n't"
        plain = "".join(_LEET.get(ch, ch)[0] if ch in _LEET else ch for ch in token)
        return plain if plain.replace("'", "") in _CONTRACTIONS or plain in KNOWN_WORDS else token
    if len(token) == 2 and not token.isalpha() and not token.isdigit():  # "1s" -> "is", "4t" -> "at", "n0" -> "no"
        plain = "".join(_LEET.get(ch, ch)[0] for ch in token)
        return plain if plain in GLUE_WORDS else token
    if sum(ch.isalpha() for ch in token) < 2 or "'" in token or "." in token:
        return token
    options = [_LEET.get(ch, ch) for ch in token]
    if sum(len(option) > 1 for option in options) > 3:
        return token
    for letters in product(*options):
        word = "".join(letters)
        fixed = word if word in DOMAIN_WORDS else _repair_word(word)
        if fixed in DOMAIN_WORDS or fixed in GLUE_WORDS or " " in fixed:
            return fixed
    return token


# Words a missing space is restored between: domain words and a few short linking ones.
_SEGMENTS = DOMAIN_WORDS | GLUE_WORDS
_MAX_SEGMENT = max(map(len, _SEGMENTS))
_MAX_PIECES = 12  # "mychestisreallytightandsoreanditwontstop" is eleven words


def _word_break(token: str) -> str | None:
    """ "cantbreathe" -> "cant breathe", "chestpain" -> "chest pain": at most twelve known pieces, one of them a
    symptom or dose word. Dictionary compounds ("heartburn", "breathtaking") are protected before this."""
    if len(token) < 6:
        return None
    best: list[list[str] | None] = [None] * (len(token) + 1)
    best[0] = []
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - _MAX_SEGMENT), end):
            piece = token[start:end]
            previous = best[start]
            if previous is None or piece not in _SEGMENTS or len(previous) >= _MAX_PIECES:
                continue
            if best[end] is None or len(previous) + 1 < len(best[end]):
                best[end] = [*previous, piece]
    pieces = best[len(token)]
    if not pieces or len(pieces) < 2 or not any(piece in CONTENT_WORDS for piece in pieces):
        return None
    return " ".join(pieces)


# --------------------------------------------------------------------------------------------- typos


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


_DELETE_INDEX: dict[str, set[str]] = {}
for _word in DOMAIN_WORDS:
    if len(_word) >= 4 and _word.isalpha():
        for _variant in _deletes(_word, 2 if len(_word) >= 8 else 1):
            _DELETE_INDEX.setdefault(_variant, set()).add(_word)


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): a swap of two letters counts as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _closest(token: str) -> str | None:
    """The domain word within reach of a typo: one edit for words of 5+ letters (a 4-letter word only by a swap,
    "pian" -> "pain": one substituted letter turns too many short words into symptoms, "rush" -> "rash"), two
    edits for words of 8+ letters with the same first letter ("anafalaxis" -> "anaphylaxis")."""
    if len(token) < 4:
        return None
    reach = 2 if len(token) >= 8 else 1
    candidates: set[str] = set()
    for key in _deletes(token, reach):
        candidates |= _DELETE_INDEX.get(key, set())
    scored = []
    for word in candidates:
        edits = distance(token, word)
        if edits == 0 or edits > reach:
            continue
        if edits == 2 and (len(word) < 8 or word[0] != token[0]):
            continue
        if (len(token) == 4 or len(word) == 4) and not (len(word) == len(token) and sorted(word) == sorted(token)):
            continue
        scored.append((edits, word[0] != token[0], word))
    return min(scored)[2] if scored else None


def _load_known_words() -> frozenset[str]:
    path = Path(__file__).with_name("known_words.txt")
    words = path.read_text(encoding="utf-8").split() if path.exists() else []
    return frozenset(word for word in words if not word.startswith("#"))


# English words the repair above would change (generated, see the module docstring): never "repaired".
KNOWN_WORDS = _load_known_words()
