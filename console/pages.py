"""Console pages over the plan store: patients (list, search, one patient's plan, status, history,
injections, reports to confirm or reject), importing a plan file, the follow-up inbox and the audit log.

Thin handlers: every rule is in services/plans.py (import, status, report decisions, closing a follow-up);
these only read the form, call the service with the signed-in staff user as the actor, and render.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import date
from typing import Any

from aiohttp import web

from bot.errors import StoreError
from console.auth import actor, session_of
from console.rendering import fail, in_thread, redirect, render, store_of
from console.settings import SETTINGS
from services import plans as plan_service
from staff.cli.common import fmt

# References of test patients (the flow runner's FLOW-…, TEST-…), as actions/respond.py knows them; only a
# display filter here: the patient list hides them unless asked.
TEST_PREFIXES = ("FLOW-", "TEST-")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LIST_LIMIT = 200


def _reference(request: web.Request) -> str:
    reference = request.match_info.get("reference", "").strip().upper()
    if not REFERENCE.match(reference):
        raise fail(404, "No such patient.")
    return reference


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise fail(400, f"{field}: {text[:20]!r} is not a date (YYYY-MM-DD).") from None
    if not 1900 <= day.year <= 2200:  # a plan's dates are counted from it: 9999-12-31 would overflow
        raise fail(400, f"{field}: {text[:20]!r} is outside the years 1900 to 2200.")
    return day


async def _form(request: web.Request) -> Any:
    return await request.post()


def _text(form: Any, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


# --- patients -----------------------------------------------------------------------------------------


async def home(request: web.Request) -> web.Response:
    return redirect("/patients")


async def patients(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()[:100]
    show_tests = request.query.get("tests") == "1"
    found = await in_thread(store_of(request).patients, query, 5000)
    hidden = 0
    if not show_tests:
        kept = [p for p in found if not p.reference.startswith(TEST_PREFIXES)]
        hidden, found = len(found) - len(kept), kept
    return render(request, "patients.html", query=query, show_tests=show_tests, patients=found[:LIST_LIMIT],
                  total=len(found), hidden=hidden, limit=LIST_LIMIT)


def _status_rows(status) -> list[tuple[str, str]]:
    return [(f.name.replace("_", " "), fmt(getattr(status, f.name))) for f in dataclasses.fields(status)]


async def patient(request: web.Request) -> web.Response:
    reference = _reference(request)
    store = store_of(request)
    today = request.app[SETTINGS].today()
    on = _day(request.query.get("on"), "status on") or today

    def load() -> dict[str, Any]:
        person = store.patient(reference)
        if person is None:
            raise fail(404, f"No patient with reference {reference}.")
        record = store.current_plan(reference)
        store.add_audit("patient_viewed", "view", reference=reference, actor=actor(request))
        return {
            "person": person,
            "record": record,
            "status_rows": _status_rows(plan_service.status_of(record, on)) if record else [],
            "history": list(reversed(store.plan_history(reference))) if record else [],
            "reports": store.reports(status=None, reference=reference),
            "followups": store.list_followups(status=None, reference=reference),
        }

    data = await in_thread(load)
    return render(request, "patient.html", reference=reference, on=on, today=today, **data)


async def decide_report(request: web.Request) -> web.Response:
    """Confirm (it becomes a clinic record) or reject an injection the patient reported."""
    try:
        report_id = int(request.match_info["report_id"])
        if report_id > 2**63 - 1:  # no row has it (and the database cannot compare it)
            raise fail(404, "No such entry.")
    except ValueError:
        raise fail(404, "No such report.") from None
    decision = request.match_info["decision"]
    form = await _form(request)
    back = _text(form, "reference").upper()
    confirm = decision == "confirm"
    report = await in_thread(plan_service.decide_report, store_of(request), report_id, confirm, actor(request))
    verb = "confirmed: it is now a clinic record" if confirm else "rejected: it no longer counts"
    session_of(request).flash(f"Report #{report.id} ({fmt(report.on)}) {verb}.", "success")
    return redirect(f"/patients/{report.reference if REFERENCE.match(report.reference) else back}")


# --- import -------------------------------------------------------------------------------------------

_LINE = re.compile(r"^(?P<name>.*?):(?P<line>\d+): (?P<rest>.*)$", re.DOTALL)
_UPLOAD_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def upload_name(raw: str | None, default: str = "pasted-plan.yml") -> str:
    """A file name safe to show and to store as the plan's source: the base name, odd characters replaced."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UPLOAD_NAME.sub("_", name).strip("._")[:100]
    return name or default


