"""The ConText triggers the red-flag judge uses (Harkema et al. 2009): which words around a symptom deny it, date
it, end it, make it hypothetical, a general question, figurative, mild, habitual, or someone else's.

Each `pre` trigger reaches forwards to the symptom over at most a few words and stops at a terminator; each
`post` trigger reaches backwards the same way. Pseudo-triggers (PSEUDO) look like triggers but are not, and are
masked before any trigger is looked for.
"""

from __future__ import annotations

import re


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def words(*alternatives: str) -> re.Pattern[str]:
    """Any of the alternatives as whole words."""
    return rx(r"\b(?:" + "|".join(alternatives) + r")\b")


def pre(triggers: str, window: int, terminators: str) -> re.Pattern[str]:
    """A trigger followed by at most `window` words, none a terminator, up to the mention (end of `before`)."""
    return rx(rf"(?:^|\s)(?:{triggers})\b((?: (?!(?:{terminators})\b)\S+){{0,{window}}}) ?$")


def post(triggers: str, window: int, terminators: str) -> re.Pattern[str]:
    """At most `window` words, none a terminator, after the mention and then a trigger."""
    return rx(rf"^(?: (?!(?:{terminators})\b)\S+){{0,{window}}} (?:{triggers})\b")



# Look like negations but do not deny a symptom: masked before any trigger is looked for.
PSEUDO = rx(
    r"\b(?:not (?:sure|certain|too sure|only|just|ok|okay|well|good|great|right|normal|fine|joking|kidding|lying|"
    r"exaggerating|again|a drill|a joke|stopping|improving|easing|settling|helping|any better|much better|"
    r"getting better|going away|gone|feeling (?:well|right|good|great|ok|okay|myself|normal))|no(?: no)+|"
    r"no (?:idea|doubt|"
    r"wonder|joke|one|better|relief|way|time)|nobody|nothing (?:helps|is helping|works|is working)|(?:don't|doesn't|"
    r"didn't) (?:know|feel (?:well|right|good|great|ok|okay|myself|normal)|stop|go away|get better|seem to stop|"
    r"care|understand|like)|(?:can't|cannot|couldn't|won't|hasn't|haven't|isn't|wasn't) (?:stop|stopped|tell|say|"
    r"be sure|get rid of|go away|gone|going away|settle|getting better|wait|believe|cope|calm down|help it)|"
    r"never (?:had|felt|been|experienced|seen)(?: \S+){0,5}? (?:like this|this bad|so bad|as bad|this badly|"
    r"anything like it)|never (?:felt|been|had) (?:so|this|such))\b"
)
NEG_TERMS = (
    r"but|and|now|except|apart|besides|other than|i|i'm|i've|i'd|suddenly|then|until|though|although|still|which|"
    r"who|because|as|today|tonight|yet|however|whereas|currently|instead|though|just|only|actually|really bad"
)
NEGATION = pre(
    r"no|not|never|without|none|nor|neither|denies|denied|deny|zero|nothing|free of|isn't|aren't|wasn't|weren't|"
    r"don't|doesn't|didn't|haven't|hasn't|hadn't|won't|no signs? of|absence of|ruled out|no more|no longer|"
    r"nothing like|nothing wrong with",
    6, NEG_TERMS,
)
NEGATION_AFTER = post(r"free|none|absent|negative|ruled out|not an issue|not a problem", 2, NEG_TERMS)
DENIAL_TAIL = rx(r"^(?:no|nope|none|nah|not really|not at all|neither|never|no none|no not at all|not that|"
                 r"(?:i )?(?:said )?no to (?:all|any|everything|each)(?: of (?:them|those|it|that|these))?|"
                 r"none of (?:them|those|that|it|these)|"
                 r"(?:but |well |ok )?not literally|only joking|just joking|jk|only kidding|just kidding)$")

