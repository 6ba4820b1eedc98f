"""Dose words, and the wider ways of asking for a dose change, for dose_requests.py.

The dose vocabulary (DOSE, AMOUNT, OK) lives here so both modules share it. The phrase groups below widen
dose_requests.py's own patterns (each is a tuple of regex strings joined there):
- CUES: someone else asks ("can my husband ...", "my partner wants to ...", "can the nurse give me ...");
- STRONG: requests on their own ("put my dose up", "could my dose go down", "can I not have my next one");
- CHANGE: change phrases that need a cue: another interval ("every 12 weeks", "fortnightly", "longer between"),
  another product or strength ("switch to hydroxocobalamin", "the higher strength"), two together, leaving one
  out, taking less or more, stopping, a stock of injections before travelling, "more than 1 mg";
- SELF_ADJUSTED: a change already made, by the patient or someone in their care ("skipped on purpose",
  "injecting half each time", "moved myself onto monthly", "my daughter gave herself an extra shot");
- APPROVAL: "is it safe for me to inject 1500 mcg?", "is taking two in one week ok in my case?".
ELLIPTICAL catches a bare request ("extra shot before my exams?", "2 shots at once next week ok?"),
HAD_EXTRA + WAS_THAT_OK an extra dose reported and then asked about ("so I had two this week, was that ok?").
"""

from __future__ import annotations

import re

_DOSE_NOUN = (
    r"(?:doses?|dosages?|dosing|shots?|injections?|jabs?|b12|needles?|mcg|micrograms?|mg|milligrams?|ug|"
    r"\u00b5g|ampoules?|ampules?|vials?|"
    r"amount|cobalamin|cyanocobalamin|hydroxocobalamin|one|ones)"
)
# "injection record", "injection site" and the like are not doses.
_NOT_A_DOSE = (
    r"(?! (?:record|records|card|diary|log|site|sites|appointment|schedule|plan|dates?|days?|times?|"
    r"questions?|"
    r"leaflet|kit|technique|nurse|clinic|results?|levels?)\b)"
)
DOSE = rf"{_DOSE_NOUN}{_NOT_A_DOSE}"
AMOUNT = r"\d[\d.]* ?(?:mcg|micrograms?|mg|milligrams?|ug|\u00b5g|ml|mls)\b"
OK = (
    r"(?:ok|okay|alright|all right|fine|safe|too much|too little|too high|too low|enough|good|better|"
    r"suitable|allowed|a problem|dangerous|harmful|bad)"
)
_PEOPLE = (
    r"(?:husband|wife|partner|son|daughter|mum|mom|mother|dad|father|child|kid|boy|girl|nan|gran|granny|grandma|"
    r"grandad|grandpa|brother|sister|friend|flatmate|baby|teenager|teen)"
)
# Someone in the patient's care, as the subject: "my husband", "my son's", "he", "she".
OTHER = rf"(?:(?:my|our|his|her) (?:\S+ )?{_PEOPLE}(?:'s)?|he|she|they|he's|she's)"
_CLINICIAN = (
    r"(?:the|my|our) (?:nurse|doctor|gp|clinic|surgery|pharmacist|practice|team|care team|clinician|haematologist|"
    r"consultant|specialist)"
)
_SUBJECT = rf"(?:i|i've|i have|we|{OTHER})"
_PRODUCT_NAME = r"(?:hydroxo\w*|cyano\w*|methyl\w*|adenosyl\w*)"
_FREQUENCY = (
    r"(?:fortnightly|weekly|monthly|daily|quarterly|bi ?weekly|bi ?monthly|three monthly|3 monthly|"
    r"every (?:\d+|two|three|four|six|eight|twelve|few|couple of|other) (?:days?|weeks?|months?)|every fortnight)"
)

CUES = (
    rf"\b(?:can|could|may|should|shall) {OTHER}\b",
    rf"\b(?:can|could|would|will|may) {_CLINICIAN}\b",
    rf"\b{OTHER} (?:wants?|needs?|would like|'d like|is (?:going|planning|thinking|hoping)|wishes|plans?|asked|asks|"
    r"is asking|was asking|wondered|wonders|would prefer|would rather|'d rather|prefers)\b",
    r"\b(?:is|would) it (?:be )?(?:ok|okay|alright|all right|fine|safe|possible|allowed) (?:for|if)\b",
    r"\b(?:is there any chance|is there a way|would there be)\b",
    # chat without a subject: "wanna take 2 this week", "thinking of stopping"
    r"^(?:(?:really|just|so|and|but|hi|hey) )*(?:want to|wanted to|need to|would like to|thinking of|thinking about|"
    r"planning to|planning on|hoping to|going to|gonna|gunna|considering)\b",
)

