"""Dose-change requests on the author's own development phrasings (the evaluation set lives elsewhere)."""

from __future__ import annotations

import pytest

from bot.safety import screen

REQUESTS = [
    # catching up
    ("catch_up", "i'll just take two next time to catch up"),
    ("catch_up", "can I do two injections tomorrow to catch up"),
    ("catch_up", "I missed Monday so I'll have two on Friday"),
    ("catch_up", "should I double up next week since I missed one"),
    ("catch_up", "can I make up for the missed jab with an extra one"),
    ("catch_up", "I'm going to take both at once"),
    ("catch_up", "can I have 2 shots this week instead of 1"),
    ("catch_up", "I'll do a double dose to make up for it"),
    ("catch_up", "let me take two next time"),
    ("catch_up", "can I catch up on the one I missed by having it with this week's"),
    # approval of an amount or change
    ("approval", "is 2000 mcg ok for me?"),
    ("approval", "would 5000mcg be safe for me"),
    ("approval", "is 1 mg too much for me"),
    ("approval", "should I be on 2000 mcg"),
    ("approval", "is a double dose ok for me"),
    ("approval", "would a higher dose be better for me"),
    ("approval", "can I go up to 2000 mcg?"),
    ("approval", "is it alright for me to take 1000mcg daily"),
    ("approval", "is it ok if I have my shot 2 days early?"),
    ("approval", "would it be ok to have an extra one this week"),
    # already self-adjusted
    ("self_adjusted", "i already took a double dose, is that ok?"),
    ("self_adjusted", "I accidentally injected twice this week"),
    ("self_adjusted", "I gave myself an extra shot yesterday"),
    ("self_adjusted", "I've been taking two a week instead of one"),
    ("self_adjusted", "I doubled my dose last week"),
    ("self_adjusted", "I upped my dose to 2000 mcg"),
    ("self_adjusted", "I took 5000 mcg this morning"),
    ("self_adjusted", "I stopped my injections a month ago, is that a problem?"),
    ("self_adjusted", "I've cut down to one a month myself"),
    ("self_adjusted", "I took an extra jab by mistake"),
    # someone else's, leftover, shared
    ("sharing", "can my kid use my leftover b12 ampoules?"),
    ("sharing", "can I give my husband one of my injections"),
    ("sharing", "can I use my mum's b12 shots"),
    ("sharing", "my friend gave me her spare ampoules, can I use them?"),
    ("sharing", "can I share my jabs with my wife"),
    ("sharing", "is it ok to use my sister's hydroxocobalamin"),
    ("sharing", "can my partner have some of my b12"),
    ("sharing", "I've got leftover ampoules from last year, can I use them up?"),
    ("sharing", "can I take my husband's b12 injection since mine ran out"),
    ("sharing", "could my daughter try one of mine"),
    # buying extra, topping up
    ("top_up", "can I buy b12 injections online to top up"),
    ("top_up", "where can I buy extra ampoules"),
    ("top_up", "I want to order hydroxocobalamin from amazon"),
    ("top_up", "can I top up with a b12 spray between jabs"),
    ("top_up", "should I take tablets as well as the injections to top up"),
    ("top_up", "can I get some b12 from the pharmacy to have between shots"),
    ("top_up", "I bought b12 injections online, can I use them?"),
    ("top_up", "can I top myself up with an extra jab before my holiday"),
    # more, less, sooner, later, stop
    ("change", "can I have my injections weekly instead of monthly"),
    ("change", "could you increase my dose"),
    ("change", "I want to stop the shots"),
    ("change", "can I skip this month"),
    ("change", "can I space them out to every 3 months"),
    ("change", "can I have it every two weeks instead"),
    ("change", "I'd like more frequent injections"),
    ("change", "give me a bigger dose"),
    ("change", "reduce my jabs please"),
    ("change", "can I move my next one earlier"),
    ("change", "can I have my next shot a week early"),
    ("change", "can I delay my injection by a week"),
    ("change", "I need extra shots, I'm exhausted"),
    ("change", "could I have an extra jab before my holiday"),
    ("change", "please double my b12"),
    ("change", "can I go back to weekly injections"),
    ("change", "I want to drop to every 3 months"),
    ("change", "can we halve the dose"),
    ("change", "I'd rather have 500 mcg"),
    ("change", "can i stop the injections early"),
    ("change", "when is my next shot? can I have it sooner"),
    ("change", "I think I need a stronger dose"),
    # typos and slang
    ("typo", "can i hav an exra shot"),
    ("typo", "shud i dubble my dose"),
    ("typo", "can i skipp next weeks jab"),
    ("typo", "i wanna double up"),
    ("typo", "pls up my dose"),
    ("typo", "cn i take 2 shots this wk"),
    ("typo", "can I hav 2000mcg insted"),
    ("typo", "i wana stop the injectons"),
    ("typo", "can i tak my shot erlier"),
    ("typo", "DOUBLE MY DOSE PLEASE"),
    ("typo", "c4n 1 d0uble my d0se"),
    # more, from probing
    ("change", "can the dose be increased?"),
    ("change", "is it ok for me to use hydroxocobalamin instead of cyanocobalamin?"),
    ("sharing", "I got some b12 shots from a friend"),
    ("top_up", "can I buy b12 over the counter?"),
    ("change", "is it ok if I take my shot late?"),
    ("self_adjusted", "I've been doing my own injections weekly instead of monthly"),
    ("sharing", "I gave my wife one of my ampoules"),
    ("change", "can I split an ampoule in two?"),
    ("change", "can I use half an ampoule?"),
    ("sharing", "my husband's prescription is the same as mine, can I use his if I run out?"),
    # round 2 (gaps found by the independent evaluation; the author's own paraphrases, not its sentences)
    # the dose put up or down
    ("change", "could you bump my dose up a bit"),
    ("change", "can my dosage come down"),
    ("change", "I'd like my injections brought down to 500 mcg"),
    ("change", "knock my dose down please"),
    # a bigger dose or a higher strength
    ("change", "any chance of a stronger dose next time?"),
    ("change", "would the doctor consider a higher strength for me"),
    ("change", "I need a bigger amount than I'm getting"),
    # another product
    ("product", "can I go onto methylcobalamin instead"),
    ("product", "I'd prefer to be switched over to the cyano one"),
    ("product", "could I try a different brand of injection"),
    # another interval
    ("interval", "can I have them every six weeks"),
    ("interval", "could we do it bi-weekly"),
    ("interval", "I'd like a bigger gap between my jabs"),
    ("interval", "can I carry on with weekly for longer"),
    ("interval", "let me do 3-monthly from now"),
    # two together or close together
    ("catch_up", "can I do both jabs on the same day"),
    ("catch_up", "could I have one today and one tomorrow"),
    ("catch_up", "is it ok to have them two days apart this time"),
    # making up for a missed one
    ("catch_up", "I missed last week, can I have double this week to make up"),
    ("catch_up", "how about catching up with an extra one on Monday"),
    ("catch_up", "make up the one I missed by having two on Friday?"),
    # leaving one out
    ("skip", "I'd rather give next week's jab a miss"),
    ("skip", "could I go without my injection this month"),
    ("skip", "can I not have one while I'm away"),
    # stopping now they feel well
    ("stop", "I'm feeling fine so I'd like to come off them"),
    ("stop", "can I pack them in now I'm better"),
    ("stop", "thinking of stopping since I'm back to normal"),
    # less
    ("change", "could I have a smaller amount"),
    ("change", "I want to use a bit less each time"),
    ("change", "can I cut back how much goes in"),
    # changed already
    ("self_adjusted", "I didn't have my last one deliberately because I felt great"),
    ("self_adjusted", "I've been doing half an ampoule to make my supply last"),
    ("self_adjusted", "I've put myself on fortnightly"),
    ("self_adjusted", "I gave myself a second jab yesterday by mistake"),
    ("self_adjusted", "I did an extra one myself on Sunday"),
    # bought abroad or online, then how much
    ("top_up", "I've got some b12 shipped from overseas, what dose should I use?"),
    ("top_up", "bought ampoules off a website, how many should I take?"),
    ("top_up", "can I order cyanocobalamin from abroad"),
    # boosters on top
    ("top_up", "can I add b12 drops on top of my jabs?"),
    ("top_up", "should I take a booster spray as well"),
    ("top_up", "can I use patches to boost my levels between shots"),
    # someone in their care
    ("third_person", "my wife wants her injections closer together"),
    ("third_person", "can my dad come off his jabs now"),
    ("third_person", "my son took two by accident, is that ok"),
    ("third_person", "could my mum go up to weekly"),
    ("third_person", "my husband skipped his jab on purpose"),
    # heavy typos and chat
    ("typo", "can i hav a highr dose"),
    ("typo", "shud i tak 2 shts this wk"),
    ("typo", "wanna stp my jabs"),
    ("typo", "cn my doze go up"),
    ("typo", "i tuk an xtra 1 ystrday"),
    # bare requests and an extra dose asked about afterwards
    ("approval", "one more shot this week ok?"),
    ("approval", "is it safe for my son to have 2000 mcg?"),
    ("self_adjusted", "I ended up doing two on Sunday, will I be ok?"),
    # later phrasings (2026-12-03)
    ("phase", "could we lengthen the weekly phase by two more weeks?"),
    ("interval", "mum gets hers every 3 months, can we make it every 6 weeks?"),
    ("early", "i had my jab three days early, is that a problem"),
    ("strength", "I'd like to go down to half strength"),
    ("other_person", "can I just use my sister's hydroxocobalamin till mine arrives"),
    ("route", "can we change from intramuscular to under the skin?"),
    ("all_at_once", "could I have both the remaining injections at once?"),
    ("want", "I want them fortnightly from now on"),
    ("already", "I doubled up last night, is that bad?"),
]