HIST_TRIGGERS = (
    r"used to|in the past|previously|back in|back when|as an? (?:child|kid|teenager|teen|baby|youngster|toddler|"
    r"infant|newborn|boy|girl|little (?:one|boy|girl)|young (?:child|kid|boy|girl|man|woman|adult|mum)|student|"
    r"schoolgirl|schoolboy|teenage \S+)|in (?:my |his |her |their )?(?:childhood|infancy|school days|student days)|"
    r"growing up|at (?:primary|secondary|high|junior) school|at (?:the age of|age) \d+|aged \d+|decades ago|"
    r"when (?:i|he|she) was (?:really |very |so |first )?(?:anaemic|anemic|ill|poorly|sick|pregnant|younger|"
    r"diagnosed|deficient|at my worst)|when (?:i|he|she) was (?:a )?(?:toddler|infant|boy|girl|student|teen|at uni|"
    r"at university|in school|in my teens)|"
    r"before (?:being |getting |i got |i was |he was |she was )?(?:first )?diagnos\w*|before (?:my |the |his |her )?"
    r"(?:diagnosis|treatment)|prior to (?:being |getting )?(?:my |the |his |her )?(?:diagnos\w*|treat\w*|injections|"
    r"b12)|pre ?diagnosis|"
    r"until (?:i|he|she) was diagnosed|before i knew|there was a time|died (?:of|from)|passed away (?:of|from|after)|"
    r"in the (?:'?[5-9]0s|nineties|eighties|seventies|sixties)|"
    r"when (?:i|he|she) was (?:young|younger|little|small|a kid|a child|a baby|a teenager|pregnant|diagnosed|"
    r"first diagnosed|ill|at school|in hospital|anaemic|anemic|deficient|first|\d+)|"
    r"before (?:i|we|he|she) (?:was|were|got) (?:first )?diagnosed|before (?:my|the|his|her) diagnosis|"
    r"before (?:i|we|he|she) (?:started|began|had|got)(?: on)?(?: the| my)? (?:injections?|jabs?|shots?|treatment|"
    r"b12)|before (?:starting|treatment|the injections|b12)|history of|i once|once had|(?<!since )last (?:year|month|"
    r"summer|winter|spring|autumn|fall|christmas|easter|time)|(?<!since )last week|in (?:19|20)\d\d|"
    r"(?:i|he|she|they|we) (?:once )?had (?:a|an) (?:bad |severe |allergic |serious |nasty )?reaction|"
    r"(?:\d+|a few|few|several|many|two|three|four|five|ten|couple of|a couple of) (?:years|months|weeks) "
    r"(?:ago|back|before)|years ago|ages ago|a while (?:ago|back)|long ago|a long time ago|at the start|at first|"
    r"initially|originally|when i (?:started|first)|the first time|years back|diagnosed with|once before|"
    r"once(?! (?:a|every|per|or|weekly|monthly|daily|i|you|it|the))|in my (?:teens|twenties|thirties|youth)|"
    r"during (?:my |her )?pregnancy|as a young|when i had my first|at my first|"
    r"when (?:i|he|she) was (?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty)|(?:at|over) (?:christmas|easter|new year)|in (?:january|february|"
    r"march|april|june|july|august|september|october|november|december)(?! next)"
)
HIST_TERMS = r"now|but|today|currently|right now|again|still|this morning|tonight|these days|since|lately|recently"
HISTORICAL = pre(HIST_TRIGGERS, 10, HIST_TERMS)
HISTORICAL_AFTER = post(HIST_TRIGGERS, 8, HIST_TERMS)

# "it's gone", "gone now": over; "gone stiff", "gone hoarse": a change, not an ending
_GONE = r"gone(?= *$| (?:now|away|completely|totally|thank\w*|since|by|after|overnight|within|in|and|but|so|again|" \
        r"already|off|down)\b)"
RESOLVED_AFTER = post(
    rf"(?:has |have |had |is |'s |it's |it has |then |they've |it )?(?:{_GONE}|went away|goes away|disappeared|"
    rf"resolved|settled|cleared|passed(?! out)|eased|"
    r"worn off|wore off|subsided|calmed down|died down|gone down|went down(?! (?:my|his|her|the|into|to))|"
    r"better now|fine now|ok now|okay now|over now|all gone|not anymore|anymore|any more|improved|has stopped|"
    r"stopped(?! breathing)|fine|ok|okay|alright|all right)",
    6, r"but|and now|now i|again|still",
)
RESOLVED_TAIL = rx(
    r"^(?:but |and |then |thankfully |luckily )?(?:(?:it|that|this|which|they|both|all|he|she|i|i'm|he's|she's|it's)"
    r"(?:'s| is| was| has| am|"
    rf" have| had| went| seems| seemed)? )?(?:(?:all |now |since |completely |totally )?(?:{_GONE}|went away|passed|"
    r"settled|cleared|resolved|stopped|disappeared|eased|subsided|better|fine|ok|okay|alright|over)(?! (?:this "
    r"morning|earlier|yesterday|before|until|till|last night|at (?:lunch|breakfast|dinner|\d))\b)|"
    r"(?:was |were )?(?:about |around |roughly |nearly |over |some |a good |a few |many |\w+ )?(?:years|months|"
    r"weeks|ages|a while|long) (?:ago|back)|(?:was |were )?(?:last (?:year|month|week|time)|"
    r"before (?:i|my)|when i was|as a child|back in|in (?:19|20)\d\d|a long time ago))"
)

