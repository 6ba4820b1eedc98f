"""Staff commands for plans: `db`, `plans`, `followups` and `demo` groups of `python -m bot`.

A thin adapter over `adapters.sql.store`: parse arguments, call the store, print. Every failure becomes a
one-line `Error: ...` and exit status 1, never a traceback.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from adapters.sql.db import REPO_ROOT, database_url, safe_url
from adapters.sql.store import (
    PlanStore,
    StoreError,
    UnknownPatientError,
    current_revision,
    head_revision,
    read_plan_file,
    upgrade,
)
from bot.dates import format_date, parse_relative
from bot.plans.model import Dose, Interval, Patient, Phase, PlanFile, PlanRecord

DEMO_DIR = REPO_ROOT / "data" / "plans" / "demo"
PATIENTS_WITHOUT_PLAN = "patients_without_plan.yml"

F = TypeVar("F", bound=Callable[..., Any])


# --- shared helpers ----------------------------------------------------------------------------------


def friendly_errors(fn: F) -> F:
    """Turn store and database failures into one clear line for staff (exit 1)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except click.ClickException:
            raise
        except StoreError as error:
            raise click.ClickException(str(error)) from None
        except (OperationalError, ProgrammingError) as error:
            raise click.ClickException(_database_problem(error)) from None
        except SQLAlchemyError as error:
            raise click.ClickException(f"database error: {_first_line(error)}") from None
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or error}") from None
        except ImportError as error:
            raise click.ClickException(f"this command needs a module that is missing: {error}") from None

    return wrapper  # type: ignore[return-value]


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _database_problem(error: SQLAlchemyError) -> str:
    text = _first_line(error)
    if "no such table" in text or ("does not exist" in text and "relation" in text):
        return f"the database has no plan tables yet ({text}); run `python -m bot db upgrade`"
    return f"cannot use the database at {safe_url(database_url())}: {text}"


