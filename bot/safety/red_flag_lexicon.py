"""What each red flag looks like in a canonical clause (bot/safety/text.py): the symptom lexicon.

Every pattern needs the symptom itself, not just a body part ("chest pain", not "chest x-ray"; "can't breathe",
not "breathing exercises"). Each has a level:
- SEVERE: urgent whatever the wording around it ("can't breathe", "throat closing", "seizure", "blue lips");
- URGENT: urgent, but a mild word next to it ("a bit wheezy", "slight chest pain") makes it a check question;
- CHECK: vague wording that deserves one check question, never urgent advice on its own ("chest feels funny").
Whether the symptom is denied, past, hypothetical, figurative or someone else's is decided in red_flags.py.
Each category's prefilter words are in red_flag_anchors.py.
"""

from __future__ import annotations

import re

from bot.safety.red_flag_anchors import ANCHORS

__all__ = ["ANCHORS", "CATEGORIES", "CHECK", "LEXICON", "SEVERE", "URGENT"]

SEVERE, URGENT, CHECK = "severe", "urgent", "check"

# Negation words may not sit in the gaps of a pattern ("my chest is not tight" is no chest tightness).
_NEG = r"(?:not|no|never|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|hasn't|haven't|won't|nothing|without)"
_G = rf"(?:(?!{_NEG}\b)\S+)"  # one gap token


def gap(n: int) -> str:
    return rf"(?: {_G}){{0,{n}}}?"


