"""The FHIR R4 vocabulary of plans, both ways, and writing a plan as a Bundle (`plan_to_bundle`).

The codes, units and names live here once: the writer uses them to build resources, and the value
mappers (`route_of`, `dose_of`, `interval_of`, ...) use them to turn one FHIR element into one plan
value, returning `(value, problems)` with each problem's path relative to that element. Walking the
bundle, resolving references and reporting is `bot.plans.fhir`. No Rasa, no SQL.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from datetime import date

from fhirclient.models.bundle import Bundle as FhirBundle
from fhirclient.models.fhirabstractbase import FHIRValidationError
from fhirclient.models.fhirelementfactory import FHIRElementFactory
from fhirclient.models.resource import Resource

from bot.plans.model import Dose, Injection, Interval, Patient, Phase, Plan
from bot.plans.planfile import _UNITS
from bot.vocabulary import INDICATIONS, PRODUCTS

Found = list[tuple[str, str]]  # (path below the element: "" or ".code" ..., message)

IDENTIFIER_SYSTEM_ENV = "B12_FHIR_IDENTIFIER_SYSTEM"
SNOMED, LOINC, UCUM = "http://snomed.info/sct", "http://loinc.org", "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10 = ("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm")
PERIOD_UNITS = {"d": "day", "wk": "week", "mo": "month"}
OTHER_PERIOD_UNITS = ("s", "min", "h", "a")  # valid FHIR, but not a schedule of days
DOSE_CODES = {"ug": "mcg", "mg": "mg"}  # UCUM code -> the plan's unit
INTRAMUSCULAR, SUBCUTANEOUS = "78421000", "34206005"  # SNOMED CT route codes
# one per bot.vocabulary.ROUTES; a deep subcutaneous injection is said by route.text (SNOMED: subcutaneous)
ROUTE_CODES = {"intramuscular": (INTRAMUSCULAR, "Intramuscular route"),
               "deep subcutaneous": (SUBCUTANEOUS, "Subcutaneous route")}
# LOINC -> (the name a plan file uses, other names a clinic writes for the test, LOINC's display)
LAB_TESTS = {
    "2132-9": ("serum B12", ("b12", "vitamin b12", "cobalamin", "serum cobalamin"),
               "Cobalamin (Vitamin B12) [Mass/volume] in Serum or Plasma"),
    "58410-2": ("CBC", ("fbc", "full blood count", "complete blood count"), "CBC panel - Blood by Automated count"),
    "787-2": ("MCV", ("mean cell volume", "mean corpuscular volume"), "MCV [Entitic volume] by Automated count"),
    "13964-2": ("MMA", ("methylmalonic acid", "methylmalonate"), "Methylmalonate [Moles/volume] in Serum or Plasma"),
    "13965-9": ("homocysteine", ("total homocysteine",), "Homocysteine [Moles/volume] in Serum or Plasma"),
}
INDICATION_CODES = {(SNOMED, "84027009"): "absorption problem", ("icd-10", "D51.0"): "absorption problem",
                    ("icd-10", "D51.1"): "absorption problem", ("icd-10", "D51.3"): "diet-related"}
INDICATION_TEXTS = {**{i: i for i in INDICATIONS}, "pernicious anaemia": "absorption problem",
                    "pernicious anemia": "absorption problem"}
REASSESSMENT = "B12 reassessment"
_NOT_A_SCHEDULE = "is not supported: the guide schedules one dose every N days, weeks or months"
REFUSED_REPEAT = {
    "when": "(doses tied to daily events) " + _NOT_A_SCHEDULE, "timeOfDay": _NOT_A_SCHEDULE,
    "offset": _NOT_A_SCHEDULE, "dayOfWeek": "(fixed weekdays) " + _NOT_A_SCHEDULE,
    "countMax": "(a range of dose counts) is not a documented number of doses: give count alone",
    "frequencyMax": "(a range of frequencies) " + _NOT_A_SCHEDULE, "periodMax": "(a range of periods) "
    + _NOT_A_SCHEDULE, "duration": "(the length of one administration) is not read", "durationMax": "(the length "
    "of one administration) is not read", "durationUnit": "(the length of one administration) is not read",
    "boundsDuration": "is not read: give the phase's dates as boundsPeriod (start, end)",
    "boundsRange": "is not read: give the phase's dates as boundsPeriod (start, end)",
}
_STRENGTH = re.compile(r"(\d+(?:[.,]\d+)*)\s*(mcg|µg|ug|micrograms?|mg|milligrams?)\s*(?:/|per)\s*"
                       r"(\d+(?:\.\d+)?\s*)?ml\b", re.IGNORECASE)


# --- raw JSON, read tolerantly (wrong types are the structure check's to name) ---

class JsonObject(dict):
    """A JSON object that remembers its repeated keys (json keeps only the last value)."""

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__(pairs)
        keys = [k for k, _ in pairs]
        self.duplicates = tuple(dict.fromkeys(k for k in keys if keys.count(k) > 1))


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def load_json(text: str) -> object:
    """json.loads, keeping repeated keys in sight and refusing NaN/Infinity (not JSON). Raises ValueError."""
    return json.loads(text.lstrip("\ufeff"), object_pairs_hook=JsonObject, parse_constant=_no_constant)


def join(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


def as_object(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    return value if isinstance(value, list) else []


def clean_text(value: object) -> str | None:
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


def as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def date_part(value: object) -> date | None:
    """The date part of a FHIR date/dateTime: a time and zone are dropped, never converted."""
    if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def concept_texts(concept: object) -> list[str]:
    codings = [as_object(c).get("display") for c in as_list(as_object(concept).get("coding"))]
    return [t for t in (clean_text(v) for v in [as_object(concept).get("text"), *codings]) if t]


def concept_codes(concept: object) -> list[tuple[str, str]]:
    """(system, code) pairs; both ICD-10 systems read as 'icd-10'."""
    pairs = [(as_object(c).get("system"), as_object(c).get("code")) for c in as_list(as_object(concept).get("coding"))]
    return [("icd-10" if s in ICD10 else s, c) for s, c in pairs if isinstance(s, str) and isinstance(c, str)]


def human_name(names: object, *, prefix: bool) -> tuple[int, str] | None:
    """(index, name) of the official, else usual, else first HumanName: its text, else its parts."""
    usable = [(k, as_object(n)) for k, n in enumerate(as_list(names)) if as_object(n).get("use") != "old"]
    for k, name in sorted(usable, key=lambda kn: 0 if kn[1].get("use") == "official" else
                          1 if kn[1].get("use") == "usual" else 2):
        parts = (as_list(name.get("prefix")) if prefix else []) + as_list(name.get("given")) + [name.get("family")]
        text = clean_text(name.get("text")) or clean_text(" ".join(p for p in parts if isinstance(p, str)))
        if text:
            return k, text
    return None


# --- FHIR element -> plan value ---

def mentions_b12(concept: object) -> bool:
    return any(re.search(r"cobalamin|vitamin\s*b[\s-]*12|\bb12\b", t, re.I) for t in concept_texts(concept))


def products_named(concept: object) -> set[str]:
    """Products named by the text or a coding display. RxNorm names cyanocobalamin 'vitamin B 12'; in free
    text 'vitamin B12' does not say which cobalamin, so it names none."""
    products = set()
    for text in concept_texts(concept):
        lowered = text.lower().replace("hydroxycobalamin", "hydroxocobalamin")
        products |= {p for p in PRODUCTS if p in lowered}
    rxnorm = [as_object(c) for c in as_list(as_object(concept).get("coding")) if as_object(c).get("system") == RXNORM]
    if any(re.search(r"vitamin\s*b\s*12", clean_text(c.get("display")) or "", re.I) for c in rxnorm):
        products.add("cyanocobalamin")
    return products


def product_of(concept: object) -> tuple[tuple[str, str] | None, Found]:
    """(product, strength) of an order's medication; '1 MG/ML' (RxNorm's spelling) reads as '1 mg/mL'."""
    texts, products = concept_texts(concept), products_named(concept)
    by_amount: dict[float, str] = {}  # mcg per mL -> the first spelling (text before coding display)
    for amount, unit, volume in (found for text in texts for found in _STRENGTH.findall(text)):
        mcg = float(amount.replace(",", "")) * (1 if _UNITS.get(unit.lower()) == "mcg" else 1000) / float(volume or 1)
        by_amount.setdefault(mcg, f"{amount} {unit.lower()}/{volume.strip() + ' ' if volume else ''}mL")
    strengths = list(by_amount.values())
    label, found = "; ".join(texts), []
    if len(products) != 1:
        found.append(("", f"{label!r} names both cyanocobalamin and hydroxocobalamin" if products else
                      f"{label!r} names no product the guide documents (cyanocobalamin or hydroxocobalamin)"))
    if len(strengths) != 1:
        found.append(("", f"{label!r} gives more than one strength ({', '.join(strengths)})" if strengths else
                      f"{label!r} gives no strength (e.g. 'cyanocobalamin 1000 mcg/mL')"))
    return (None if found else (products.pop(), strengths[0])), found


def indication_from(concepts: list[tuple[str, object]], missing_at: str) -> tuple[str | None, str, Found]:
    """(indication, the JSON path it came from, problems) from the order's reasons (path, CodeableConcept):
    the one indication they map to; reasons that map to none are passed over, two different ones refused."""
    found: dict[str, str] = {}
    for where, concept in concepts:
        texts = [INDICATION_TEXTS.get(t.lower()) for t in concept_texts(concept)]
        for indication in [*texts, *(INDICATION_CODES.get(c) for c in concept_codes(concept))]:
            if indication:
                found.setdefault(indication, where)
    field, known = next(iter(found.values()), concepts[0][0] if concepts else missing_at), ", ".join(INDICATIONS)
    if not concepts:
        return None, field, [(field, f"is missing (the indication: {known})")]
    if not found:
        label = "; ".join(concept_texts(concepts[0][1])) or "its code"
        return None, field, [(field, f"{label!r} does not map to an indication the guide knows ({known})")]
    if len(found) > 1:
        (first, _), (second, where) = list(found.items())[:2]
        return None, field, [(where, f"maps to {second!r} but the order also gives {first!r}: give one indication")]
    return next(iter(found)), field, []


def test_name(concept: object, linked: bool) -> str | None:
    """A known LOINC test by the clinic's name for it (else ours); a test of this plan's order by its text."""
    text = clean_text(as_object(concept).get("text"))
    for system, code in concept_codes(concept):
        if system == LOINC and code in LAB_TESTS:
            name, aliases, _ = LAB_TESTS[code]
            return text if text and text.lower() in (name.lower(), *aliases) else name
    return (text or next(iter(concept_texts(concept)), None)) if linked else None


def route_of(concept: object) -> tuple[str | None, Found]:
    texts = " ".join(concept_texts(concept)).lower()
    codes = {code for system, code in concept_codes(concept) if system == SNOMED}
    named = {"deep subcutaneous"} if "deep subcutaneous" in texts else set()
    named |= {"intramuscular"} if "intramuscular" in texts or INTRAMUSCULAR in codes else set()
    named |= {"subcutaneous"} if SUBCUTANEOUS in codes and named != {"deep subcutaneous"} else set()
    label = "; ".join(concept_texts(concept)) or ", ".join(sorted(codes))
    if concept is None:
        return None, [("", "is missing (intramuscular, or deep subcutaneous)")]
    if codes - {INTRAMUSCULAR, SUBCUTANEOUS} or named in (set(), {"subcutaneous"}):
        return None, [("", f"{label!r} is not a route the guide documents (intramuscular: SNOMED {INTRAMUSCULAR}; "
                       "deep subcutaneous: said in route.text)")]
    if len(named) > 1:
        return None, [("", f"{label!r} names more than one route ({', '.join(sorted(named))})")]
    return named.pop(), []


def dose_of(quantity: object) -> tuple[Dose | None, Found]:
    """A Quantity in UCUM ug or mg (the unit text alone is read when there is no code)."""
    q = as_object(quantity)
    value, code, unit, system = q.get("value"), q.get("code"), q.get("unit"), q.get("system")
    mapped = _UNITS.get(str(unit).strip().lower()) if code is None else DOSE_CODES.get(code) if isinstance(code, str) \
        else None
    if "comparator" in q:
        return None, [(".comparator", f"{q['comparator']!r} makes it a limit, not a documented dose")]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return None, [(".value", "is missing (the amount)" if value is None else f"{value!r} is not an amount above 0")]
    if system not in (None, UCUM):
        return None, [(".system", f"{system!r} is not UCUM ({UCUM}): the dose unit must be ug or mg")]
    if mapped is None:
        if code is None and unit is None:
            return None, [(".code", "is missing (the dose unit: UCUM ug or mg)")]
        return None, [(".code" if code is not None else ".unit",
                       f"{code if code is not None else unit!r} is not a dose unit (UCUM ug or mg)")]
    if code is not None and isinstance(unit, str) and _UNITS.get(unit.strip().lower(), mapped) != mapped:
        return None, [(".unit", f"{unit!r} contradicts the code {code!r}")]
    return Dose(float(value), mapped), []


def dose_and_rate_of(rates: object) -> tuple[Dose | None, Found]:
    """Dosage.doseAndRate: one entry with a doseQuantity (a range or a rate is refused, not guessed)."""
    rates = as_list(rates)
    first = as_object(rates[0] if rates else None)
    found = [(f"[{k}]", "is a second dose: a phase has one dose") for k in range(1, len(rates))]
    found += [(f"[0].{key}", "a rate is not read: an injection has a dose, not an infusion rate")
              for key in ("rateQuantity", "rateRange", "rateRatio") if key in first]
    if not rates:
        return None, [("", "is missing (the dose)")]
    if "doseRange" in first:
        return None, [*found, ("[0].doseRange", "a dose range is not a documented dose: give doseQuantity")]
    if "doseQuantity" not in first:
        return None, [*found, ("[0].doseQuantity", "is missing (the dose)")]
    dose, more = dose_of(first["doseQuantity"])
    return (None if found else dose), found + [("[0].doseQuantity" + below, message) for below, message in more]


def interval_of(repeat: dict) -> tuple[Interval | None, Found]:
    """frequency (1) per period periodUnit -> every N days/weeks/months; valid FHIR beyond that is refused."""
    found = [(f".{key}", f"{key} {reason}") for key, reason in REFUSED_REPEAT.items() if key in repeat]
    frequency, period, unit = repeat.get("frequency", 1), repeat.get("period"), repeat.get("periodUnit")
    if frequency != 1:
        found.append((".frequency", f"{frequency!r} doses per period is not one dose every N days, weeks or months: "
                      "give frequency 1"))
    whole = isinstance(period, (int, float)) and not isinstance(period, bool) and float(period).is_integer()
    if not whole or period < 1:
        found.append((".period", "is missing (the interval between doses)" if period is None else
                      f"{period!r} is not a whole number of periods, at least 1"))
    if not isinstance(unit, str) or unit not in PERIOD_UNITS:
        found.append((".periodUnit", "is missing (d, wk or mo)" if unit is None else f"{unit!r} is a FHIR period unit "
                      "the guide does not schedule (d, wk, mo)" if unit in OTHER_PERIOD_UNITS else
                      f"{unit!r} is not a FHIR period unit (d, wk, mo)"))
    return (None if found else Interval(int(period), PERIOD_UNITS[unit])), found


# --- FHIR R4 structure, by the library ---

_PYTHON = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false",
           "dict": "a JSON object", "list": "a list"}


def structure_problems(bundle: dict) -> list[tuple[str, str]]:
    """fhirclient's strict R4 parse of the bundle's shell and of each entry's resource, as (JSON path, message);
    within one resource the library reports every bad element but only the first bad item of a list."""
    entries, found = bundle.get("entry"), _duplicates(bundle, "")
    if entries is not None and not isinstance(entries, list):
        found.append(("entry", "must be a list (a JSON array) of entries"))
    found += [(f"entry[{i}]", "must be a JSON object (an entry)") for i, e in enumerate(as_list(entries))
              if not isinstance(e, dict)]
    shell = {**bundle, "entry": [{k: v for k, v in e.items() if k != "resource"} if isinstance(e, dict) else {}
                                 for e in as_list(entries)]}
    found += _parse(FhirBundle, shell if as_list(entries) else {k: v for k, v in bundle.items() if k != "entry"}, "")
    for i, entry in enumerate(as_list(entries)):
        resource, path = as_object(entry).get("resource"), f"entry[{i}].resource"
        kind = as_object(resource).get("resourceType")
        cls = type(FHIRElementFactory.instantiate(kind, None)) if isinstance(kind, str) and kind.isalpha() else None
        if "resource" not in as_object(entry):
            continue
        if not isinstance(resource, dict):
            found.append((path, "must be a JSON object (a FHIR resource)"))
        elif cls is None or not issubclass(cls, Resource) or cls.resource_type != kind:
            message = "is missing" if kind is None else f"{kind!r} is not a FHIR R4 resource type"
            found.append((f"{path}.resourceType", message))
        else:
            found += _parse(cls, resource, path)
    return found


def _parse(cls: type, data: dict, path: str) -> list[tuple[str, str]]:
    try:
        cls(data, strict=True)
    except Exception as error:  # noqa: BLE001 - FHIRValidationError, or the library tripping on a wrong shape
        found = _translate(error, path, data, path)
        # the library also calls a required element "missing" when its value was refused: say it once
        return [(f, m) for n, (f, m) in enumerate(found) if not m.startswith("is missing") or not any(
            k != n and other.startswith(f.removesuffix("[x]")) for k, (other, _) in enumerate(found))]
    return []


def _translate(error: Exception, path: str, root: dict, root_path: str) -> list[tuple[str, str]]:
    """The library's error tree -> (JSON path, plain message); its paths are dotted python names."""
    if isinstance(error, FHIRValidationError):
        for part in error.path.split(".") if error.path else []:
            path = f"{path}[{part}]" if part.isdigit() else join(path, part.removesuffix("_fhir"))
        return [found for inner in error.errors for found in _translate(inner, path, root, root_path)]
    text = str(error.args[0]) if error.args else str(error)
    if m := re.match(r'Non-optional property "(\w+)" on <([\w.]+)\.(\w+) object', text):
        model = getattr(sys.modules.get(m[2]), m[3], None)
        choices = [p[1] for p in model().elementProperties() if p[4] == m[1]] if model else []
        if choices:
            return [(join(path, f"{m[1]}[x]"), f"is missing (required in FHIR R4: one of {', '.join(choices)})")]
        return [(join(path, m[1]), "is missing (required in FHIR R4)")]
    if m := re.match(r'Superfluous entry "([^"]+)"', text):
        return [(join(path, m[1]), "is not a FHIR R4 element here")]
    wrong = r"Wrong type <class '([\w.]+)'> for (list )?property .* expecting (?:a list of )?<class '([\w.]+)'>"
    if m := re.match(wrong, text):
        want = "a list (a JSON array)" if m[2] else _PYTHON.get(m[3], f"a JSON object ({m[3].rsplit('.', 1)[-1]})")
        return [(path, f"must be {want}, not {_PYTHON.get(m[1], 'a JSON object')}")]
    if isinstance(error, ValueError):  # a date, dateTime or instant
        value, detail = _at(root, path[len(root_path):]), "" if "expected format" in text else f" ({text})"
        return [(path, f"{value!r} is not a valid FHIR date or dateTime{detail or ' (YYYY-MM-DD[Thh:mm:ss+zz:zz])'}")]
    if isinstance(error, NameError) or "dict" in text or "Expecting string" in text:
        return [(path, "must be a string" if "Expecting string" in text else
                 "must be a JSON object (or, where the element repeats, a list of them)")]
    return [(path or "(file)", f"is not valid FHIR R4 ({text})")]