# A hypothetical or conditional frame: the symptom is not happening (unless the message also says it is).
HYPO_TERMS = r"but|however|now|right now|actually|currently|because|anyway|although|and now"
COND_TRIGGERS = (
    r"what if|(?<!as )(?<!know )(?<!sure )(?<!wonder )(?<!wondering )(?<!ask )(?<!asking )(?<!check )(?<!tell )"
    r"(?<!unsure )(?<!idea )(?<!certain )(?<!see )(?<!like )if(?! (?:this|it|that)(?:'s| is| could| might| feels)|"
    r" i'm having| i am having| these are| what i'm)|in case|incase|in the event|suppose|supposing|imagine|"
    r"hypothetically|unless|say (?:i|he|she|we|they)|(?:worried|scared|afraid|frightened|nervous|anxious|concerned|"
    r"terrified|paranoid) (?:that "
    r")?(?:i|she|he|they|we|it|mum|dad) (?:could|might|will|would|may|'ll)|should (?:i|you|he|she) (?:ever )?(?:get|"
    r"have|develop|experience|notice|start)|"
    r"what (?:should|do|would|will|can|could) (?:i|we|you) do (?:if|when|about)|what happens (?:if|when)|"
    r"what to do (?:if|when|about)|when (?:should|do|would) (?:i|we|you) (?:call|worry|go|seek|ring|phone)|"
    r"who (?:do|should) (?:i|we) (?:call|ring|contact)|(?<!how )would (?:i|it|that|this|b12)(?! be)|(?<!how )will "
    r"(?:i|it|b12|this|"
    r"that|the (?:jab|injection|shot))|am i (?:likely|going|gonna) to|is it possible|(?<!how )might (?:i|it)(?! be)|"
    r"(?<!how )could (?:i|it|this|b12)(?! be)|(?:is|are|will) (?:it|this|that|b12|they|these|the (?:jab|injection|shot|"
    r"injections|jabs|shots|b12)) (?:going|gonna|likely|liable) to(?: \S+){0,2}? (?:make|give|cause|trigger|bring)|"
    r"you (?:can|could|may|might|will|would) (?:get|have|feel|develop)"
    r"|worried (?:about|that|i'll|i will|i might|it will|it might|i'd)|worry (?:about|that|i'll)|afraid (?:of|that|"
    r"i'll|i will|i might)|scared (?:of|that|i'll|i will|i might|it will|it'll|i'd)|frightened (?:of|that)|"
    r"terrified (?:of|that)|nervous (?:about|that|i'll)|anxious (?:about|that)|fear of|phobia of|risk of|risks of|"
    r"chances? of|likelihood of|possibility of|prevent|avoid|(?:i'll|i will|it'll|i'd|i would) (?:probably |"
    r"definitely |just )?(?:get|have|end up)|hope (?:i|it) (?:don't|doesn't|won't)|"
    r"(?:will|would|might|may) (?:it|b12|this|these|the (?:jab|injection|shot|medicine)|injections?|jabs?|"
    r"shots?)(?: \S+){0,2}? (?:make|give)|make (?:you|me|people|someone)"
)
CONDITIONAL = pre(COND_TRIGGERS, 8, HYPO_TERMS)
# "could my lips swell from it?": a modal and a body part that might change, asked about the future
MODAL_FUTURE = rx(
    r"(?<!how )\b(?:could|would|will|might|may|can) (?:my|his|her|your|the|our) (?:\S+ ){1,2}?(?:swell|get|go|turn|"
    r"become|start|close|react|break out|puff up|blow up|tighten)\b"
)
# A question about symptoms in general: not happening, unless the patient says it is theirs.
GENERAL_TRIGGERS = (
    r"(?:can|could|do|does|will|would|might|may) (?:you|people|anyone(?! else)|someone|patients|b12|it|the (?:jab|"
    r"injection|shot|medicine|b12|injections|jabs|shots)|this|these|injections?|jabs?|shots?|hydroxocobalamin|"
    r"cyanocobalamin|cobalamin|vitamin b12|b12 (?:injections?|jabs?|shots?)|too much b12|(?:a|an|any|one|my) "
    r"(?:\S+ )?(?:injection|jab|shot|dose|ampoule)s?(?: like (?:this|that|mine))?)(?: \S+){0,2}? (?:get|"
    r"cause|give|trigger|lead to|result in|bring on|produce|make)|why (?:would|might|could)|how (?:quickly|fast|soon)|"
    r"what (?:does|do|would|did) (?:a|an|the)?|what are(?: the)?|what(?:'s| is| exactly is)(?: an?)?(?=\s?$)|"
    r"signs of|symptoms of|signs and symptoms|warning signs?|watch (?:out )?for|look out for|keep an eye out for|"
    r"how (?:do|would|can|will|could|should) (?:i|you|we|someone|people) (?:know|tell|recognise|recognize|spot|"
    r"identify)|how (?:common|likely|often|rare|serious|dangerous)|how long (?:after|until|before)|is it (?:common|"
    r"usual|rare|possible|likely)|"
    r"do (?:people|patients|many|most|some)|does anyone(?! else)|have you heard of|tell me about|"
    r"information (?:on|about)|(?:give|gives|cause|causes) (?:you|people|patients|some people) |(?:will|would|do|does|"
    r"can|could|should) (?:the |these |my |b12 )?(?:\S+ )?(?:jabs?|"
    r"injections?|shots?|b12|it|they) (?:help|fix|improve|cure|sort out|ease|reverse)|"
    r"explain|definition of|meaning of|difference between|what counts as|what causes|the leaflet|leaflet|"
    r"is it true(?: that)?|(?:essay|assignment|dissertation|project|coursework|presentation|article|poster) "
    r"(?:on|about)|"
    r"for my (?:nursing |medical |biology |pharmacy |science )?(?:course|degree|class|exam|module|homework)|"
    r"side effects?|(?:can|may|might|could) cause|causes|listed|i (?:read|heard|saw|have read|'ve read|was "
    r"reading)|(?:read|heard) (?:that|about|online)|"
    # "is there any link between b12 and seizures", "any reason b12 would bring the fainting back", "does low b12
    # have anything to do with chest pain", "it says to get urgent help for breathing trouble", "anything I can do
    # to stop feeling faint"
    r"(?:any|a) (?:link|connection|relationship) between|any reason (?:why )?(?:\S+ ){0,2}?(?:would|might|could|"
    r"should)|(?:have|has) (?:anything|something) to do with|(?:says|said|say|told (?:me|us|you)) (?:to )?(?:get|seek|"
    r"call|ring)|(?:to|can i|anything i can do to|help (?:me )?) stop (?:me |myself |her |him )?(?:from )?(?:feeling|"
    r"getting|going|being)"
)
GENERAL = pre(GENERAL_TRIGGERS, 8, HYPO_TERMS)
ANY_QUESTION_FRAME = rx(rf"(?:^|\s)(?:{COND_TRIGGERS}|{GENERAL_TRIGGERS})\b")
GENERAL_AFTER = post(
    r"look like|looks like|(?<!\bi )(?<!\bi really )feel like|mean|a side effect|side effects?|"
    r"a common side effect|a known side effect|"
    r"common|rare|an emergency|serious|dangerous|normal after|possible|a sign|a symptom|a warning sign|listed|"
    r"a reason (?:to|"
    r"for|not to)|reason to|grounds for|"
    r"an excuse (?:to|for)|a problem for (?:b12|the injections?|my injections?)|"
    # "would the hives have been an early sign", "is chest pain something I should look out for?"
    r"(?:an? )?(?:early |first )sign|something (?:i|we|you) (?:should|need to|have to|must) (?:look out|watch out|"
    r"watch|keep an eye out) for|something to (?:look out|watch out|watch) for|(?:from|due to|caused by) (?:the |my |"
    r"his |her )?(?:lungs?|copd|asthma|anxiety)\b|(?:still )?be (?:from|due to|caused by|because of|related to)\b",
    5, HYPO_TERMS,
)
# "is it normal to ...": may be a report, so a check question.
NORMAL_QUESTION = pre(
    r"is (?:it|this|that) (?:normal|ok|okay|common|usual|expected|bad|dangerous|serious|safe) (?:to|for|if|when)|"
    r"normal to (?:have|get|feel|be)|should i (?:be )?(?:worried|concerned) (?:about|if|that|by)|do i need to worry|"
    r"anything to worry about|does anyone else|anyone else (?:get|had|have)",
    8, HYPO_TERMS,
)
# The patient says it is happening to them (so a general question becomes a check or a report).
OWN_REPORT = rx(
    r"\b(?:i have|i've got|i'm having|i am having|i've been having|i keep getting|i'm getting|i got|right now|at the "
    r"moment|currently|already|i've had|i've been getting)\b"
)
# "like this", "this rash": the patient points at something they have.
DEICTIC = rx(
    r"\b(?:(?<!jab )(?<!injection )(?<!shot )(?<!one )(?:like this|like that)|this (?:rash|pain|swelling|feeling|"
    r"tightness|wheez\w*|itch\w*|reaction)|these "
    r"(?:spots|hives|bumps|symptoms|palpitations)|right now|at the moment)\b"
)
# Inside a conditional, a present report: "what if I'm having a reaction?"
PRESENT_INSIDE = words("i'm having", "i am having", "this is", "it's", "i'm in", "i'm getting", "be having",
                       "be getting")