async def read_plan_upload(request: web.Request, form: Any) -> tuple[str, str]:
    """The plan text and its file name, from an uploaded file (`file`) or the pasted text (`text`)."""
    limit = request.app[SETTINGS].max_upload_bytes
    upload = form.get("file")
    if isinstance(upload, web.FileField) and upload.filename:
        raw = upload.file.read(limit + 1)
        if len(raw) > limit:
            raise fail(422, f"The file is larger than {limit // 1024} KB; a plan file is a few KB.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise fail(422, "The file is not UTF-8 text; save it as UTF-8 (a YAML plan file or a FHIR JSON bundle).")\
                from None
        return text, upload_name(upload.filename)
    text = form.get("text")
    if isinstance(text, str) and text.strip():
        if len(text.encode("utf-8")) > limit:
            raise fail(422, f"The text is larger than {limit // 1024} KB; a plan file is a few KB.")
        return text.replace("\r\n", "\n"), upload_name(_text(form, "name") or None)
    raise fail(422, "Choose a plan file to upload, or paste its text.")


def problem_view(problems: tuple[str, ...], name: str, text: str) -> dict[str, Any]:
    """The problems by line (`FILE:LINE: field: message`), and the file's lines marked where they are."""
    by_line: dict[int, list[str]] = {}
    general: list[str] = []
    for problem in problems:
        match = _LINE.match(problem)
        if match and match.group("name") == name:
            by_line.setdefault(int(match.group("line")), []).append(match.group("rest"))
        else:
            general.append(problem[len(name) + 2:] if problem.startswith(name + ": ") else problem)
    lines = [(n, line, by_line.get(n, [])) for n, line in enumerate(text.splitlines(), start=1)]
    return {"general": general, "by_line": sorted(by_line.items()), "lines": lines}


async def import_form(request: web.Request) -> web.Response:
    return render(request, "import.html", result=None, view=None, name="", text="")


async def import_submit(request: web.Request) -> web.Response:
    form = await _form(request)
    text, name = await read_plan_upload(request, form)
    today = request.app[SETTINGS].today()
    result = await in_thread(plan_service.import_plan_text, store_of(request), text, name, today, actor(request))
    if not result.ok:
        return render(request, "import.html", status=422, result=result, view=problem_view(result.problems, name, text),
                      name=name, text=text)
    session_of(request).flash(f"Imported {name} as plan version {result.version} of {result.reference}.", "success")
    return redirect(f"/patients/{result.reference}")


# --- follow-ups ---------------------------------------------------------------------------------------

FOLLOWUP_FILTERS = {"open": "open", "done": "closed", "all": None}


async def followups(request: web.Request) -> web.Response:
    shown = request.query.get("status", "open")
    if shown not in FOLLOWUP_FILTERS:
        shown = "open"
    items = await in_thread(store_of(request).list_followups, FOLLOWUP_FILTERS[shown])
    counts = Counter(f.status for f in await in_thread(store_of(request).list_followups, None))
    return render(request, "followups.html", items=items, shown=shown, counts=counts)


async def close_followup(request: web.Request) -> web.Response:
    try:
        followup_id = int(request.match_info["followup_id"])
        if followup_id > 2**63 - 1:  # no row has it (and the database cannot compare it)
            raise fail(404, "No such entry.")
    except ValueError:
        raise fail(404, "No such follow-up.") from None
    form = await _form(request)
    try:
        done = await in_thread(plan_service.close_followup, store_of(request), followup_id, actor(request))
    except StoreError as error:
        raise fail(404, str(error)) from None
    session_of(request).flash(f"Follow-up #{done.id} for {done.reference} marked done.", "success")
    back = _text(form, "back")
    return redirect(back if back.startswith("/followups") or back.startswith("/patients/") else "/followups")


# --- audit --------------------------------------------------------------------------------------------


async def audit(request: web.Request) -> web.Response:
    """Which plan version each answer cited, per patient and per day."""
    reference = request.query.get("reference", "").strip().upper()[:64]
    if reference and not REFERENCE.match(reference):
        raise fail(400, "reference: letters, digits, '.', '_' or '-' only.")
    on = _day(request.query.get("on"), "day")
    store = store_of(request)

    def load() -> tuple[list, dict[int, int]]:
        entries = store.audit_entries(reference=reference or None, limit=500, on=on)
        versions: dict[int, int] = {}
        for ref in list(dict.fromkeys(e.reference for e in entries if e.plan_version_id and e.reference))[:50]:
            versions.update({r.plan_version_id: r.version for r in store.plan_history(ref)})
        return entries, versions

    entries, versions = await in_thread(load)
    summary = Counter(
        (e.created_at.date(), e.reference or "–", versions.get(e.plan_version_id) if e.plan_version_id else None)
        for e in entries if e.reference and e.actor is None  # the bot's answers; staff actions name their user
    )
    rows = sorted(summary.items(), key=lambda item: (item[0][0], item[0][1]), reverse=True)
    return render(request, "audit.html", entries=entries, versions=versions, reference=reference, on=on,
                  summary=rows)