STRONG = (
    rf"\b(?:put|bring|move|turn|push|knock|take|get) (?:my|the|his|her|their|\S+'s) (?:\S+ )?(?:{DOSE}|dosage|"
    r"strength) (?:up|down)\b",
    rf"\b(?:can|could|may|might|should) (?:my|the|his|her|\S+'s) (?:{DOSE}|dosage|strength) (?:go|come|be (?:put|"
    r"brought|taken|moved|knocked|turned)) (?:up|down)\b",
    r"\b(?:can|could|may) (?:i|we|he|she) (?:just )?not (?:have|take|do|get|bother with|go for)\b"
    r"|\b(?:i'd|i would|he'd|she'd) rather not (?:have|take|do|get)\b"
    r"|\b(?:is it|would it be) (?:ok|okay|alright|fine) (?:if (?:i|he|she) (?:don't|didn't|doesn't)|not to|to not) "
    r"(?:have|take|do|get|go)\b",
    r"\b(?:make up for|catch up on|catch up with|compensate for|make up)(?: \S+){0,4}? (?:with|by (?:having|taking|"
    r"doing)) (?:a |an )?(?:double|extra|two|2|another|second|both|bigger|higher)\b",
    # someone's dose "could be raised", doubling up to catch up, coming off the injections, another route or
    # product "instead", asking the bot to approve, several at once, someone else's or leftover ampoules, another
    # interval "instead of" the planned one
    rf"\b(?:my|the|his|her|their|\S+'s) (?:{DOSE}|dosage) (?:could|can|should|might|may) (?:be|go) (?:increased|"
    r"raised|upped|doubled|lowered|reduced|decreased|changed|put up|brought down)\b",
    r"\b(?:have|take|get|do) (?:it|them|both|the missed one|two|2) (?:plus|and|with) (?:the )?next(?: one)? "
    r"(?:together|at (?:the )?same time|on the same day)\b",
    r"\bsqueeze (?:the missed one|it|one|an extra(?: one)?) in\b",
    r"\btake (?:me|him|her) off (?:the |my |these |his |her )?(?:injections?|jabs?|shots?|b12)\b",
    r"\bstopp? (?:the |my )?(?:injections?|injekshuns?|jabs?|shots?) (?:please|pls)\b",
    r"\b(?:under the skin|into the muscle|in the muscle|subcutaneous\w*|intramuscular\w*) instead of\b",
    r"\binstead of (?:this|my|the) (?:one|product|injection|strength)\b",
    r"\bchange (?:me |him |her )?from (?:the )?(?:injections?|jabs?|shots?) to\b",
    rf"\b(?:approve|sign off(?: on)?|okay|authori[sz]e) (?:me |him |her )?(?:having |for )?(?:{AMOUNT}|(?:one|a jab|"
    r"a shot|an injection) every|weekly|monthly|fortnightly|more|extra)\b",
    r"\b(?:have|take|get|do|inject|give|use)(?: \S+){0,2}? (?:\d+|two|three|four) (?:ampoules?|jabs?|shots?|"
    r"injections?) (?:at once|together|in one go|on the same day)\b|^is (?:\d+|two|three|four) ampoules? at once\b",
    rf"\b(?:can|could) (?:my|the|his|her) (?:\S+'s )?(?:{DOSE}|dosage) be (?:increased|raised|upped|doubled|"
    r"lowered|reduced|changed)\b",
    r"\b(?:can|could|may) (?:i|we|he|she) (?:have|get) (?:a|another) booster\b",
    r"\b(?:gave|given|give) (?:\S+ )?(?:an extra|another|a second|an additional) (?:injection|jab|shot|dose)\b",
    r"\bborrow (?:one of |some of )?(?:hers|his|theirs|her \S+|his \S+|their \S+)\b",
    r"\b(?:left over|leftover|spare|extra) ampoules?\b.*\b(?:use|inject|take|have)\b",
    r"\bampoules? (?:left over|left|spare)\b.*\b(?:use|inject|take|restart)\b",
    r"\brestart using (?:them|these|those|it)\b",
    r"\b(?:put|book) (?:me|him|her) (?:down )?for (?:a jab|an injection|a shot|one) every\b",
    r"\bevery \S+ (?:weeks|months) instead of (?:every )?\S+\b",
    r"\bbump (?:me|her|him|them) (?:up|down) to\b",
    r"\bwhenever (?:i|he|she) (?:feel|feels|get|gets) (?:tired|low|rough|bad|run down)\b",
    r"\bonly (?:have|do|get) the last (?:\S+ )?(?:loading|weekly) ones?\b",
    r"\b(?:can|could|may) i (?:have|get|do) (?:two|2|three|3) (?:jabs|shots|injections) (?:this|next) week\b",
    # more of the same kinds: "bump it up", "my mum's dose go up", "want her dose increased", "make dose more high",
    # "a bit more in each jab", "the maximum dose", "2x dose?", "two time in the week", "ok if I don't have the next
    # one", stopping early, doubling to make up, "on top of the usual one", weekly "for longer / again / forever",
    # "can it be every 8?", a stronger strength or vial, someone's spare vials, an extra jab already had, "two that day"
    r"\bbump (?:it|that|them|the dose|my dose|the injections?) (?:up|down)\b",
    rf"\b(?:my|his|her|our|the) \S+'s (?:\S+ )?(?:{DOSE}|dosage) (?:go|come|be (?:put|brought|turned)) (?:up|down)\b",
    rf"\b(?:want|wants|like|need|needs)\b(?: \S+){{0,5}}? (?:{DOSE}|dosage) (?:increased|raised|upped|doubled|reduced|"
    r"lowered|decreased|cut|changed|put up|brought down)\b",
    rf"\b(?:can|could|may|should) (?:my|the|his|her) (?:\S+'s )?(?:{DOSE}|dosage) be (?:cut|cut down|halved|"
    r"bumped up)\b",
    rf"\bmake (?:the |my |his |her )?(?:{DOSE}|dosage) (?:more|higher|bigger|stronger|less|lower|smaller|weaker)\b",
    r"\b(?:a (?:bit|little|tad) )?more in (?:each|every|my|the) (?:jab|shot|injection|dose)\b",
    rf"\b(?:give|put|want|have|get)\b(?: \S+){{0,2}}? (?:the )?(?:maximum|max|highest|strongest|biggest) "
    rf"(?:{DOSE}|dosage|"
    r"strength|amount)\b",
    rf"^\W*(?:2x|x2|3x|double|triple) (?:the )?(?:{DOSE}|dosage|jab|shot)\W*$",
    r"\b(?:want|like|can i|could i|may i|can he|can she)\b.{0,30}\b(?:two|2|three|3|twice) times? (?:in |a |per |each )"
    r"(?:the )?(?:week|month)\b",
    r"\b(?:ok|okay|alright|fine) if (?:i|he|she|we) (?:just )?(?:don't|do not|didn't|skip|miss|leave)\b",
    r"\b(?:can|could|may|should) (?:i|we|he|she|mum|mom|dad|\S+) (?:just )?stop (?:after|once|now|her|his|my|the|these|"
    r"them|it)\b(?!.{0,25}\b(?:reminders?|messages?|texts?|emails?|notifications?|chat|talking)\b)",
    r"\bstop after (?:this one|that one|the next one|four|five|three|two|\d+|the \w+ one)\b",
    r"\bsurely (?:i|he|she|we) (?:can|could) stop\b",
    r"\bstop (?:the|my|her|his|their) (?:maintenance |monthly |weekly )?(?:jabs|injections|shots|b12)\b",
    r"\bmake up\b.{0,40}\bby doubl\w*\b",
    r"\bon top of (?:the|my|his|her) (?:usual|normal|regular|next|planned) (?:one|jab|shot|injection|dose)\b",
    r"\b(?:weekly|loading|first) (?:ones |injections |jabs |shots |phase )?(?:again|forever|for ever|for longer)\b",
    r"\bcan (?:it|they|that|the \w+|my \w+) be every\b",
    r"\b(?:switch|change|move|changed|switched|moved) (?:me |him |her |it )?to (?:the )?(?:\d+|stronger|higher|weaker|"
    r"lower|bigger)\b",
    r"\b(?:left over|leftover|spare|extra) (?:ampoules?|vials?)\b.*\b(?:use|inject|take|have)\b",
    r"\b(?:spare|leftover|left over)\b.{0,40}\b(?:ok|okay|fine|safe|alright) to (?:use|inject|take|have)\b",
    r"\b(?:had|got|took|gave me) (?:myself )?an? (?:extra|additional|second|another) (?:injection|jab|shot|dose)\b"
    r"(?=.*\b(?:ok|okay|alright|fine|problem|matter|hope)\b)",
    r"\b(?:have|get|take|do) (?:two|2|both) (?:that|on that|the same|in one) day\b",
)