FIRST_PERSON = words("i", "i'm", "i've", "me", "my", "mine", "myself")

FIGURATIVE = rx(
    r"\b(?:(?:nearly|almost|practically) (?:fainted|died|passed out|collapsed|choked)(?: \S+){0,2}? (?:when|at|seeing|"
    r"over) (?:i saw |seeing |the )?(?:the )?(?:price|bill|cost|letter|total|queue|news)|giv(?:e|es|ing) (?:me|him|"
    r"her|us) a heart attack|gave (?:me|him|her|us) a heart attack|(?:nearly|almost|"
    r"practically|about to|going to|gonna) (?:had|have|having) a heart attack|heart attack (?:on a plate|waiting to "
    r"happen|when|at)|took my breath away|breath ?taking|breath of fresh air|under my breath|save your breath|bated "
    r"breath|(?:breath|breathe|breathing|wheez\w*|choking|dying|collapsed)(?: \S+){0,2}? (?:laughing|with laughter|"
    r"from "
    r"laughing)|dying (?:to|for|of laughter|of boredom)|choked up|chok(?:e|ing) "
    r"on (?:all )?(?:the|these|those|this|my) (?:prices?|costs?|bills?|forms?|paperwork|admin|emails?|work|red tape|"
    r"letters?|jargon)|fit of (?:the )?(?:laughter|giggles|coughing|rage|temper|"
    r"pique|jealousy|sneezing|anger)|(?:throw|threw|throwing|pitch|pitched|have|had|having|has) a (?:hissy )?fit "
    r"(?:when|if|about|over|at)|(?:will|'ll|would|'d|gonna|going to) (?:have|throw) a fit|hissy fit|keep fit|"
    r"fit and (?:well|healthy)|heart (?:skipped|sank|raced|was racing|was pounding|leapt|jumped|stopped|is "
    r"racing with|was in my mouth)(?: a beat)?(?: \S+){0,3}? (?:when|as|at|with excitement|seeing)|skipped a beat "
    r"(?:when|at|seeing)|racing with excitement|feel(?:ing|s)? (?:a bit |so |really |quite )?blue|out of the blue|"
    r"blue in the face|blue moon|swollen head|swelling with pride|lump in my throat|pain in the (?:neck|arse|ass|"
    r"backside|bum|butt)|chest of drawers|treasure chest|off my chest|stroke of (?:luck|genius|midnight)|"
    r"strok(?:e|ed|ing) (?:the|my|her|his) (?:cat|dog|hair|arm|back|hand|face)|(?:deal|plans?|tent|shelf|table|"
    r"chair|roof|bridge|market|company|website|system|talks|business|building|wall|ceiling|app|booking|cake|"
    r"souffle|sofa|bed|government|economy|team|project|marriage|relationship|stock|prices?|server|scheme|"
    r"negotiations|sandcastle|umbrella|box) (?:\S+ )?(?:has |had |just )?collaps\w*|a blackout|the blackout|"
    r"power (?:cut|blackout)|killing me (?:with|lol)|seized (?:the|an?)|seize (?:the|an?)|laugh\w* so (?:hard|much)"
    r"(?: \S+){0,4}? (?:couldn't|can't|cried)|(?:hold|held|holding) "
    r"(?:my|your|his|her|our) breath|let me catch my breath|catch my breath (?:and|before|for)|paraly[sz]ed (?:with|"
    r"by) (?:fear|indecision)|(?:bored|scared|frightened|worried) to death|breathe a sigh|breathing down my neck|"
    r"breathing (?:space|room)|(?:my|the) (?:car|engine|kettle|boiler|printer|laptop|dog|cat)(?:'s)?(?: \S+){0,2}? "
    r"(?:wheez\w*|chok\w*|collaps\w*|dying|fitting|seiz\w*)|"
    r"(?<!a )(?<!of )(?<!had )(?<!having )fits? (?:in|into|with|"
    r"my schedule|around))"
)
# Figures of speech that need a key word in the clause (tried only then, which keeps the judge fast).
# More figures of speech: the symptom word names a feeling about something else.
FIGURATIVE_MORE = rx(
    r"\b(?:nearly|almost|practically) (?:had|have|having) a (?:stroke|heart attack|seizure|fit)\b(?: \S+){0,3}? "
    r"(?:when|at|seeing|over|because|from)\b"
    r"|\bchoking on (?:all )?(?:this|the|these|that|so much|all the) (?:\S+ )?(?:jargon|paperwork|forms?|information|"
    r"info|words|terms|admin|red tape|stuff|questions|letters?|emails?|bills?|appointments?|leaflets?|forms?)\b"
    r"|\b(?:bank account|account|wallet|purse|budget|bank|finances|car|engine|printer|laptop|computer|phone|boiler|"
    r"wifi)'s (?:wheez\w*|chok\w*|gasping|dying|collaps\w*)\b"
    r"|\b(?:cat|dog|kitten|puppy|baby|toddler)\b(?: \S+){0,3}? (?:sitting|sits|sat|lying|lies|sleeping|sleeps|lay|"
    r"lays) on (?:my|his|her) chest\b"
    r"|\b(?:heart|chest)\b(?: \S+){0,3}? (?:pounding|racing|thumping|hammering)\b(?: \S+){0,2}? (?:just )?(?:thinking|"
    r"at the (?:thought|idea)) (?:about|of)\b"
    r"|\b(?:bank account|account|wallet|purse|budget|bank|finances|phone|laptop|computer|car|printer|wifi|inbox) "
    r"(?:is |'s )?(?:having|had|has|having) a (?:seizure|fit|heart attack|stroke|meltdown)\b"
    r"|\b(?:makes?|making|made) me (?:want to|wanna) (?:pass out|faint|collapse|scream|die)\b"
    r"|\bcollapse in a heap\b|\b(?:i'll|i will|i'd|i would|gonna|going to) (?:collapse|faint|pass out|have a heart "
    r"attack|have a stroke|have a fit)(?: \S+){0,2}? if\b"
    r"|\b(?:will|'ll|would|'d|gonna|going to) (?:collapse|faint|pass out|have (?:a|an) (?:heart attack|stroke|fit|"
    r"seizure|meltdown))(?: \S+){0,4}? (?:if|when|once)\b"
    r"|\b(?:faint|fainted|pass out|passed out|collapse|collapsed|die|died)\w* (?:\S+ )?(?:from|of|with|in) (?:sheer )?"
    r"(?:boredom|shock|surprise|embarrassment|laughing|laughter|how long|excitement|relief|the wait|the price)\b"
    r"|\b(?:bank account|account|wallet|purse|budget|bank|finances|car|engine|printer|laptop|computer|phone|boiler|"
    r"wifi) (?:is |'s )?(?:wheez\w*|chok\w*|gasping|dying|collaps\w*)\b"
    r"|\b(?!(?:jab|injection|shot|b12|it|this|that|dose|medicine|medication|treatment|vitamin)\b)\w+(?: is| are|'s|"
    r" keeps?)"
    r" giving me (?:chest pains?|palpitations|a heart attack|a seizure|a stroke|a fit)\b"
    r"|\benough to give (?:anyone|you|me|someone|a saint) a "
    r"heart attack\b|\bgasping for (?:a |some )?(?:cuppa|tea|coffee|drink|pint|brew|fag|cigarette|wee|holiday|break)\b"
    r"|\b(?:can|could) (?:barely|hardly) breathe (?:with|for) (?:work|all|the|this|how)\b"
    r"|\b(?:writing|print|text|date|line|lines|label|mark|ink|number|smell|sound|light|colour|color|memory|hope|"
    r"chance)\b(?: \S+){0,4}? (?:is |are |looks? |seems? )?(?:really |very |so |a bit |too )?faint\b"
    r"|\bi (?:always |often |usually |tend to )?choke on (?:tablets|pills|capsules|them|big)\b"
    r"|\bchok\w* (?:me|us|him|her) with (?:their|his|her|all|the)\b"
    r"|\bnearly had a stroke (?:reading|looking at|hearing|seeing)\b"
    r"|\benough to give (?:anyone|you|me|someone|a saint) (?:a seizure|a stroke|a fit)\b"
    r"|\bhaving a (?:heart attack|seizure|fit|stroke|meltdown) (?:over|about|at) (?:how|the|all|this|my)\b"
    r"|\bcollaps\w* (?:onto|into|on) (?:the |my |a )?(?:sofa|couch|bed|chair|settee|heap)\b"
    r"|\bchoked on (?:my|a|the) (?:tea|coffee|drink|water|wine|cornflakes|biscuit|toast|sandwich|cereal|food) "
    r"(?:when|as|at|reading|seeing|hearing)\b"
    r"|\b(?:bill|price|cost|invoice|letter|news|insurer|quote|parking|waiting list|hold music|music)\b(?: \S+){0,4}? "
    r"(?:gave|gives|give|giving|is giving) (?:me|him|her|us) (?:chest pains?|a heart attack|palpitations|a seizure|"
    r"a fit|a stroke)\b|\b(?:fainted|passed out|collapsed|died)(?: \S+){0,2}? when (?:i|we) (?:saw|heard|read|got|"
    r"opened) (?:the )?(?:price|bill|cost|letter|total|quote|invoice|news|parking)\b|\bswells? with (?:tears|pride)\b"
    r"|\bchoking (?:my|the|our|his|her) (?:productivity|progress|life|work|motivation|creativity|brain|plans)\b"
)
FIGURATIVE_KEYED = (
    # a price, a letter or a queue that "nearly made me faint": startle, not a symptom
    (("made", "make", "give", "gave", "have", "send", "sent"), rx(
        r"\b(?:price|prices|cost|costs|bill|bills|fee|fees|parking|charges?|letter|news|queue|wait|waiting list|"
        r"waiting "
        r"time|paperwork|form|date|total|invoice|email|text|phone call|traffic|result|amount|quote|tax|"
        r"rent)(?: \S+){0,5}? "
        r"(?:nearly|almost|practically|about to|could have|could've|would|will|is going to|gonna|enough to|was enough "
        r"to|fit to) (?:made|make|give|gave|have|send|sent) (?:me|him|her|us|you) (?:\S+ )?(?:faint|pass out|collapse|"
        r"choke|heart attack|have a heart attack|die|keel over|black out|swoon|seizure|fit)\b"
    )),
    (("when",), rx(
        r"\b(?:nearly|almost|practically) (?:fainted|passed out|choked|collapsed|died|keeled over|had a heart attack|"
        r"had "
        r"a fit|fell over)(?: on (?:my|the|a|his|her) \S+)?(?: \S+){0,3}? when (?:i|we|he|she|they) (?:saw|heard|read|"
        r"got|opened|found out|realised|realized|looked at|noticed|checked|was told)(?! (?:the |my |his |her |a )?"
        r"(?:needle|blood|syringe|rash|swelling|lips|face|injection|jab))"
    )),
    # "the waiting list is suffocating", "suffocating heat": a thing, not a person, is suffocating
    (("suffocating",), rx(
        r"\b(?:the|this|that|these|those|our|your) (?!(?:baby|child|kid|man|woman|boy|girl|patient|person|lady|guy)\b)"
        r"(?:\S+ ){1,3}?(?:is|was|are|were|feels|felt|has been|is just|is getting) (?:so |really |just |absolutely |"
        r"quite |a bit |kind of |pretty |totally |getting )?suffocating\b(?! (?:me|him|her|us))|\bsuffocating (?:heat|"
        r"atmosphere|bureaucracy|rules|paperwork|schedule|job|relationship|silence|pressure|humidity|crowds?|red tape|"
        r"system|workload|deadlines?|waiting|weather|office)\b"
    )),
    (("breath",), rx(r"\bbreath(?:e|ing) a (?:word|syllable|whisper)\b")),
)
# A rash or swelling at the injection site is a local reaction, not an allergic emergency.
LOCAL = rx(
    r"\b(?:where (?:the )?(?:needle|jab|injection|shot) (?:went|was|goes)|injection site|the site|around (?:the )?"
    r"(?:needle|injection|jab)|(?:the )?size of (?:a |an )?(?:\S+ )?(?:coin|penny|pound|10p|5p|50p|20p|fingernail|"
    r"thumbnail|pea|grape|button|stamp|fingertip|thumb|dime|nickel|quarter)|(?:coin|penny|pea|thumbnail|"
    r"fingernail|dime) ?sized|(?:small|little|tiny) (?:patch|spot|area|circle|mark))\b"
)
SPREAD = rx(r"\b(?:all over|everywhere|spreading|spread|whole body|face|lips|throat|tongue|chest|neck)\b")

