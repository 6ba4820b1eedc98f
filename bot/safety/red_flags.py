"""Red flags: a symptom from the lexicon, judged in its context (ConText, Harkema et al. 2009).

For each symptom mention in a clause (red_flag_lexicon.py) the context step asks, with trigger phrases that
reach forwards or backwards a few words and stop at terminators ("but", "now", "i" ...):
- is it denied?  "no chest pain", "I don't have any trouble breathing"; pseudo-triggers that look like a
  negation but are not one are masked first ("not sure", "can't stop", "I'm not ok", "never had ... like this");
- is it over or past?  "the rash has gone", "before I was diagnosed", "used to", "last year", "once";
- is it hypothetical or a question about symptoms in general?  "what if I get chest pain", "what does
  anaphylaxis look like", "can b12 cause palpitations", "will it make me faint";
- is it figurative?  "this form is giving me a heart attack", "breathtaking", "my heart skipped a beat when";
- whose is it?  someone else not present ("my friend had a reaction once", "she told me she fainted") does not
  count; someone present now ("my husband just collapsed") does;
- how sure and how bad?  mild words ("a bit wheezy"), habits ("sometimes"), slow change ("lately"), the recent
  past ("yesterday") and bare past states ("I had chest pain") make it a check question, not urgent advice.
A clause that is only a list ("no chest pain, swelling or rash") inherits the denial or the question of the
clause before it; a clause that only dates or ends the previous one ("..., that was years ago") applies to it,
but a question after a report ("my tongue is swelling, is that a side effect?") does not undo the report. A
contrast carries the denied predicate to the part named next ("it's not my arm that hurts, it's my chest").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from bot.safety import context as ctx
from bot.safety.red_flag_lexicon import CHECK, SEVERE, URGENT
from bot.safety.red_flag_lexicon_more import ANCHORS, LEXICON
from bot.safety.red_flag_stems import stem_mentions

_VAGUE_MIND = next(pattern for category, level, pattern in LEXICON if (category, level) == ("confusion", CHECK))


@dataclass(frozen=True)
class RedFlag:
    """A symptom that needs urgent care (or a check question). `matched` is the text that triggered it (logs)."""

    category: str
    matched: str


# --------------------------------------------------------------------------------------------- judging


@dataclass(frozen=True)
class _Frame:
    """What a clause passes on to a following bare list clause."""

    negated: bool = False
    general: bool = False


_SINCE_THEN = re.compile(r"\bsince (?:his|her|my|their|the) $")
_PAST_VERB = re.compile(r"\b(?:\w+ed|had|was|were|got|went|came)\b")
_JUST_NOW = re.compile(r"\b(?:now|just|right now|(?:\d+|few|a few|ten|five|twenty) (?:minutes?|mins?) ago|"
                       r"an hour ago)\b")
# A negation the pattern's gap swallowed ("i didn't faint"): a severe pattern carries its own ("not breathing").
_NEGATED_INSIDE = re.compile(r"\b(?:didn't|did not|never|haven't|hasn't|wasn't|weren't|don't|doesn't)\b(?!.*\b(?:know|"
                             r"recogni|remember|respond|wake|move|work|stop|breath|make|feel))(?: \S+)? \S+$")
_HAD_ONE = re.compile(r"(?<!'s )(?<!has )(?<!have )(?<!'ve )(?<!just )\bhad (?:a|an) ")
_ONCE = re.compile(r"^ once\b(?! (?:more|again))")
_NEAR_MISS = re.compile(r"\b(?:nearly|almost|practically) $")
_WINDOW = 160  # characters of context either side of a symptom (or of a symptom word's anchor)
_MAX_JUDGED = 25  # mentions judged per category in one message: a long message cannot make the screen slow


@lru_cache(maxsize=65536)
def _word_categories(word: str) -> frozenset[str]:
    """The categories whose anchors occur inside `word` (cached: chat vocabulary is small)."""
    return frozenset(
        category
        for category, anchors in ANCHORS.items()
        if any(word == anchor[1:] if anchor[0] == "=" else anchor in word for anchor in anchors)
    )


def _mentions(clause: str) -> list[tuple[str, str, re.Match[str]]]:
    """Every lexicon match in the clause; only the categories whose anchors occur are tried, and in a long clause
    only near those anchors (a pattern spans a few words around its anchor)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    offset = 0
    for word in clause.split(" "):
        for category in _word_categories(word):
            spans.setdefault(category, []).append((offset - _WINDOW, offset + _WINDOW))
        offset += len(word) + 1
    if not spans:
        return []
    out = []
    for category, level, pattern in LEXICON:
        if category not in spans:
            continue
        reported = category.rstrip("+")  # a narrower group of the category's phrasings
        if len(clause) <= 2 * _WINDOW:
            out.extend((reported, level, match) for match in pattern.finditer(clause))
            continue
        seen: set[tuple[int, int]] = set()
        for low, high in _merged(spans[category], len(clause)):
            for match in pattern.finditer(clause, low, high):
                if match.span() not in seen:
                    seen.add(match.span())
                    out.append((reported, level, match))
    return out