# two at once: "the missed one and this week's together", "both on the same day"
_TOGETHER = (
    r"(?<!next )\b(?:(?:both|two|2|them|the two)(?! (?:appointments?|copies|visits?|people|of us|kids|children|"
    r"things|tablets|pills|paracetamol|ibuprofen|bookings?|slots?)\b)|"
    rf"(?:one|{DOSE}|week's|weeks|it) and (?:\S+ ){{0,3}}?(?:one|{DOSE}|week's|weeks))"
    r"(?: \S+){0,3}? (?:together|at once|at the same time|on the same day|same day|close together|back to back|"
    r"in one go|one after the other|in the same week)\b",
)
TOGETHER = re.compile("|".join(_TOGETHER))
# Another vaccine on the same day is not two doses of theirs.
OTHER_VACCINE = re.compile(
    r"\b(?:flu|covid|vaccines?|vaccinations?|shingles|tetanus|pneumonia|pneumococcal|mmr|hpv|travel jabs?|whooping)\b"
)

CHANGE = (
    rf"\b(?:more|less|higher|lower|bigger|smaller|stronger|weaker) than (?:my |the |what )?(?:{AMOUNT}|(?:current|"
    r"usual|normal|prescribed|present) (?:dose|amount|strength)|i'm on|i am on|i get|i'm getting|i have|this|that|now)",
    r"\b(?:twice|double|triple|half|three times|two times|2x|x2) (?:the|my|as much|as many|as often)\b",
    rf"\b(?:(?:a|an|one more|1 more) (?:second|third|fourth|further|additional|fresh)|one more|1 more) {DOSE}\b",
    *_TOGETHER,
    r"\b(?:one|a (?:shot|jab|dose|injection)) (?:\S+ ){1,2}and (?:another|one|a second)(?: \S+){1,2}|"
    r"\bclose (?:together|to each other)\b|\b(?:\d+|a|one|two|three|few|couple of) days? apart\b",
    # leaving one out
    rf"\b(?:leave|leaving|left) (?:out|off) (?:a|one|my|the|this|next|that)\b|\b(?:leave|leaving) (?:a|one|my|the|"
    rf"this|next|that) (?:\S+ )?{DOSE} out\b|\b(?:omit|omitting|forgo|go without|do without|give (?:it|them|the \S+|"
    r"my \S+|this one|next one|(?:this|next) week's) a miss|not bother with)\b",
    # another interval
    r"\bevery (?:\d+|two|three|four|five|six|eight|ten|twelve|few|couple of|other|single|1|one) (?:days?|weeks?|"
    r"months?)\b|\bevery fortnight\b",
    rf"\b(?:do|have|go|stay|keep|switch|move|change|be|get|take|stick|carry on|continue)(?: (?:it|them|my \S+|the \S+|"
    rf"on|to|onto|with|going|back))* {_FREQUENCY}\b",
    r"\b(?:stay|keep|carry on|continue|remain) (?:on|with|doing|having|taking|going)(?: \S+){0,3}? (?:forever|"
    r"indefinitely|permanently|for longer|longer|for life|for good|for another|an extra|beyond)\b",
    r"\b(?:longer|shorter|more time|less time|bigger gaps?|smaller gaps?|longer gaps?|shorter gaps?|extra time|"
    r"more space|a longer break|a bigger break)(?: \S+){0,2}? (?:between|in between|apart)\b"
    r"|\b(?:wait|leave|go) (?:a bit |a little |much )?longer (?:between|before (?:my|the) next)\b",
    # another product or strength
    rf"\b(?:change|changing|switch|switching|swap|swapping|move|moving|go|going|try|trying|put me|get me|be put|"
    rf"be switched|be changed)(?: \S+){{0,4}}?(?: (?:to|onto|on|over to|for))? (?:the |a )?(?:{_PRODUCT_NAME}|"
    rf"different "
    r"(?:brand|type|kind|product|form|injection|one|make)|another (?:brand|type|kind|product|make)|other (?:one|"
    r"type|kind|brand))\b",
    r"\b(?:higher|lower|stronger|weaker|bigger|smaller|different|double|increased|reduced|other|next) (?:strength|"
    r"concentration|formulation|preparation|potency)\b",
    # taking less or more, or stopping, with nothing after
    r"\b(?:take|have|use|inject|get|do) (?:a bit |a little |much |slightly |some |any )?(?:less|fewer|more)(?= (?:b12|"
    r"of (?:it|them|the \S+|my \S+|b12)|each time|every time|per|please|then|instead|now|than|next time|this time|"
    r"often|frequently)\b|$)",
    r"(?<!^please )(?<!^pls )(?<!^just )(?<!^ok )(?<!^so )\b(?<!^)(?:stop|stopping|quit|quitting|give up|giving up|"
    r"come off|"
    r"coming off|pack(?:ing)? (?:it|them) in)(?: (?:now|altogether|for good|completely|then|already|for a while|"
    r"for now|them|it|the lot))?(?: (?:now|since|as|because|cos|seeing as|that)\b.*)?$",
    # a stock of injections before going away
    rf"\b(?:a load|loads|lots|a lot|a bunch|a batch|plenty|a stack|a handful|a supply|a stock|a course|a block|"
    rf"a run|a series) of (?:extra |more |b12 |spare )?{DOSE}",
    r"\b(?:have|get|take|do|be given)(?: \S+){0,4}? (?:in advance|ahead of time|up front|upfront|before (?:i|we) "
    r"(?:go|leave|travel|fly|head off)|to cover (?:me|the|my)|to last (?:me|the))\b",
)
# "I'd like my injections brought down to 500 mcg": the dose as the object of a passive change
CHANGE = (*CHANGE, rf"\b(?:my|the|his|her|\S+'s) (?:\S+ )?(?:{DOSE}|dosage|strength) (?:brought|put|moved|knocked|"
          r"turned|taken|pushed|changed|increased|decreased|reduced|lowered|raised|upped|dropped)(?: (?:up|down|back))?"
          r" (?:to|up|down)\b")
