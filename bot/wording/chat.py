"""Computed sentences of the conversation itself: clarifying questions, red-flag checks, verification,
reported injections, the calendar link, worsening symptoms. Static replies live in domain.yml.
"""

from __future__ import annotations

from datetime import date

from bot.dates import format_day

# The button titles of a "Did you mean …?" question, one per intent the bot can be asked.
INTENT_TITLES: dict[str, str] = {
    "ask_weekly_duration": "How long my weekly injections last",
    "ask_next_injection": "When my next injection is",
    "ask_injection_history": "My last injection, and how many I've had",
    "ask_my_plan": "My whole plan",
    "ask_my_product": "Which product and strength I'm on",
    "ask_maintenance_plan": "When I move to maintenance",
    "ask_next_lab_check": "When my next blood test is",
    "report_missed_dose": "I missed an injection",
    "request_dose_change": "Changing my dose",
    "report_injection_given": "I've had an injection",
    "ask_calendar": "My dates in my phone calendar",
    "ask_typical_starting_dose": "The usual starting dose",
    "ask_switch_to_oral": "Switching to tablets",
    "ask_injection_vs_tablet": "Injections compared with tablets",
    "ask_monitoring_labs": "Which blood tests are used and why",
    "ask_more_is_better": "Whether more B12 works better",
    "ask_neurologic_symptoms": "Nerve symptoms such as tingling",
    "ask_recovery_time": "How long until I feel better",
    "ask_product_difference": "Cyanocobalamin or hydroxocobalamin",
    "ask_side_effects": "Side effects",
    "ask_deficiency_scenario": "How my situation affects treatment",
    "ask_weekly_meaning": "What \"weekly\" or \"loading\" means",
    "ask_term_meaning": "What a medical word means",
    "ask_appointment_change": "Moving an appointment or being away",
    "ask_self_injection": "Injecting myself at home",
    "ask_pregnancy": "Pregnancy or breastfeeding",
    "ask_interactions": "Alcohol and other medicines",
    "ask_lab_preparation": "Getting ready for a blood test",
    "ask_buy_online": "Buying B12 myself",
    "ask_cost": "Costs and charges",
    "report_symptoms_worse": "My symptoms are getting worse",
    "request_human": "Talk to a person",
    "help": "What can you do?",
}

CLARIFY_LEAD = "I want to be sure I answer the right question. Did you mean one of these?"
CLARIFY_NONE = "Something else"

# One short check question per red-flag kind, asked when the message suggests it but does not say it is
# happening now. "Yes" gets urgent-care advice, "no" the answer to what was asked.
CHECK_QUESTIONS: dict[str, str] = {
    "breathing": "Are you having trouble breathing right now?",
    "chest_pain": "Do you have chest pain or tightness right now?",
    "swelling": "Is your face, lips, tongue or throat swelling right now?",
    "allergic_rash": "Do you have hives or a rash spreading over your body right now?",
    "fainting": "Have you fainted, or do you feel you are about to faint, right now?",
    "sudden_weakness": "Is this weakness sudden, for example in one arm, one leg or one side of the face?",
    "confusion": "Has this confusion come on suddenly?",
    "severe_numbness": "Has this numbness come on suddenly or spread quickly?",
    "irregular_heartbeat": "Is your heart racing or beating irregularly right now?",
    "seizure": "Is someone having a fit or seizure right now?",
    "choking": "Is someone choking or unable to breathe right now?",
    "blue_lips": "Are your lips or face turning blue right now?",
}
CHECK_DEFAULT = "Is this happening right now, and is it severe?"
CHECK_NO = ("Thank you for checking. If it starts, gets worse or you feel unwell, call your local emergency "
            "number straight away.")
CHECK_BUTTONS = (("Yes, right now", "/affirm"), ("No", "/deny"))


def check_question(category: str | None) -> str:
    return CHECK_QUESTIONS.get(category or "", CHECK_DEFAULT)


def locked(minutes: int) -> str:
    return (f"For your security, checking your details is paused for this chat after several unsuccessful tries. "
            f"Please try again in {minutes} minutes, sign in through the clinic's patient portal, or call the "
            "clinic. I can still answer general questions.")


VERIFICATION_STOPPED = "No problem, I've stopped checking your details. I can still answer general questions."
VERIFICATION_RESUME = "When you are ready, I still need your details to look at your plan."

WORSENING_LEAD = "I'm sorry your symptoms are getting worse."
WORSENING_CARE_TEAM = "Please let your care team know today: I can pass a message to them now so they contact you."
WORSENING_URGENT = ("If you get sudden weakness, numbness that spreads quickly, trouble speaking, chest pain or "
                    "trouble breathing, call your local emergency number straight away.")

# "Is it an emergency?": when it is, without judging this case from a chat.
WHEN_URGENT = (f"{WORSENING_URGENT} Otherwise, if your symptoms are getting worse or coming back, please let your "
               "care team know today.")
# Any other message right after urgent-care advice: the advice stands, the question is still answered.
AFTER_URGENT = ("If those symptoms are still there, please get urgent help first. Before your next injection, tell "
                "your clinic or care team what happened.")

ALREADY_SAID = "I've covered that just above."


def report_confirm(on: date) -> str:
    return f"Just to check: you had your B12 injection on {format_day(on)}?"


def report_recorded(on: date) -> str:
    return (f"Thank you, I've noted your injection on {format_day(on)} as reported by you. The clinic will "
            "confirm it, and until then I count it when I work out your dates.")


REPORT_NOT_RECORDED = "Alright, I haven't noted anything."
REPORT_ASK_DAY = "Which day did you have it? For example \"today\", \"yesterday\" or \"on Monday\"."


def report_in_future(on: date) -> str:
    return (f"{format_day(on)} is still to come, so I can't note it yet. Tell me once you've had the injection.")


def report_before_plan(on: date, starts: date) -> str:
    return (f"{format_day(on)} is before your plan starts ({format_day(starts)}), so I can't note it against "
            "this plan. Please tell the clinic about it.")


def report_duplicate(on: date) -> str:
    return f"An injection on {format_day(on)} is already noted, so there is nothing more to add."


CALENDAR_SIGN_IN = ("To put your injection dates in your phone calendar I need to know who you are; please sign "
                    "in through the clinic's patient portal, or ask me about your plan and I'll check your details.")


def calendar_link(url: str) -> str:
    return (f"Here is your personal calendar link: {url} . Open it on your phone to subscribe; your calendar then "
            "shows each injection and blood test with a reminder the day before, and it updates itself when your "
            "clinician changes your plan. Keep the link private: anyone with it can see your dates.")


CALENDAR_BUTTON = "Add to my calendar"
CALENDAR_DOWNLOAD_BUTTON = "Download the dates"
MESSAGE_TOO_LONG = ("That message is too long for me to read. Please ask your question in a few sentences "
                    "(up to {limit} characters).")
