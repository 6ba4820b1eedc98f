"""Plan files the integration and browser tests share: weekly cyanocobalamin, 6 doses from 14 days ago,
then monthly maintenance, labs and reassessment in 28 days."""

from __future__ import annotations

import subprocess


def mid_course_plan(reference: str = "MRN-7001", name: str = "Alex Rivera", date_of_birth: str = "1968-03-14",
                    clinician: str = "Dr. Priya Shah", *, given: tuple[str, ...] = ("today-14d", "today-7d", "today"),
                    maintenance_starts: str | None = None, starts: str = "today-14d", documented_on: str = "today-15d",
                    reassess_on: str = "today+28d", given_dose: str | None = None, notes: str | None = None) -> str:
    """By default 3 of 6 given (the last one today); `maintenance_starts` dates the monthly phase. Dates are
    plan-file dates: relative (`today-14d`) or ISO."""
    maintenance_start = f"\n      starts_on: {maintenance_starts}" if maintenance_starts else ""
    dose = f"\n    dose: {given_dose}" if given_dose else ""
    injections = "".join(f"\n  - on: {day}{dose}" for day in given)
    return f"""\
patient:
  reference: {reference}
  name: {name}
  date_of_birth: {date_of_birth}
plan:
  documented_by: {clinician}
  documented_on: {documented_on}
  product: cyanocobalamin
  strength: 1000 mcg/mL
  route: intramuscular
  indication: absorption problem
  phases:
    - phase: replenishment
      dose: 1000 mcg
      every: 1 week
      doses: 6
      starts_on: {starts}
    - phase: maintenance
      dose: 1000 mcg
      every: 1 month{maintenance_start}
  reassess_on: {reassess_on}
  lab_checks:
    - due_on: {reassess_on}
      tests: [serum B12, CBC]
""" + (f"  notes: {notes}\n" if notes else "") + (f"injections_given:{injections}\n" if given else "")


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server the tests started; kill it if it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