MILD = rx(
    r"\b(?:a bit|a little|a little bit|bit of|little bit|slightly|slight|mild|mildly|kind of|kinda|sort of|a touch|"
    r"somewhat|tiny|a tad|faintly|minor|not too bad|not that bad|nothing serious|nothing major|a wee bit|bit|little|"
    r"touch of|hint of|a smidge|a few|few|one or two|a couple of|small|a small)\b"
)
# After the symptom only degree words count as mild ("passed out for a few seconds" is not mild).
MILD_AFTER = rx(
    r"^ (?:a bit|a little|slightly|mildly|kind of|sort of|but not (?:bad|much|severe)|nothing serious|not too bad)\b"
)
HABITUAL = rx(
    r"\b(?:sometimes|occasionally|now and (?:then|again)|from time to time|every so often|at times|often|usually|"
    r"always|whenever|every time|on and off|at the sight of|when i see|off and on|when i (?:\S+ )?(?:exercise|walk|run|"
    r"climb|go up|lie down|"
    r"bend|exert|rush|hurry|get up|stand up)|when (?:i|he|she) (?:\S+ )?(?:drink|eat|stand|lie|wake|sit up|get up|"
    r"have (?:coffee|tea|a coffee|alcohol|a drink)|see|look at)|"
    r"(?:i|he|she|they|mum|dad|husband|wife|partner|son|daughter|child|kid|baby|nan|gran|grandad|grandma|grandpa|"
    r"granny|brother|sister|boy|girl) (?:tend to |often |always |usually |sometimes )?gets?|"
    r"makes? (?:me|him|her) (?:feel )?|tends? to|in the cold|at night|in the (?:mornings?|evenings?|afternoons?)|"
    r"in (?:the )?(?:summer|winter|spring|autumn)|every (?:summer|winter|spring|evening|night|morning)|"
    r"in hot weather|most (?:days|evenings|nights)|some days|at weekends)\b"
)
# Someone else's long-standing condition: "my brother has seizures".
# A long-term diagnosis the patient names as theirs ("I've got angina"): a condition, not an event.
KNOWN_CONDITION = rx(r"\b(?:have|got|'ve got|suffer from|diagnosed with|i'm on \S+ for) (?:angina|asthma|epilepsy|"
                     r"copd|heart failure|a heart condition|migraines|dementia|parkinson's|eczema|hay fever)\b")
