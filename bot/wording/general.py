"""The connective sentences of general answers (the sourced facts themselves are in bot/knowledge/facts.yml).

Connective sentences never state a figure: every number a patient reads in a general answer comes from a
fact that names its source (tests/unit/test_knowledge.py checks this for every intent and entity value).
"""

from __future__ import annotations

CLOSING = "For your own injections, your clinician's documented schedule comes first."
DOCUMENTED_SCHEDULE_PHRASE = "your clinician's documented schedule comes first"

ASK_WHICH_SCENARIO = "If you tell me which of these is closest to your situation, I can say a little more."
OTHER_PRODUCT = "I only have sourced facts on the injection forms cyanocobalamin and hydroxocobalamin."


def asked_about_product(product: str) -> str:
    return f"You asked about {product}, so here is how it compares."


ALTERNATE_DAYS = ("Every other day (alternate days) means an injection on one day, none the next, then another, so "
                  "the weekday changes from one injection to the next.")

ASK_WHICH_TERM = ("Which word would you like explained? I can explain serum B12, CBC or FBC, MCV, MMA, homocysteine, "
                  "reticulocytes, replenishment, maintenance, pernicious anaemia, intrinsic factor, intramuscular "
                  "and deep subcutaneous.")

# Topics the sources cover only partly. Each says plainly what the bot cannot tell and who decides.
TOPIC_LEADS: dict[str, str] = {
    "ask_appointment_change": (
        "Moving an injection, or being away when one is due, is something the clinic arranges with you: they can "
        "tell you how to fit it around your plans."
    ),
    "ask_self_injection": (
        "Whether you can have your injections at home, from a visiting nurse or by giving them yourself, and "
        "where on the body, is for your clinic to decide and to arrange with you."
    ),
    "ask_pregnancy": (
        "If you are pregnant, trying to conceive or breastfeeding, please tell your clinician, because it can "
        "change how closely your treatment is followed."
    ),
    "ask_interactions": (
        "I don't have sourced information on alcohol or on particular medicines with B12 injections; your "
        "clinician or pharmacist can check what you take."
    ),
    "ask_lab_preparation": (
        "I don't have information on preparing for your blood test (for example fasting) or on having it done "
        "somewhere else; the clinic will tell you what they need."
    ),
    "ask_buy_online": (
        "I can't advise on buying B12 injections yourself; please use the product your clinician prescribed, and "
        "talk to the clinic before using anything else."
    ),
    "ask_cost": (
        "I don't have information on costs, prescription charges or insurance cover; the clinic or your pharmacy "
        "can tell you."
    ),
}
# Topics where the next step is the care team: the answer ends by offering to pass the question on.
TOPICS_OFFERING_CARE_TEAM = frozenset(TOPIC_LEADS)
