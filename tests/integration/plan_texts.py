"""A plan file used by several integration tests: 3 weeks into 6 weekly doses, 3 given, the last one today."""


def mid_course_plan(reference: str = "MRN-7001", name: str = "Alex Rivera", date_of_birth: str = "1968-03-14",
                    clinician: str = "Dr. Priya Shah") -> str:
    return f"""
patient:
  reference: {reference}
  name: {name}
  date_of_birth: {date_of_birth}
plan:
  documented_by: {clinician}
  documented_on: today-15d
  product: cyanocobalamin
  strength: 1000 mcg/mL
  route: intramuscular
  indication: absorption problem
  phases:
    - phase: replenishment
      dose: 1000 mcg
      every: 1 week
      doses: 6
      starts_on: today-14d
    - phase: maintenance
      dose: 1000 mcg
      every: 1 month
  reassess_on: today+28d
  lab_checks:
    - due_on: today+28d
      tests: [serum B12, CBC]
injections_given:
  - on: today-14d
  - on: today-7d
  - on: today
"""