# Later phrasings (safety set D, used): lengths of a phase, making it every N, early doses taken, half strength,
# another person's product, routes and products swapped, all at once, supplements with the jabs.
CHANGE = (*CHANGE,
          r"\b(?:extend|lengthen|prolong|shorten|cut short) (?:the |my |his |her |their )?(?:loading|weekly|"
          r"replenishment|maintenance|course|phase|treatment|jabs|injections)\b",
          r"\bmake (?:it|them|mine|his|hers) (?:every|fortnightly|weekly|monthly|daily|more often|less often|stronger|"
          r"weaker|bigger|smaller|higher|lower)\b",
          r"\b(?:drop|go|move|switch|change|come) (?:down )?to half\b|\bhalf (?:the )?strength\b",
          r"\b(?:take|have|get|do) (?:my |the |this )?(?:\S+ )?one early\b",
          r"\b(?:drop|put|move|switch|swap|step|take) (?:me|him|her|them|us) (?:down |up |back |over )?(?:to|onto) "
          r"(?:fortnightly|weekly|monthly|daily|every|once|\d|one|two|tablets|the spray|a spray)",
          r"\bstop (?:at|after) (?:\d|one|two|three|four|five|six|the (?:loading|weekly|first))",
          r"\b(?:daily|every day) (?:injections?|jabs?|shots?|doses?)\b",
          r"\binstead of (?:on )?(?:a |the |my )?schedule\b|\bwhen i feel (?:tired|rubbish|bad|low|it)\b",
          r"\b(?:do|have|take|get) (?:all|both) (?:\d|two|three|of them|the)(?: \S+){0,3}? (?:this|in one|at once|"
          r"together|same|in a)\b",
          r"\b(?:all|both) (?:the |my )?(?:\S+ )?(?:doses|injections|shots|jabs) (?:in one go|at once|together|in one "
          r"day)\b",
          r"\b(?:go|move|switch|drop) (?:down |up )?to (?:once|one|1|twice|two|2) (?:a|per) (?:year|month|week)\b",
          r"\b(?:change|switch|swap|move|go) from (?:deep )?(?:subcutaneous|intramuscular|sub ?cut|sc|im|the muscle|"
          r"under the skin) to\b",
          r"\bswitch (?:him|her|me|them|us)(?: over)?\b",
          r"\b(?:ditch|drop|bin) (?:the |my |his |her )?(?:jabs|injections|shots)\b",
          r"\b(?:\d|two|three) (?:injections|shots|jabs|doses) (?:a |per |each |every )?(?:month|monthly|week|"
          r"weekly)\b",
          r"\bcombine (?:my |the |his |her )?(?:\S+ )?(?:jabs?|injections?|shots?) with\b",
          r"\binstead of mine\b",
          r"\b(?:want|make|need|prefer|like) (?:them|it|mine|my (?:\S+ )?(?:jabs|injections|shots)) (?:monthly|weekly|"
          r"fortnightly|every (?:month|week|fortnight|\d)|more often|less often)\b",
          r"\bon top of (?:my|the|his|her) (?:\S+ )?(?:shots|injections|jabs|prescribed|prescription)\b",
          r"\b(?:extra|more|additional|high dose) (?:\S+ ){0,3}?(?:pills|tablets|supplements?) (?:with|on top|as well|"
          r"alongside)\b",
          )
