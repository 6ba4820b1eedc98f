"""Plans from a clinic's record system: read a FHIR R4 Bundle (JSON) into a `PlanFile` (docs/fhir.md).

The promise is the plan file's: the whole bundle is checked, every problem is named by its JSON path
(`entry[2].resource.dosageInstruction[0].timing.repeat.periodUnit`) and what is wrong, and a bundle with
any problem yields no PlanFile. Three layers report into one list:
1. FHIR R4 structure: fhirclient's strict R4 parser, run on each entry so that one bad entry does not
   hide the next, its errors turned into JSON paths;
2. the mapping (bot.plans.fhir_export's vocabulary): valid FHIR that cannot be mapped without guessing
   (a dose range, timing.repeat.when ...) is refused with the reason;
3. `bot.plans.rules.plan_problems`, the cross-field rules of every format, mapped back to JSON paths.
Writing a plan as FHIR is `plan_to_bundle` (from bot.plans.fhir_export). No Rasa, no SQL.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.plans import fhir_export as r4
from bot.plans.fhir_export import as_int, as_list, as_object, clean_text, date_part, join, plan_to_bundle
from bot.plans.model import Injection, LabCheck, Patient, Phase, Plan, PlanFile
from bot.plans.planfile import PlanFileError
from bot.plans.rules import plan_problems
from bot.vocabulary import PHASES

__all__ = ["BundleProblem", "identifier_system_from_env", "looks_like_fhir", "parse_bundle_text", "plan_to_bundle"]
_INACTIVE = ("draft", "revoked", "entered-in-error", "cancelled", "stopped")  # a tuple: values may be unhashable


@dataclass(frozen=True)
class BundleProblem:
    path: str  # the file
    field: str  # the JSON path inside it, e.g. entry[2].resource.status
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


def identifier_system_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The configured patient identifier system (B12_FHIR_IDENTIFIER_SYSTEM); None: take the first identifier."""
    return (os.environ if environ is None else environ).get(r4.IDENTIFIER_SYSTEM_ENV, "").strip() or None


def looks_like_fhir(text: str) -> bool:
    """By content: a JSON object with a resourceType (a Bundle, or another resource, which the reader then
    refuses by name), or broken JSON naming a resourceType, so that its syntax error is reported as JSON."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("{"):
        return False
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        return re.search(r'"resourceType"\s*:', stripped) is not None
    return isinstance(data, dict) and "resourceType" in data


def parse_bundle_text(text: str, path: str = "<string>", today: date | None = None,
                      identifier_system: str | None = None) -> PlanFile:
    """The bundle's plan, or PlanFileError naming every problem (as BundleProblem) and no plan at all."""
    reader = _Reader(path, today or date.today(), identifier_system)
    planfile = reader.read(_load_json(text, path))
    if reader.problems or planfile is None:
        raise PlanFileError(reader.report() or [BundleProblem(path, "(file)", "is incomplete")])
    return planfile


def _load_json(text: str, path: str) -> object:
    if not text.strip():
        raise PlanFileError([BundleProblem(path, "(file)", "is empty")])
    try:
        return r4.load_json(text)
    except RecursionError:  # "[[[[…" nested thousands deep
        raise PlanFileError([BundleProblem(path, "(file)", "is nested too deeply to be a FHIR bundle")]) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise PlanFileError([BundleProblem(path, "(file)", f"not valid JSON: {error.msg} ({where})")]) from None
    except ValueError as error:
        raise PlanFileError([BundleProblem(path, "(file)", f"not valid JSON: {error}")]) from None


# --- the bundle -> the plan ---

@dataclass(eq=False)  # compared by identity
class _Res:
    kind: str
    data: dict
    path: str  # entry[i].resource, or entry[i].resource.contained[k]


