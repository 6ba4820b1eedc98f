"""Staff commands for plans: `db`, `plans`, `followups` and `demo` groups of `python -m bot`.

A thin adapter over services/plans.py and the store: parse arguments, call a service, print. Every failure
becomes a one-line `Error: ...` and exit status 1, never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import click

from adapters.sql.db import database_url, safe_url
from adapters.sql.store import PlanStore, current_revision, head_revision, upgrade
from bot.dates import format_date
from bot.paths import DEMO_PLANS
from bot.plans.model import Phase
from bot.plans.planfile import parse_dose
from bot.wording.plan import every
from services import calendar as calendar_service
from services import plans as plan_service
from staff.cli.common import DATE, fmt, friendly_errors, table, today_option

STAFF_ACTOR = "cli"  # audit entries of CLI commands name the tool; the console names the staff user


def _phase_line(phase: Phase) -> list[str]:
    if phase.doses is not None:
        length = f"{phase.doses} doses"
    elif phase.until is not None:
        length = f"until {format_date(phase.until)}"
    else:
        length = "until reassessment" if phase.kind == "replenishment" else "ongoing"
    start = f"from {format_date(phase.starts_on)}" if phase.starts_on else "starts after reassessment"
    return [phase.kind, str(phase.dose), every(phase.every), length, start]


# --- db ----------------------------------------------------------------------------------------------


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations; the database is DATABASE_URL, default var/b12.db)."""


@db_group.command("upgrade", short_help="Bring the database to the current schema.")
@friendly_errors
def db_upgrade() -> None:
    """Bring the database to the current schema (safe to run again: does nothing when current)."""
    before = current_revision()
    upgrade()
    after = current_revision()
    where = safe_url(database_url())
    if before == after:
        click.echo(f"{where}: schema already current ({after})")
    else:
        click.echo(f"{where}: schema upgraded {before or 'empty'} -> {after}")


@db_group.command("status", short_help="Show the schema revision of the database.")
@friendly_errors
def db_status() -> None:
    """Show the schema revision of the database and whether it is current."""
    revision, head = current_revision(), head_revision()
    state = "current" if revision == head else f"needs `python -m bot db upgrade` (head is {head})"
    click.echo(f"{safe_url(database_url())}: {revision or 'empty'}, {state}")


# --- plans -------------------------------------------------------------------------------------------


@click.group("plans")
def plans_group() -> None:
    """Import, show and export patients' documented plans."""


@plans_group.command("import", short_help="Import plan files or FHIR bundles (or directories of them).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--all-or-nothing", is_flag=True,
              help="Import no file at all if any file has a problem (default: each file on its own).")
@today_option
@friendly_errors
def plans_import(paths: tuple[Path, ...], all_or_nothing: bool, today: date | None) -> None:
    """Import plan files (FILE.yml) or FHIR R4 bundles (FILE.json), or directories of them; the format is
    told by content. Each file is validated in full first and is its own transaction: a file with any
    problem writes nothing and is reported as FILE:LINE: field: problem (FILE: json.path: problem for a
    bundle). Importing a reference again adds a new plan version. Exit status 1 if any file was rejected.
    """
    results = plan_service.import_plan_files(PlanStore.from_env(), paths, today=today, all_or_nothing=all_or_nothing,
                                             actor=STAFF_ACTOR)
    rejected = [r for r in results if r.problems]
    for result in results:
        if result.ok:
            click.echo(f"{result.path}: imported {result.reference} as plan version {result.version}")
        elif result.problems:
            for problem in result.problems:
                click.echo(problem, err=True)
        else:
            click.echo(f"{result.path}: valid, not imported (another file has problems)", err=True)
    imported = sum(r.ok for r in results)
    click.echo(f"{imported} imported, {len(rejected)} rejected" + (" (nothing written from them)" if rejected else ""))
    if rejected:
        raise SystemExit(1)


@plans_group.command("show", short_help="The newest plan of a patient and its status today.")
@click.argument("reference")
@today_option
@friendly_errors
def plans_show(reference: str, today: date | None) -> None:
    """Show the newest plan of REFERENCE and what it means today (next due date, phase, checks), with the
    injections the patient reported that the clinic has not confirmed yet."""
    today = today or date.today()
    store = PlanStore.from_env()
    record = plan_service.require_plan(store, reference)
    plan, patient = record.plan, record.patient
    imported = f", imported {fmt(record.imported_at)}" if record.imported_at else ""
    click.echo(f"{patient.reference}  {patient.name}  (born {format_date(patient.date_of_birth)})")
    click.echo(f"Plan version {record.version}{imported}")
    click.echo(table([
        ["documented by", f"{plan.documented_by} on {format_date(plan.documented_on)}"],
        ["product", f"{plan.product} {plan.strength}, {plan.route}"],
        ["indication", plan.indication],
        ["reassessment", fmt(plan.reassess_on)],
    ]))
    click.echo("Phases")
    click.echo(table([_phase_line(p) for p in plan.phases], indent="    "))
    if plan.lab_checks:
        click.echo("Lab checks")
        click.echo(table([[format_date(c.due_on), ", ".join(c.tests)] for c in plan.lab_checks], indent="    "))
    if plan.notes:
        click.echo(f"Notes: {plan.notes}")
    click.echo(f"Injections given ({len(record.injections_given)})")
    if record.injections_given:
        click.echo(table([[format_date(i.on), fmt(i.dose)] for i in record.injections_given], indent="    "))
    reports = store.reports(status=None, reference=reference)
    if reports:
        click.echo(f"Reported by the patient ({len(reports)})")
        click.echo(table([[f"#{r.id}", format_date(r.on), r.status, fmt(r.decided_by)] for r in reports],
                         indent="    "))
    status = plan_service.status_of(record, today)
    click.echo(f"Status on {format_date(today)}" + (" (counting pending patient reports)" if record.reported else ""))
    fields = [(f.name, getattr(status, f.name)) for f in dataclasses.fields(status)]
    click.echo(table([[name.replace("_", " "), fmt(value)] for name, value in fields], indent="    "))