STRONG = (*STRONG,
          r"\bi (?:took|had|did|gave myself|injected) (?:the|my|it|a|this) (?:\S+ )?(?:\d+|a few|two|three|couple of|"
          r"a) "
          r"(?:days?|weeks?) early\b",
          r"\b(?:use|used|using|swap|swapped|switch|switched|take|took|taking|share|sharing)(?: \S+){0,2}? (?:my )?"
          r"(?:friend|mum|dad|partner|husband|wife|neighbour|neighbor|sister|brother|son|daughter)'s (?:\S+ )?"
          r"(?:cyanocobalamin|hydroxocobalamin|b12|ampoules?|injections?|shots?|jabs?|prescription|medicine|meds)\b",
          r"\bshare (?:my|his|her) (?:\S+ )?(?:prescription|shots|injections|ampoules|b12|jabs)\b",
          r"\b(?:we|he|she|they)(?:'ve| have|'s| has) (?:stopped|quit|given up) (?:them|the (?:jabs|injections|shots)|"
          r"it|his|her)\b",
          r"\bdoubled up\b",
          )
CUES = (*CUES,
        r"\bok if (?:i|we|he|she)\b",
        r"\b(?:is|was) (?:that|it|this) (?:bad|dangerous|a problem|ok|okay|fine|safe|alright|all right)\b",
        r"\b(?:that's|thats|that is) (?:ok|okay|fine|alright|safe)\b|(?:^| )(?:ok|okay|fine|alright)$",
        r"\bwe (?:would like|want|'d like|wanna|need)\b",
        )
# Development phrasings (data/safety/dev_cases_1.yml): the everyday ways of asking for more, less, sooner,
# later, another product or route, someone else's or unprescribed ampoules, and approval of what was done.
CHANGE = (*CHANGE,
          r"\b(?:a bit |a little |a lot )?more in the syringe\b|\bgive (?:me|him|her|us) (?:a bit |a little )?(?:less|"
          r"more)\b",
          r"\b(?:do|inject|take|have|use) (?:just |only )*\d[\d.]* ?(?:ml|mls|mcg|mg)\b",
          r"\bboth\b.{0,40}\b(?:same (?:appointment|day|time|visit)|together|at once)\b",
          r"\bconsecutive days\b|\bdays in a row\b|\b(?:take|have|get|do) them both\b",
          r"\bmiss (?:one|a (?:dose|jab|shot|injection)|the next one|this one|next week's)\b",
          r"\bcall it a day\b|\bpack (?:it|them) in\b",
          r"\b(?:weekly|monthly|fortnightly|daily) (?:over|rather than|not|instead of) (?:weekly|monthly|fortnightly|"
          r"daily)\b",
          r"\b(?:shorten|lengthen|reduce|increase|widen|narrow) the (?:gap|interval|time)\b",
          r"\b(?:want|need) (?:em|them|it|mine)(?: \S+)? (?:every|weekly|monthly|fortnightly|daily)\b",
          r"\b(?:the )?(?:hydroxo|cyano|methyl)\w* (?:one|version|type|kind|injections?)s? instead\b"
          r"|\binstead of (?:the )?(?:hydroxo|cyano|methyl)\w*",
          r"\b(?:rather than|instead of) (?:the )?(?:im|intramuscular|sub ?cut|subcutaneous|the muscle|"
          r"under the skin)\b",
          r"\b(?:iv|drip|infusion)\b.{0,20}\binstead\b",
          r"\bstop(?:ped|ping)? (?:at|after) (?:the )?(?:\d|one|two|three|four|five|six|first|second|third|fourth|"
          r"fifth|sixth)\w*",
          r"\bchange over\b|\bonly need (?:\d|one|two|three|four) a year\b|\bdo another\b|\banother half\b",
          r"\bevery (?:two|2|three|3|four|4|six|6) weeks?\b(?=.*\b(?:not|instead|rather)\b)",
          r"\bpush (?:them|it|both|my|the)(?: \S+){0,2}? back\b",
          r"\b(?:need|want) (?:it|them|my b12|my dose|my levels) (?:boosted|upped|increased|raised|topped up)\b",
          r"\bi(?:'d| would) rather\b.{0,20}\b(?:fortnightly|weekly|monthly|every|\d)",
          r"\b(?:have|get) (?:my |the )?next one (?:tomorrow|today|now|this week|early|sooner)\b",
          r"\b(?:just )?start (?:on|with|straight on) (?:the )?(?:monthly|maintenance)\b",
          r"\bcut\w* (?:my |the )?(?:own )?(?:dose|dosage|injection|ampoule) in half\b",
          r"\bdo \d+ (?:daily|every day|a day)\b|\brather than dropping down\b",
          r"\b(?:move|put|switch|take) (?:me|him|her|us) (?:straight |right )?(?:to|onto) (?:the )?(?:maintenance|"
          r"monthly|weekly)\b",
          r"\b(?:can|could) (?:it|they|that|this) be (?:less|more|lower|higher|reduced|increased|fewer|less often|"
          r"more often|switched|changed)\b",
          r"\b(?:\d|two|three) (?:ampoules?|injections?|shots?|jabs?) a (?:week|day|month)\b",
          r"\bon top of (?:my|the|his|her) (?:\S+ )?(?:one|shot|injection|jab)\b",
          )
