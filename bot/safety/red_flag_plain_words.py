"""Red flags described in everyday words rather than named: what it feels like ("tiny sips of air", "a golf ball in
my throat", "like a weight pressing down"), what a bystander sees ("clutching his throat", "gone stiff and
twitching", "crumpled in the waiting room", "her face looks wrong"), and an emergency already under way ("the
ambulance is on the way", "we're in A&E now", "should I call 999?"). Same form as red_flag_lexicon.py; the groups
are named "<category>++" so they are tried only near their own words and reported as their category.
"""

from __future__ import annotations

import re

from bot.safety.red_flag_lexicon import CANT, URGENT, _any

_WHO = r"(?:my|his|her|their|the)"
_LIMB = r"(?:arm|leg|hand|foot|face|side|fingers)"


PLAIN: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("breathing++", URGENT, _any(
        r"\b(?:gulping|gasping|fighting|struggling|desperate|starved|starving|hungry|clawing) (?:for|of) (?:\S+ )?"
        r"(?:air|breath)\b",
        r"\b(?:tiny |little |small )?(?:sips|gulps|bits|scraps) of air\b",
        r"\blungs? (?:won't|can't|aren't|isn't|are not|is not|will not) (?:fill|work|inflate|open)\b",
        r"\bdrowning on dry land\b|\blike (?:i'm |im )?drowning\b",
        r"\b(?:oximeter|sats|saturation|oxygen|o2)\b(?: \S+){0,3}? [5-8]\d\b",
        r"\bnothing (?:goes|is going|going|gets) in\b",
        r"\b(?:one|two|three|a few|few) words? (?:out )?(?:per|a|each|every) breath\b",
        rf"\b{CANT} (?:lie|lay) (?:flat|down)\b.{{0,40}}\bbreath",
        r"\bcan't brth\b|\bcan't breth\b",
    )),
    ("choking++", URGENT, _any(
        r"\b(?:stuck|lodged|caught) in (?:my|his|her|their|the) (?:throat|windpipe)\b",
        r"\b(?:food|something|it) (?:went|has gone|'s gone|is) (?:down )?the wrong way\b",
        r"\b(?:clutching|grabbing|clawing at) (?:my|his|her|their) (?:throat|neck|mouth)\b",
        rf"\b{CANT} (?:cough|make a sound|make any sound)\b",
        r"\b(?:piece|bit|lump|chunk) of (?:\S+ )?(?:lodged|stuck)\b",
        r"\bsomething is stuck\b",
    )),
    ("chest_pain++", URGENT, _any(
        r"\b(?:chest|ribs|breastbone|sternum)\b(?: \S+){0,5}? (?:squeez\w*|crush\w*|wrung|pressing|pressed|"
        r"heavy|heaviness|tight band)\b",
        r"\b(?:heavy|tight|squeezing|crushing|pressing)(?: \S+){0,3}? (?:feeling|pressure|pain|weight|band|thing)"
        r"(?: \S+){0,2}? (?:across|on|in|behind|around|over) (?:my|his|her|the) (?:chest|ribs|breastbone)\b",
        r"\b(?:heart|chest) (?:is |feels )?(?:like (?:it's )?)?being (?:squeezed|crushed|wrung|pressed)\b",
        r"\bpain (?:in )?(?:my |his |her )?chest\b",
        r"\bchest\b(?: \S+){0,4}? (?:down|into|to|up) (?:my|his|her) (?:left )?(?:arm|jaw|shoulder|neck)\b",
        r"\bweight (?:pressing|pushing|sitting) (?:down|on)\b",
        r"\b(?:behind|in the middle of) (?:my|his|her|the) (?:breastbone|sternum|ribs)\b",
    )),
    ("swelling++", URGENT, _any(
        r"\b(?:face|lips?|tongue|mouth|throat|eyes?|gums|neck)(?: (?:and|my|his|her|all))*(?: (?:face|lips?|tongue|"
        r"mouth|throat|eyes?|gums|hands|neck))+(?: \S+){0,2}? (?:swell\w*|swollen|inflat\w*|puffing up)\b",
        r"\b(?:lips?|tongue|gums|face|mouth)\b(?: \S+){0,3}? (?:inflat\w*|doubled in size|gone big|ballooning)\b",
        r"\bdoubled in size\b",
        r"\b(?:golf ball|lump|ball) in (?:my|his|her) throat\b.{0,30}\b(?:bigger|growing|swell)",
        rf"\b{CANT} close (?:my|his|her) mouth\b",
        r"\b(?:back of (?:my|his|her) throat|uvula)\b(?: \S+){0,3}? (?:massive|huge|swollen|enormous|big)\b",
    )),
    ("allergic_rash++", URGENT, _any(
        r"\bepi ?pens? (?:used|given|in)\b|\b(?:used|use|using|gave|given|give|giving) (?:\S+ ){0,2}(?:epi ?pens?|"
        r"epinephrine|adrenaline)\b|\bepinephrine\b",
        r"\b(?:rash|hives|lumps|welts|blotches|itchy)\b(?: \S+){0,8}? (?:dizzy|lightheaded|light headed|faint|"
        r"wheez\w*|breathless|fever)\b",
        r"\bblisters (?:coming up|all over|everywhere)\b",
    )),
    ("fainting++", URGENT, _any(
        r"\b(?:came to|came round|come round|woke up|coming round) on the (?:\S+ )?(?:floor|ground|tiles|pavement|"
        r"carpet)\b",
        r"\b(?:crumpled|flaked out|keeled over|dropped like a stone)\b",
        rf"\b(?:won't|can't|isn't|doesn't|will not) (?:open (?:{_WHO}|her|his) eyes|wake up|talk to me|answer)\b",
        r"\bon the floor and (?:she |he |they )?(?:won't|can't|isn't|not|doesn't)\b",
        r"\b(?:black|grey|gray|dark|darkness)(?: fuzz)? (?:comes|coming|closing|creeping|is coming|came) (?:in|over)\b",
        r"\blights went out\b|\bgoing to (?:drop|go down|hit the floor)\b",
    )),
    ("seizure++", URGENT, _any(
        r"\b(?:gone|went|going|is) (?:all )?(?:stiff|rigid)\b(?: \S+){0,4}? (?:twitch\w*|jerk\w*|shak\w*|fitting)\b",
        r"\btwitching (?:all over|uncontrollably|and)\b|\bbody (?:is |went |gone )?rigid\b",
        r"\bfroth\w*\b|\bfoaming\b",
        r"\bshaking\b(?: \S+){0,4}? (?:won't stop|will not stop|can't stop|for \d+ minutes|violently|on the floor|"
        r"and not (?:answering|responding|hear\w*))\b|\bshaking shaking\b",
        r"\b(?:came|come|coming) round from (?:a|her|his) (?:fit|seizure)\b",
        r"\b(?:jaw|teeth) (?:is |are )?clenched\b|\barms (?:are )?(?:banging|flailing|jerking)\b",
    )),
    ("blue_lips++", URGENT, _any(
        r"\b(?:lips?|face|skin|mouth)\b(?: \S+){0,5}? (?:bluey|bluish|purplish|purple|lilac|blueberry|colour of a "
        r"bruise|color of a bruise|dusky)\b",
        r"\b(?:lip|lips|skin) colou?r\b(?: \S+){0,4}? blue\b",
        r"\bgone a (?:funny|weird|strange|horrible|odd) colou?r\b",
    )),
    ("sudden_weakness++", URGENT, _any(
        rf"\b{_LIMB}s?\b(?: \S+){{0,3}}? (?:won't|will not|can't|doesn't|does not) (?:work|move|do what|lift|grip|"
        r"hold|respond)\b",
        r"\b(?:can't|cannot|couldn't) (?:get (?:the |my |any )?words out|find (?:the |my )?words|hold (?:his|her|my|a|"
        r"the) \w+|lift (?:my|his|her) (?:arm|head|leg)|feel or move|move (?:my|his|her) (?:arm|leg|hand|face|"
        r"fingers))\b",
        r"\b(?:face|smile|mouth) (?:looks|look|is|has gone|gone|went|going) (?:all )?(?:wrong|wonky|lopsided|droopy|"
        r"funny|weird|crooked)\b",
        r"\bhalf (?:my|his|her) face\b|\bone side of (?:my|his|her) face\b",
        r"\b(?:talks|talking|speaks|speaking|speech|words?) (?:is |are |all |comes? out )*(?:funny|weird|strange|"
        r"slurred|mushed|garbled|wrong|jumbled)\b",
        r"\bdragging (?:one|his|her|my) (?:foot|leg)\b|\b(?:leg|legs|knee|knees) (?:just )?gave (?:out|way)\b",
        r"\b(?:arm|leg|hand)\b(?: \S+){0,6}? (?:numb and floppy|floppy|dead weight)\b",
        r"\bwent to jelly\b(?=.*\b(?:sudden|suddenly|all of a sudden|just now|can't move)\b)",
    )),
    ("confusion++", URGENT, _any(
        r"\b(?:doesn't|don't|didn't|does not|do not) know where (?:i|he|she|they) (?:am|is|are)\b(?! (?:in|with|on|up "
        r"to) (?:my|the|his|her|this))",
        r"\bkeeps? asking where (?:he|she|i|they) (?:is|am|are)\b|\bwhere (?:is this|am i)\b",
        r"\bnot with it\b|\bseeing things\b|\bacting drunk\b|\baway with the fairies\b",
        r"\b(?:can't|cannot|couldn't) answer (?:simple |basic |easy )?questions\b",
        r"\bthinks it'?s (?:19|20)\d\d\b|\bstaring and not (?:answering|responding)\b",
        r"\bcalled me by (?:\S+ ){0,2}name\b|\blost in (?:my|his|her) own (?:street|house|home)\b",
        r"\b(?:confused|foggy|muddled)\b(?: \S+){0,4}? (?:can't|don't) (?:remember|understand|know)\b",
    )),
    ("unwell++", URGENT, _any(
        r"\b(?:ambulance|paramedics?)\b(?: \S+){0,2}? (?:is|are|'s|'re)? ?(?:on (?:the|its|their) way|coming|here|"
        r"outside)\b|\bwaiting for (?:the|an) (?:ambulance|paramedics)\b",
        r"\b(?:in|at) (?:the )?(?:a ?& ?e|a e|a and e|er|emergency room|emergency department|resus|urgent care)"
        r"(?: \S+){0,2}? (?:now|right now)\b|\b(?:in|at) (?:the )?(?:a e|a ?& ?e|er|emergency room) with (?:my|mum|mom|"
        r"dad|him|her|them)\b|\bon (?:my|our) way to (?:the )?(?:a ?& ?e|er|hospital|emergency)\b",
        r"\b(?:called|calling|rang|ringing|dialled|dialed|dialling|phoned) (?:for )?(?:an? )?(?:999|911|112|"
        r"ambulance|paramedics)\b|\bback of an ambulance\b",
        r"^(?!.*\b(?:if|in case|when|ever|whether)\b).*?\b(?:should|shall|do|must) (?:i|we) (?:call|ring|phone|dial|"
        r"get) (?:for )?(?:an? )?(?:999|911|112|ambulance)\b",
        r"^\W*call (?:999|911|112|an ambulance)\b|\b(?:a e|a ?& ?e|er) or (?:wait|not|stay|leave it)\b"
        r"|^(?!.*\b(?:if|when|ever|which|reason|what|whether)\b).*\b(?:should i|shall i|do i|i'll|i will|i'm going to|"
        r"we're going|need to)\b(?: \S+){0,5}? go (?:straight )?to (?:a e|a ?& ?e|the er|er|(?:the )?emergency "
        r"(?:room|department))\b(?! or (?:ring|call|phone|see|contact|wait))|"
        r"\b(?:a ?& ?e|a e|er) (?:now|right now)\b|\bneed (?:a )?doctor (?:now|right now|urgently)\b|\bi need urgent "
        r"help\b",
        r"^\W*(?:(?:999|911|112)(?: (?:999|911|112|now|please|help|asap|quick|pls))+|9 9 9|9 1 1|ambulance(?: now|"
        r" please| asap| quick)*|help help(?: help)*|help me please|please help me)\W*$",
        r"\b(?:really|very|badly|seriously) (?:really |very )?(?:unwell|ill|poorly|wrong)\b(?: \S+){0,3}? (?:right "
        r"now|now|after (?:the|my|his|her) (?:jab|shot|injection)|since (?:the|my|his|her) (?:jab|shot|injection))\b",
    )),
)

