"""Round trip, as a property: any valid plan -> FHIR Bundle (JSON text) -> the same plan, and the bundle is
valid FHIR R4 by the library's strict parser (bot/plans/fhir.py, bot/plans/fhir_export.py)."""

from __future__ import annotations

import copy
import json
import string
from datetime import date, timedelta
from pathlib import Path

from fhirclient.models.bundle import Bundle as FhirBundle
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.plans.fhir import parse_bundle_text, plan_to_bundle
from bot.plans.model import Dose, Injection, Interval, LabCheck, Patient, Phase, Plan, PlanFile
from bot.plans.planfile import PlanFileError
from bot.plans.rules import plan_problems
from bot.plans.schedule import phase_dates
from bot.vocabulary import INDICATIONS, PRODUCTS, ROUTES

TODAY = date(2026, 11, 20)

words = st.text(string.ascii_letters + " .'-", min_size=1, max_size=24).map(lambda s: " ".join(s.split())).filter(bool)
days = lambda low, high: st.integers(low, high).map(lambda n: TODAY + timedelta(days=n))  # noqa: E731
doses = st.builds(Dose, st.sampled_from([0.5, 1, 1.5, 2.5, 100, 250, 500, 1000, 2500]), st.sampled_from(["mcg", "mg"]))
intervals = st.builds(Interval, st.integers(1, 12), st.sampled_from(["day", "week", "month"]))
tests = st.lists(st.sampled_from(["serum B12", "CBC", "FBC", "cbc", "MCV", "MMA", "homocysteine", "b12",
                                  "methylmalonic acid", "ferritin", "blood film", "folate"]), min_size=1, max_size=4)


@st.composite
def planfiles(draw: st.DrawFn) -> PlanFile:
    patient = Patient(draw(st.from_regex(r"[A-Z]{2,6}-\d{2,12}", fullmatch=True)), draw(words),
                      draw(days(-36500, 0)))
    documented_on = draw(days(-400, 0))
    start = draw(days(-300, 60))
    end = draw(st.sampled_from(["doses", "until", "open"]))
    replenishment = Phase("replenishment", draw(doses), draw(intervals),
                          doses=draw(st.integers(1, 20)) if end == "doses" else None,
                          until=start + timedelta(days=draw(st.integers(0, 200))) if end == "until" else None,
                          starts_on=start)
    reassess_on = draw(st.none() | days(-300, 300))
    phases = (replenishment,)
    if draw(st.booleans()):
        planned = phase_dates(replenishment, stop_before=reassess_on) or [start]
        starts_on = draw(st.none() | st.integers(1, 120).map(lambda n: max(planned[-1], start) + timedelta(days=n)))
        phases += (Phase("maintenance", draw(doses), draw(intervals), starts_on=starts_on),)
    due = draw(st.lists(days(-300, 300), max_size=3, unique=True))
    checks = tuple(LabCheck(d, tuple(draw(tests))) for d in sorted(due))
    plan = Plan(draw(st.sampled_from(["", "Dr. "])) + draw(words), documented_on, draw(st.sampled_from(PRODUCTS)),
                draw(st.sampled_from(["1000 mcg/mL", "1 mg/mL", "500 mcg/mL", "1,000 mcg/mL", "2.5 mg/mL",
                                      "1000 mcg/1 mL"])),
                draw(st.sampled_from(ROUTES)), draw(st.sampled_from(INDICATIONS)), phases, reassess_on=reassess_on,
                lab_checks=checks, notes=draw(st.none() | words))
    given_on = sorted(draw(st.lists(st.integers(0, (TODAY - start).days), max_size=8))) if start <= TODAY else []
    injections = tuple(Injection(start + timedelta(days=n), draw(st.none() | doses)) for n in given_on)
    planfile = PlanFile(patient, plan, injections)
    assume(plan_problems(planfile, TODAY) == [])
    return planfile


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planfiles(), st.none() | st.sampled_from(["urn:oid:1.2.36.146.595.217.0.1", "https://clinic.example/mrn"]))
def test_a_plan_survives_the_round_trip_through_fhir(planfile: PlanFile, system: str | None):
    bundle = plan_to_bundle(planfile.patient, planfile.plan, planfile.injections_given, identifier_system=system)
    FhirBundle(bundle, strict=True)  # the library's own word: valid FHIR R4
    back = parse_bundle_text(json.dumps(bundle, indent=1), "export.json", TODAY, identifier_system=system)
    assert back == planfile
    assert plan_to_bundle(back.patient, back.plan, back.injections_given, identifier_system=system) == bundle


TWIN = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "fhir" / "mrn-1003-neurologic.json").read_text())
json_values = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) |
                           st.sampled_from(["", "x", "1", "2026-13-01", "wk", "Patient/mrn-1003", "active"]),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                               st.sampled_from(["value", "code", "text", "reference", "start", "x"]), inner,
                               max_size=3), max_leaves=6)


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    inner = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    return [path] + [p for key, item in inner for p in _paths(item, (*path, key))]


PATHS = _paths(TWIN)[1:]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=3))
def test_any_damage_to_a_bundle_is_reported_never_a_crash(changes: list[tuple[tuple, object]]):
    bundle = copy.deepcopy(TWIN)
    for path, value in changes:
        parent = bundle
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the place
    try:
        parse_bundle_text(json.dumps(bundle), "bundle.json", TODAY)
    except PlanFileError as error:
        assert error.problems and all(str(p).startswith("bundle.json: ") for p in error.problems)