NOT_REQUESTS = [
    ("general", "is a higher dose better?"),
    ("general", "what is the usual starting dose?"),
    ("general", "when is my next dose?"),
    ("general", "how many doses are left?"),
    ("general", "what happens if I miss a dose?"),
    ("general", "what dose am I on?"),
    ("general", "how much b12 is in each injection?"),
    ("general", "why do I need so many injections?"),
    ("general", "is 1000 mcg the normal dose?"),
    ("general", "do people ever need higher doses?"),
    ("general", "who decides my dose?"),
    ("general", "how often are the injections?"),
    ("general", "when will I switch to monthly?"),
    ("general", "how long is the loading phase?"),
    ("general", "will my dose change after the blood test?"),
    ("general", "what's the difference between loading and maintenance doses?"),
    ("general", "is it bad to have too much b12?"),
    ("general", "can you overdose on b12?"),
    ("general", "is 2000 mcg safe?"),
    ("general", "what does 1000 mcg mean?"),
    ("general", "how many injections in total?"),
    ("general", "do more injections work faster?"),
    ("general", "why is my dose different from my friend's?"),
    ("general", "when can I stop the injections?"),
    ("general", "how many more shots before I can stop?"),
    ("general", "is it normal to have 6 injections in 2 weeks?"),
    ("general", "how long does one dose last?"),
    ("general", "what's a maintenance dose?"),
    ("general", "is the dose based on my weight?"),
    ("general", "can the dose be too low?"),
    # missed or given as planned
    ("missed", "I missed my dose"),
    ("missed", "I missed my injection yesterday, what should I do?"),
    ("missed", "I skipped my shot last week, what should I do?"),
    ("missed", "I forgot my jab on Monday"),
    ("missed", "my appointment was cancelled so I missed a dose"),
    ("given", "I had my injection today"),
    ("given", "the nurse gave me my shot this morning"),
    ("given", "I've had 4 of my 6 loading doses"),
    ("given", "I had two injections this week as planned"),
    ("given", "my doctor increased my dose last month"),
    ("given", "my dose was doubled by the haematologist"),
    ("given", "I'm on 1000 mcg every 3 months"),
    # logistics and other medicines
    ("logistics", "can I have my injection at a different clinic"),
    ("logistics", "can I drink alcohol after my jab"),
    ("logistics", "can I exercise after the injection"),
    ("logistics", "can I fly with my ampoules"),
    ("logistics", "what should I do with my leftover ampoules?"),
    ("logistics", "how do I dispose of used syringes"),
    ("logistics", "where do I store the spare ampoules"),
    ("logistics", "can I take paracetamol after the injection"),
    ("logistics", "can I take ibuprofen with b12"),
    ("logistics", "can I take two paracetamol for the sore arm?"),
    ("logistics", "can I take my injection with me on holiday?"),
    ("logistics", "can you remind me to take my shot"),
    ("logistics", "should I take my injection before or after food?"),
    ("logistics", "can I take vitamin D with my b12?"),
    ("logistics", "can I get a copy of my dose history?"),
    ("logistics", "can I see how many doses I've had?"),
    ("logistics", "my husband also has b12 injections, can we go together?"),
    ("logistics", "can my wife come with me to my injection?"),
    ("logistics", "can I bring my kid to the appointment"),
    ("logistics", "can I have my shot in the other arm"),
    ("logistics", "can I book two appointments at once?"),
    ("logistics", "I need two copies of my plan"),
    ("oral", "can I switch to tablets instead of injections"),
    ("oral", "are tablets as good as injections?"),
    ("oral", "is the injection the same as tablets?"),
    ("oral", "do I need to take folic acid as well?"),
    ("oral", "would tablets work for me?"),
    # denied
    ("denied", "I don't want to double my dose"),
    ("denied", "I won't skip any"),
    ("denied", "I never miss my shots"),
    ("denied", "I'm not going to stop my injections"),
    ("denied", "I didn't take an extra one"),
    ("denied", "I would never share my ampoules"),
    # worries and feelings
    ("feelings", "I'm worried my dose is too low"),
    ("feelings", "my friend takes 5000 mcg, why am I only on 1000?"),
    ("feelings", "I feel better since the injections"),
    ("feelings", "what if I'm late for my dose?"),
    ("feelings", "I'm tired before my next dose is due"),
    ("feelings", "my levels were low, is that why I need more shots?"),
    # more, from probing
    ("general", "my dose is 1000 mcg right?"),
    ("general", "is it dangerous to double up?"),
    ("general", "what should I do if I accidentally take two?"),
    ("logistics", "I have leftover ampoules, how should I dispose of them?"),
    ("logistics", "can I get my injection earlier in the day?"),
    ("oral", "can I buy b12 tablets at the pharmacy?"),
    ("general", "how much is a double dose?"),
    ("general", "what happens if someone takes a double dose?"),
    ("general", "does the dose change during maintenance?"),
    ("general", "will I ever need a higher dose?"),
    # round 2: the documented dose, said in the past
    ("given", "I had my usual 1000 mcg on Tuesday"),
    ("given", "the nurse gave me my 1 mg jab as planned"),
    ("given", "my last dose was 1 mg like always"),
    ("given", "I took my b12 injection yesterday as scheduled"),
    ("plan", "when I moved to maintenance my dose stayed at 1 mg"),
    # who decides
    ("general", "my GP says he can't alter my dose, so who does?"),
    ("general", "if the nurse can't change my dose, who decides?"),
    ("general", "who is allowed to change my dose?"),
    # topic questions
    ("general", "is it legal to order injections from abroad?"),
    ("general", "can people buy b12 ampoules without a prescription?"),
    ("general", "do pharmacies sell b12 injections?"),
    ("general", "is there any benefit to b12 spray alongside injections in general?"),
    ("general", "do people ever take supplements on top of the jabs?"),
    ("general", "in general, is it worth topping up between injections?"),
    ("general", "extra shots don't help, do they?"),
    ("general", "how much b12 is in the higher strength ampoules?"),
    # words the new patterns use, in ordinary sentences
    ("logistics", "can I have my jab every Monday at the same clinic?"),
    ("logistics", "can I bring both ampoules on the plane?"),
    ("logistics", "can I book my next two injections together?"),
    ("logistics", "I want to stop getting the text reminders"),
    ("logistics", "can we stop the chat for now"),
    ("logistics", "please stop"),
    ("logistics", "when is my second shot?"),
    ("logistics", "can I get my second injection at a different surgery?"),
    ("logistics", "my husband has his jab every 3 months, can we go together?"),
    ("missed", "I missed my last shot because I was ill"),
    ("logistics", "I moved house so I switched to a new clinic"),
    ("feelings", "I feel normal now, thanks for the help"),
    ("logistics", "can my daughter have b12 injections too?"),
    ("logistics", "can I have it every week at the same time?"),
    ("general", "I'd like to know when I can stop"),
    ("logistics", "is it ok to have my jab and the flu jab on the same day?"),
    ("logistics", "can I have the covid jab and my b12 together?"),
    ("logistics", "can the nurse give me my injection at home?"),
    ("general", "can I stay on the same dose?"),
    ("given", "I had both injections this week as planned and feel fine"),
    # later phrasings (2026-12-03): trigger words that are not about the dose
    ("trigger", "skip the small talk, when is my next one"),
    ("trigger", "can I double-book my bloods and my jab?"),
    ("trigger", "I had an extra blood test at my GP, is it on my record?"),
]


