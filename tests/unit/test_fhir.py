"""FHIR R4 bundles <-> plans (bot/plans/fhir.py, bot/plans/fhir_export.py; docs/fhir.md).

The fixtures in tests/fixtures/fhir/: a twin of data/plans/demo/mrn-1003-neurologic.yml, an EHR-shaped
export (a twin of tests/flows/fixtures/mid_course.yml among resources and extensions the import must
ignore), and bad/*.json, each with the exact problems it must produce in its sibling .expected file.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from fhirclient.models.bundle import Bundle as FhirBundle

from bot.plans import fhir_export as r4
from bot.plans.fhir import BundleProblem, identifier_system_from_env, looks_like_fhir, parse_bundle_text, plan_to_bundle
from bot.plans.model import Dose, Injection, Interval, LabCheck, Phase
from bot.plans.planfile import PlanFileError, parse_plan_file
from bot.vocabulary import ROUTES

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "fhir"
BAD = sorted((FIXTURES / "bad").glob("*.json"))
TODAY = date(2026, 11, 20)  # the day every fixture's dates are written for
EHR_MRN_SYSTEM = "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14"


def read(name: str, **kwargs) -> object:
    return parse_bundle_text((FIXTURES / name).read_text(), name, TODAY, **kwargs)


def problems(bundle: dict | str, identifier_system: str | None = None) -> list[str]:
    text = bundle if isinstance(bundle, str) else json.dumps(bundle)
    with pytest.raises(PlanFileError) as caught:
        parse_bundle_text(text, "bundle.json", TODAY, identifier_system)
    return [str(p) for p in caught.value.problems]


@pytest.fixture()
def twin() -> dict:
    return json.loads((FIXTURES / "mrn-1003-neurologic.json").read_text())


def resource(bundle: dict, kind: str, n: int = 0) -> dict:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind][n]


# --- the twins ---

def test_a_bundle_imports_to_the_same_plan_as_its_yaml_twin():
    assert read("mrn-1003-neurologic.json") == parse_plan_file(REPO / "data/plans/demo/mrn-1003-neurologic.yml", TODAY)


def test_an_ehr_export_imports_to_its_twin_ignoring_what_it_does_not_read():
    planfile = read("ehr-export-mrn-7002.json", identifier_system=EHR_MRN_SYSTEM)
    assert planfile == parse_plan_file(REPO / "tests/flows/fixtures/mid_course.yml", TODAY)
    # what made it work: the configured MRN identifier (not the SSN listed first, not the old MRN), the official
    # name, the prescriber through PractitionerRole, the order's Medication, the indication through its Condition,
    # phases by sequence (listed 2, 1), the reassessment among two CarePlans, the 2019 order, lab and dose ignored
    assert planfile.patient.reference == "MRN-7002" and planfile.patient.name == "Alex Rivera"
    assert planfile.plan.documented_by == "Dr. Priya Shah" and planfile.plan.indication == "absorption problem"
    assert [p.kind for p in planfile.plan.phases] == ["replenishment", "maintenance"]
    assert planfile.plan.lab_checks == (LabCheck(date(2026, 12, 18), ("serum B12", "CBC")),)
    assert [i.on for i in planfile.injections_given] == [date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)]


def test_without_the_identifier_setting_the_first_identifier_is_the_reference():
    assert problems((FIXTURES / "ehr-export-mrn-7002.json").read_text()) == [
        "bundle.json: entry[0].resource.identifier[0].value: '000-00-7002' is not a patient reference in the clinic's "
        "format: letters, a dash and digits, such as MRN-1042 (the chat must be able to read it back)"]


def test_an_identifier_system_the_patient_lacks_is_named(twin):
    assert problems(twin, "urn:other") == ["bundle.json: entry[0].resource.identifier: has no identifier with "
                                           "system 'urn:other' (set by B12_FHIR_IDENTIFIER_SYSTEM)"]


def test_the_identifier_setting_comes_from_the_environment():
    assert identifier_system_from_env({"B12_FHIR_IDENTIFIER_SYSTEM": " urn:oid:1.2.3 "}) == "urn:oid:1.2.3"
    assert identifier_system_from_env({"B12_FHIR_IDENTIFIER_SYSTEM": ""}) is None
    assert identifier_system_from_env({}) is None


# --- the catalogue of broken bundles ---

def expected(path: Path) -> list[str]:
    lines = path.with_suffix(".expected").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_the_catalogue_covers_every_kind_the_issue_names():
    kinds = {p.stem for p in BAD}
    assert len(kinds) >= 15
    assert {"period_unit_fortnight", "missing_patient", "two_patients", "missing_medication_request", "dose_range",
            "timing_when", "unknown_product", "bad_ucum_unit", "bad_date", "maintenance_before_replenishment",
            "injection_before_start", "future_authored_on", "not_a_bundle", "json_syntax_error",
            "status_not_active"} <= kinds


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_a_broken_bundle_is_refused_whole_with_exactly_its_problems(path: Path):
    text = path.read_text()
    assert looks_like_fhir(text)  # so `plans import` routes it here, not to the YAML reader
    with pytest.raises(PlanFileError) as caught:
        parse_bundle_text(text, path.name, TODAY)
    assert [str(p) for p in caught.value.problems] == expected(path)
    assert expected(path)
    assert all(isinstance(p, BundleProblem) for p in caught.value.problems)


def test_a_problem_reads_file_path_and_message_without_a_line():
    problem = BundleProblem("bundle.json", "entry[2].resource.status", "is missing")
    assert str(problem) == "bundle.json: entry[2].resource.status: is missing"


def test_problem_paths_follow_the_json_not_the_sequence(twin):
    order = resource(twin, "MedicationRequest")
    order["dosageInstruction"].reverse()  # maintenance listed first; sequence still says which is which
    order["dosageInstruction"][1]["timing"]["repeat"]["periodUnit"] = "fortnight"
    assert problems(twin) == ["bundle.json: entry[2].resource.dosageInstruction[1].timing.repeat.periodUnit: "
                              "'fortnight' is not a FHIR period unit (d, wk, mo)"]
    order["dosageInstruction"][1]["timing"]["repeat"]["periodUnit"] = "d"
    assert parse_bundle_text(json.dumps(twin), "b.json", TODAY) == read("mrn-1003-neurologic.json")


def test_the_library_names_each_bad_entry_not_only_the_first(twin):
    resource(twin, "Patient")["gender"] = 3
    resource(twin, "MedicationAdministration", 2)["status"] = ["completed"]
    resource(twin, "CarePlan")["intent"] = None
    assert problems(twin) == [
        "bundle.json: entry[0].resource.gender: must be a string, not an integer",
        "bundle.json: entry[8].resource.intent: is missing (required in FHIR R4)",
        "bundle.json: entry[11].resource.status: must be a string, not a list",
    ]


def test_json_that_is_not_json_is_refused():
    assert problems('{"resourceType": "Bundle", "type": "collection", "total": NaN}') == [
        "bundle.json: (file): not valid JSON: NaN is not a JSON number"]
    assert problems("  \n") == ["bundle.json: (file): is empty"]
    assert problems("[1, 2]") == ["bundle.json: (file): is not a FHIR Bundle (a JSON object with resourceType Bundle)"]


def test_an_unknown_resource_type_is_named(twin):
    twin["entry"].append({"resource": {"resourceType": "Doctor", "name": "Reed"}})
    assert problems(twin) == ["bundle.json: entry[12].resource.resourceType: 'Doctor' is not a FHIR R4 resource type"]


def test_two_active_b12_orders_are_refused(twin):
    second = copy.deepcopy(twin["entry"][2])
    second["fullUrl"], second["resource"]["id"] = "urn:uuid:0b5d9c4e-4c57-4a55-9d4b-6f1f3b1e2a10", "second"
    twin["entry"].append(second)
    assert problems(twin) == ["bundle.json: entry[12].resource: is a second active B12 order (the first is "
                              "entry[2].resource): keep one"]


def test_medication_administrations_not_completed_or_of_other_medicines_are_not_injections(twin):
    resource(twin, "MedicationAdministration", 0)["status"] = "not-done"
    ondansetron = {"resourceType": "MedicationAdministration", "status": "completed", "subject":
                   {"reference": "Patient/mrn-1003"}, "medicationCodeableConcept": {"text": "ondansetron 4 mg"},
                   "effectiveDateTime": "2026-11-01"}
    twin["entry"].append({"resource": ondansetron})
    planfile = parse_bundle_text(json.dumps(twin), "b.json", TODAY)
    assert [i.on for i in planfile.injections_given] == [date(2026, 11, 18), date(2026, 11, 20)]


def test_an_administration_over_several_days_is_refused(twin):
    given = resource(twin, "MedicationAdministration", 0)
    given["effectivePeriod"] = {"start": given.pop("effectiveDateTime"), "end": "2026-11-17T09:00:00+01:00"}
    assert problems(twin) == ["bundle.json: entry[9].resource.effectivePeriod: spans several days: an injection is "
                              "given on one day"]


def test_a_coded_timing_beside_repeat_is_ignored_but_alone_refused(twin):
    dosage = resource(twin, "MedicationRequest")["dosageInstruction"][0]
    dosage["timing"]["code"] = {"text": "every other day"}
    assert parse_bundle_text(json.dumps(twin), "b.json", TODAY) == read("mrn-1003-neurologic.json")
    del dosage["timing"]["repeat"]
    assert problems(twin) == ["bundle.json: entry[2].resource.dosageInstruction[0].timing.repeat: is missing: a "
                              "coded timing (timing.code) alone is not read"]


def test_reasons_that_map_to_two_indications_are_refused(twin):
    resource(twin, "MedicationRequest")["reasonCode"].append(
        {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "D51.3"}]})
    assert problems(twin) == ["bundle.json: entry[2].resource.reasonCode[1]: maps to 'diet-related' but the order "
                              "also gives 'neurologic symptoms': give one indication"]


# --- references ---

@pytest.mark.parametrize("reference", ["Practitioner/tom-reed", "https://clinic.example/fhir/Practitioner/tom-reed",
                                       "Practitioner/tom-reed/_history/4", "#me"])
def test_references_resolve_by_full_url_type_and_id_or_contained(twin, reference):
    order = resource(twin, "MedicationRequest")
    if reference == "#me":
        order["contained"] = [{"resourceType": "Practitioner", "id": "me", "name": [{"text": "Dr. Tom Reed"}]}]
        resource(twin, "Practitioner")["name"] = [{"text": "Someone Else"}]
    order["requester"] = {"reference": reference}
    assert parse_bundle_text(json.dumps(twin), "b.json", TODAY).plan.documented_by == "Dr. Tom Reed"


def test_an_unresolved_requester_falls_back_to_its_display_else_is_named(twin):
    order = resource(twin, "MedicationRequest")
    order["requester"] = {"reference": "Practitioner/elsewhere", "display": "Dr. Tom Reed"}
    assert parse_bundle_text(json.dumps(twin), "b.json", TODAY).plan.documented_by == "Dr. Tom Reed"
    del order["requester"]["display"]
    assert problems(twin) == ["bundle.json: entry[2].resource.requester: names no prescriber (a Practitioner in the "
                              "bundle with a name, or requester.display)"]


# --- the value mappers ---

@pytest.mark.parametrize(("repeat", "every"), [
    ({"frequency": 1, "period": 1, "periodUnit": "wk"}, Interval(1, "week")),
    ({"period": 2, "periodUnit": "d"}, Interval(2, "day")),
    ({"frequency": 1, "period": 3.0, "periodUnit": "mo"}, Interval(3, "month")),
])
def test_interval_of_reads_one_dose_every_n_units(repeat, every):
    assert r4.interval_of(repeat) == (every, [])


@pytest.mark.parametrize(("repeat", "found"), [
    ({"period": 0.5, "periodUnit": "d"}, [(".period", "0.5 is not a whole number of periods, at least 1")]),
    ({"period": 1, "periodUnit": "a"}, [(".periodUnit", "'a' is a FHIR period unit the guide does not schedule "
                                                         "(d, wk, mo)")]),
    ({"periodUnit": "wk"}, [(".period", "is missing (the interval between doses)")]),
    ({"period": 1, "periodUnit": "wk", "dayOfWeek": ["mon"]},
     [(".dayOfWeek", "dayOfWeek (fixed weekdays) is not supported: the guide schedules one dose every N days, weeks "
                     "or months")]),
])
def test_interval_of_refuses_what_is_not_an_interval(repeat, found):
    assert r4.interval_of(repeat) == (None, found)


@pytest.mark.parametrize(("quantity", "dose"), [
    ({"value": 1000, "unit": "mcg", "system": r4.UCUM, "code": "ug"}, Dose(1000, "mcg")),
    ({"value": 1, "system": r4.UCUM, "code": "mg"}, Dose(1, "mg")),
    ({"value": 500, "unit": "micrograms"}, Dose(500, "mcg")),
    ({"value": 0.5, "unit": "milligram", "code": "mg"}, Dose(0.5, "mg")),
])
def test_dose_of_reads_ucum_ug_and_mg(quantity, dose):
    assert r4.dose_of(quantity) == (dose, [])


@pytest.mark.parametrize(("quantity", "found"), [
    ({"value": 1000, "comparator": "<=", "code": "ug"},
     (".comparator", "'<=' makes it a limit, not a documented dose")),
    ({"value": 1, "system": "http://snomed.info/sct", "code": "mg"},
     (".system", "'http://snomed.info/sct' is not UCUM (http://unitsofmeasure.org): the dose unit must be ug or mg")),
    ({"value": 1, "unit": "mcg", "system": r4.UCUM, "code": "mg"}, (".unit", "'mcg' contradicts the code 'mg'")),
    ({"value": 1, "unit": "tablet"}, (".unit", "'tablet' is not a dose unit (UCUM ug or mg)")),
    ({"value": 0, "code": "mg"}, (".value", "0 is not an amount above 0")),
    ({"value": 1}, (".code", "is missing (the dose unit: UCUM ug or mg)")),
])
def test_dose_of_refuses_what_is_not_a_documented_dose(quantity, found):
    assert r4.dose_of(quantity) == (None, [found])


def route(code: str | None = None, text: str | None = None) -> dict:
    concept = {"coding": [{"system": r4.SNOMED, "code": code}]} if code else {}
    return {**concept, **({"text": text} if text else {})}


@pytest.mark.parametrize(("concept", "name"), [
    (route("78421000"), "intramuscular"), (route(text="Intramuscular"), "intramuscular"),
    (route("34206005", "deep subcutaneous"), "deep subcutaneous"),
    (route(text="Deep subcutaneous"), "deep subcutaneous"),
])
def test_route_of_reads_the_two_documented_routes(concept, name):
    assert r4.route_of(concept) == (name, [])


@pytest.mark.parametrize("concept", [route("34206005"), route("26643006", "intramuscular"), route(text="oral"),
                                     route("78421000", "deep subcutaneous")])
def test_route_of_refuses_other_or_conflicting_routes(concept):
    value, found = r4.route_of(concept)
    assert value is None and len(found) == 1


@pytest.mark.parametrize(("concept", "product"), [
    ({"text": "Cyanocobalamin 1000 mcg/mL injection"}, ("cyanocobalamin", "1000 mcg/mL")),
    ({"coding": [{"system": r4.RXNORM, "code": "0", "display": "Vitamin B 12 1 MG/ML Injectable Solution"}]},
     ("cyanocobalamin", "1 mg/mL")),
    ({"text": "cyanocobalamin 1000 mcg/mL", "coding": [{"system": r4.RXNORM, "display": "vitamin B 12 1 MG/ML"}]},
     ("cyanocobalamin", "1000 mcg/mL")),  # the same strength spelt twice
    ({"text": "Hydroxycobalamin 1mg/1ml"}, ("hydroxocobalamin", "1 mg/1 mL")),
])
def test_product_of_reads_text_and_rxnorm_display(concept, product):
    assert r4.product_of(concept) == (product, [])


def test_product_of_refuses_an_ambiguous_product():
    assert r4.product_of({"text": "Vitamin B12 1000 mcg/mL"})[1] == [
        ("", "'Vitamin B12 1000 mcg/mL' names no product the guide documents (cyanocobalamin or hydroxocobalamin)")]
    assert r4.product_of({"text": "cyanocobalamin or hydroxocobalamin 1 mg/mL"})[1] == [
        ("", "'cyanocobalamin or hydroxocobalamin 1 mg/mL' names both cyanocobalamin and hydroxocobalamin")]


def test_lab_tests_are_read_by_loinc_keeping_the_clinics_name_for_them():
    cbc = {"coding": [{"system": r4.LOINC, "code": "58410-2"}]}
    assert r4.test_name(cbc, linked=False) == "CBC"
    assert r4.test_name({**cbc, "text": "FBC"}, linked=False) == "FBC"
    assert r4.test_name({**cbc, "text": "CBC W Auto Differential panel"}, linked=False) == "CBC"
    assert r4.test_name({"coding": [{"system": r4.LOINC, "code": "1921-6"}]}, linked=False) is None  # AST, not MMA
    assert r4.test_name({"text": "blood film"}, linked=False) is None
    assert r4.test_name({"text": "blood film"}, linked=True) == "blood film"


def test_dates_keep_their_own_day_whatever_the_zone():
    assert r4.date_part("2026-11-14T23:30:00-05:00") == date(2026, 11, 14)
    assert r4.date_part("2026-11-14") == date(2026, 11, 14)
    assert r4.date_part("2026-11") is None and r4.date_part("2026-02-30") is None


def test_looks_like_fhir_by_content():
    assert looks_like_fhir((FIXTURES / "mrn-1003-neurologic.json").read_text())
    assert looks_like_fhir('\ufeff  {"resourceType": "Bundle", "entry": [')  # broken, but FHIR: its error is JSON's
    assert not looks_like_fhir((REPO / "tests/flows/fixtures/mid_course.yml").read_text())
    assert not looks_like_fhir('{"patient": {"reference": "MRN-1"}}')


# --- export ---

def test_export_writes_valid_fhir_r4_that_reads_back(twin):
    planfile = read("mrn-1003-neurologic.json")
    bundle = plan_to_bundle(planfile.patient, planfile.plan, planfile.injections_given, identifier_system="urn:x")
    FhirBundle(bundle, strict=True)
    assert r4.structure_problems(bundle) == []
    assert parse_bundle_text(json.dumps(bundle), "b.json", TODAY, "urn:x") == planfile
    assert plan_to_bundle(planfile.patient, planfile.plan, planfile.injections_given, "urn:x") == bundle


def test_export_maps_each_part_to_its_resource():
    planfile = read("ehr-export-mrn-7002.json", identifier_system=EHR_MRN_SYSTEM)
    bundle = plan_to_bundle(planfile.patient, planfile.plan, planfile.injections_given, EHR_MRN_SYSTEM)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "Practitioner", "MedicationRequest", "ServiceRequest", "ServiceRequest", "CarePlan",
                     "MedicationAdministration", "MedicationAdministration", "MedicationAdministration"]
    assert resource(bundle, "Patient")["identifier"] == [{"system": EHR_MRN_SYSTEM, "value": "MRN-7002"}]
    order = resource(bundle, "MedicationRequest")
    assert order["medicationCodeableConcept"] == {"text": "cyanocobalamin 1000 mcg/mL"}
    assert order["requester"]["display"] == "Dr. Priya Shah" and order["authoredOn"] == "2026-11-04"
    first = order["dosageInstruction"][0]
    assert first["timing"]["repeat"] == {"boundsPeriod": {"start": "2026-11-06"}, "count": 6, "frequency": 1,
                                         "period": 1, "periodUnit": "wk"}
    assert first["route"]["coding"][0]["code"] == "78421000"
    assert first["doseAndRate"] == [{"doseQuantity": {"value": 1000, "unit": "mcg", "system": r4.UCUM, "code": "ug"}}]
    assert resource(bundle, "ServiceRequest")["code"]["coding"][0]["code"] == "2132-9"
    assert resource(bundle, "ServiceRequest")["basedOn"] == [{"reference": bundle["entry"][2]["fullUrl"]}]
    detail = resource(bundle, "CarePlan")["activity"][0]["detail"]
    assert detail["kind"] == "Appointment" and detail["scheduledPeriod"] == {"start": "2026-12-18"}
    assert resource(bundle, "MedicationAdministration")["effectiveDateTime"] == "2026-11-06"


def test_export_of_a_deep_subcutaneous_plan_with_an_end_date(twin):
    planfile = read("mrn-1003-neurologic.json")
    rep = planfile.plan.phases[0]
    plan = planfile.plan.__class__(**{**planfile.plan.__dict__, "route": "deep subcutaneous", "notes": None,
                                      "phases": (Phase(rep.kind, rep.dose, rep.every, until=date(2026, 11, 26),
                                                       starts_on=rep.starts_on), planfile.plan.phases[1])})
    bundle = plan_to_bundle(planfile.patient, plan, (Injection(date(2026, 11, 16), Dose(1, "mg")),))
    dosage = resource(bundle, "MedicationRequest")["dosageInstruction"][0]
    assert dosage["route"]["text"] == "deep subcutaneous" and dosage["route"]["coding"][0]["code"] == "34206005"
    assert dosage["timing"]["repeat"]["boundsPeriod"] == {"start": "2026-11-16", "end": "2026-11-26"}
    assert "patientInstruction" not in dosage
    back = parse_bundle_text(json.dumps(bundle), "b.json", TODAY)
    assert back.plan == plan and back.injections_given == (Injection(date(2026, 11, 16), Dose(1, "mg")),)


def test_every_route_of_the_vocabulary_has_a_code():
    assert set(r4.ROUTE_CODES) == set(ROUTES)