STRONG = (*STRONG,
          r"\b(?:gave|given|give) (?:my \S+|him|her|them) (?:two|2|double|an extra|another|both)\b",
          r"^\W*catch ?up (?:dose|jab|shot|injection)s?\W*$|^\W*(?:more|less) often\W*$",
          r"\b(?:ampoules?|injections?|vials?) (?:i|we) (?:bought|got|ordered|brought) (?:in|from|online|abroad)\b",
          r"\bspare\b.{0,40}\b(?:do|use|have|inject|take) one\b",
          r"\bi(?:'ve| have) been (?:doing|taking|having|injecting) \d+\b",
          r"^\W*(?:just |accidentally )?(?:took|injected|had|did) (?:a )?(?:double|two|extra)\b",
          r"\b(?:got|had|given|received) (?:two|2|double|an extra|both) (?:injections|jabs|shots|doses) (?:today|"
          r"in one "
          r"day|on the same day|at once)\b",
          r"\bskipp(?:ed|ing)\b.{0,40}\b(?:is (?:that|it|this) (?:ok|okay|alright|fine)|that's fine|thats fine)\b",
          r"\bswap (?:2|to) (?:hydroxo|cyano|methyl)\w*|\bskipping every other\b",
          r"\b(?:gave|given|had|took|injected|did)(?: \S+){0,5}? (?:a week|a day|\d+ days?|a few days|two days|"
          r"three days) "
          r"early\b",
          )
# Development phrasings 3 (data/safety/dev_cases_3.yml): more, another strength or product, a dose missed out, two
# together, someone else's medicine, a supplement added on top.
STRONG = (*STRONG,
          r"\bmore (?:b12 )?than (?:they're|they are|the nurse is|she's|he's|you're) giving\b|\bmore b12 in (?:each|"
          r"every|the|my) (?:jab|shot|injection)\b|\b(?:onto|on to|go on|move to|switch to) (?:a |the )?(?:higher|"
          r"stronger|lower|weaker|bigger|smaller) (?:strength|dose)\b",
          r"\bgive (?:next (?:week|month)|(?:the|my|this|next) (?:\S+ )?(?:one|jab|shot|injection)|it) a miss\b",
          # not "can people ever switch from injections to tablets?" nor "why did they put me on monthly instead"
          r"^(?!.*\b(?:people|someone|anyone|in general|why did|why have|why do)\b).*(?:\b(?:swap|switch|change) "
          r"(?:my |her |his )?(?:\S+ )?(?:injections?|jabs?|shots?) for (?:tablets|the one|sprays?|drops|patches|pills)"
          r"\b|\bput (?:me|her|him|mum|dad) on (?:\S+ ){0,2}?instead of\b|\b(?:change|switch|swap) to the ones? (?:in|"
          r"with|from|that)\b)",
          r"\b(?:inject|use|have|take|borrow|share)(?: \S+){0,2}? (?:of )?(?:his|hers|theirs|my (?:\S+ )?(?:sister|"
          r"brother|husband|wife|partner|friend|mum|mom|dad|flatmate)'s|(?:his|her|their) (?:one|ones|b12|ampoules?|"
          r"jabs?))\b|\bcan we share\b|\b(?:gave|sent|brought) me (?:some )?b12 (?:injections?|jabs?|ampoules?)\b",
          r"\b(?:two|2) (?:at once|in one go|together|on the same day|in (?:the )?same week)\b|\b(?:having|have|do|"
          r"doing|take|taking) two (?:tomorrow|today|tonight|this week|next week)\b",
          r"\b(?:\d[\d,]* ?(?:mcg|mg|ml)|\d+ ?(?:mcg|mg))\b(?: \S+){0,4}? (?:ok|okay|alright|fine|safe) for (?:me|"
          r"her|him)\b|\bcan i (?:take|have|do) (?:this|that) dose\b",
          r"\b(?:add|adding|use|using|take|taking) (?:a |some |the )?(?:b12 |methylcobalamin |methyl )?(?:spray|"
          r"lozenges?|patch(?:es)?|drops|tablets|sublinguals?)\b(?: \S+){0,3}? (?:between|to (?:my|his|her) "
          r"(?:injections|jabs|shots)|on top|as well|in the weeks)\b",
          )
# Development phrasings 4 (data/safety/dev_cases_4.yml): another product or schedule asked for, finishing early, a
# figure "would work better", medicine shared with a partner or a child, tablets on top, two squeezed into a week.
_PERSON = (r"(?:partner|wife|husband|mum|mom|mother|dad|father|son|daughter|brother|sister|kid|child|girlfriend|"
           r"boyfriend|friend)")