def _merged(windows: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for low, high in sorted(windows):
        low, high = max(0, low), min(size, high)
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def _mask(clause: str) -> str:
    """Pseudo-triggers replaced by same-length filler, so offsets still line up with the clause."""
    return ctx.PSEUDO.sub(lambda m: re.sub(r"\S", "~", m.group(0)), clause)


def _experiencer(before: str, matched: str) -> str:
    """patient / household (may be present) / other (not present unless said to be), from the nearest person
    word before the symptom; a pronoun ("she") takes the person it refers to ("my neighbour told me she ...")."""
    pronoun = False
    words = (before + " " + matched.split()[0]).split()
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        word = word[:-2] if word.endswith("'s") and word not in ctx.HOUSEHOLD else word
        if word in ctx.PRONOUNS:
            pronoun = True
        elif word in ctx.PATIENT and index and words[index - 1] in ("of", "in", "on", "from"):
            continue  # "a friend of mine": the friend; "the character in my book": the character
        elif word in ctx.PATIENT:
            if not pronoun:
                return "patient"
        elif word in ctx.HOUSEHOLD:
            owner = words[index - 1] if index else ""
            return "other" if owner in ctx.OTHER or owner.removesuffix("'s") in ctx.OTHER else "household"
        elif word in ctx.OTHER or word in ("someone", "somebody"):
            return "other"
    return "household" if pronoun else "patient"


def _judge(
    clause: str,
    masked: str,
    level: str,
    match: re.Match[str],
    tail: str,
    previous: str,
) -> str | None:
    """urgent / check / None for one mention. `tail` is the next clause when it only dates or ends this one,
    `previous` the clause before (for "I'm terrified of needles, I always feel faint")."""
    start, end = match.span()
    # Context reaches a few words, so a long run-on clause is cut to a window around the symptom (keeps it fast).
    if len(clause) > 2 * _WINDOW:
        low = max(0, start - _WINDOW)
        low = clause.find(" ", low) + 1 if low else 0
        high = clause.rfind(" ", 0, end + _WINDOW) if end + _WINDOW < len(clause) else len(clause)
        high = max(high, end)
        clause, masked = clause[low:high], masked[low:high]
        start, end = start - low, end - low
    before, after = masked[:start], masked[end:]
    matched = match.group(0)
    # A question frame may sit inside the match ("could i faint"): look for it up to the symptom word itself.
    question_before = before + matched[: matched.rfind(" ") + 1]
    # Figurative phrases overlap the symptom words ("giving me a heart attack"); they start a few words before.
    figures = [ctx.FIGURATIVE, ctx.FIGURATIVE_MORE,
               *(rx for keys, rx in ctx.FIGURATIVE_KEYED if any(key in clause for key in keys))]
    for figure_rx in figures:
        for figure in figure_rx.finditer(clause, max(0, start - 80), min(len(clause), end + 60)):
            if figure.start() < end and figure.end() > start:
                return None
    if ctx.NEGATION.search(before) or ctx.NEGATION_AFTER.search(after) or ctx.DENIAL_TAIL.match(tail):
        return None
    if level != SEVERE and _NEGATED_INSIDE.search(matched):
        return None
    if ctx.HISTORICAL.search(before) or ctx.HISTORICAL_AFTER.search(after) or ctx.RESOLVED_AFTER.search(after):
        return None
    if _PAST_VERB.search(matched) and _ONCE.match(after):
        return None  # "my lips swelled once after shellfish": one past episode
    current = ctx.CURRENT.search(clause) is not None
    if _PAST_VERB.search(matched) and _NEAR_MISS.search(before) and not current:
        return CHECK  # "I nearly collapsed at work": it passed; ask whether it is happening now
    if _SINCE_THEN.search(before):
        return None  # "since his heart attack": the event is what time is counted from
    if tail and (ctx.RESOLVED_TAIL.match(tail) or (ctx.QUESTION_TAIL.match(tail) and not ctx.REPORT.search(clause))):
        return None  # "anaphylaxis - how likely?"; but "my tongue is swelling, is that a side effect?" is a report
    check_only = False
    frame = ctx.NORMAL_QUESTION.search(question_before)
    if frame:
        check_only = True
    elif frame := ctx.CONDITIONAL.search(question_before) or ctx.MODAL_FUTURE.search(before + matched):
        # "what if I get chest pain": nothing is happening, unless said outside the condition or in the present
        inside = before[frame.start() :] + matched
        if not (ctx.OWN_REPORT.search(before[: frame.start()] + after) or ctx.PRESENT_INSIDE.search(inside)):
            return None
        check_only = True
    elif frame := ctx.GENERAL.search(question_before) or ctx.GENERAL_AFTER.search(after):
        # "can b12 cause palpitations?": a general question, unless the patient says they have it
        outside = before[: frame.start()] + after if frame.re is ctx.GENERAL else before
        if ctx.OWN_REPORT.search(outside):
            check_only = level != SEVERE
        elif ctx.DEICTIC.search(clause):
            check_only = True
        else:
            return None
    if ctx.PHOBIA.search(previous + " " + clause) and ctx.HABITUAL.search(clause) and "faint" in clause + matched:
        return None
    who = _experiencer(before, matched)
    if (who == "household" and ctx.REPORTED.search(before) and _PAST_VERB.search(matched)
            and not _JUST_NOW.search(clause)):
        return None  # "my sister says her lips swelled after her shot in the States": her story, not now
    if who == "other" and ctx.NORMAL_QUESTION.search(before) and "anyone else" in before:
        who = "patient"  # "does anyone else get chest tightness?": the patient does
    if who == "other" and (ctx.REPORTED.search(clause) or not ctx.HERE.search(clause)):
        return None
    if who == "household" and ctx.REPORTED_PAST.search(clause) and not current:
        check_only = True
    if who == "patient" and not current and ctx.KNOWN_CONDITION.search(before[-30:] + matched) and level != SEVERE:
        return None  # "I've got angina and carry a spray, any issue with B12?": a known condition
    if who != "patient" and not current and (ctx.HABITUAL.search(clause) or ctx.CONDITION.search(clause)):
        return None  # "my brother has seizures", "my mum gets dizzy in the mornings": a condition, not an event now
    if level == CHECK and ctx.APOLOGY.match(clause) and match.re is _VAGUE_MIND:
        return None  # "sorry, I'm a bit muddled today": an apology for the conversation
    if level == CHECK and not current and ctx.CHRONIC.search(clause + " " + tail):
        return None  # "my legs have been weak and wobbly for a long time": known, not new
    if level == CHECK or check_only:
        return CHECK
    near = " ".join(before.split()[-3:] + [matched])
    if level == URGENT and (ctx.MILD.search(near) or ctx.MILD_AFTER.match(after)):
        return CHECK
    if not current:
        if ctx.HABITUAL.search(clause) or ctx.GRADUAL.search(clause) or ctx.RECENT_PAST.search(clause):
            return CHECK
        governing = ctx.CONJUNCTION.split(before)[-1][-30:]  # the verb of this symptom, not of another clause part
        if ctx.PAST_STATE.search(governing + matched) and not ctx.EVENT.search(matched):
            return CHECK
        if _HAD_ONE.search(before[-12:] + matched):  # "I had a seizure": when? ask. ("Mum's had a seizure": now)
            return CHECK
    elif ctx.GRADUAL.search(clause) and level != SEVERE:
        return CHECK
    return URGENT


def _is_bare(clause: str) -> bool:
    words = clause.split()
    return len(words) <= 8 and not any(word in ctx.BARE_BLOCKERS for word in words)


def _frame(clause: str, masked: str) -> _Frame:
    return _Frame(
        negated=bool(re.search(r"\b(?:no|not|never|without|none|nor|neither|don't|doesn't|haven't|hasn't)\b", masked)),
        general=bool(ctx.ANY_QUESTION_FRAME.search(masked)),
    )


# "it's not my arm that hurts, it's my chest": the predicate denied for one part belongs to the other one.
_CONTRAST_NOT = re.compile(
    r"\b(?:not|isn't|wasn't|never) (?:my |the |his |her |their |a |an )?\S+(?: \S+)? (?:that|which|that's|what) "
    r"(?P<predicate>.+)$"
)
_CONTRAST_PART = re.compile(
    r"^(?:but |no |rather |instead )?(?:it's |it is |its |it was |it's actually |it is actually |just |actually )?"
    r"(?P<part>(?:my|his|her|their|the) \S+(?: \S+)?)(?: (?:really|so|very|badly|actually|instead))*$"
)


# "the pain isn't in my arm, it's in my chest": the symptom denied in one place is in the other.
_PLACE_NOT = re.compile(
    r"^(?:the |my |this |that )?(?P<symptom>\S+(?: \S+)?) (?:isn't|is not|wasn't|was not|aren't|are not) (?:really )?"
    r"(?:in|on|around|across|down|at) "
)
_PLACE_PART = re.compile(
    r"^(?:but |no )?(?:it's|it is|its|they're|they are|it was) (?:actually |really )?(?P<place>(?:in|on|around|across|"
    r"down|at) (?:my|his|her|their|the) \S+(?: \S+)?)$"
)


def _carry_contrast(clauses: tuple[str, ...]) -> tuple[str, ...]:
    out = list(clauses)
    for index in range(len(clauses) - 1):
        denied = _CONTRAST_NOT.search(clauses[index])
        part = denied and _CONTRAST_PART.match(clauses[index + 1])
        if part:
            out[index + 1] = f"{part.group('part')} {denied.group('predicate')}"
            continue
        moved = _PLACE_NOT.match(clauses[index])
        place = moved and _PLACE_PART.match(clauses[index + 1])
        if place:
            out[index + 1] = f"{moved.group('symptom')} {place.group('place')}"
    return tuple(out)


_LIST_ITEM = re.compile(r"^(?:and |or )?any ")
_ALL_DENIED = re.compile(r"^(?:no|nope)?\W*(?:(?:i )?said no to|no to|none of) (?:all|any|everything|each|them|those|"
                         r"these|that)\b")


def _denied_list(clauses: tuple[str, ...]) -> set[int]:
    """ "any chest pain, any trouble breathing? No to all of them": the listed symptoms, all denied at once."""
    denied: set[int] = set()
    for index, clause in enumerate(clauses):
        if _ALL_DENIED.match(clause):
            start = index
            while start > 0 and _LIST_ITEM.match(clauses[start - 1]) and index - start < 6:
                start -= 1
            denied.update(range(start, index))
    return denied


def assess(clauses: tuple[str, ...]) -> tuple[RedFlag | None, RedFlag | None]:
    """(red flag, check) over the clauses of one message: the most urgent category first, never both."""
    if len(clauses) > 1 and any("not" in clause or "n't" in clause or "never" in clause for clause in clauses):
        clauses = _carry_contrast(clauses)
    urgent: dict[str, RedFlag] = {}
    checks: dict[str, RedFlag] = {}
    frame = _Frame()
    judged: Counter[str] = Counter()
    found = [_mentions(clause) for clause in clauses]
    denied = _denied_list(clauses)
    for index, clause in enumerate(clauses):
        mentions = found[index] if index not in denied else []
        following = clauses[index + 1] if index + 1 < len(clauses) else ""
        tail = following if following and not found[index + 1] else ""
        if not mentions:
            if not _is_bare(clause) or not index:
                frame = _frame(clause, _mask(clause))
            continue
        masked = _mask(clause)
        inherited = frame if _is_bare(clause) and index else _Frame()
        for category, level, match in mentions:
            if inherited.general or (inherited.negated and ctx.LIST_WORDS & set(clause.split())):
                continue
            if _only_local(category, clause):
                continue
            if category in urgent or judged[category] >= _MAX_JUDGED:
                continue  # one urgent verdict per category is enough
            judged[category] += 1
            verdict = _judge(clause, masked, level, match, tail, clauses[index - 1] if index else "")
            target = urgent if verdict == URGENT else checks if verdict == CHECK else None
            if target is not None and category not in target:
                target[category] = RedFlag(category, match.group(0))
        if not _is_bare(clause) or not index:
            frame = _frame(clause, masked)
    order = [category for category, _, _ in LEXICON]
    for category in order:
        if category in urgent:
            return urgent[category], None
    for category in order:
        if category in checks:
            return None, checks[category]
    if any(found):
        return None, None  # the lexicon named the symptom and its context ruled it out
    return None, _unmatched_symptom(clauses)


def _only_local(category: str, clause: str) -> bool:
    """A rash or swelling at the injection site only ("a small red patch where the needle went")."""
    return (category in ("allergic_rash", "swelling") and bool(ctx.LOCAL.search(clause))
            and not ctx.SPREAD.search(clause))


def _unmatched_symptom(clauses: tuple[str, ...]) -> RedFlag | None:
    """A symptom word the lexicon has no phrasing for, not denied, past, general or someone else's: one check
    question (red_flag_stems.py), never urgent advice."""
    for index, clause in enumerate(clauses):
        following = clauses[index + 1] if index + 1 < len(clauses) else ""
        masked = _mask(clause)
        for category, match in stem_mentions(clause):
            if _only_local(category, clause):
                continue
            # judged as if it were a full report: only one that reads as happening now, and not mild or habitual,
            # earns the question
            if _judge(clause, masked, URGENT, match, following, clauses[index - 1] if index else "") == URGENT:
                return RedFlag(category, match.group(0))
    return None