def test_the_sets_are_as_large_as_the_issue_asks():
    assert len(REQUESTS) >= 80 and len(NOT_REQUESTS) >= 80
    assert {"catch_up", "approval", "self_adjusted", "sharing", "top_up", "typo"} <= {kind for kind, _ in REQUESTS}


@pytest.mark.parametrize(("kind", "text"), REQUESTS)
def test_dose_change_requests_are_caught(kind, text):
    assert screen(text).dose_request is True, (kind, text, screen(text).clauses)


@pytest.mark.parametrize(("kind", "text"), NOT_REQUESTS)
def test_other_dose_questions_are_not_requests(kind, text):
    assert screen(text).dose_request is False, (kind, text, screen(text).clauses)


def test_recall_is_complete_and_false_positives_are_zero_on_the_dev_set():
    recall = sum(screen(text).dose_request for _, text in REQUESTS) / len(REQUESTS)
    false_positives = sum(screen(text).dose_request for _, text in NOT_REQUESTS) / len(NOT_REQUESTS)
    assert (recall, false_positives) == (1.0, 0.0)


def test_a_dose_request_is_not_a_red_flag_and_a_red_flag_next_to_it_is_still_caught():
    assert screen("can I double my dose?").red_flag is None
    both = screen("can I double my dose? I can't breathe properly")
    assert both.dose_request and both.red_flag.category == "breathing"


@pytest.mark.parametrize("text", [
    "every other day instead of weekly for me?", "how about I just finish the loading course two weeks early",
    "doctor said 1000 but I think 1500 would work better, can I?", "can my partner have a shot from my box",
    "i wanna take extra b12 pills with my shots to speed things up", "my levels are still low, bump me up",
    "I'm behind by a dose, shall I squeeze two into this week?", "is ok I make two injection in one week?",
    "fortnightly is too much hassle, can it be monthly from now on", "took an extra ampoule last night",
])
def test_development_set_4_dose_changes_are_requests(text):
    assert screen(text).dose_request, text


@pytest.mark.parametrize("text", [
    "more info on hydroxocobalamin please", "can you give me more details about my schedule",
    "can I buy b12 injections online", "do people ever take supplements on top of the jabs?",
    "do tablets work as well as injections in general?",
])
def test_development_set_4_questions_about_doses_are_not_requests(text):
    assert not screen(text).dose_request, text