@plans_group.command("history", short_help="Every plan version of a patient.")
@click.argument("reference")
@friendly_errors
def plans_history(reference: str) -> None:
    """List every plan version of REFERENCE, oldest first (the newest is the one the bot uses)."""
    store = PlanStore.from_env()
    records = store.plan_history(reference)
    if not records:
        plan_service.require_plan(store, reference)  # says whether the patient is unknown or has no plan
    rows = [["version", "imported", "documented", "phases", "source"]]
    for r in records:
        rows.append([
            str(r.version) + (" (current)" if r is records[-1] else ""),
            fmt(r.imported_at),
            f"{r.plan.documented_by}, {format_date(r.plan.documented_on)}",
            "; ".join(f"{p.kind} {p.dose} {every(p.every)}" for p in r.plan.phases),
            str(r.extra.get("source_file", "-")),
        ])
    click.echo(f"{records[-1].patient.reference}  {records[-1].patient.name}")
    click.echo(table(rows))


@plans_group.command("given", short_help="Record an injection a patient received.")
@click.argument("reference")
@click.argument("on", metavar="DATE", type=DATE)
@click.option("--dose", "dose_text", default=None, help="The dose given, with its unit, e.g. '1000 mcg'.")
@today_option
@friendly_errors
def plans_given(reference: str, on: date, dose_text: str | None, today: date | None) -> None:
    """Record that REFERENCE received an injection on DATE (YYYY-MM-DD or today, today-2d...).

    Recording the same date again changes nothing.
    """
    if dose_text and parse_dose(dose_text) is None:
        raise click.BadParameter(f"{dose_text!r} is not a dose with a unit, e.g. '1000 mcg' or '1 mg'",
                                 param_hint="--dose")
    new = plan_service.record_injection(PlanStore.from_env(), reference, on, dose_text, today, actor=STAFF_ACTOR)
    what = f"{reference}: injection on {format_date(on)}" + (f" ({dose_text})" if dose_text else "")
    click.echo(f"recorded {what}" if new else f"already recorded {what}; nothing changed")


@plans_group.command("ics", short_help="Export a patient's plan as an iCalendar file.")
@click.argument("reference")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@today_option
@friendly_errors
def plans_ics(reference: str, output: Path | None, today: date | None) -> None:
    """Export the documented plan of REFERENCE as an iCalendar file: every planned injection, the
    reassessment and each lab check, each with a reminder the day before (to stdout unless -o FILE). The
    patient's own calendar link (asked for in chat) shows what is still to come."""
    store = PlanStore.from_env()
    record = plan_service.require_plan(store, reference)
    data = calendar_service.plan_ics(record, None)
    if output is None:
        click.echo(data, nl=False)
        return
    output.write_bytes(data)
    click.echo(f"wrote {output} (plan version {record.version})", err=True)


@plans_group.command("export-fhir", short_help="Export a patient's plan as a FHIR R4 bundle.")
@click.argument("reference")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@friendly_errors
def plans_export_fhir(reference: str, output: Path | None) -> None:
    """Write the newest plan version of REFERENCE, with the injections given, as a FHIR R4 Bundle (JSON)
    that imports back to the same plan (to stdout unless -o FILE)."""
    from bot.plans.fhir import identifier_system_from_env, plan_to_bundle

    record = plan_service.require_plan(PlanStore.from_env(), reference)
    # the clinic's own records only: injections the patient reported but nobody confirmed are not "given"
    bundle = plan_to_bundle(record.patient, record.plan, record.injections_given,
                            identifier_system=identifier_system_from_env())
    text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output} (plan version {record.version})", err=True)


@plans_group.command("calendar-revoke", short_help="Revoke a patient's calendar links.")
@click.argument("reference")
@friendly_errors
def plans_calendar_revoke(reference: str) -> None:
    """Revoke every calendar link of REFERENCE: their feeds answer 404 from now on. The patient can ask
    the bot for a new link."""
    count = calendar_service.revoke_links(PlanStore.from_env(), reference, actor=STAFF_ACTOR)
    click.echo(f"{reference}: {count} calendar link(s) revoked")


