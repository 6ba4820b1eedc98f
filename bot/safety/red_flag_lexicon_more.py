"""More red-flag phrasings, in the form of red_flag_lexicon.py (kept apart so neither file grows past reading):
what a bystander sees ("gone down on the floor", "frothing at the mouth", "grey and sweaty"), hives by their
other names (weals, welts, raised bumps), stroke signs in plain words ("my speech went funny", "can't find my
words", "the vision went in one eye"), and breathing that is fast and shallow. `LEXICON` and `ANCHORS` are both
lists, in order: red_flags.py reads only these.
"""

from __future__ import annotations

import re

from bot.safety.red_flag_lexicon import _F, CANT, CHECK, SEVERE, URGENT
from bot.safety.red_flag_lexicon import ANCHORS as BASE_ANCHORS
from bot.safety.red_flag_lexicon import LEXICON as BASE
from bot.safety.red_flag_plain_words import PLAIN, PLAIN_ANCHORS

__all__ = ["ANCHORS", "ANCHORS_MORE", "LEXICON", "MORE"]

_RECENT = r"(?=.*\b(?:ago|just|now|suddenly|all of a sudden|today|this morning|tonight|right now)\b)"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


MORE: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("chest_pain", URGENT, _any(
        rf"\bchest (?:and|&) (?:my |his |her )?(?:left |right )?(?:arm|jaw|back|shoulder|neck)s?{_F} "
        r"(?:hurt\w*|pain\w*|aching|aches|sore|killing)\b",
        r"\b(?:sharp|stabbing|crushing|bad|severe|tight|burning) pains? (?:in |on |down )?(?:the |my |his |her )?"
        r"(?:left|right|middle|centre|center) (?:side )?(?:of )?(?:my |the |his |her )?chest\b",
    )),
    ("breathing", URGENT, _any(
        r"\bbreathing\b.{0,40}\b(?:fast and shallow|shallow and fast|really fast|so fast|very fast|rapid)\b",
        rf"\b{CANT} slow (?:my |his |her )?(?:breathing|it|breaths?) down\b",
    )),
    ("allergic_rash", URGENT, _any(
        r"\b(?:weals|wheals|raised (?:red )?(?:bumps|lumps|welts|patches))\b",
        r"\bcovered in (?:raised |red |itchy |big )?(?:bumps|lumps|blotches|spots|welts|weals|wheals)\b",
    )),
    ("seizure", SEVERE, _any(
        r"\b(?:frothing|foaming) at the mouth\b",
        r"\b(?:is|he's|she's|they're|'s) having a fit\b",
    )),
    ("fainting", URGENT, _any(
        r"\b(?:gone|went|fallen|fell|dropped|collapsed) (?:down )?(?:on|onto|to) the (?:\S+ )?(?:floor|ground)\b",
        r"\b(?:fell|fallen|gone) (?:down|over)\b.{0,30}\b(?:not getting up|can't get up|won't get up|not moving)\b",
        r"\b(?:legs?|knees?) (?:just )?(?:went|gone|gave way|gave out|buckled)(?: from)? (?:from )?under (?:him|her|me|"
        r"them)\b",
        r"\b(?:grey|gray|pale|white|clammy) and (?:sweaty|clammy|cold)\b|\b(?:sweaty|clammy) and (?:grey|gray|pale)\b",
    )),
    ("sudden_weakness", URGENT, _any(
        rf"\b(?:speech|voice|words|talking) (?:just )?(?:went|gone|has gone|is going) (?:funny|weird|strange|wrong|odd|"
        rf"slurry|all wrong)\b{_RECENT}",
        rf"\b{CANT} (?:find|get) (?:my|his|her|the) words\b",
        r"\b(?:vision|sight|eyesight) (?:just |suddenly )?(?:went|gone|has gone|going|blacked out|disappeared)\b"
        r"(?: \S+){0,3}? (?:in|from|out of) (?:one|my left|my right|his left|his right|her left|her right) eye\b",
        rf"\b{CANT} move (?:them|it|her legs|his legs|my legs|her arm|his arm|my arm)\b(?=.*\b(?:legs?|arms?|"
        r"side)\b)",
    )),
    ("blue_lips", SEVERE, _any(
        r"\b(?:lips?|mouth|face) (?:are |is |have |has |look |looks |gone |going |turned )*(?:blue|purple)\b",
    )),
    ("breathing", CHECK, _any(
        r"\bbreathing (?:is |has )?(?:gone |going )?(?:weird|strange|funny)\b",
    )),
    ("chest_pain+", URGENT, _any(
        r"\b(?:pain|pains|squeez\w*|pressure|tightness|tight band|band|weight|agony|crushing)\b"
        r"(?: (?!isn't|is not|not|no|never|wasn't)\S+){0,5}? (?:in|on|"
        r"round|around|across|of|inside) (?:me|my|his|her|the) (?:\w+ )?(?:of (?:my|his|her|the) )?chest\b",
        r"\bchest\b(?: \S+){0,2}? (?:is |'s )?(?:agony|in agony|killing (?:me|him|her)|on fire)\b",
        r"^\W*(?:help|help me|please help)\W+(?:my|his|her) (?:chest|heart)\b",
        # "is pain in heart since one hour", "my chest feels like it's in a vice"
        r"\bpains? in (?:my |the |his |her )?heart\b(?=.*\b(?:since|now|ago|today|tonight|hours?|minutes?|mins?)\b)",
        r"\bchest\b.{0,25}\b(?:in a vi[cs]e|vi[cs]e[- ]like|like a vi[cs]e)\b",
    )),
    ("breathing+", URGENT, _any(
        r"\b(?:breath|breathe|breathing)\b(?! (?:exercises?|techniques?|tests?))(?: \S+){0,2}? (?:very |so |really )?"
        r"(?:difficult|hard|harder|struggle|struggling|bad|terrible|awful|laboured|labored|rattly|rattling)\b"
        r"(?!.*\b(?:if|when|what|how)\b)",
        r"\b(?:can't|cannot|couldn't|can not|unable to)(?: \S+){0,2}? (?:get|take|catch|draw) (?:a |my |"
        r"in a )?(?:full |"
        r"deep |proper |decent |whole )?breath\b",
        r"\b(?:sucking|breathing|drawing|getting) (?:air |breath )?(?:in )?(?:through|thru) a (?:tiny )?straw\b",
        r"\b(?:high pitched|whistling|squeaking|squeaky|crowing|wheezy|rasping) (?:noise|sound)\b.{0,30}\b(?:throat|"
        r"breathe|breathing)\b",
        # "it's getting harder to breathe every minute"
        r"\b(?:getting|much|even|so much) harder (?:and harder )?to (?:breathe|breath|get (?:a |my )?breath)\b"
        r"(?!.*\b(?:if|when|what if)\b)",
    )),
    ("allergic_rash+", URGENT, _any(
        r"\b(?:with|and|got|getting|covered in|full of) blisters\b",
        r"\b(?:i'm|i am|he's|she's|he is|she is|they're|they are)(?: \S+)? (?:reacting|having a (?:bad |severe |"
        r"serious |allergic )?reaction)\b(?= (?:\S+ )?(?:badly|right now|now)\b)",
    )),
    ("swelling+", URGENT, _any(
        r"\b(?:face|lips?|tongue|throat|neck|mouth|eyes?)\b(?: and (?:his |her |my )?(?:face|lips?|tongue|throat|neck|"
        r"mouth|eyes?))+ (?:are|is) (?:swelling|swollen|puffing up|blowing up)\b",
        # "my lips are getting bigger by the minute", "lips went really big": growing now
        r"\b(?:face|lips?|tongue|mouth|cheeks?|eyelids?)\b(?: (?:and|my|his|her|the|face|lips?|tongue|mouth|cheeks?|"
        r"are|is|getting|got|gone|going|went|really|so|very|all|keep|keeps|look|looks))*? (?:bigger|larger|fatter|"
        r"thicker|really big|so big|very big|huge)\b",
        # "she's swelling up", "he is puffing up"
        r"\b(?:he's|she's|they're|i'm|he is|she is|they are|i am) (?:all )?(?:swelling|puffing|blowing) up\b",
    )),
    ("seizure+", SEVERE, _any(
        r"\b(?:has|have|'s|he's|she's|they've) been (?:fitting|seizing|convulsing|jerking uncontrollably|"
        r"shaking uncontrollably)\b",
    )),
    ("fainting+", SEVERE, _any(
        r"\b(?:he|she|they|he's|she's|mum|mom|dad|\w+'s)\b(?: \S+){0,5}? (?:not|won't|isn't|can't|cannot) "
        r"(?:wake|waking)\b",
        r"\b(?:can't|cannot|couldn't) (?:wake|rouse) (?:him|her|them|mum|mom|dad)\b",
        # "my husband fall down and not wake", "she shake all the body and not answer"
        r"\b(?:fall|falls|fell|fallen|collaps\w*|shak\w*|fit|fitting|jerk\w*)\b.{0,40}\b(?:and )?(?:not|won't|doesn't|"
        r"does not|isn't|can't|cannot) (?:wake|waking|wake up|answer|answering|respond|responding)\b",
    )),
    ("sudden_weakness+", URGENT, _any(
        r"\bstroke\b(?: \S+){0,2}? (?:right now|now|just now|happening)\b",
        r"\b(?:arm|leg|hand|face|side)s?\b(?: \S+){0,6}? (?:gone|went|going|turned) (?:all )?(?:numb|weak|heavy|dead)\b"
        r"(?=.*\b(?:all of a sudden|suddenly|just now|out of nowhere)\b)",
        r"\bstroke\b.{0,20}\b(?:arm|leg|hand|face)s? (?:won't|will not|doesn't|does not|can't) (?:work|move)\b",
        r"\bface\b(?: \S+){0,2}? (?:looks |gone |is |has gone |went )?(?:wonky|lopsided|droopy|drooping|dropped)\b"
        r"(?=.*\b(?:all of a sudden|suddenly|just now|now|today)\b)",
    )),
    ("confusion+", URGENT, _any(
        rf"\b(?:talking|speaking) (?:nonsense|gibberish|rubbish)\b{_RECENT}",
        r"\b(?:talking|speaking) (?:nonsense|gibberish)\b.{0,30}\b(?:confused|since|for the last)\b",
    )),
    ("unwell+", URGENT, _any(
        r"\b(?:i|we) need an? ambulance\b|\b(?:send|get me) an? ambulance\b",
        r"^\W*(?:this is an |it's an |its an |it is an )?emergency\W*$",
        r"\b(?:i'm|i am) dying\b(?! (?:to|for|of|laughing))",
    )),
)