STRONG = (*STRONG,
          r"\b(?:swap|switch|change|move|go) (?:over )?(?:to|onto|on to) (?:the )?(?:methyl|hydroxo|cyano|adenosyl)\w*"
          r"|\bon the (?:methyl|hydroxo|cyano)\w* ones\b.{0,40}\b(?:swap|switch|change)\b|\bswitch permanently\b"
          r"|\bkeep both and alternate\b",
          r"^(?!.*\b(?:why|people|someone|anyone|in general)\b).*\b(?:every other day|alternate days?|daily|every day|"
          r"twice a week|fortnightly|monthly|weekly|every \d+ (?:days|weeks|months)) instead of\b",
          r"\b(?:finish|stop|end|done with|quit|come off)\b(?: \S+){0,4}? (?:(?:a |one |two |three |\d+ )?(?:weeks?|"
          r"months?|doses?|injections?) )?early\b|\bwhatever the plan says\b",
          r"\b\d{3,5} ?(?:mcg|mg|micrograms?)?\b(?: \S+){0,3}? (?:would|will|might) (?:work|be) better\b"
          r"|\b\d+ ?(?:mcg|mg)\b.{0,30}\b(?:suit|work for|be better for) (?:me|her|him)\b",
          r"\b(?:pushed|moved|stretched|spaced|changed|switched)\b(?: \S+){0,3}? to every \S+ (?:weeks|months)\b",
          rf"\b(?:can|could|may|should) (?:my |our )?(?:{_PERSON}|he|she|they)\b(?: \S+){{0,4}}? "
          r"(?:have|use|take|share)"
          r"\b(?: \S+){0,4}? (?:my|mine|from my|the (?:ampoules?|ampules?|spares?|spare ones|leftovers?))\b"
          r"|\b(?:give|inject) (?:him|her|them)(?: with)? (?:one of )?my (?:ampoules?|ampules?|b12|injections?|jabs?|"
          r"shots?|leftovers?)\b|\bshare (?:one |an? |the |my )?(?:ampoules?|ampules?|injections?|vials?)\b"
          r"|\b(?:use|have) my leftovers\b|\bampoules? i have spare\b",
          r"^(?!.*\b(?:people|someone|anyone|patients|in general|generally)\b).*\b(?:take|taking|took|have|having|"
          r"add|adding|use|using)\b(?: \S+){0,4}? (?:pills|tablets|supplements|capsules)\b(?: \S+){0,4}? "
          r"(?:with|on top "
          r"of|as well as|alongside) (?:my |the )?(?:shots|jabs|injections)\b|\bdoubled my (?:tablets|pills|"
          r"supplements)\b",
          r"\b(?:buy|buying|bought|order|ordering)\b.{0,40}\b(?:use|using|take|taking|inject|injecting)\b.{0,20}"
          r"\binstead\b",
          r"\b(?:go|move|switch|put me)(?: up)? (?:to|on|onto) the (?:neurological|nerve|neuro|loading|higher|"
          r"stronger) (?:schedule|plan|regime|regimen|dose|one|course)\b|\bi (?:think|feel|reckon) i should be on\b",
          r"\b(?:dose|injection) (?:more|most) (?:big|bigger|strong|high|much)\b|\b(?:make|do|take|have) two "
          r"injections? in (?:one|a|the same) (?:week|day)\b|\b(?:can|could|may) i (?:take|have|do|get) "
          r"(?:the |my |an? )?"
          r"(?:injections?|jabs?|shots?) (?:each|every) day\b",
          r"\bbump (?:me|her|him|it|my dose) up\b|\bsqueeze (?:two|2|an extra|another|both|in an extra)\b"
          r"|\b(?:get|have|do|take) two (?:injections|jabs|shots|doses) before\b"
          r"|\bcan (?:it|they|this) be (?:monthly|weekly|fortnightly|every \S+ (?:weeks|months)|less often|"
          r"more often)\b"
          r"|\btook an extra (?:ampoule|ampule|injection|jab|shot|dose)\b|\bhad one (?:on )?\w+day and another\b",
          )
CUES = (*CUES,
        r"\b(?:would|will|could) it (?:really )?(?:hurt|matter|be bad|be a problem)\b|\bany harm\b",
        r"\bcan (?:that|it|this) (?:happen|be (?:done|switched|changed|arranged))\b|\bis (?:that|it|this) allowed\b",
        r"\bthoughts\b|(?:^| )(?:yes|ok|okay|ye)$",
        r"\b(?:shouldn't|should not|couldn't|can't) (?:we|i|you|they)\b",
        r"\b(?:can|could|should) (?:my |the |his |her )?(?:\S+'s )?(?:maintenance|injections?|jabs?|shots?|doses?|plan|"
        r"schedule)\b",
        r"\bwould\b.{0,40}\b(?:safe|ok|okay|alright|fine)\b",
        r"\b(?:\S+'s )?(?:carer|nurse|doctor|gp|pharmacist) (?:wants?|would like|asked|suggested|wondered)\b",
        )
# Carrying medicine is not taking it: "can I take a load of ampoules with me on the plane?"
CARRY = re.compile(r"\b(?:with me|on (?:the )?(?:plane|flight)|in my (?:bag|luggage|case|suitcase)|hand luggage)\b")