class _Reader:
    def __init__(self, path: str, today: date, identifier_system: str | None) -> None:
        self.path, self.today, self.system = path, today, identifier_system
        self.problems: list[tuple[str, str]] = []
        self.structural = 0  # the first problems are the structure's
        self.where: dict[str, str] = {}  # plan-file field -> the JSON path it was read from
        self.resources: list[_Res] = []
        self.by_ref: dict[str, _Res] = {}

    def add(self, field: str, message: str) -> None:
        self.problems.append((field, message))

    def take(self, base: str, result: tuple) -> object:
        """A value mapper's value; its problems added below `base`."""
        value, found = result
        for below, message in found:
            self.add(base + below, message)
        return value

    def report(self) -> list[BundleProblem]:
        """In entry order; a mapping problem at or below a structure problem's path is left out (said once)."""
        named = [f for f, _ in self.problems[: self.structural]]
        def covered(field: str) -> bool:
            return any(field == s or field.startswith((s + ".", s + "[")) for s in named)
        kept = self.problems[: self.structural] + [p for p in self.problems[self.structural:] if not covered(p[0])]
        entry = lambda p: int(m.group(1)) if (m := re.match(r"entry\[(\d+)]", p[0])) else -1  # noqa: E731
        return [BundleProblem(self.path, f, m) for f, m in sorted(dict.fromkeys(kept), key=entry)]

    def read(self, data: object) -> PlanFile | None:
        if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
            kind = as_object(data).get("resourceType")
            self.add("resourceType" if kind else "(file)", f"{kind!r} is not a Bundle (the import reads a FHIR "
                     "Bundle)" if kind else "is not a FHIR Bundle (a JSON object with resourceType Bundle)")
            return None
        self.problems += r4.structure_problems(data)
        self.structural = len(self.problems)
        if data.get("type") == "history":
            self.add("type", "'history' holds past versions of each resource: export the current record instead")
        for i, entry in enumerate(as_list(data.get("entry"))):
            self._index(as_object(entry).get("resource"), f"entry[{i}].resource", as_object(entry).get("fullUrl"))
        patient = self._patient()
        order, plan = self._plan()
        injections = self._injections(order, plan)
        if patient is None or plan is None:
            return None
        planfile = PlanFile(patient, plan, tuple(i for i, _ in injections))
        self.where.update({f"injections_given[{n}].on": field for n, (_, field) in enumerate(injections)})
        for field, message in plan_problems(planfile, self.today):
            self.add(self._json_path(field), message)
        return planfile

    def _json_path(self, field: str) -> str:
        while field not in self.where and re.search(r"[.\[]", field):
            field = re.sub(r"(\.[^.\[]*|\[\d+])$", "", field)
        return self.where.get(field, "entry")

    # --- resources and references ---

    def _index(self, resource: object, path: str, full_url: object = None) -> None:
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            return
        res, contained = _Res(resource["resourceType"], resource, path), ".contained[" in path
        if not contained:
            self.resources.append(res)
        if isinstance(full_url, str):
            self.by_ref[full_url] = res
        if isinstance(resource.get("id"), str):
            owner = path.rsplit(".contained[", 1)[0]
            self.by_ref[f"{owner}#{resource['id']}" if contained else f"{res.kind}/{resource['id']}"] = res
        for k, inner in enumerate(as_list(resource.get("contained"))):
            self._index(inner, f"{path}.contained[{k}]")

    def _resolve(self, ref: object, owner: _Res, *kinds: str) -> _Res | None:
        """A reference to a contained resource (#id), to an entry's fullUrl, or [base/]Type/id[/_history/n]."""
        target = as_object(ref).get("reference")
        if not isinstance(target, str):
            return None
        if target.startswith("#"):
            found = self.by_ref.get(f"{owner.path.rsplit('.contained[', 1)[0]}{target}")
        else:
            match = re.search(r"([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})(/_history/[^/]+)?$", target)
            found = self.by_ref.get(target) or (self.by_ref.get(match.group(1)) if match else None)
        return found if found and (not kinds or found.kind in kinds) else None

    def _of(self, kind: str) -> list[_Res]:
        return [r for r in self.resources if r.kind == kind]

    def _for_patient(self, res: _Res) -> bool:
        self._unmodified(res.data, res.path)
        patients = self._of("Patient")
        if patients and self._resolve(res.data.get("subject"), res) is not patients[0]:
            self.add(f"{res.path}.subject", "does not refer to the bundle's Patient")
            return False
        return True

    def _unmodified(self, value: object, path: str) -> None:
        """A modifierExtension changes what its element means; the guide knows none, so it refuses them."""
        for key, inner in as_object(value).items():
            if key == "modifierExtension" and inner:
                urls = ", ".join(str(as_object(e).get("url")) for e in as_list(inner))
                self.add(join(path, key), f"changes the meaning of its element ({urls}); the guide cannot read it")
            for k, item in enumerate(inner) if isinstance(inner, list) else [(None, inner)]:
                self._unmodified(item, join(path, key) + ("" if k is None else f"[{k}]"))

    def _date(self, value: object, field: str, what: str) -> date | None:
        day = date_part(value)
        if day is None and value is None:
            self.add(field, f"is missing ({what})")
        elif day is None and isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2})?", value):
            self.add(field, f"{value!r} is a partial date; {what} needs a full date (YYYY-MM-DD)")
        elif day is None:
            self.add(field, f"{value!r} is not a date (YYYY-MM-DD)")
        return day

    # --- Patient ---

    def _patient(self) -> Patient | None:
        patients = self._of("Patient")
        if not patients:
            self.add("entry", "has no Patient resource (the bundle must hold the patient's record)")
            return None
        for extra in patients[1:]:
            self.add(extra.path, f"is a second Patient (the first is {patients[0].path}): a bundle holds one patient")
        res, reference = patients[0], None
        self._unmodified(res.data, res.path)
        for k, ident in enumerate(as_list(res.data.get("identifier"))):
            ident = as_object(ident)
            usable = clean_text(ident.get("value")) and ident.get("use") != "old"
            if usable and self.system in (None, ident.get("system")):
                reference = clean_text(ident["value"])
                self.where["patient.reference"] = f"{res.path}.identifier[{k}].value"
                break
        if reference is None:
            self.add(f"{res.path}.identifier", f"has no identifier with system {self.system!r} (set by "
                     f"{r4.IDENTIFIER_SYSTEM_ENV})" if self.system else "is missing (the patient's identifier)")
        name = r4.human_name(res.data.get("name"), prefix=False)
        if name is None:
            self.add(f"{res.path}.name", "is missing (the patient's name)")
        born = self._date(res.data.get("birthDate"), f"{res.path}.birthDate", "the date of birth")
        self.where["patient.date_of_birth"] = f"{res.path}.birthDate"
        return Patient(reference.upper(), name[1], born) if reference and name and born else None

    # --- MedicationRequest: the order ---

    def _medication(self, res: _Res) -> tuple[object, str]:
        for group, (first, second) in (("medication", ("CodeableConcept", "Reference")),
                                       ("effective", ("DateTime", "Period"))):
            if group + first in res.data and group + second in res.data:
                self.add(f"{res.path}.{group}{second}", f"{group}{first} is also given: FHIR allows one {group}[x]")
        if "medicationCodeableConcept" not in res.data and "medicationReference" not in res.data:
            return None, f"{res.path}.medication[x]"
        if "medicationReference" in res.data:
            med = self._resolve(res.data["medicationReference"], res, "Medication")
            return (med.data.get("code"), f"{med.path}.code") if med else (None, f"{res.path}.medicationReference")
        return res.data.get("medicationCodeableConcept"), f"{res.path}.medicationCodeableConcept"

    def _order(self) -> _Res | None:
        requests = self._of("MedicationRequest")
        b12 = [r for r in requests if r4.mentions_b12(self._medication(r)[0])]
        active = [r for r in b12 if r.data.get("status") == "active" and r.data.get("intent") == "order"]
        if not requests:
            self.add("entry", "has no MedicationRequest (the documented injection order)")
        elif not b12:
            for r in requests:
                concept, field = self._medication(r)
                label = "; ".join(r4.concept_texts(concept))
                self.add(field, f"{label!r} is not a B12 product the guide knows (cyanocobalamin, hydroxocobalamin)"
                         if label else "names no medication (a text, a coding display, or a Medication in the bundle)")
        elif not active:
            for r in b12:
                key = "status" if r.data.get("status") != "active" else "intent"
                self.add(f"{r.path}.{key}", f"{r.data.get(key)!r}: the plan is read from the active order "
                         "(status active, intent order)")
        else:
            for extra in active[1:]:
                self.add(extra.path, f"is a second active B12 order (the first is {active[0].path}): keep one")
            return active[0]
        return None

    def _plan(self) -> tuple[_Res | None, Plan | None]:
        order = self._order()
        if order is None:
            return None, None
        self._for_patient(order)
        concept, field = self._medication(order)
        product = self.take(field, r4.product_of(concept))
        documented_on = self._date(order.data.get("authoredOn"), f"{order.path}.authoredOn",
                                   "the day the order was documented")
        self.where["plan.documented_on"] = f"{order.path}.authoredOn"
        documented_by, indication = self._prescriber(order), self._indication(order)
        phases, route, notes = self._phases(order)
        reassess_on, care_plans = self._reassessment()
        lab_checks = self._lab_checks([order, *care_plans], documented_on)
        if any(v is None for v in (product, documented_by, documented_on, route, indication, phases)):
            return order, None
        return order, Plan(documented_by, documented_on, *product, route, indication, phases,
                           reassess_on=reassess_on, lab_checks=lab_checks, notes=notes)

    def _prescriber(self, order: _Res) -> str | None:
        ref, field = order.data.get("requester"), f"{order.path}.requester"
        who = self._resolve(ref, order, "Practitioner", "PractitionerRole")
        if who is not None and who.kind == "PractitionerRole":
            who = self._resolve(who.data.get("practitioner"), who, "Practitioner")
        name = r4.human_name(who.data.get("name"), prefix=True) if who else None
        text = name[1] if name else clean_text(as_object(ref).get("display"))
        if text is None:
            self.add(field, "is missing (who documented the order)" if ref is None else
                     "names no prescriber (a Practitioner in the bundle with a name, or requester.display)")
        return text

    def _indication(self, order: _Res) -> str | None:
        concepts = [(f"{order.path}.reasonCode[{k}]", c) for k, c in enumerate(as_list(order.data.get("reasonCode")))]
        for ref in as_list(order.data.get("reasonReference")):
            if condition := self._resolve(ref, order, "Condition"):
                concepts.append((f"{condition.path}.code", condition.data.get("code")))
        indication, field, found = r4.indication_from(concepts, f"{order.path}.reasonCode")
        self.where["plan.indication"] = field
        return self.take("", (indication, found))

    # --- dosageInstruction: one per phase, in sequence order ---

    def _phases(self, order: _Res) -> tuple[tuple[Phase, ...] | None, str | None, str | None]:
        field = f"{order.path}.dosageInstruction"
        self.where["plan.phases"] = field
        items = [(j, as_object(d)) for j, d in enumerate(as_list(order.data.get("dosageInstruction")))]
        if not items:
            self.add(field, "is missing (one dosage instruction per phase: replenishment, then maintenance)")
            return None, None, None
        seen: dict[int, int] = {}
        for j, d in items if len(items) > 1 else []:
            sequence = as_int(d.get("sequence"))
            if sequence is None:
                self.add(f"{field}[{j}].sequence", "is missing (with several instructions, sequence orders the phases)")
            elif sequence in seen:
                self.add(f"{field}[{j}].sequence", f"repeats sequence {sequence} of {field}[{seen[sequence]}]: one "
                         "sequence means doses at the same time, but each phase needs its own")
            seen.setdefault(sequence, j)
        items.sort(key=lambda jd: as_int(jd[1].get("sequence")) or 0)
        for j, _ in items[2:]:
            self.add(f"{field}[{j}]", "is a third phase: the guide documents replenishment, then maintenance")
        phases, routes, notes = [], [], []
        for n, (j, d) in enumerate(items[:2]):
            phases.append(self._phase(d, f"{field}[{j}]", n))
            routes.append((self.take(f"{field}[{j}].route", r4.route_of(d.get("route"))), f"{field}[{j}].route"))
            notes.append(clean_text(d.get("patientInstruction")))
        for route, where in routes[1:]:
            if route and routes[0][0] and route != routes[0][0]:
                self.add(where, f"is {route!r} but the replenishment phase is {routes[0][0]!r}: the plan has one route")
        notes_text = " ".join(dict.fromkeys(n for n in notes if n)) or None
        return (tuple(phases) if all(phases) else None), routes[0][0], notes_text

    def _phase(self, d: dict, dp: str, n: int) -> Phase | None:
        timing, rp, where = as_object(d.get("timing")), f"{dp}.timing.repeat", f"plan.phases[{n}]"
        repeat, bounds = as_object(timing.get("repeat")), as_object(as_object(timing.get("repeat")).get("boundsPeriod"))
        self.where.update({where: dp, f"{where}.phase": f"{dp}.sequence", f"{where}.every": rp,
                           f"{where}.doses": f"{rp}.count", f"{where}.until": f"{rp}.boundsPeriod.end",
                           f"{where}.starts_on": f"{rp}.boundsPeriod.start"})
        for key in ("asNeededBoolean", "asNeededCodeableConcept"):
            if d.get(key) not in (None, False):
                self.add(f"{dp}.{key}", "as-needed dosing is not a schedule the guide can follow")
        if "event" in timing:
            self.add(f"{dp}.timing.event", "a list of dose times is not read: give timing.repeat (an interval)")
        elif not repeat:
            self.add(rp, "is missing (the interval between doses)" if "code" not in timing else
                     "is missing: a coded timing (timing.code) alone is not read")
        every = self.take(rp, r4.interval_of(repeat)) if repeat else None
        count, doses = repeat.get("count"), as_int(repeat.get("count"))
        if count is not None and doses is None:
            self.add(f"{rp}.count", f"{count!r} is not a whole number of doses")
        starts_on, until = (self._date(bounds[k], f"{rp}.boundsPeriod.{k}", "a phase date") if k in bounds else None
                            for k in ("start", "end"))
        self.where[f"{where}.dose"] = f"{dp}.doseAndRate[0].doseQuantity"
        dose = self.take(f"{dp}.doseAndRate", r4.dose_and_rate_of(d.get("doseAndRate")))
        unreadable = ("start" in bounds and starts_on is None) or ("end" in bounds and until is None)
        if every is None or dose is None or (count is not None and doses is None) or unreadable:
            return None
        return Phase(PHASES[n], dose, every, doses=doses, until=until, starts_on=starts_on)

    # --- CarePlan (the reassessment), ServiceRequest (lab checks), MedicationAdministration (injections) ---

    def _reassessment(self) -> tuple[date | None, list[_Res]]:
        found: list[tuple[date, str]] = []
        plans: list[_Res] = []
        for cp in (c for c in self._of("CarePlan") if c.data.get("status") not in _INACTIVE):
            for k, activity in enumerate(as_list(cp.data.get("activity"))):
                detail, dp = as_object(as_object(activity).get("detail")), f"{cp.path}.activity[{k}].detail"
                if detail.get("kind") != "Appointment" or detail.get("status") in _INACTIVE or \
                        not any("reassess" in t.lower() for t in r4.concept_texts(detail.get("code"))):
                    continue
                if cp not in plans:
                    plans.append(cp)
                    self._for_patient(cp)
                other = next((key for key in ("scheduledString", "scheduledTiming") if key in detail), None)
                if other:
                    self.add(f"{dp}.{other}", "is not read: give the reassessment date as scheduledPeriod.start")
                elif day := self._date(as_object(detail.get("scheduledPeriod")).get("start"),
                                       f"{dp}.scheduledPeriod.start", "the reassessment date"):
                    found.append((day, f"{dp}.scheduledPeriod.start"))
        for day, where in found[1:]:
            if day != found[0][0]:
                self.add(where, f"is a second reassessment date (the first is {found[0][1]}): the plan has one")
        if found:
            self.where["plan.reassess_on"] = found[0][1]
        return (found[0][0] if found else None), plans

    def _lab_checks(self, sources: list[_Res], documented_on: date | None) -> tuple[LabCheck, ...]:
        """ServiceRequests based on the order (or its CarePlan) are this plan's; other known LOINC tests are read
        from the order's date on (earlier ones are the record's history). Grouped by due date."""
        by_day: dict[date, list[tuple[str, str, str]]] = {}
        for sr in (s for s in self._of("ServiceRequest") if s.data.get("status") not in _INACTIVE):
            based = any(self._resolve(ref, sr) in sources for ref in as_list(sr.data.get("basedOn")))
            name, field = r4.test_name(sr.data.get("code"), based), f"{sr.path}.occurrenceDateTime"
            other = next((k for k in ("occurrencePeriod", "occurrenceTiming") if k in sr.data), None)
            if not based and (name is None or "occurrenceDateTime" not in sr.data):
                continue
            day = None if other else self._date(sr.data.get("occurrenceDateTime"), field, "the day the check is due")
            if other:
                self.add(f"{sr.path}.{other}", "is not read: give the day the check is due as occurrenceDateTime")
            if day is None or not based and documented_on and day < documented_on or not self._for_patient(sr):
                continue
            if name is None:
                self.add(f"{sr.path}.code", "names no test (a code.text, or a LOINC coding)")
                continue
            by_day.setdefault(day, []).append((name, field, f"{sr.path}.code"))
        checks = sorted(by_day.items())
        for n, (_, tests) in enumerate(checks):
            self.where.update({f"plan.lab_checks[{n}]": tests[0][1], f"plan.lab_checks[{n}].tests": tests[0][2]})
        return tuple(LabCheck(day, tuple(t for t, _, _ in tests)) for day, tests in checks)

    def _injections(self, order: _Res | None, plan: Plan | None) -> list[tuple[Injection, str]]:
        """Completed administrations of the order; others of the same product from the order's date on."""
        found: list[tuple[Injection, str]] = []
        for ma in (m for m in self._of("MedicationAdministration") if order and m.data.get("status") == "completed"):
            concept, mfield = self._medication(ma)
            named = r4.products_named(concept)
            product = min(named) if len(named) == 1 else None
            linked = self._resolve(ma.data.get("request"), ma) is order
            period = as_object(ma.data.get("effectivePeriod"))
            given = ma.data["effectiveDateTime"] if "effectiveDateTime" in ma.data else period.get("start")
            if not linked and (plan is None or product != plan.product or
                               (date_part(given) or date.min) < plan.documented_on):
                continue  # another medicine, or an earlier course in the record
            if linked and plan and product and product != plan.product:
                self.add(mfield, f"is {product} but the order it fulfils is {plan.product}")
            field = f"{ma.path}." + ("effectiveDateTime" if "effectiveDateTime" in ma.data else "effectivePeriod.start")
            day = self._date(given, field, "the day the injection was given")
            if day and date_part(period.get("end")) not in (None, day):
                self.add(f"{ma.path}.effectivePeriod", "spans several days: an injection is given on one day")
            dosage = as_object(ma.data.get("dosage"))
            dose = self.take(f"{ma.path}.dosage.dose", r4.dose_of(dosage["dose"])) if "dose" in dosage else None
            if self._for_patient(ma) and day and (dose or "dose" not in dosage):
                found.append((Injection(day, dose), field))
        return sorted(found, key=lambda f: f[0].on)