LEXICON = BASE + MORE + PLAIN

# Prefilter words of the patterns above; ANCHORS is both sets, per category.
ANCHORS_MORE: dict[str, tuple[str, ...]] = {
    "chest_pain": ("chest",),
    "breathing": ("breathing", "breath"),
    "allergic_rash": ("weal", "wheal", "nettle", "raised", "covered"),
    "seizure": ("froth", "foam", "fit"),
    "fainting": ("floor", "ground", "fell", "fallen", "gone", "legs", "knees", "sweaty", "clammy"),
    "sudden_weakness": ("speech", "voice", "words", "talking", "vision", "sight", "eyesight", "move"),
    "blue_lips": ("blue", "purple"),
    # the later phrasings (names ending "+", reported as their category) are tried only near their own words
    "chest_pain+": ("chest", "heart"),
    "breathing+": ("breath", "straw", "noise", "sound"),
    "allergic_rash+": ("blisters", "reacting", "reaction"),
    "swelling+": ("swell", "swoll", "puff", "blow", "bigger", "larger", "fatter", "thicker", "big", "huge"),
    "seizure+": ("fitting", "seizing", "convulsing", "jerking", "shaking"),
    "fainting+": ("wake", "waking", "rouse", "answer", "respond"),
    "sudden_weakness+": ("stroke", "numb", "weak", "heavy", "dead", "wonky", "lopsided", "droop", "dropped"),
    "confusion+": ("nonsense", "gibberish", "rubbish"),
    "unwell+": ("ambulance", "emergency", "dying"),
}
ANCHORS: dict[str, tuple[str, ...]] = {
    category: BASE_ANCHORS.get(category, ()) + ANCHORS_MORE.get(category, ()) + PLAIN_ANCHORS.get(category, ())
    for category in {*BASE_ANCHORS, *ANCHORS_MORE, *PLAIN_ANCHORS}
}
