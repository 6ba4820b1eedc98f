"""The domain vocabulary typo repair and word splitting aim at: symptom, body, time and dose words.

A typo is repaired only towards one of these words, and only when the typed word is not an English word itself
(known_words.txt). Inflected forms the patterns rely on are listed too, so that "fainted" is not "repaired".
"""

from __future__ import annotations

# Symptom and body words of the red flags, and the dose words of dose-change requests.
CONTENT_WORDS = frozenset(
    """
    chest pain pains painful hurts hurting aching ache aches achy tight tightness tightening pressure heaviness
    heavy crushing squeezing angina stabbing burning discomfort elephant
    heart attack attacks heartbeat heartbeats palpitations palpitation racing pounding fluttering flutters
    irregular skipping thumping pulse arrhythmia beating
    breathe breathing breath breaths breathless breathlessness shortness wheezing wheeze wheezy wheezed gasping
    gasp gasped suffocating suffocate struggling difficulty difficulties trouble oxygen inhaler lungs airway
    choking choke choked
    swelling swollen swelled swell swells throat tongue lips lip face mouth eyelids eyes swallow swallowing puffy
    puffed closing closed
    hives rash rashes blistering blisters anaphylaxis anaphylactic allergic allergy reaction itching itchy welts
    epipen blotches
    faint fainted fainting faints passed blacked blacking unconscious collapsed collapsing collapse consciousness
    unresponsive dizzy dizziness lightheaded
    weakness weak sudden suddenly drooping droopy slurred slurring paralysed paralyzed stroke numbness numb
    tingling tingly spreading worsening worse
    confused confusion disoriented disorientated delirious
    seizure seizures seizing convulsing convulsion convulsions fitting epileptic shaking
    blue bluish purple grey gray
    severe extreme terrible unbearable
    double doubling doubled triple tripled injection injections increase increased decrease reduce reduced
    dosage dosages maintenance instead extra skip skipping stop stopping higher lower often frequent frequently
    shot shots dose doses ampoule ampoules vial vials leftover leftovers spare microgram micrograms milligram
    milligrams hydroxocobalamin cyanocobalamin cobalamin twice catch catching jab jabs injecting inject
    medication medicine prescription syringe syringes needle needles early earlier sooner later
    stronger smaller weaker fortnightly monthly weekly strength
    """.split()
)
# Words of the cues around them (requests, time, people), repaired too when mistyped.
CUE_WORDS = frozenset(
    """
    cant cannot should could would shouldn't couldn't wouldn't please think really properly barely hardly
    yesterday tomorrow today tonight morning minutes ago since right now again
    husband daughter partner mother father brother sister grandma grandad neighbour neighbor friend
    something someone emergency ambulance hospital help happening cause causes can
    """.split()
)
DOMAIN_WORDS = CONTENT_WORDS | CUE_WORDS

# Short words a missing space may sit next to ("icantbreathe", "mylipsareswelling", "shortofbreath").
GLUE_WORDS = frozenset(
    """
    i im my is are of so not no to it in up out a the and can cant all over me short feel feels feeling hard
    get air getting am very really have has got going gone keep went just after and it wont stop this two week
    sore tight swollen bad badly talk speak
    """.split()
)