# --- patient reports -----------------------------------------------------------------------------------


@plans_group.group("reports")
def reports_group() -> None:
    """Injections patients reported in chat: list, confirm or reject them."""


@reports_group.command("list", short_help="Injections patients reported, waiting for the clinic.")
@click.option("--status", type=click.Choice(["pending", "confirmed", "rejected", "all"]), default="pending",
              show_default=True)
@click.option("--reference", default=None, help="Only this patient.")
@friendly_errors
def reports_list(status: str, reference: str | None) -> None:
    reports = PlanStore.from_env().reports(None if status == "all" else status, reference)
    if not reports:
        click.echo(f"no {'' if status == 'all' else status + ' '}reported injections")
        return
    rows = [["id", "reference", "injection on", "reported", "status", "decided by"]]
    rows += [[str(r.id), r.reference, format_date(r.on), fmt(r.reported_at), r.status, fmt(r.decided_by)]
             for r in reports]
    click.echo(table(rows, indent=""))


def _decision(name: str, confirm: bool, short_help: str, outcome) -> None:
    """`reports confirm` and `reports reject`: the same command but for the decision and what it prints."""

    @reports_group.command(name, short_help=short_help)
    @click.argument("report_id", type=int)
    @click.option("--by", "actor", default=STAFF_ACTOR, show_default=True, help=f"Who {name}s it (for the audit).")
    @friendly_errors
    def decide(report_id: int, actor: str) -> None:
        report = plan_service.decide_report(PlanStore.from_env(), report_id, confirm, actor)
        click.echo(f"report {report.id} {name}ed: {report.reference} {outcome(report)}")


_decision("confirm", True, "Confirm a report: it becomes a clinic record.",
          lambda report: f"injection on {format_date(report.on)} recorded")
_decision("reject", False, "Reject a report: it no longer counts.",
          lambda report: f"{format_date(report.on)} no longer counts")


# --- follow-ups --------------------------------------------------------------------------------------


@click.group("followups")
def followups_group() -> None:
    """Questions the bot passed to the care team."""


@followups_group.command("list", short_help="List follow-ups for the care team.")
@click.option("--status", type=click.Choice(["open", "closed", "all"]), default="open", show_default=True,
              help="Which ones.")
@friendly_errors
def followups_list(status: str) -> None:
    """List follow-ups for the care team, oldest first (references and kinds only, no patient text), and
    the injections patients reported that wait for confirmation."""
    store = PlanStore.from_env()
    followups = store.list_followups(None if status == "all" else status)
    if not followups:
        click.echo(f"no {'' if status == 'all' else status + ' '}follow-ups")
    else:
        rows = [["id", "created", "reference", "kind", "plan version", "status", "closed by"]]
        rows += [[str(f.id), fmt(f.created_at), f.reference, f.kind, fmt(f.plan_version), f.status, fmt(f.closed_by)]
                 for f in followups]
        click.echo(table(rows, indent=""))
    pending = store.reports("pending")
    if pending:
        click.echo(f"\n{len(pending)} reported injection(s) to confirm (python -m bot plans reports list):")
        click.echo(table([[f"#{r.id}", r.reference, format_date(r.on)] for r in pending]))


@followups_group.command("close", short_help="Mark a follow-up as handled.")
@click.argument("followup_id", type=int)
@click.option("--by", "actor", default=STAFF_ACTOR, show_default=True, help="Who handled it (for the audit).")
@friendly_errors
def followups_close(followup_id: int, actor: str) -> None:
    """Mark follow-up FOLLOWUP_ID as handled."""
    plan_service.close_followup(PlanStore.from_env(), followup_id, actor)
    click.echo(f"follow-up {followup_id} closed")


# --- demo --------------------------------------------------------------------------------------------


@click.group("demo")
def demo_group() -> None:
    """Demo patients for the local demo."""


@demo_group.command("seed", short_help="Create the demo patients (idempotent).")
@click.option("--directory", type=click.Path(file_okay=False, exists=True, path_type=Path), default=DEMO_PLANS,
              show_default=True, help="Where the demo plan files are.")
@today_option
@friendly_errors
def demo_seed(directory: Path, today: date | None) -> None:
    """Create the demo patients (dates relative to today). Upgrades the schema first. Running it again
    the same day changes nothing; on a later day a demo patient whose current plan is still the demo
    file's gets it again, re-dated to today (a new plan version, with the file's injections only), so
    the demo shows the same situations every day. Plans staff imported for a demo reference stay."""
    upgrade()
    lines = plan_service.seed_demo(PlanStore.from_env(), directory, today or date.today())
    click.echo(f"Demo patients in {safe_url(database_url())}:")
    click.echo(table([[line.reference, line.name, line.what, line.state] for line in lines]))
    click.echo(f"Get a patient token for the widget or REST: python -m bot token {lines[0].reference}")