CONDITION = rx(
    r"\b(?:has|have|gets|get|got|'ve got|suffers? from|is prone to|diagnosed with) (?:seizures|fits|blackouts|"
    r"palpitations|migraines|angina|"
    r"asthma|epilepsy|hives|allergies|dementia|alzheimer's|alzheimers|parkinson's|hay fever|eczema|heart failure|"
    r"a heart condition|copd)\b"
)
GRADUAL = rx(
    r"\b(?:lately|recently|for (?:a few|some|several|the past|the last|a couple of|a) (?:\S+ )?(?:weeks|months|"
    r"days)|over the (?:past|last) (?:few |couple of )?(?:weeks|months|days)|these days|more and more|gradually|"
    r"slowly|getting more|for weeks|for months|worse than (?:before|usual|last)|than usual|than before|more than "
    r"usual|again lately|creeping)\b"
)
CURRENT = rx(
    r"\b(?:now|right now|at the moment|currently|still|just|this morning|this afternoon|this evening|today|tonight|"
    r"an hour ago|(?:\d+|few|a few|couple of|a couple of|ten|five|twenty|thirty|fifteen) (?:minutes?|mins?|hours?|"
    r"hrs?) ago|since (?:the|my|this|his|her|today's|this morning's|last night's|i had|i got|having|getting|last|"
    r"yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|after (?:the|my|his|her|today's|this "
    r"morning's|this|that) (?:jab|injection|shot|dose|b12)|keeps?|keep on|started|starting|suddenly|all of a "
    r"sudden|won't stop|getting worse|help|please help|emergency|ambulance|999|911|112|a&e|er)\b"
)
RECENT_PAST = rx(
    r"\b(?:(?<!since )yesterday|last night|the other day|over the weekend|at the weekend|on (?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)|earlier this week|(?:a few|few|couple of|a couple of|two|three|2|3) "
    r"days ago|after (?:my|the|his|her) (?:last|previous|first) (?:jab|injection|shot|dose)|last (?:jab|injection|"
    r"shot|dose))\b"
)
PAST_STATE = rx(
    r"\b(?:was|were|(?<!'ve )(?<!have )(?<!has )(?<!'s )had|felt|(?<!'ve )(?<!have )(?<!has )got|couldn't|could not|"
    r"did|used)\b"
)
CONJUNCTION = words("and", "so", "then", "or", "while", "when")
# "Anaphylaxis - how likely?": a following clause that makes the symptom a general question.
QUESTION_TAIL = rx(
    r"^(?:how (?:likely|common|rare|often)|is (?:it|that|this) (?:common|likely|rare|a side effect|a known side "
    r"effect|possible|listed)|what are the (?:chances|odds|risks)|any (?:risk|chance)|does (?:that|it|this) happen|"
    r"can (?:that|it|this) happen|what does (?:that|it|this) look like|what are the signs)\b"
)
APOLOGY = rx(r"^(?:sorry|so sorry|apologies|excuse me|forgive me|pardon me)\b")
# A clause that reports a symptom (not a bare noun): a question after it does not make it a general question.
REPORT = rx(r"\b(?:my|his|her|their|i|i'm|i've|he|she|he's|she's|they're|is|are|am|has|have|keeps|started|just)\b")
# Events that matter even when just past ("I fainted", "he collapsed"): not downgraded by the past tense.
EVENT = rx(
    r"\b(?:fainted|faint|passed out|blacked out|collapsed|keeled over|lost consciousness|unconscious|"
    r"unresponsive|choked|choking|seizure|convuls\w*|fitting|blue|grey|gray|purple|droop\w*|slurr\w*|stroke|"
    r"can't|cannot|not breathing|stopped breathing|epi ?pens?|adrenaline|jext|emerade|auto ?injectors?|floor|ground|"
    r"went down|gone down|went over|how long|dark|black|jerk\w*|spasm\w*|fit)\b"
)
CHRONIC = rx(
    r"\b(?:for (?:a long time|ages|years|months|a while now|as long as i can remember|donkey's years)|always have|"
    r"always has|long[ -]standing|since i was (?:a )?(?:child|kid|teen|teenager|young|little|diagnosed))\b"
)
PHOBIA = rx(r"\b(?:needles?|the sight of|blood|blood tests?|injections make|jabs make)\b")