class DateParam(click.ParamType):
    """YYYY-MM-DD, or relative to today: today, today-3d, today+2w, today-1m."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        relative = parse_relative(text, _today_from(ctx))
        if relative is None:
            self.fail(f"{text!r} is not a date (use YYYY-MM-DD, today, today-3d, today-2w)", param, ctx)
        return relative


DATE = DateParam()


def _today_from(ctx: click.Context | None) -> date:
    """`--today` of the command when given (tests, demos), else the real date."""
    while ctx is not None:
        today = ctx.params.get("today")
        if isinstance(today, date):
            return today
        ctx = ctx.parent
    return date.today()


def today_option(fn: F) -> F:
    return click.option(
        "--today",
        type=DATE,
        default=None,
        is_eager=True,
        help="Pretend today is this date (YYYY-MM-DD); default: the real date.",
    )(fn)


_DOSE = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(mcg|micrograms?|µg|mg)\s*$", re.IGNORECASE)


def parse_dose(text: str) -> Dose:
    """`1000 mcg`, `1,000 mcg`, `1 mg` → Dose. A dose without a unit is refused: it could be misread."""
    m = _DOSE.match(text)
    if not m:
        raise click.BadParameter(f"{text!r} is not a dose with a unit, e.g. '1000 mcg' or '1 mg'")
    number = float(m.group(1).replace(",", ""))
    return Dose(amount=int(number) if number.is_integer() else number, unit=m.group(2))


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    )


def _fmt(value: Any) -> str:
    """A readable rendering of any status value: dates as `2 Nov 2026`, None as a dash."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{format_date(value.date())} {value:%H:%M} UTC"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Interval):
        return value.describe()
    if isinstance(value, Phase):
        return value.kind
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_fmt(v) for v in value) or "-"
    if dataclasses.is_dataclass(value) and not isinstance(value, Dose):
        return "; ".join(
            f"{f.name.replace('_', ' ')} {_fmt(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
    return str(value)


def _phase_line(phase: Phase) -> list[str]:
    if phase.doses is not None:
        length = f"{phase.doses} doses"
    elif phase.until is not None:
        length = f"until {format_date(phase.until)}"
    else:
        length = "until reassessment" if phase.kind == "replenishment" else "ongoing"
    start = f"from {format_date(phase.starts_on)}" if phase.starts_on else "starts after reassessment"
    return [phase.kind, str(phase.dose), phase.every.describe(), length, start]


def _require_plan(store: PlanStore, reference: str) -> PlanRecord:
    record = store.current_plan(reference)
    if record is None:
        if store.patient(reference) is None:
            raise UnknownPatientError(reference)
        raise StoreError(
            f"patient {reference} has no plan on file (import one with `python -m bot plans import`)"
        )
    return record


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


@plans_group.command("import", short_help="Import plan files or directories of them.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--all-or-nothing",
    is_flag=True,
    help="Import no file at all if any file has a problem (default: each file on its own).",
)
@today_option
@friendly_errors
def plans_import(paths: tuple[Path, ...], all_or_nothing: bool, today: date | None) -> None:
    """Import plan files (FILE.yml, or directories of them). Each file is validated in full first and is
    its own transaction: a file with any problem writes nothing and is reported as FILE:LINE: field: problem.
    Importing a reference again adds a new plan version. Exit status 1 if any file was rejected.
    """
    results = PlanStore.from_env().import_paths(paths, today=today, all_or_nothing=all_or_nothing)
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
    click.echo(
        f"{imported} imported, {len(rejected)} rejected"
        + (" (nothing written from them)" if rejected else "")
    )
    if rejected:
        raise SystemExit(1)


@plans_group.command("show", short_help="The newest plan of a patient and its status today.")
@click.argument("reference")
@today_option
@friendly_errors
def plans_show(reference: str, today: date | None) -> None:
    """Show the newest plan of REFERENCE and what it means today (next due date, phase, checks)."""
    today = today or date.today()
    record = _require_plan(PlanStore.from_env(), reference)
    plan, patient = record.plan, record.patient
    imported = f", imported {_fmt(record.imported_at)}" if record.imported_at else ""
    click.echo(f"{patient.reference}  {patient.name}  (born {format_date(patient.date_of_birth)})")
    click.echo(f"Plan version {record.version}{imported}")
    click.echo(
        _table(
            [
                ["documented by", f"{plan.documented_by} on {format_date(plan.documented_on)}"],
                ["product", f"{plan.product} {plan.strength}, {plan.route}"],
                ["indication", plan.indication],
                ["reassessment", _fmt(plan.reassess_on)],
            ]
        )
    )
    click.echo("Phases")
    click.echo(_table([_phase_line(p) for p in plan.phases], indent="    "))
    if plan.lab_checks:
        click.echo("Lab checks")
        click.echo(
            _table([[format_date(c.due_on), ", ".join(c.tests)] for c in plan.lab_checks], indent="    ")
        )
    if plan.notes:
        click.echo(f"Notes: {plan.notes}")
    click.echo(f"Injections given ({len(record.injections_given)})")
    if record.injections_given:
        click.echo(
            _table([[format_date(i.on), _fmt(i.dose)] for i in record.injections_given], indent="    ")
        )
    from bot.plans.schedule import plan_status

    status = plan_status(record.plan, record.injections_given, today)
    click.echo(f"Status on {format_date(today)}")
    fields = (
        [(f.name, getattr(status, f.name)) for f in dataclasses.fields(status)]
        if dataclasses.is_dataclass(status)
        else sorted(vars(status).items())
    )
    click.echo(_table([[name.replace("_", " "), _fmt(value)] for name, value in fields], indent="    "))


@plans_group.command("history", short_help="Every plan version of a patient.")
@click.argument("reference")
@friendly_errors
def plans_history(reference: str) -> None:
    """List every plan version of REFERENCE, oldest first (the newest is the one the bot uses)."""
    store = PlanStore.from_env()
    records = store.plan_history(reference)
    if not records:
        if store.patient(reference) is None:
            raise UnknownPatientError(reference)
        click.echo(f"{reference}: no plan on file")
        return
    rows = [["version", "imported", "documented", "phases", "source"]]
    for r in records:
        rows.append(
            [
                str(r.version) + (" (current)" if r is records[-1] else ""),
                _fmt(r.imported_at),
                f"{r.plan.documented_by}, {format_date(r.plan.documented_on)}",
                "; ".join(f"{p.kind} {p.dose} {p.every.describe()}" for p in r.plan.phases),
                str(r.extra.get("source_file", "-")),
            ]
        )
    click.echo(f"{records[-1].patient.reference}  {records[-1].patient.name}")
    click.echo(_table(rows))


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
    today = today or date.today()
    dose = parse_dose(dose_text) if dose_text else None
    if on > today:
        raise click.ClickException(f"{format_date(on)} is in the future; record injections once given")
    store = PlanStore.from_env()
    record = store.current_plan(reference)
    starts = [p.starts_on for p in record.plan.phases if p.starts_on] if record else []
    if starts and on < min(starts):
        raise click.ClickException(
            f"{format_date(on)} is before plan version {record.version} starts ({format_date(min(starts))});"
            " import a plan file that covers it instead"
        )
    new = store.record_injection(reference, on, dose)
    what = f"{reference}: injection on {format_date(on)}" + (f" ({dose})" if dose else "")
    click.echo(f"recorded {what}" if new else f"already recorded {what}; nothing changed")


@plans_group.command("ics", short_help="Export a patient's plan as an iCalendar file.")
@click.argument("reference")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@today_option
@friendly_errors
def plans_ics(reference: str, output: Path | None, today: date | None) -> None:
    """Export the plan of REFERENCE as an iCalendar file: every planned injection, reassessment and lab
    check (to stdout unless -o FILE)."""
    record = _require_plan(PlanStore.from_env(), reference)
    from bot.plans.ics import plan_to_ics

    data = plan_to_ics(record, today or date.today())
    if output is None:
        click.echo(data, nl=False)
        return
    output.write_bytes(data)
    click.echo(f"wrote {output} (plan version {record.version})", err=True)


# --- follow-ups --------------------------------------------------------------------------------------


@click.group("followups")
def followups_group() -> None:
    """Questions the bot passed to the care team."""


@followups_group.command("list", short_help="List follow-ups for the care team.")
@click.option(
    "--status",
    type=click.Choice(["open", "closed", "all"]),
    default="open",
    show_default=True,
    help="Which ones.",
)
@friendly_errors
def followups_list(status: str) -> None:
    """List follow-ups for the care team, oldest first (references and kinds only, no patient text)."""
    followups = PlanStore.from_env().list_followups(None if status == "all" else status)
    if not followups:
        click.echo(f"no {'' if status == 'all' else status + ' '}follow-ups")
        return
    rows = [["id", "created", "reference", "kind", "plan version", "status"]]
    rows += [
        [str(f.id), _fmt(f.created_at), f.reference, f.kind, _fmt(f.plan_version), f.status]
        for f in followups
    ]
    click.echo(_table(rows, indent=""))


@followups_group.command("close", short_help="Mark a follow-up as handled.")
@click.argument("followup_id", type=int)
@friendly_errors
def followups_close(followup_id: int) -> None:
    """Mark follow-up FOLLOWUP_ID as handled."""
    PlanStore.from_env().set_followup_status(followup_id, "closed")
    click.echo(f"follow-up {followup_id} closed")


# --- demo --------------------------------------------------------------------------------------------


@click.group("demo")
def demo_group() -> None:
    """Demo patients for the local demo."""


@demo_group.command("seed", short_help="Create the demo patients (idempotent).")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=DEMO_DIR,
    show_default=True,
    help="Where the demo plan files are.",
)
@today_option
@friendly_errors
def demo_seed(directory: Path, today: date | None) -> None:
    """Create the demo patients (dates relative to today). Upgrades the schema first. Running it again
    the same day changes nothing; on a later day a demo patient whose current plan is still the demo
    file's gets it again, re-dated to today (a new plan version, with the file's injections only), so
    the demo shows the same situations every day. Plans staff imported for a demo reference stay."""
    today = today or date.today()
    upgrade()
    store = PlanStore.from_env()
    lines: list[list[str]] = []
    for path in sorted(p for p in directory.glob("*.yml") if p.name != PATIENTS_WITHOUT_PLAN):
        outcome = read_plan_file(path, today)
        if not isinstance(outcome, PlanFile):
            raise click.ClickException(f"demo plan {path} is invalid: {'; '.join(outcome.problems)}")
        reference = outcome.patient.reference
        current = store.current_plan(reference)
        if current is None and store.patient(reference) is None:
            version = store.import_planfile(outcome, source=str(path))
            state = f"plan version {version} imported"
        elif current is not None and current.extra.get("source_file") == str(path) and current.plan != outcome.plan:
            version = store.import_planfile(outcome, source=str(path), replace_injections=True)
            state = f"re-dated to {today.isoformat()} (plan version {version})"
        else:
            state = "already there"
        lines.append([reference, outcome.patient.name, outcome.plan.indication, state])
    for patient in _patients_without_plan(directory / PATIENTS_WITHOUT_PLAN, today):
        state = "already there"
        if store.patient(patient.reference) is None:
            store.register_patient(patient)
            state = "registered"
        lines.append([patient.reference, patient.name, "no plan on file", state])
    if not lines:
        raise click.ClickException(f"no demo plan files in {directory}")
    click.echo(f"Demo patients in {safe_url(database_url())}:")
    click.echo(_table(lines))
    click.echo(f"Get a patient token for the widget or REST: python -m bot token {lines[0][0]}")


def _patients_without_plan(path: Path, today: date) -> Iterable[Patient]:
    if not path.exists():
        return []
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    patients = []
    for i, entry in enumerate(data.get("patients") or [], start=1):
        try:
            born = entry["date_of_birth"]
            if not isinstance(born, date):
                born = parse_relative(str(born), today) or date.fromisoformat(str(born))
            patients.append(
                Patient(reference=str(entry["reference"]), name=str(entry["name"]), date_of_birth=born)
            )
        except (KeyError, TypeError, ValueError) as error:
            raise click.ClickException(f"{path}: patient {i}: bad or missing field {error}") from None
    return patients