PLAIN_ANCHORS: dict[str, tuple[str, ...]] = {
    "breathing++": ("air", "breath", "brth", "breth", "lung", "drown", "oximeter", "sats", "oxygen", "o2",
                    "nothing", "words", "flat"),
    "choking++": ("stuck", "lodged", "caught", "wrong", "clutch", "grabb", "clawing", "cough", "sound"),
    "chest_pain++": ("chest", "ribs", "breast", "sternum", "heart", "weight"),
    "swelling++": ("swell", "swoll", "inflat", "doubled", "big", "ball", "lump", "close", "throat", "uvula"),
    "allergic_rash++": ("epi", "adrenaline", "rash", "hive", "lump", "welt", "blotch", "itch", "blister"),
    "fainting++": ("came", "come", "woke", "coming", "crumpl", "flaked", "keel", "dropped", "open", "wake",
                   "talk", "answer", "floor", "black", "grey", "gray", "dark", "lights", "drop", "down"),
    "seizure++": ("stiff", "rigid", "twitch", "froth", "foam", "shak", "round", "clench", "bang", "flail", "jerk"),
    "blue_lips++": ("blue", "purpl", "lilac", "bruise", "dusky", "colour", "color"),
    "sudden_weakness++": ("won't", "can't", "cannot", "couldn't", "doesn't", "face", "smile", "mouth", "half",
                          "side", "talk", "speak", "speech", "word", "dragging", "gave", "floppy", "dead", "jelly"),
    "confusion++": ("know", "asking", "where", "with", "seeing", "drunk", "fairies", "answer", "thinks", "staring",
                    "name", "lost", "confused", "foggy", "muddled"),
    "unwell++": ("ambulance", "paramedic", "a&e", "=a", "=er", "emergency", "resus", "urgent", "called",
                 "calling", "rang", "ringing", "dial", "phoned", "999", "911", "112", "=9", "help", "doctor",
                 "unwell", "=ill", "poorly", "wrong"),
}
