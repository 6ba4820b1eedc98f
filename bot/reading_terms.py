"""Reading a question about a glossary word: which words a message asks about, and whether it asks what a word
means ("what even is MCV", "is that the same as a CBC") rather than something about the patient's own plan
("when is my MMA test"). Pure rules."""

from __future__ import annotations

import re

from bot.knowledge import term_for

# The patient's own plan, not patients in general.
MY_OWN = re.compile(
    r"\b(?:my|mine|i'm having|im having|i am having|am i having|do i (?:get|have|need)|will i (?:get|have|need)|"
    r"i get|i have|i'll have|i'll need|i need|for me|my own|do i start|do i switch|do i move|am i on|i'm on|im on|"
    r"i start|i finish|i stop|i'm due|im due|am i due|i was due|was i due|i've had|ive had|have i had)\b",
    re.IGNORECASE)
# A plan question about the patient's own dates, however short ("and my blood test?", "when was it due").
OWN_DATES = re.compile(
    r"\b(?:my|mine|i|i'm|im)\b.*\b(?:dates?|due|start|stop|finish|end|next|last|blood|bloods|test|tests|shots?|"
    r"jabs?|injections?|ones?|monthly|maintenance|switch)\b|\bwhen (?:was|is|does|do|will) (?:it|they|that|mine)\b"
    r"|\b(?:date|dates|day)\b.*\b(?:i'm|im|i am|i)\b.*\b(?:having|have|get|getting|due)\b",
    re.IGNORECASE)


def terms_named(text: str) -> list[str]:
    """The glossary words a message asks about, in order ("what's homocysteine and what is intrinsic factor")."""
    found: list[str] = []
    for part in re.split(r"\band\b|,|;|\bor\b|\balso\b", text or "", flags=re.IGNORECASE):
        term = term_for(part)
        if term and term not in found:
            found.append(term)
    return found


_ASKS_MEANING = re.compile(r"\b(?:what(?:'s| is| are| does)?|whats|mean|means|meaning|stand for|stands for|measure|"
                           r"measures|explain)\b", re.IGNORECASE)


def asks_meaning_of_term(text: str) -> bool:
    """ "whats an FBC", "what does serum B12 actually measure": a glossary word, and what it means."""
    return bool(term_for(text or "")) and bool(_ASKS_MEANING.search(text or "")) and not MY_OWN.search(text or "")


# "what is MMA", "wat is MMA", "what even is MCV", "what do they mean by maintenance", "is that the same as a CBC",
# "pernicious anaemia. what actually is that?": the word itself is asked about, whatever "my" says elsewhere
_DEFINE_BEFORE = re.compile(
    r"\b(?:what(?:'s| is| are)?|whats|wat(?:'s| is)?|wot(?:'s| is)?|what do(?:es)? (?:they|you|the \w+|it|that) mean "
    r"by|explain|never heard of|(?:the )?same (?:thing )?as|different (?:from|to)|difference between)\s+"
    r"(?:even |actually |exactly |really )?(?:is |are )?(?:an? |the |this |that )?", re.IGNORECASE)
_WHAT_THAT = (r"(?:what(?: \w+)? (?:is|are) (?:that|it|this|they|those)|what(?:'s| is) that|what does "
              r"(?:that|it|this) (?:even |actually |really )?mean)")
_DEFINE_AFTER = re.compile(rf"\b{_WHAT_THAT}\b|\b(?:mean|means|stand for|stands for|short for)\b|\b(?:the same "
                           r"(?:thing|test|as)|same thing|(?:a )?different (?:test|thing|from|to)|is (?:that|it) "
                           r"different)\b", re.IGNORECASE)
_WHAT_THAT_LAST = re.compile(rf"\b{_WHAT_THAT}\W*$", re.IGNORECASE)
_WHAT_THAT_IS = re.compile(rf"^\W*(?:so |and |but )?{_WHAT_THAT}\b", re.IGNORECASE)


def asks_what_that_is(text: str) -> bool:
    """ "What actually is that?": a question about the word just named, in the part before."""
    return bool(_WHAT_THAT_IS.match(text or ""))


def defines_term(text: str) -> bool:
    """The message asks what a glossary word is ("what even is MCV", "what do they mean by maintenance", "is that
    the same as a CBC", "pernicious anaemia - what actually is that?"), whatever "my" says elsewhere; but not
    "what's my maintenance dose" or "when is my MMA test"."""
    text = text or ""
    for match in _DEFINE_BEFORE.finditer(text):
        words = text[match.end():].split()
        if words and words[0].lower() in ("my", "mine", "his", "her", "their", "your", "our", "next", "date"):
            continue
        if any(term_for(" ".join(words[:n])) for n in range(1, min(len(words), 3) + 1)):
            return True
    if not term_for(text):
        return False
    # "my letter says I move to maintenance next, what does that even mean": asked outright, whatever "my" says
    return bool(_WHAT_THAT_LAST.search(text)) or (bool(_DEFINE_AFTER.search(text)) and not OWN_DATES.search(text))