SELF_ADJUSTED = (
    # skipped or stopped on purpose
    r"\b(?:skipped|missed|stopped|dropped|left out|didn't (?:have|take|do|bother with)|haven't (?:had|taken|done))"
    r"(?: \S+){0,5}? (?:on purpose|deliberately|intentionally|purposely|purposefully|because (?:i|he|she) (?:felt|"
    r"feel|was feeling|were feeling|'m feeling|am feeling|didn't feel|don't feel|didn't need|don't need)|as (?:i|he|"
    r"she)"
    r" felt (?:fine|better|ok|well|good))\b",
    r"\b(?:decided|chose|choose|opted) (?:not )?to (?:skip|stop|miss|drop|not have|not take|have|take|go|space|move|"
    r"cut|"
    r"reduce|double|leave|inject|do)\b",
    # part of a dose
    r"\b(?:us|tak|inject|hav|giv|do)\w* (?:myself |himself |herself )?(?:only )?(?:half|a half|a third|a quarter|"
    r"part) (?:of )?(?:an? |the |my |each |every |it )?(?:ampoules?|ampules?|doses?|injections?|vials?|shots?|"
    r"syringes?|jabs?|amount|each time|every time|at a time|of it|it|one)\b",
    # moved to another interval by themselves
    r"\b(?:moved|switched|changed|put|gone|went|dropped|cut|stepped|swapped) (?:myself|himself|herself|themselves)"
    r"(?: down| over| up| back)? (?:to|onto|on to|on|over to)\b",
    r"\b(?:moved|switched|changed|gone|went|dropped|cut) (?:down |over |up |back )?(?:to|onto) (?:\S+ ){0,2}?"
    r"(?:already|on my own|myself|without (?:asking|telling|checking))\b|\b(?:already|myself) (?:moved|switched|"
    r"changed|gone|went|dropped|cut) (?:down |over |up |back )?(?:to|onto)\b",
    r"\b(?:did|done|doing|gave|given|giving)(?: myself| himself| herself)? (?:my|his|her|their) own (?:injections?|"
    r"jabs?|shots?|extra|top ?ups?|dose)\b",
    # someone in their care
    rf"\b{OTHER}(?: has| have|'s)?(?: just| accidentally| already| mistakenly)* (?:took|taken|injected|gave "
    r"(?:himself|herself|themselves)|given (?:himself|herself|themselves)|did|done|had|used|doubled|skipped|stopped)"
    r"(?: \S+){0,3}? (?:a double|double|an extra|extra|another|a second|two|2|three|3|twice|more|both|half|it|them)\b"
    # "he's had 3 injections now": a count so far, not an extra dose; "my friend had hers 3 times a week": her schedule
    r"(?! (?:injections?|jabs?|shots?|doses?) (?:now|so far|already|in total|altogether|since|of|out of)\b)"
    r"(?! times (?:a|per|each|every) )",
)
APPROVAL = (
    rf"\b(?:is|would|will|could) (?:it|that|this) (?:be )?{OK}(?: for (?:me|him|her|us|my \S+))? (?:to|if (?:i|we|he|"
    rf"she))(?: \S+){{0,4}}? (?:{AMOUNT}|two|2|three|3|double|extra|another|twice|both|a second|an extra|more|less)",
    rf"\b(?:taking|having|getting|doing|injecting|giving (?:myself|him|her))(?: \S+){{0,2}}? (?:two|2|three|3|double|"
    rf"extra|another|an extra|a second|more|both|twice)(?: \S+){{0,4}}? {OK}\b",
)
# Approvals need a personal or a dated context: "is taking two ok?" in general is a general question.
PERSONAL_OR_DATED = re.compile(
    r"\b(?:i|me|my|i'm|i've|myself|for me|in my case|next time|this week|next week|this time|this month|tomorrow|"
    r"today|tonight|at once|together|in one week|in a week)\b"
)
ELLIPTICAL = re.compile(
    rf"^(?:(?:an?|one|just|so|some|ok|and) )*(?:extra|another|additional|two|2|three|3|double|bigger|larger|higher|"
    rf"stronger|lower|smaller|weaker|reduced|half|more)(?: \S+){{0,2}}? {DOSE}\b(?: (?!(?:better|work|works|worked|"
    r"faster|help|helps|mean|means|cost|costs|do|does|did|is|are|was|were|as|like|than|left|remaining|given|done|had|"
    r"planned|scheduled|needed|required|normal|usual|common|bad|dangerous)\b)\S+)*$"
)
HAD_EXTRA = re.compile(
    rf"\b{_SUBJECT}(?: \S+){{0,2}}? (?:had|having|took|taken|taking|did|done|doing|injected|injecting|used|"
    rf"gave (?:myself|himself|herself))(?: \S+){{0,2}}? "
    r"(?:two|2|three|3|both|double|extra|an extra|another)\b"
)
WAS_THAT_OK = re.compile(
    r"\b(?:is|was) (?:that|it|this) (?:ok|okay|alright|all right|fine|safe|a problem|bad|dangerous|too much)|\bhave i "
    r"(?:messed|mucked|screwed|ruined)|\bdid i (?:mess|do (?:something |anything )?wrong|ruin)|\bwill (?:i|he|she) be "
    r"(?:ok|okay|alright|fine)\b"
)
AS_PLANNED = re.compile(
    r"\b(?:as (?:planned|prescribed|scheduled|documented|agreed)|per (?:my|the) plan|on schedule|according to "
    r"(?:my|the) plan)\b"
)
# "can you change it?" after a clause about the dose.
PRONOUN_CHANGE = re.compile(
    r"\b(?:change|increase|decrease|reduce|raise|lower|up|adjust|double|halve|alter|bump|boost|put|move) (?:it|that|"
    r"this|them)(?: up| down)?\b"
)
