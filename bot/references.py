"""Reading a clinic reference ("MRN-1042") out of what a patient typed: the one reader for the whole bot.

- `normalise_reference`: the reference a message gives for the identity check ("mrn 1042", "1042", "my ref
  is MRN-1042"), or None;
- `named_references`: every reference a message names, for "that is not your plan" ("her number is 1002",
  "what about MRN-2002?"), read more widely than the check but never from a dose, a year or "injection 12";
- `latin_references`: the message with references typed in look-alike characters written plainly ("ＭＲＮ-１００２",
  "МRN‑1002" with a Cyrillic М and a non-breaking hyphen → "MRN-1002"), so that the NLU's entity pattern and
  both readers above see the same reference. The channels apply it to every message before the NLU.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata

# One reference format for the whole clinic, checked at import (bot/plans/rules.py) so that every
# reference the importer accepts is one the chat can read back: letters, a dash, digits ("MRN-1042").
REFERENCE_FORMAT = re.compile(r"[A-Z]{2,6}-\d{2,12}")
REFERENCE_PREFIXES_ENV = "B12_REFERENCE_PREFIXES"
DEFAULT_PREFIX = "MRN"
# The staff flow runner's test patients (staff/flows) are always recognised.
_TEST_PREFIX = "FLOW"


def reference_prefixes() -> tuple[str, ...]:
    """Prefixes recognised anywhere in a sentence ("MRN-1005 here, when is my next injection?"): the
    clinic's (B12_REFERENCE_PREFIXES, comma-separated; default MRN) and the flow runner's FLOW."""
    configured = [p.strip().upper() for p in os.environ.get(REFERENCE_PREFIXES_ENV, "").split(",") if p.strip()]
    return tuple(dict.fromkeys([*(configured or [DEFAULT_PREFIX]), _TEST_PREFIX]))


def is_reference(text: str) -> bool:
    return bool(REFERENCE_FORMAT.fullmatch(text or ""))


_ANYWHERE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,6})\s*(?:[-_#:.]|\s|no\.?|number|num)*\s*(\d{2,12})\b")
_INTRODUCED = re.compile(
    r"\b(?:ref|reference|number|id|code)\b(?:\s+(?:is|was|=))?\s*[:#]?\s*"
    r"(?:(?!(?:is|was)\b)([a-z]{2,6})\s*[-_ ]?\s*)?(\d{2,12})\b",
    re.IGNORECASE,
)
_WHOLE_PREFIXED = re.compile(r"^\s*([a-z]{2,6})\s*[-_ #]?\s*(\d{2,12})\s*\.?\s*$", re.IGNORECASE)
_WHOLE_DIGITS = re.compile(r"^\s*#?\s*(\d{3,12})\s*\.?\s*$")


def normalise_reference(text: str) -> str | None:
    """The clinic reference in its stored form ("MRN-1042"), or None.

    "mrn 1042", "MRN1042", "my ref is mrn-1042", "MRN#1042", "MRN-1005 here, when is my next injection?"
    -> "MRN-1042" / "MRN-1005": a known prefix (reference_prefixes()) counts anywhere in the message. Other
    prefixes and bare numbers count only as the whole message ("ABC 77", "1042" -> "MRN-1042") or when
    introduced as the reference ("my reference is ABC-1234", "my ref is 1042"), so that a year of birth,
    "covid-19" or a dose in a sentence is never read as a reference.
    """
    if not text or not isinstance(text, str):
        return None
    known = reference_prefixes()
    for m in _ANYWHERE.finditer(text):
        if m.group(1).upper() in known:
            return f"{m.group(1).upper()}-{m.group(2)}"
    if m := (_WHOLE_PREFIXED.match(text) or _INTRODUCED.search(text)):
        return f"{(m.group(1) or known[0]).upper()}-{m.group(2)}"
    if m := _WHOLE_DIGITS.match(text):
        return f"{known[0]}-{m.group(1)}"
    return None


# "her number is 1002", "my mum's ref: 1002", "patient no. 1002", "reference abc-1234": a number introduced as a
# person's reference. Not "injection number 12", "the number of shots", "1000 mcg", "born 1961".
_NAMED = re.compile(
    r"\b(?:(?:her|his|their|my|your|[a-z]+'s)\s+(?:patient\s+|hospital\s+|clinic\s+|reference\s+)?"
    r"(?:number|no|num|id|ref|reference|mrn)|(?:patient|hospital|clinic)\s+(?:number|no|num|id|ref|reference)"
    r"|patient|ref|reference)\b\.?(?:\s+(?:is|was|=))?\s*[:#]?\s*"
    r"(?:(?!(?:is|was|of|for|the|and)\b)([a-z]{2,6})\s*[-_ ]?\s*)?(\d{3,12})\b",
    re.IGNORECASE,
)


@functools.cache
def _spelled(prefix: str) -> re.Pattern[str]:
    """A known prefix however it is spaced, dotted or bracketed ("M R N 1002", "M.R.N. 1002", "(MRN)1002",
    "MRN~1002", "1MRN-1002x"): read widely, because it only ever refuses."""
    letters = r"[\W_]*".join(map(re.escape, prefix))
    return re.compile(rf"(?<![A-Za-z]){letters}[\W_]*(\d{{2,12}})(?!\d)", re.IGNORECASE)


_NOT_A_PREFIX = frozenset("on with at since range in of for to from is was and the my a an about around by or per"
                          .split())
_NOT_A_PERSON = re.compile(r"\b(?:doctor|doctors|gp|gps|nurse|nurses|surgery|surgerys|clinic|clinics|pharmacy|"
                           r"pharmacist|dentist|consultant|hospital)'s\s*$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(r"^\s*(?:mcg|mg|ml|micrograms?|milligrams?|units?|iu|ug)\b", re.IGNORECASE)


def _introduced(text: str, known: tuple[str, ...]) -> list[str]:
    """Numbers introduced as a person's reference, without the ones that are not: "a patient on 1000 mcg", "the
    reference range 200 to 900", "my GP's ref is 4471", a phone number."""
    found = []
    for m in _NAMED.finditer(text):
        prefix, digits = m.group(1), m.group(2)
        if prefix and prefix.lower() in _NOT_A_PREFIX or _AMOUNT_AFTER.match(text[m.end():]):
            continue
        if _NOT_A_PERSON.search(text[:m.start()] + m.group(0).split()[0]) or (digits[0] == "0" and len(digits) >= 10):
            continue
        found.append(f"{(prefix or known[0]).upper()}-{digits}")
    return found