def _at(value: object, path: str) -> object:
    for key, index in re.findall(r"\.?([^.\[\]]+)|\[(\d+)]", path):
        value = as_list(value)[int(index)] if index else as_object(value).get(key)
    return value


def _duplicates(value: object, path: str) -> list[tuple[str, str]]:
    found = [(join(path, key), "appears twice in one JSON object") for key in getattr(value, "duplicates", ())]
    for key, inner in as_object(value).items():
        for k, item in enumerate(inner) if isinstance(inner, list) else [(None, inner)]:
            found += _duplicates(item, join(path, key) + ("" if k is None else f"[{k}]"))
    return found


# --- plan -> Bundle ---

def plan_to_bundle(patient: Patient, plan: Plan, injections_given: tuple[Injection, ...] | list[Injection],
                   identifier_system: str | None = None) -> dict:
    """A FHIR R4 collection Bundle that `bot.plans.fhir.parse_bundle_text` reads back to the same plan.
    Ids are derived from the patient reference, so exporting the same plan twice gives the same bundle."""
    def url(kind: str, n: int = 0) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'b12-guide:{patient.reference}:{kind}:{n}')}"

    entries: list[dict] = []

    def add(full_url: str, resource: dict) -> dict:
        entries.append({"fullUrl": full_url, "resource": {"resourceType": resource.pop("resourceType"),
                                                           "id": full_url.removeprefix("urn:uuid:"), **resource}})
        return {"reference": full_url}

    identifier = {"system": identifier_system, "value": patient.reference} if identifier_system else \
        {"value": patient.reference}
    subject = add(url("patient"), {"resourceType": "Patient", "identifier": [identifier],
                                   "name": [{"text": patient.name}], "birthDate": patient.date_of_birth.isoformat()})
    subject["display"] = patient.name
    requester = add(url("practitioner"), {"resourceType": "Practitioner", "name": [{"text": plan.documented_by}]})
    medication = {"text": f"{plan.product} {plan.strength}"}
    order_url = url("order")
    order = {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
             "medicationCodeableConcept": medication, "subject": subject, "authoredOn": plan.documented_on.isoformat(),
             "requester": {**requester, "display": plan.documented_by}, "reasonCode": [{"text": plan.indication}],
             "dosageInstruction": [_dosage(phase, n, plan) for n, phase in enumerate(plan.phases)]}
    based_on = [add(order_url, order)]
    for n, check in enumerate(plan.lab_checks):
        for k, test in enumerate(check.tests):
            loinc = next((code for code, (name, aliases, _) in LAB_TESTS.items()
                          if test.lower() in (name.lower(), *aliases)), None)
            code = {"coding": [{"system": LOINC, "code": loinc, "display": LAB_TESTS[loinc][2]}]} if loinc else {}
            add(url("lab", n * 100 + k), {"resourceType": "ServiceRequest", "basedOn": based_on, "status": "active",
                                          "intent": "order", "code": {**code, "text": test}, "subject": subject,
                                          "occurrenceDateTime": check.due_on.isoformat()})
    if plan.reassess_on:
        detail = {"kind": "Appointment", "code": {"text": REASSESSMENT}, "status": "scheduled",
                  "scheduledPeriod": {"start": plan.reassess_on.isoformat()}}
        add(url("reassessment"), {"resourceType": "CarePlan", "status": "active", "intent": "plan",
                                  "title": "B12 injection plan", "subject": subject, "activity": [{"detail": detail}]})
    for n, injection in enumerate(injections_given):
        dosage = {"route": _route(plan.route), **({"dose": _quantity(injection.dose)} if injection.dose else {})}
        add(url("injection", n), {"resourceType": "MedicationAdministration", "status": "completed",
                                  "medicationCodeableConcept": medication, "subject": subject,
                                  "effectiveDateTime": injection.on.isoformat(), "request": based_on[0],
                                  "dosage": dosage})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _route(route: str) -> dict:
    code, display = ROUTE_CODES[route]
    return {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": route}


def _quantity(dose: Dose) -> dict:
    code = {unit: code for code, unit in DOSE_CODES.items()}[dose.unit]
    value = int(dose.amount) if float(dose.amount).is_integer() else dose.amount
    return {"value": value, "unit": dose.unit, "system": UCUM, "code": code}


def _dosage(phase: Phase, n: int, plan: Plan) -> dict:
    unit = {unit: code for code, unit in PERIOD_UNITS.items()}[phase.every.unit]
    bounds = {k: v.isoformat() for k, v in (("start", phase.starts_on), ("end", phase.until)) if v}
    count = {"count": phase.doses} if phase.doses is not None else {}
    repeat = {**({"boundsPeriod": bounds} if bounds else {}), **count, "frequency": 1, "period": phase.every.count,
              "periodUnit": unit}
    text = f"{phase.kind.capitalize()}: {phase.dose} {plan.route}, {phase.every.describe()}" + \
        (f", {phase.doses} doses" if phase.doses is not None else "") + (f" until {phase.until}" if phase.until else "")
    instruction = {"patientInstruction": plan.notes} if n == 0 and plan.notes else {}
    return {"sequence": n + 1, "text": text, **instruction, "timing": {"repeat": repeat}, "route": _route(plan.route),
            "doseAndRate": [{"doseQuantity": _quantity(phase.dose)}]}