_FILL = (
    r"(?:is|are|am|was|feels?|felt|feeling|has|have|had|been|keeps?|kept|getting|got|gets|went|gone|going|started|"
    r"starting|starts|really|so|very|quite|a|bit|little|kind|of|kinda|sort|all|suddenly|like|still|looks?|looking|"
    r"seems?|up|and|my|his|her|their|the|its|it's|now|just|totally|completely|extremely|super|incredibly|"
    r"becoming|become|tighter|worse|horribly|badly|awfully|too|again|right|proper|this|that|all of a sudden|"
    r"slightly|mildly|somewhat|rather|fairly|pretty|tiny|to|abit|seem|seemed|properly|literally|getting|be|they|"
    r"they're|it|appears|appear|massively|hugely|visibly|rapidly|quickly|more)"
)
_F = rf"(?: {_FILL})*?"
MY = r"(?:my|his|her|their|the|your|our|its|this)"
CANT = (
    r"(?:can't|cannot|can not|couldn't|could not|unable to|not able to|(?:haven't|hasn't|have not|has not) been "
    r"able to|can barely|can hardly|can only just|could barely|could hardly|barely|hardly|scarcely|struggle to|"
    r"struggling to|struggled to|fighting to|trying to|can t|couldn t|no can|can no)"
)
_BREATHE = r"(?:breathe|breathing|breath|breathe in|breathe out)(?! (?:exercises?|techniques?|practice|class|app))"
_EXERTION = (
    r"(?! (?:from|after|when|while|during|with|doing|going|climbing|walking|running)(?: \S+){0,2}? (?:running|run|"
    r"exercise|exercising|workout|walking|walk|climbing|climb|stairs|upstairs|hill|hills|gym|jogging|jog|cycling|"
    r"sports?|swimming|swim|dancing|laughing|hoovering|gardening|football|training|rushing|the bus)\b)"
)
FACE = r"(?:face|lips?|tongue|mouth|cheeks?)"
HEART = r"(?:heart|ticker)"
_PERSON = (
    r"(?:he|she|they|he's|she's|they're|i'm|i|baby|mum|dad|husband|wife|partner|son|daughter|child|kid|boy|girl|"
    r"grandma|grandad|nan|gran|brother|sister|friend|someone|somebody)"
)
_COLOUR = r"(?:blue|bluish|blueish|bluey|purple|purplish|purpley|grey|greyish|gray|grayish|ashen|dusky)"
_NOT_ABOUT = (
    r"(?! (?:about|by|with|as to|why|what|how|which|when|whether|if|on|over|regarding|re|because|at|between|"
    r"and (?:don't|do not|not sure)|which|where))"
)


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# (category, level, pattern) in the order of urgency: the first category found is the one reported.
LEXICON: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("chest_pain", SEVERE, _any(
        r"\b(?:heart attack|cardiac arrest|heart attacks)\b",
        r"\bcrushing (?:chest )?pain\b|\bcrushing\b.* chest\b|\bchest\b.* crushing\b",
    )),
    ("chest_pain", URGENT, _any(
        rf"\bchest{_F} (?:pains?|painful|hurts?|hurting|aches?|aching|achy|sore|tight|tightness|tightening|"
        r"pressure|heavy|heaviness|burning|burns|stabbing|sharp|discomfort|constricted|squeez\w*|killing me|on fire|"
        r"crushed|being crushed|squashed|compressed|"
        r"bursting|gripping|clenched|clamped|caving in)\b",
        r"\b(?:pains?|tightness|pressure|heaviness|ache|aching|discomfort|burning|squeezing|weight|band|stabbing|"
        r"gripping|hurting|hurts) (?:in|on|across|around|round|inside|through|at|behind|under|over|of|in the middle "
        rf"of) (?:{MY} )?(?:(?:left|right|upper|middle|centre|center|whole) (?:side of )?(?:my )?)?chest\b",
        r"\b(?:tight|painful|heavy|crushing|aching|burning|hurting|sore|bad|severe|sharp|stabbing|pounding) chest\b",
        rf"\b{HEART}{_F} (?:pains?|painful|hurts?|hurting|aching|aches|sore|killing (?:me|him|her))\b"
        rf"|\b(?:pains?|aching|ache|hurting|tightness|pressure) (?:in|around|round|across|through|near) (?:my|his|her) "
        rf"{HEART}\b",
        # clutching or grabbing the chest: what a bystander sees
        r"\b(?:clutch\w*|grabb?\w*|gripp?ing|holding|clasping|clawing|clenching|rubbing) (?:at )?(?:my|his|her|their) "
        r"(?:chest|heart)\b",
        r"\bangina (?:attack|pain|pains)\b|\b(?:having|getting|got) (?:an )?angina\b"
        r"|\belephant(?: \S+){0,3}? on (?:my|his|her) chest\b",
        r"\b(?:squeez\w*|crush\w*|pressing|pushing|sitting|standing|weight) (?:on |down on |into )?(?:my|his|her) "
        r"chest\b",
        r"\bpain\w* (?:going|spreading|radiating|shooting|moving|travelling|traveling) (?:down|into|up|to|through) "
        r"(?:my |his |her )?(?:left )?(?:arm|jaw|neck|shoulder)\b",
    )),
    ("chest_pain", CHECK, _any(
        rf"\bchest{_F} (?:funny|weird|strange|odd|off|uncomfortable|not right|wrong|fluttery|tingly|fizzy)\b",
        r"\bsomething(?: is|'s)? (?:wrong|not right|off) with (?:my|his|her) (?:chest|heart)\b",
        r"\bhelp\b(?: \S+){0,3}? (?:my|his|her) (?:chest|heart)\b",
    )),
    ("breathing", SEVERE, _any(
        rf"\b{CANT}(?: (?!hold|held|holding|catch|take|wait)\S+)?? {_BREATHE}\b"
        r"(?! through (?:it|my nose|his nose|her nose|the nose|your nose))",
        r"\b(?:not|isn't|aren't|wasn't|stopped|stop|stops|has stopped|not really|hardly|barely) breathing\b"
        r"(?! (?:exercises?|techniques?|through))",
        rf"\b{CANT}(?: \S+)?? (?:get|getting) (?:enough |any |a |my |his |her )?(?:air|oxygen|breath)\b",
        r"\b(?:barely|hardly|scarcely|only just|just about)(?: (?:able to|managing to|manage to|managed to|managing|"
        r"manage|managed|can|could|"
        r"get|getting|got|catching|catch|taking|take|drawing|draw|pulling|any|enough|a|my|his|her|in|to|some|air|"
        rf"breaths?))*? (?:breathe|breathing|breath|air|oxygen)\b{_EXERTION}",
        r"\b(?:breathing|breath|breaths)(?: (?:is|are|has|have|'s|been|now|just|really|so))* (?:barely|hardly|almost|"
        r"nearly|only just) (?:happening|there|going|coming|working|stopped|anything|moving|getting in)\b",
        r"\b(?:not getting|no|can't get|not enough) (?:enough |any )?(?:air|oxygen) (?:in|into|getting|going)\b"
        r"|\bnot getting (?:enough |any )?(?:air|oxygen)\b|\bair (?:won't|will not|isn't|is not|doesn't) "
        r"(?:go|going|get|getting) in\b",
        r"\bgasp(?:ing|s)?\b(?! (?:at|when|in (?:surprise|shock|horror)))|\bgasped for\b",
        r"\bsuffocat\w*|\bsmothering\b|\bair hunger\b|\bbreathing through a straw\b",
        r"\b(?:struggling|fighting|battling|gasping|desperate) for (?:air|breath)\b",
        r"\binhaler (?:isn't|is not|not|doesn't|does not|won't) (?:working|helping|help|work)\b|\basthma attack\b",
        r"\b(?:turning|turned|going|gone) (?:blue|purple) and (?:can't|not) breath",
    )),
    ("breathing", URGENT, _any(
        rf"\b(?:trouble|difficulty|difficulties|problems?|struggl\w*|hard time|labou?red|labou?ring|fighting|"
        rf"difficult|hard|issues?)(?: {_G}){{0,2}}? {_BREATHE}\b",
        r"\bbreathing (?:difficult\w*|problems?|troubles?|issues?|struggles?)\b",
        rf"\bshort(?:ness)?(?: of)? breathe?\b{_EXERTION}|\bsob\b(?= (?:and|since|after|now))",
        rf"\b(?:out of breath|breathless(?:ness)?|winded|puffed out)\b{_EXERTION}",
        rf"\bcatch (?:my|his|her|a) breath\b{_EXERTION}",
        r"\bwhee?z(?:e|es|ed|ing|y)\b|\bwhistl\w* (?:when|as) (?:i|he|she) breathe",
        rf"\b{CANT} take a (?:deep |full |proper |big )?breath\b",
        rf"\bbreathing{_F} (?:hard|difficult|tight|laboured|labored|heavy|shallow|fast|rapid|noisy|painful|wheezy|"
        r"ragged|rough|raspy|strained|a struggle|an effort|short|quick|laboured|restricted|difficult)\b",
        rf"\b(?:lungs?|airways?|windpipe){_F} (?:closing|tight|tightening|closed|burning|on fire|won't open|"
        r"collapsed|collapsing|shutting|shut|shut off|narrowing|constricting|constricted)\b",
    )),
    ("breathing", CHECK, _any(
        # breathless on exertion is only news when it is new: "lately", "since the jab"
        r"\b(?:short(?:ness)? of breath|out of breath|breathless\w*|puffed out|winded)\b(?=.*\b(?:lately|recently|"
        r"these days|more than (?:usual|before)|than (?:usual|before)|since (?:the|my|starting|i started|i began|"
        r"having)|"
        r"after (?:the|my|this) (?:jab|injection|shot|dose)|new)\b)",
        r"\b(?:lately|recently|these days)\b.* (?:short(?:ness)? of breath|out of breath|breathless\w*|puffed out)\b",
        rf"\bbreathing{_F} (?:weird|funny|strange|odd|off|different|not normal|not right|isn't right|unusual)\b",
        r"\b(?:not|isn't) breathing (?:right|normally|properly|well)\b",
        rf"\bbreathing{_F} (?:a bit |a little )?(?:heavier|faster)\b",
    )),
    ("choking", SEVERE, _any(
        r"\bchok(?:e|es|ing)\b(?! (?:hazard|chain|point|collar|up|back (?:tears|a sob)))",
        r"\bchoked on\b|\bchoking on\b",
        r"\bsomething (?:is )?(?:stuck|lodged) in (?:my|his|her|the) (?:throat|windpipe|airway)\b",
    )),
    ("blue_lips", SEVERE, _any(
        rf"\b(?:lips?|face|mouth|fingers?|fingertips|fingernails|nails|skin|tongue){gap(4)} {_COLOUR}\b"
        r"(?! (?:lipstick|lip gloss|gloss|paint|ink|dye|pen|tablets?|pills?|box|light|badge|tooth))",
        rf"\b{_COLOUR} (?:lips|tinge|around (?:the|his|her|my) (?:lips|mouth))\b",
        rf"\b{_COLOUR}(?:ish)?(?: colou?r| tinge| tint| shade| hue| look)? (?:around|round|about|on|at|to|in) "
        r"(?:the|his|her|my|their|your) (?:lips|mouth|face|fingers|fingertips|fingernails|nails|nose)\b",
        rf"\b{_PERSON} (?:is |'s |are |has |have )?(?:turning|turned|gone|going|went|looks?|looking)"
        rf" (?:(?:a|an|bit|little|really|very|all|funny|strange|weird|horrible|slightly|kind of|sort of) )*{_COLOUR}\b",
        r"\b(?:turning|turned) (?:blue|purple)\b",
    )),
    ("swelling", SEVERE, _any(
        rf"\bthroat{_F} (?:closing|closed|close up|closes|tightening|narrowing|swelling|swollen|swelled|swells|"
        r"constricting|constricted|shutting)\b",
        rf"\btongue{_F} (?:swell\w*|swollen|thick|huge|too big|big|fat|puff\w*|enormous)\b",
        r"\b(?:swell\w*|swollen) (?:up )?(?:of |in |around )?(?:my |his |her |the )?(?:throat|tongue)\b",
        r"\b(?:eyes?|eyelids?|face) (?:is |are |have |has )?(?:swelling|swollen|swelled) (?:shut|closed)\b",
        r"\bangio ?o?edema\b",
        r"\b(?:squeez\w*|strangl\w*|pressing on|pushing on|closing|crushing|gripping) (?:my|his|her|the) throat\b",
        r"\b(?:swell\w*|swollen|puffed|puffing|blown|blowing) up (?:all over|everywhere|like a balloon)\b",
    )),
    ("swelling", URGENT, _any(
        rf"\b{FACE}(?: {_FILL}| {FACE}| and| numb| tingly| tingling| itchy| red| hot| sore)*? (?:swell\w*|swollen|"
        rf"puff\w*|bloat\w*|blown up|ballooned|ballooning|"
        r"blowing up|blew up|"
        r"fat|huge|double the size|twice the size|enormous|massive)\b",
        rf"\b(?:swell\w*|swollen|puffy|puffed up|puffing up|puffiness)(?: (?:up|of|in|around|on|to|my|the|his|her|"
        rf"their|both|and|whole|entire|lips?|face))*? (?:{FACE}|eyes?|eyelids?)\b",
        rf"\b(?:eyes?|eyelids?){_F} (?:swell\w*|swollen)\b",
        rf"\bthroat{_F}(?: \S+)?? (?:tight|tighter|tightness|closing|tighten\w*)\b|\bthroat (?:is |"
        rf"feels )?(?:getting )?(?:narrow|smaller|constrict\w*)\b",
        r"\b(?:tight|tightening|closing|narrowing|constricted|swelling) throat\b",
        rf"\b(?:{CANT}|trouble|difficulty|hard to|problems?|difficult to) swallow\w*\b(?! (?:tablets?|pills?|capsules?|"
        r"them|medication|medicine|the tablets|big|large|things whole))",
    )),
    ("swelling", CHECK, _any(
        rf"\b(?:lips?|mouth|tongue|throat|face){_F} (?:tingl\w*|itch\w*|numb|funny|weird|strange|odd|scratchy|"
        r"prickl\w*|fuzzy|burning|thick|full|fizzy|different)\b",
        r"\b(?:hurts?|painful|sore) (?:when i|to) swallow\b",
    )),
    ("allergic_rash", SEVERE, _any(
        r"\bana(?:ph|f)(?:y|i|a)?la\w*|\banaphyla\w*|\bana?phylactic\b",
        r"\b(?:(?:use|used|using|had to use|have used|gave|given|give|giving|jab|jabbed|jabbing|inject|injected|did|"
        r"done|stab|stabbed|administered|fired)(?: him| her| me| myself| himself| herself| them)?(?: with)? (?:my|his|"
        r"her|their|an|the|our|your)|(?:need|needed|needs|get|grab|where is|"
        r"where's) (?:my|his|her|their|our)) (?:epi ?pens?|adrenaline (?:pen|auto ?injector|shot|injection)s?|jext|"
        r"emerade|auto ?injectors?)\b",
    )),
    ("allergic_rash", URGENT, _any(
        r"\bhives\b|\bwelts\b|\burticaria\b",
        r"\ballergic (?:reaction|response|shock|attack)\b|\b(?:severe|bad|serious|big|major|strong|nasty|horrible|"
        r"awful|massive|huge|terrible) (?:allergic )?reaction\b",
        r"\b(?:having|getting|going into|i'm in|in the middle of) (?:a |an )?(?:allergic )?reaction\b",
        r"\breact(?:ing|ed) (?:badly|really badly) (?:to|after)\b"
        r"|\breacting to (?:the|my|this) (?:jab|injection|shot)\b",
        r"\b(?:severe|widespread|blistering|blistered|spreading|awful|terrible|massive|huge|weeping|peeling|purple|"
        r"horrible|angry|bad|raised|itchy|red|bumpy|lumpy)(?: \S+){0,2}? rash\b",
        r"\brash\b(?: (?:is|has|and|it's|keeps))? (?:all over|everywhere|spreading|spread|over my (?:whole )?body|"
        r"on my whole body|with blisters|that blisters|blistering|getting bigger)\b",
        r"(?<!small )(?<!little )(?<!tiny )(?<!mild )(?<!slight )(?<!faint )\brash\b(?: \S+){0,5}? (?:after|since|"
        r"from|following) (?:\S+ )?(?:\S+ )?(?:injection|shot|jab|dose|b12)\b",
        r"\b(?:after|since|following) (?:\S+ )?(?:\S+ )?(?:injection|shot|jab|dose|b12)\b(?: (?!small\b|little\b|"
        r"tiny\b|mild\b|slight\b)\S+){0,6}? rash\b",
        r"\bitch\w* all over\b|\bitch\w* everywhere\b|\bskin\b(?: \S+)? (?:is )?(?:blistering|peeling)\b",
        r"\b(?:whole|entire) body\b(?: \S+){0,4}? (?:red|itch\w*|rash|hives|blotch\w*|covered|burning|lumps|bumps|"
        r"welts|flushed)\b|\b(?:red|itchy|blotchy) (?:all over|from head to (?:toe|foot))\b",
        r"\b(?:blisters|blotch\w*|lumps|bumps|welts|red patches|spots) (?:all over|everywhere)\b",
        r"\b(?:come|came|coming|broke|broken|breaking|brought) out in (?:a |an )?(?:\S+ )?(?:rash|hives|lumps|"
        r"bumps|blotches|welts|spots)\b",
    )),
    ("allergic_rash", CHECK, _any(
        r"\b(?:face|skin|cheeks|neck|chest)(?: (?:is|are|feels?|felt|gone|went|has|all|really|very|so|quite|a|bit|"
        r"little|and|warm|hot|red))* (?:flushed|flushing|flushes|blotchy|red hot|hot and red|red and hot)\b"
        r"|\b(?:flushed|flushing|hot flush\w*|red and blotchy)\b(?=.*\b(?:since|after)\b)",
        r"\b(?:face|cheeks|skin)(?: (?:is|are|feels?|felt|gone|went|all|really|very|so|quite|a|bit|little))* (?:hot|"
        r"warm|"
        r"burning hot)\b(?=.*\b(?:since|after) (?:the|my|this|that|today's|having|getting) (?:jab|injection|shot|dose|"
        r"b12)\b)",
        r"\brash(?:es)?\b|\bitch(?:y|ing|es)?\b|\bskin (?:is |feels )?(?:hot|blotchy|burning|red and)\b",
    )),
    ("seizure", SEVERE, _any(
        r"\bseizures?\b|\bseizing\b(?! (?:the|an?|my|this|up))|\bconvuls\w*|\bepileptic (?:fit|seizure|attack)s?\b"
        r"|\bgrand mal\b",
        r"\b(?:having|had|has|have|another|keeps having|has had|just had)(?: a| an| some)?(?: (?:kind|sort|"
        r"type) of(?: a)?"
        r"| bit of a)?(?: epileptic| proper| full| massive| big| funny| strange| weird| little)? fits?\b"
        r"(?! (?:of|into|the|with|for|and))(?! in (?:with|my|his|her|their|around))",
        r"\b(?:body|arms?|legs?|limbs|head)(?: (?:is|are|keeps?|kept|started|starts|has|have|been|just|all|suddenly|"
        r"won't stop|'s))* (?:jerk\w*|convuls\w*|spasm\w*|thrash\w*|shaking (?:uncontrollably|violently|all over))\b",
        r"\b(?:jerk\w*|spasm\w*|thrash\w*)(?: \S+){0,3}? (?:and|but) (?:i|he|she|they) (?:can't|cannot|couldn't|"
        r"can not)"
        r" (?:stop|control)\b|\b(?:jerking|thrashing) (?:uncontrollably|violently|all over)\b",
        rf"\b{_PERSON} (?:is |'s |are |keeps |started |keeps on )?(?:fitting|jerking|twitching uncontrollably|"
        r"shaking uncontrollably|shaking all over|thrashing|convulsing)\b(?! (?:in|into|it|the|my|them|with))",
        r"\bshaking and (?:unresponsive|not responding|won't respond)\b|\beyes (?:have )?rolled back\b"
        r"|\bfoaming at the mouth\b",
    )),
    ("fainting", URGENT, _any(
        r"\b(?:fainted|fainting|faints|faintness|swooned|keeled over|lost consciousness|losing consciousness|"
        r"unconscious|unresponsive|not responding|isn't responding|is not responding|wasn't responding|won't respond|"
        r"not responsive|"
        r"(?<!side )(?<!side has )(?<!side is )(?<!arm )(?<!arm has )(?<!leg )(?<!leg has )"
        r"(?<!arms have )(?<!legs have )"
        r"(?:gone|went) floppy|won't wake up|can't wake (?:him|her|them|you)|out cold|"
        r"not waking up|hit the floor|dropped to the floor|fell to the floor|came (?:round|to) on the floor|won't come "
        r"(?:round|to)|not coming (?:round|to)|hasn't come (?:round|to)|isn't coming (?:round|to))\b",
        r"\b(?:blacking|passing|drifting|going|slipping|floating) in and out(?: of (?:it|consciousness))?\b",
        r"\b(?:everything|everything's|the world|my vision|my sight|my eyesight|my eyes|all)(?: (?:is|has|just|"
        r"suddenly|"
        r"keeps|went|kept))* (?:going|gone|went|goes|turning|turned|getting|fading) (?:dark|black|grey|gray|dim|"
        r"white|fuzzy|to black)\b(?!.*\b(?:power|lights?|electricity|bulbs?|screen|sky|sun|outside|blackout|"
        r"eclipse|tv|telly|phone)\b)",
        r"\b(?:woke|woken|waking|wake|came (?:round|to)|come (?:round|to)|coming (?:round|to)|found (?:myself|him|"
        r"her|them)(?: lying)?)(?: up)? (?:on|in) the (?:\S+ )?(?:floor|ground|pavement)\b",
        r"\bhow long (?:i|he|she|they) (?:was|were|had been|'d been|been) (?:out|unconscious|passed out|gone)\b",
        r"\b(?:dropped|went down|fell|keeled over|collapsed|crumpled|folded) like a (?:stone|sack|rock|tree|log|ton of "
        r"bricks|sack of potatoes)\b|\bhit the deck\b",
        r"\b(?:i|he|she|they|mum|dad|husband|wife|partner|son|daughter|nan|gran|grandad|turn and|dizzy and|faint and)"
        r"(?: just| then| suddenly| completely)? (?:went|go|goes|gone|going) (?:down|over)\b(?! (?:to|with|by|a|an|"
        r"the|stairs|well|badly|in (?:price|value|dose)|on (?:the|my|his|her|a|an)|for|into|and up|hill|ok|fine|there|"
        r"again|by))",
        r"\b(?:passed out|passing out|pass out|passes out|blacked out|blacking out|black out|blacks out)\b"
        r"(?! (?:the|my|all|those|these|some|your|his|her|leaflets?|forms?)\b)",
        r"\b(?:collapsed|collapsing|collapse)\b",
        r"\b(?:had|having|have|keep having|another|get|getting) (?:a |some )?blackouts?\b",
        r"\b(?:feel|feels|feeling|felt|going to|gonna|about to|nearly|almost|might|could|i|he|she|they|we|very|so|"
        r"really)(?: \S+){0,2}? (?<!a )faint\b(?! (?:mark|line|bruise|spot|smell|taste|trace|red|pink|sound|hope|"
        r"idea|chance|memory|glow|outline|scar))",
    )),
    ("fainting", CHECK, _any(
        r"\bdizz(?:y|iness)\b|\blight ?headed\w*|\bwoozy\b|\broom (?:is )?spinning\b|\bvertigo\b",
        r"\b(?:funny|dizzy|fainting|giddy|queer) (?:turn|spell|do)s?\b",
    )),
    ("sudden_weakness", SEVERE, _any(
        r"\b(?:having|had|think|might be|is having|signs of|having a|has had|just had|may be having|could be|"
        r"suffered) (?:a )?(?:mini[ -]?)?stroke\b|\bmini[ -]?stroke\b",
        r"\b(?:face|mouth|smile)(?: \S+)? (?:is |has |went |gone |is all |looks )?(?:droop\w*|dropped|lopsided|"
        r"fallen|sagging|crooked|slack|slumped|frozen|twisted)\b|\bdroop\w* (?:face|mouth|eyelid)\b",
        r"\bslurr\w*",
        r"\b(?:speech|words|sentences)(?: (?:is|are|has|have|keeps?|keep|gone|went|sounds?|sounding|coming|"
        r"come|comes|came|out|all|just|really|suddenly|started|starting|been|getting|going))* (?:slurred|garbled|"
        r"jumbled|muddled|mixed up|back to front|gibberish|all over the place)\b",
        # "my words came out wrong when I spoke to her" is an idiom: the vaguer words only in the present
        r"\b(?:speech|words|sentences)(?: (?:is|are|has|have|keeps?|keep|gone|sounds?|sounding|coming|come|comes|out|"
        r"all|just|really|suddenly|started|starting|been|getting|going))* (?:funny|weird|strange|wrong|not right|"
        r"wonky|odd)\b",
        rf"\b{CANT} (?:speak|talk)(?: properly| clearly| normally| straight)\b|\b{CANT} get (?:my|his|her|the) words "
        r"out\b",
        rf"\b{CANT} (?:move|use|lift|raise) (?:my|his|her|one) (?:\S+ )?(?:arm|arms|leg|legs|hand|side)\b",
        r"\bhalf (?:of )?(?:my|his|her|the) (?:face|body|mouth)(?: \S+){0,3}? (?:numb|droop\w*|weak|dead|paraly\w*|"
        r"dropped|fallen)\b",
        r"\b(?:weak(?:ness)?|numb(?:ness)?|droop\w*|paraly\w*|limp|dead|heavy)\b(?: \S+){0,3}? (?:one side|side of "
        r"(?:my|his|her) (?:face|body))\b",
        # one side of the body, face or mouth weak, numb or not moving
        r"\b(?:one|left|right|the left|the right) (?:hand )?side(?: of (?:my|his|her|the) (?:face|mouth|body|lips?|"
        r"head))?"
        r"(?: (?:is|has|have|feels?|felt|just|suddenly|gone|went|all|really|totally|completely|become|been|of|my|his|"
        r"her|face|mouth|body|now|'s))* (?:weak|numb|dead|droop\w*|heavy|floppy|paraly\w*|limp|useless|not working|"
        r"won't move|wont move|doesn't move|not moving|can't move|cannot move|isn't moving|won't work|sagging|"
        r"dropped|fallen)\b",
        rf"\b{CANT} smile (?:properly|straight|evenly|normally|on one side|with one side|any more on one side)\b",
        r"\b(?:face|mouth|smile|lips?) (?:won't|wont|doesn't|isn't|can't|will not|is not) (?:move|moving|work|working|"
        r"lift)\b(?: (?:on|at) (?:one|the left|the right) side)",
        r"\bweak(?:ness)?(?: \S+){0,2}? (?:on|in|down) (?:(?:my|his|her|the) )?(?:one|left|right) (?:side|arm|leg)\b",
        r"\bworst headache\b|\b(?:sudden|thunderclap) (?:severe |bad |splitting )?headache\b",
        r"\b(?:suddenly|sudden) (?:can't|cannot|lost|losing) (?:see|sight|vision|my vision|speak|talk)\b"
        r"|\bcan't see out of (?:one|my left|my right|his|her) eye\b|\blost (?:the )?(?:vision|sight) in\b",
        rf"\b{CANT} see (?:properly |clearly |anything )?(?:out of|with|from|in) (?:one|my|his|her|the)"
        r"(?: left| right)? "
        r"eye\b|\bblind in one eye\b|\b(?:vision|sight) (?:has )?(?:suddenly )?(?:gone|went) (?:dark|black|blurry)\b"
        r"|\bsudden(?:ly)? (?:double|blurred|blurry) vision\b",
    )),
    ("sudden_weakness", URGENT, _any(
        r"\bsudden(?:ly)?(?: \S+){0,3}? weak(?:ness|ened)?\b",
        r"\bweak(?:ness|ened)?(?: \S+){0,3}? (?:suddenly|all of a sudden|out of nowhere|out of the blue)\b",
        r"\b(?:arms?|legs?|hands?|foot|fingers) (?:won't|wont|isn't|doesn't|will not|can't|cannot|is not|are not|"
        r"aren't) "
        r"(?:work|working|move|moving|lift|grip|hold|respond)\b",
        r"\b(?:no |lost (?:all )?(?:the )?|losing (?:the |all )?)(?:strength|power|control) (?:in|of) (?:my|his|her|"
        r"one|the|"
        r"both|their) (?:\S+ )?(?:legs?|arms?|hands?|side|body|face)\b",
        rf"\b(?:{CANT}|and can't|and cannot) stand(?: up| properly| on (?:my|his|her) (?:own|legs|feet))?$",
        r"\b(?:arm|leg|legs|arms|hand|knees?)\b(?: \S+){0,2}? (?:went|gone|going|giving|gave|gives) (?:weak|limp|"
        r"dead|way|floppy)\b",
        rf"\b{CANT} (?:walk|stand up|stand on (?:my|his|her) (?:own|legs|feet)|get up|"
        r"move my legs)\b(?! (?:far|long|fast|very|as|much|the|to|early|in the|for|at|until|till|without))",
    )),
    ("sudden_weakness", CHECK, _any(
        r"\b(?:hands?|arms?|legs?|knees?|feet|foot|fingers|grip)(?: (?:is|are|feel|feels|felt|feeling|seem|seems|gone|"
        r"going|a|bit|little|really|very|so|quite|all|kind|of|sort|rather|slightly|been|have|has|got|just))* (?:weak|"
        r"wobbly|jelly|like jelly|shaky|unsteady|clumsy|heavy|not right|funny|weird|useless|giving way)\b"
        r"(?! (?:and tired|and achy|from|after (?:running|walking|the gym|exercise)))",
        r"\b(?:weak|wobbly|shaky|unsteady|like jelly|heavy)(?: \S+){0,2}? (?:on|in) (?:my|his|her|their|both) (?:legs|"
        r"feet|pins|arms|hands|knees)\b"
        r"(?! (?:from|after (?:running|walking|the gym|exercise|a run|a walk)|because))",
    )),
    ("confusion", CHECK, _any(
        r"\b(?:i'm|i am|i feel|i felt|i've been|feeling|feel|felt|been|(?:he|she|they|mum|dad|husband|wife|partner|"
        r"son|daughter|nan|gran|grandad|grandma)(?:'s| is| seems| looks| feels| seemed| looked| felt|'s been|"
        r" has been))"
        r"(?: (?:a bit|a little|bit|little|so|really|very|quite|kind of|sort of|all|rather|"
        r"slightly|totally|completely|a))* (?:confused(?=.*\b(?:today|this (?:morning|afternoon|evening)|tonight|"
        r"since|after|lately|recently|all day|at the moment|right now|b12|jab|injection|shot|suddenly)\b)|muddled|"
        r"befuddled|spaced out|spacey|spacy|out of it|not with it|"
        r"dazed|in a daze|not all there|discombobulated|fuzzy in the head|fuzzy headed|woolly headed|muzzy)\b"
        + _NOT_ABOUT + r"(?! (?:over|by|with|at|on|about))",
    )),
    ("confusion", URGENT, _any(
        rf"\b(?:sudden(?:ly)?|all of a sudden|out of nowhere|severe(?:ly)?|new|acute(?:ly)?|very)(?: \S+){{0,2}}? "
        rf"(?:confus\w*|disorient\w*){_NOT_ABOUT}",
        r"\b(?:disoriented|disorientated|delirious|incoherent)\b",
        rf"\b(?:he|she|they|he's|she's|they're|(?:mum|dad|husband|wife|partner|father|mother|grandma|gran|grandad|"
        rf"nan|nana|granny|grandpa|son|daughter|brother|sister)(?:'s)?)(?: \S+)?(?: (?:is|seems|got|became|has become|"
        rf"went|getting|s))?(?: \S+)? (?:confused|disoriented|muddled){_NOT_ABOUT}",
        rf"\b(?:he|she|they|he's|she's|(?:mum|dad|husband|wife|partner|father|mother|grandma|gran|grandad|nan|nana|"
        rf"granny|grandpa|son|daughter|brother|sister)(?:'s)?){_F} (?:confused|disoriented|muddled){_NOT_ABOUT}",
        rf"\b(?:confus|muddl|disorient|befuddl)\w*(?: \S+){{0,2}}? (?:suddenly|all of a sudden|out of nowhere|"
        rf"out of the blue){_NOT_ABOUT}",
        rf"\b(?:i've|i have|he's|she's|has|have) (?:gone|become|got|turned)(?: really| very| so| all| suddenly|"
        rf" quite)* "
        rf"(?:confused|disoriented|muddled|vague){_NOT_ABOUT}",
        rf"\b{CANT} remember (?:how (?:i|he|she|we|they) got (?:here|there)|where (?:i am|i was|he is|she is|we are)|"
        r"who (?:i am|he is|she is|anyone is|we are)|my (?:own )?name|(?:his|her) (?:own )?name)\b",
        r"\bconfus\w* and (?:dizzy|drowsy|weak|slurr\w*|disoriented|unsteady|sleepy|can't|cannot)\b",
        r"\b(?:drowsy|sleepy|dizzy|weak|groggy|vague) and (?:confused|disoriented|muddled|not with it)\b",
        r"\b(?:feel|feeling|felt|and is|and seems|and became|and got) (?:really |very |so |all |suddenly )?"
        rf"(?:confused|muddled|disoriented){_NOT_ABOUT}",
        rf"\b{CANT} think(?: (?:straight|clearly|properly|at all)\b|$)",
        r"\b(?:(?:don't|doesn't|didn't|can't|cannot|couldn't) (?:know|recogni[sz]e|tell)|(?:has|have|had|got|with) no "
        r"(?:idea|clue)(?: of)?|not knowing|no longer knows?) (?:where (?:i am|she is|he is|they "
        r"are|we are)(?! (?:in|with|on)\b)|who (?:i am|she is|he is|anyone is|anybody is|we are|they are|you are|"
        r"people are|i was|she was|he was|her own \S+ is|his own \S+ is|(?:her|his) (?:family|kids|children) are)|me|"
        r"her|him|us|anyone|anybody|her family|his family|her own \S+|his own \S+|what day it is|what year it is)\b",
        r"\b(?:he|she|they|he's|she's|they're|mum|dad|husband|wife|partner|is|s|and|nan|gran|grandad|grandma) (?:is |"
        r"keeps |"
        r"started |just |)?(?:talking|speaking|saying|spouting|babbling) (?:nonsense|gibberish|jibberish|rubbish|"
        r"random words|things that don't make sense)\b|\b(?:he|she|they|he's|she's|they're|mum|dad|husband|wife|"
        r"partner|nan|gran|grandad|grandma|is|isn't|s) (?:not )?making (?:any |no )?sense\b",
    )),
    ("severe_numbness", URGENT, _any(
        rf"\b{CANT} feel (?:my|his|her|the) (?:\S+ )?(?:legs?|feet|foot|face|arms?|hands?|toes|fingers|body|side)\b",
        r"\b(?:no |lost (?:all )?(?:the )?|losing (?:the )?)feeling (?:at all )?in (?:my|his|her|the|both) (?:\S+ )?"
        r"(?:legs?|feet|foot|face|arms?|hands?|side|body)\b",
        r"\b(?:severe(?:ly)?|sudden(?:ly)?|complete(?:ly)?|total(?:ly)?|intense|extreme|extremely)(?: \S+){0,3}? "
        r"(?:numb\w*|pins and needles|no feeling)\b",
        r"\b(?:numb\w*|pins and needles)(?: \S+){0,4}? (?:much worse|a lot worse|way worse|far worse|so much worse|"
        r"worse and worse|spreading (?:fast|quickly|rapidly)|all over|everywhere|rapidly|very quickly)\b",
        r"\b(?:whole|entire|both) (?:leg|legs|arm|arms|body|side|feet)(?: \S+){0,2}? (?:numb|dead)\b",
        r"\bnumb\w*(?: \S+){0,3}? (?:and|so) (?:i )?(?:can't|cannot) (?:walk|stand|move)\b",
    )),
    ("irregular_heartbeat", URGENT, _any(
        r"\bpalpitat\w*|\barrhythmi\w*",
        r"\b(?:heart|ticker|heartbeat|heart beat|heart rate|pulse)(?:'s)?(?: (?:is|keeps|has been|was|feels|feel|felt|"
        r"started|starts|suddenly|really|so|very|going|been|all|now|just|keep|s|to|seems|seem|seemed|be|like it's|a|"
        r"bit|little|doing|lot|of))*? (?:racing|races|raced|race|pounding|"
        r"pounds|"
        r"pound|flutter|skip|thump|like the clappers|"
        r"fluttering|flutters|skipping|skips|irregular|erratic|jumping|thumping|thudding|flipping|banging|hammering|"
        r"all over the place|going crazy|going mad|out of rhythm|missing beats|beating (?:really |so |very )?(?:fast|"
        r"hard|oddly|strangely|irregularly|out of my chest|like mad|like crazy)|going (?:really |so |very )?fast|"
        r"through the roof|over \d+|\d{3})\b",
        r"\b(?:racing|pounding|irregular|fluttering|erratic|skipping|rapid|abnormal|uneven|thumping|fast|banging) "
        r"(?:heart|heartbeat|heart beat|heart rate|pulse)\b",
        r"\bskipp\w* (?:a )?beats?\b",
    )),
    ("irregular_heartbeat", CHECK, _any(
        r"\bheart(?: (?:is|feels|feel|felt|keeps|doing|beating|beat|rhythm|rate))*? (?:funny|weird|strange|odd|"
        r"off|fluttery|flutter|not right|wrong|funny things)\b",
    )),
    ("unwell", CHECK, _any(
        r"\b(?:feel|feeling|felt|feels|i'm|i am|he's|she's|he is|she is|been|seems?)(?: (?:a bit|a little|bit|little|"
        r"really|very|so|quite|kind of|sort of|all|rather|slightly|not|just|generally))* (?:unwell|ill|strange|weird|"
        r"odd|"
        r"off|awful|terrible|horrible|rough|poorly|funny|not right|not myself|not himself|not herself|not quite right|"
        r"out of sorts|peculiar|wrong|wiped out|spaced out)\b(?: \S+){0,3}? (?:after|since|following) (?:the|my|his|"
        r"her|"
        r"this|that|it|today's|last|their|having|getting)\b",
        r"\b(?:feel|feeling|felt|i'm|i am) (?:really|very|so|extremely|terribly) (?:unwell|ill|strange|weird|odd|off|"
        r"awful|terrible|horrible|rough|poorly)\b(?: \S+)? (?:after|since) (?:the|my|this|today's|that|it)\b",
    )),
)

CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(category for category, _, _ in LEXICON if category != "unwell"))