def named_references(text: str) -> tuple[str, ...]:
    """Every reference the message names, in order and once each: a known prefix anywhere (however spaced), a
    number introduced as someone's reference, or the whole message."""
    if not text or not isinstance(text, str):
        return ()
    known = reference_prefixes()
    found = [f"{prefix}-{m.group(1)}" for prefix in known for m in _spelled(prefix).finditer(text)]
    found += _introduced(text, known)
    whole = normalise_reference(text) if _WHOLE_PREFIXED.match(text) or _WHOLE_DIGITS.match(text) else None
    return tuple(dict.fromkeys([*found, *([whole] if whole else [])]))


# Letters of other scripts that look like Latin ones (Cyrillic, Greek): "МRN" with a Cyrillic М is "MRN".
_LOOKALIKES = str.maketrans(
    "АВЕЗІЈКМНОРСТУХаеіјорсухѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ",
    "ABE3IJKMHOPCTYXaeijopcyxsdqwABEZHIKMNOPTYXaikvoptuxABCDEFGHIJKLMNOPRSTUVWYZ",
)
# characters that show nothing, and combining marks on a Latin letter or digit, stripped before they could compose
# into another letter ("M\u0301RN-1002" would become "ḾRN-1002"; "MRN-1\u0301002")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\u180e\ufeff\U000e0000-\U000e007f]")
_OTHER_DIGITS = re.compile(r"(?![0-9])\d")  # decimal digits of other scripts (Arabic-Indic, Devanagari, ...)
_STRAY_MARKS = re.compile(r"(?<=[A-Za-z0-9])[\u0300-\u036f]+")
# "ＭＲＮ-１００２", "MRN‑1002" (a non-breaking hyphen), "MRN_1002": separators read as the reference's dash
_SEPARATORS = ("\u00a0\u00ad\u02d7\u058a\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b"
               "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u207b\u208b\u2212\u2796\ufe58\ufe63\uff0d_#:/=")
_DASHES = str.maketrans({c: "-" for c in _SEPARATORS})
_LETTER = (r"A-Za-z\uff21-\uff3a\uff41-\uff5a\u0391-\u03c9\u0400-\u04ff\u0500-\u052f\u1d00-\u1d2b\u0262\u0280\u029c"
           r"\u026a\u029f\u0274\u028f\ua730\ua731\U0001d400-\U0001d6a5")
_DIGIT = r"0-9\uff10-\uff19\U0001d7ce-\U0001d7ff"
_REFERENCE_LIKE = re.compile(rf"(?<![{_LETTER}])[{_LETTER}]{{2,6}}[-{_SEPARATORS} ]?[{_DIGIT}]{{3,}}")


def _plain(m: re.Match) -> str:
    written = unicodedata.normalize("NFKC", m.group(0)).translate(_DASHES)
    latin = written.translate(_LOOKALIKES)
    letters = written.rstrip("0123456789-")
    if not re.search(r"[A-Za-z]", letters) and latin.rstrip("0123456789-").upper() not in reference_prefixes():
        return m.group(0)  # a word wholly in another script ("дом-123") is that script's word, not a reference
    return latin


def latin_references(text: str) -> str:
    """The text without invisible characters, and every reference-like run written in plain Latin letters,
    digits and a dash."""
    text = unicodedata.normalize("NFC", _STRAY_MARKS.sub("", _INVISIBLE.sub("", text)))  # marks off before they compose
    text = _OTHER_DIGITS.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)  # "١٠٠٢" → "1002"
    return _REFERENCE_LIKE.sub(_plain, text)
