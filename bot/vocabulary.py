"""The words the whole bot agrees on: intents, entities, products, routes, indications, lab tests.

One list each. `domain.yml` is checked against the intents and entities here (tests/unit/test_vocabulary.py),
plan files and FHIR bundles are validated against the products, routes and indications, and the knowledge
module picks facts by the same names. docs/intents.md says what each intent means.
"""

from __future__ import annotations

# --- intents ------------------------------------------------------------------------------------------

# Answered from the patient's own documented plan: they need to know who is asking.
PLAN_INTENTS: tuple[str, ...] = (
    "ask_weekly_duration",
    "ask_next_injection",
    "ask_injection_history",
    "ask_my_plan",
    "ask_my_product",
    "ask_maintenance_plan",
    "ask_next_lab_check",
    "report_missed_dose",
    "request_dose_change",
    "report_injection_given",
    "ask_calendar",
)

# Answered from the knowledge module, the same for everyone (no identity needed).
GENERAL_INTENTS: tuple[str, ...] = (
    "ask_typical_starting_dose",
    "ask_switch_to_oral",
    "ask_injection_vs_tablet",
    "ask_monitoring_labs",
    "ask_more_is_better",
    "ask_neurologic_symptoms",
    "ask_recovery_time",
    "ask_product_difference",
    "ask_side_effects",
    "ask_deficiency_scenario",
    "ask_weekly_meaning",
    "ask_term_meaning",
)

# Common topics the sources cover only partly: an honest answer, the clinic decides, the care team offered.
TOPIC_INTENTS: tuple[str, ...] = (
    "ask_appointment_change",
    "ask_self_injection",
    "ask_pregnancy",
    "ask_interactions",
    "ask_lab_preparation",
    "ask_buy_online",
    "ask_cost",
)

SAFETY_INTENTS: tuple[str, ...] = ("report_emergency", "report_symptoms_worse")

DIALOGUE_INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "stop",
    "bot_challenge",
    "request_human",
    "out_of_scope",
    "help",
    "provide_identity",
)

INTENTS: tuple[str, ...] = PLAN_INTENTS + GENERAL_INTENTS + TOPIC_INTENTS + SAFETY_INTENTS + DIALOGUE_INTENTS
# Intents a patient asks a question with (the rest steer the conversation).
QUESTION_INTENTS: tuple[str, ...] = PLAN_INTENTS + GENERAL_INTENTS + TOPIC_INTENTS + ("report_symptoms_worse",)
FALLBACK_INTENT = "nlu_fallback"

ENTITIES: tuple[str, ...] = ("product", "dose", "frequency", "lab_test", "scenario", "patient_reference", "date")

# --- the plan's own vocabulary ------------------------------------------------------------------------

PRODUCTS: tuple[str, ...] = ("cyanocobalamin", "hydroxocobalamin")
ROUTES: tuple[str, ...] = ("intramuscular", "deep subcutaneous")
INDICATIONS: tuple[str, ...] = ("absorption problem", "mild deficiency", "neurologic symptoms", "diet-related")
PHASES: tuple[str, ...] = ("replenishment", "maintenance")

# Lab tests the knowledge module has facts for, by canonical name.
LAB_TESTS: tuple[str, ...] = ("serum B12", "blood count", "MMA", "reticulocytes", "folate", "potassium")