HOUSEHOLD = frozenset(
    "he she they him his their he's she's they're husband wife partner mum mother dad father son daughter child kid "
    "kids baby toddler boy girl boyfriend girlfriend fiance fiancee grandma gran granny nan nana grandad grandpa "
    "granddad grandmother grandfather brother sister twin flatmate housemate roommate carer".split()
)
OTHER = frozenset(
    "mate mates mate's pal pal's buddy buddy's "
    "friend friends neighbour neighbor colleague coworker boss aunt auntie uncle cousin niece nephew people patients "
    "patient woman man lady guy others everyone anybody anyone teacher member members client customer somebody's "
    "dog cat pet puppy kitten horse parrot bird budgie rabbit hamster "
    "character characters bestie bff actor actress hero heroine "
    "friend's neighbour's colleague's".split()
)
PRONOUNS = frozenset("he she they him his her their he's she's they're them".split())
PATIENT = frozenset("i i'm i've i'd i'll me my myself mine we we're our us".split())
HERE = rx(
    r"\b(?:is|are|(?:he|she|it|that|who|there)'s|now|right now|just|currently|at the moment|here|with me|next to "
    r"me|beside me|in front of me|"
    r"keeps|keep|can't|cannot|won't|isn't|help|started|starting|having)\b"
)
REPORTED = rx(
    r"\b(?:said|says|told|tells|mentioned|heard|read|reckons|was telling|posted|posts|wrote|saw|seen|watched|"
    r"according to|online|forum|facebook|google|googled|article|tv|news|documentary|apparently)\b"
)
REPORTED_PAST = rx(r"\b(?:said|told|mentioned|was telling|posted|wrote)\b")
BARE_BLOCKERS = frozenset(
    "i i'm i've me my he she they his her we it's is are am was were have has had can't cannot can could couldn't "
    "feel feels felt keep keeps got now just really still suddenly he's she's they're we're you're i'd im ive hes "
    "shes theyre".split()
)
LIST_WORDS = frozenset("or nor either any anything".split())
