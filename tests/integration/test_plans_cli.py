"""The staff CLI (`python -m bot db|plans|followups|demo ...`) against SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from adapters.sql.db import REPO_ROOT, make_engine
from adapters.sql.store import PlanStore
from bot.dates import format_date
from bot.paths import DEMO_PLANS as DEMO_DIR
from bot.plans.model import Patient
from services.plans import PATIENTS_WITHOUT_PLAN
from staff.cli.plans import db_group, demo_group, followups_group, plans_group

TODAY = date(2026, 11, 20)
START = TODAY - timedelta(days=15)  # where conftest.plan_yaml starts the replenishment


@click.group()
def cli() -> None:
    """The four groups as the lead wires them into `python -m bot`."""


for _group in (db_group, plans_group, followups_group, demo_group):
    cli.add_command(_group)


def run(url: str, *args: str) -> Result:
    result = CliRunner(mix_stderr=False).invoke(cli, list(args), env={"DATABASE_URL": url})
    # failures must be clean exits, never an escaped exception
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    return result


# --- db ----------------------------------------------------------------------------------------------


def test_db_upgrade_on_an_empty_database_then_again(empty_db_url: str) -> None:
    first = run(empty_db_url, "db", "upgrade")
    assert first.exit_code == 0, first.stderr
    assert "upgraded empty ->" in first.output
    second = run(empty_db_url, "db", "upgrade")
    assert second.exit_code == 0, second.stderr
    assert "already current" in second.output
    status = run(empty_db_url, "db", "status")
    assert status.exit_code == 0 and "current" in status.output
    # the schema works: a store can write and read
    store = PlanStore(make_engine(empty_db_url))
    store.add_followup("MRN-1", "human_requested", None, None)
    assert len(store.list_followups()) == 1


# --- import: malformed files --------------------------------------------------------------------------


def _swap_phases(text: str) -> str:
    head, rest = text.split("    - phase: replenishment\n", 1)
    replenishment, rest = rest.split("    - phase: maintenance\n", 1)
    maintenance, tail = rest.split("  reassess_on:", 1)
    return (
        head
        + "    - phase: maintenance\n"
        + maintenance
        + "    - phase: replenishment\n"
        + replenishment
        + "  reassess_on:"
        + tail
    )


def _no_phases(text: str) -> str:
    head, rest = text.split("  phases:\n", 1)
    return head + "  phases: []\n" + "  reassess_on:" + rest.split("  reassess_on:", 1)[1]


def sub(old: str, new: str, count: int = -1):
    """An edit of the valid plan text that must change it."""

    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)

    return edit


DOCUMENTED_ON = f"documented_on: {START - timedelta(days=1)}"

# (id, edit of the valid file, field names any one of which a problem must name, marker of the bad line)
MALFORMED = [
    ("unknown_top_level_key", lambda t: t + "colour: blue\n", ["colour"], "colour: blue"),
    ("unknown_plan_key", sub("  notes:", "  frequency: weekly\n  notes:"), ["frequency"],
     "frequency: weekly"),
    ("unknown_phase_key", sub("      doses: 6", "      dosage: 6"), ["dosage"], "dosage: 6"),
    ("missing_patient_name", sub("  name: Alex Rivera\n", ""), ["name"], None),
    ("missing_reference", sub("  reference: MRN-7001\n", ""), ["reference"], None),
    ("missing_documented_by", sub("  documented_by: Dr. Priya Shah\n", ""), ["documented_by"], None),
    ("month_13", sub(DOCUMENTED_ON, "documented_on: 2026-13-04"), ["documented_on"],
     "documented_on: 2026-13-04"),
    ("impossible_day", sub(f"starts_on: {START}", "starts_on: 2026-02-30"), ["starts_on"], "2026-02-30"),
    ("reassess_not_a_date", lambda t: re.sub(r"reassess_on: \S+", "reassess_on: next month", t),
     ["reassess_on"], "reassess_on: next month"),
    ("lab_due_not_a_date", lambda t: re.sub(r"- due_on: \S+", "- due_on: soon", t), ["due_on", "lab_checks"],
     "due_on: soon"),
    ("dose_without_unit", sub("      dose: 1000 mcg", "      dose: 1000", 1), ["dose"], "      dose: 1000\n"),
    ("maintenance_before_replenishment", _swap_phases, ["phase"], None),
    ("no_phases", _no_phases, ["phases"], None),
    ("injection_before_plan_starts", sub(f"  - on: {START}", "  - on: 2026-01-02"),
     ["injections_given", "on"], "- on: 2026-01-02"),
    ("unknown_product", sub("product: cyanocobalamin", "product: vitamin tablets"), ["product"],
     "product: vitamin tablets"),
    ("unknown_route", sub("route: intramuscular", "route: intravenous"), ["route"], "route: intravenous"),
    ("unknown_indication", sub("indication: absorption problem", "indication: tiredness"), ["indication"],
     "indication: tiredness"),
    ("bad_interval", sub("every: 1 week", "every: fortnightly"), ["every"], "every: fortnightly"),
    ("negative_doses", sub("doses: 6", "doses: -2"), ["doses"], "doses: -2"),
    ("doses_and_until", sub("      doses: 6\n", "      doses: 6\n      until: 2026-12-10\n"),
     ["doses", "until"], None),
    ("not_yaml", sub("  name: Alex Rivera", "  name: [Alex Rivera"), None, None),
]  # fmt: skip
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")


def _check_rejection(url: str, path: Path, fields: list[str] | None, line: int | None, row_counts) -> Result:
    before = row_counts()
    result = run(url, "plans", "import", str(path), "--today", TODAY.isoformat())
    assert result.exit_code == 1, result.output
    problems = [PROBLEM.match(text) for text in result.stderr.splitlines() if text.startswith(f"{path}:")]
    assert problems and all(problems), result.stderr  # every line is FILE:LINE: field: message
    if fields is not None:
        named = [m for m in problems if any(f in m["field"] for f in fields)]
        assert named, f"no problem names {fields}: {result.stderr}"
        if line is not None:
            assert line in {int(m["line"]) for m in named}, f"line {line} not named: {result.stderr}"
    assert "0 imported, 1 rejected" in result.output
    assert row_counts() == before  # nothing written
    return result


@pytest.mark.parametrize("case", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_plan_is_rejected_with_file_line_field_and_nothing_written(
    db_url: str, write_plan, plan_text, row_counts, case
) -> None:
    _, edit, fields, marker = case
    good = run(
        db_url, "plans", "import", str(write_plan(plan_text(reference="MRN-7001"))), "--today", "2026-11-20"
    )
    assert good.exit_code == 0, good.stderr  # a version 1 exists: a bad re-import must not add version 2

    text = edit(plan_text(reference="MRN-7001"))
    assert text != plan_text(reference="MRN-7001")
    line = None
    if marker is not None:
        line = next(i for i, row in enumerate(text.splitlines(keepends=True), 1) if marker.strip() in row)
    _check_rejection(db_url, write_plan(text), fields, line, row_counts)
    assert [r.version for r in PlanStore(make_engine(db_url)).plan_history("MRN-7001")] == [1]


BAD_PLANS_DIR = REPO_ROOT / "tests" / "fixtures" / "bad_plans"
BAD_PLANS = sorted(BAD_PLANS_DIR.glob("*.yml"))


def _expected_problems(path: Path) -> set[tuple[str, int]]:
    """The last line of each fixture: `# expect: field @ line; field @ line ...`."""
    last = path.read_text().rstrip("\n").splitlines()[-1]
    assert last.startswith("# expect: "), f"{path} must end with an `# expect:` line"
    pairs = (item.rsplit(" @ ", 1) for item in last.removeprefix("# expect: ").split("; "))
    return {(field, int(line)) for field, line in pairs}


def test_the_bad_plan_catalogue_is_there() -> None:
    assert len(BAD_PLANS) >= 15, BAD_PLANS_DIR


@pytest.mark.parametrize("path", BAD_PLANS, ids=[p.stem for p in BAD_PLANS])
def test_bad_plan_fixture_reports_exactly_its_problems(db_url: str, row_counts, path: Path) -> None:
    """tests/fixtures/bad_plans/: one broken file per case, each naming the field(s) and line(s) it must
    be rejected for. The CLI must report exactly those problems and write nothing."""
    result = _check_rejection(db_url, path, None, None, row_counts)
    reported = {
        (m["field"], int(m["line"])) for m in map(PROBLEM.match, result.stderr.splitlines()) if m is not None
    }
    assert reported == _expected_problems(path), result.stderr


def test_directory_import_with_one_bad_file(db_url: str, write_plan, plan_text, tmp_path, row_counts) -> None:
    folder = tmp_path / "clinic"
    write_plan(plan_text(reference="MRN-8001"), name="1.yml", directory=folder)
    text = plan_text(reference="MRN-8002").replace("every: 1 week", "every: weekly-ish")
    bad = write_plan(text, name="2.yml", directory=folder)
    write_plan(plan_text(reference="MRN-8003"), name="3.yml", directory=folder)

    result = run(db_url, "plans", "import", str(folder), "--today", TODAY.isoformat())
    assert result.exit_code == 1
    assert "imported MRN-8001 as plan version 1" in result.output
    assert "imported MRN-8003 as plan version 1" in result.output
    assert "2 imported, 1 rejected" in result.output
    assert any(PROBLEM.match(x) and x.startswith(f"{bad}:") for x in result.stderr.splitlines())
    store = PlanStore(make_engine(db_url))
    assert store.patient("MRN-8002") is None
    assert row_counts()["patients"] == 2

    # --all-or-nothing: the same directory writes nothing more
    before = row_counts()
    again = run(db_url, "plans", "import", str(folder), "--all-or-nothing", "--today", TODAY.isoformat())
    assert again.exit_code == 1 and "0 imported, 1 rejected" in again.output
    assert row_counts() == before


def test_reimport_adds_a_version_and_history_lists_both(db_url: str, write_plan, plan_text) -> None:
    first = write_plan(plan_text(reference="MRN-7001"))
    second = write_plan(plan_text(reference="MRN-7001", documented_by="Dr. Omar Haddad"))
    assert "as plan version 1" in run(db_url, "plans", "import", str(first), "--today", "2026-11-20").output
    assert "as plan version 2" in run(db_url, "plans", "import", str(second), "--today", "2026-11-20").output

    history = run(db_url, "plans", "history", "MRN-7001")
    assert history.exit_code == 0
    rows = [line.split() for line in history.output.splitlines()]
    versions = [row[0] for row in rows if row and row[0].isdigit()]
    assert versions == ["1", "2"]
    assert (
        "(current)" in history.output and "Dr. Omar Haddad" in history.output and str(first) in history.output
    )


# --- show, given, ics --------------------------------------------------------------------------------


def _import_two_given(db_url: str, write_plan, plan_text) -> None:
    """MRN-7001 with 2 of its weekly doses given, imported as on 20 Nov 2026."""
    run(db_url, "plans", "import", str(write_plan(plan_text(reference="MRN-7001", given=2))), "--today", "2026-11-20")


def test_show_prints_the_plan_and_its_status(db_url: str, write_plan, plan_text) -> None:
    _import_two_given(db_url, write_plan, plan_text)

    result = run(db_url, "plans", "show", "MRN-7001", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.stderr
    out = result.output
    assert "MRN-7001" in out and "Alex Rivera" in out and "Plan version 1" in out
    assert f"Dr. Priya Shah on {format_date(START - timedelta(days=1))}" in out
    assert f"from {format_date(START)}" in out  # replenishment start
    assert "6 doses" in out and "every week" in out and "every month" in out
    assert "Injections given (2)" in out
    assert f"Status on {format_date(TODAY)}" in out
    # the computed status uses the schedule: the third weekly dose is due two weeks after the second
    assert format_date(START + timedelta(weeks=2)) in out.split("Status on")[1]


def test_given_records_once_and_refuses_bad_input(db_url: str, write_plan, plan_text) -> None:
    _import_two_given(db_url, write_plan, plan_text)
    day = START + timedelta(weeks=2)

    first = run(
        db_url, "plans", "given", "MRN-7001", day.isoformat(), "--dose", "1,000 mcg", "--today", "2026-11-20"
    )
    assert first.exit_code == 0 and "recorded MRN-7001" in first.output and "1,000 mcg" in first.output
    again = run(db_url, "plans", "given", "MRN-7001", day.isoformat(), "--today", "2026-11-20")
    assert again.exit_code == 0 and "already recorded" in again.output
    relative = run(db_url, "plans", "given", "MRN-7001", "today", "--today", "2026-11-20")
    assert relative.exit_code == 0
    assert f"recorded MRN-7001: injection on {format_date(TODAY)}" in relative.output

    record = PlanStore(make_engine(db_url)).current_plan("MRN-7001")
    assert record is not None
    assert [i.on for i in record.injections_given][-2:] == [day, TODAY]
    assert len(record.injections_given) == 4

    no_unit = run(
        db_url, "plans", "given", "MRN-7001", "2026-11-19", "--dose", "1000", "--today", "2026-11-20"
    )
    assert no_unit.exit_code == 2 and "unit" in no_unit.stderr
    future = run(db_url, "plans", "given", "MRN-7001", "2026-11-21", "--today", "2026-11-20")
    assert future.exit_code == 1 and "future" in future.stderr
    before_plan = run(db_url, "plans", "given", "MRN-7001", "2026-01-05", "--today", "2026-11-20")
    assert before_plan.exit_code == 1 and "before plan version 1 starts" in before_plan.stderr
    unknown = run(db_url, "plans", "given", "MRN-NOPE", "2026-11-19", "--today", "2026-11-20")
    assert unknown.exit_code == 1 and "no patient with reference 'MRN-NOPE'" in unknown.stderr
    assert len(PlanStore(make_engine(db_url)).current_plan("MRN-7001").injections_given) == 4


def test_ics_export_parses_with_icalendar(db_url: str, write_plan, plan_text, tmp_path) -> None:
    from icalendar import Calendar

    run(db_url, "plans", "import", str(write_plan(plan_text(reference="MRN-7001"))), "--today", "2026-11-20")
    result = run(db_url, "plans", "ics", "MRN-7001", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.stderr
    calendar = Calendar.from_ical(result.stdout_bytes)
    starts = {
        (e.decoded("dtstart").date() if hasattr(e.decoded("dtstart"), "date") else e.decoded("dtstart"))
        for e in calendar.walk("VEVENT")
    }
    replenishment = {START + timedelta(weeks=i) for i in range(6)}
    assert replenishment <= starts  # every planned weekly dose
    assert START + timedelta(days=42) in starts  # reassessment and lab check

    target = tmp_path / "out" / "plan.ics"
    target.parent.mkdir()
    to_file = run(db_url, "plans", "ics", "MRN-7001", "-o", str(target), "--today", TODAY.isoformat())
    assert to_file.exit_code == 0 and target.read_bytes() == result.stdout_bytes


# --- follow-ups --------------------------------------------------------------------------------------


def test_followups_list_and_close(db_url: str) -> None:
    store = PlanStore(make_engine(db_url))
    assert "no open follow-ups" in run(db_url, "followups", "list").output
    first = store.add_followup("MRN-1042", "dose_change_request", 2, "f" * 64)
    store.add_followup("MRN-1043", "missed_dose", None, None)

    listed = run(db_url, "followups", "list")
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].split()[:3] == ["id", "created", "reference"]
    assert any("MRN-1042" in x and "dose_change_request" in x for x in lines)
    assert any("MRN-1043" in x and "missed_dose" in x for x in lines)
    assert "f" * 64 not in listed.output  # the conversation key is not for display

    assert run(db_url, "followups", "close", str(first)).exit_code == 0
    assert "MRN-1042" not in run(db_url, "followups", "list").output
    assert "MRN-1042" in run(db_url, "followups", "list", "--status", "all").output
    missing = run(db_url, "followups", "close", "999")
    assert missing.exit_code == 1 and "no follow-up with id 999" in missing.stderr


# --- demo seed ---------------------------------------------------------------------------------------


def _seed_twice(url: str, directory: Path, row_counts_of) -> tuple[Result, Result]:
    first = run(url, "demo", "seed", "--directory", str(directory), "--today", TODAY.isoformat())
    assert first.exit_code == 0, first.stderr + first.output
    counts = row_counts_of()
    second = run(url, "demo", "seed", "--directory", str(directory), "--today", TODAY.isoformat())
    assert second.exit_code == 0, second.stderr
    assert row_counts_of() == counts  # nothing added the second time
    return first, second


def test_demo_seed_on_an_empty_database_is_idempotent(
    empty_db_url: str, write_plan, plan_text, tmp_path, empty_row_counts
) -> None:
    demo = tmp_path / "demo"
    write_plan(plan_text(reference="MRN-9001"), name="a.yml", directory=demo)
    write_plan(plan_text(reference="MRN-9002", name="Kim Lee"), name="b.yml", directory=demo)
    (demo / PATIENTS_WITHOUT_PLAN).write_text(
        "patients:\n  - reference: MRN-9005\n    name: Noor Ali\n    date_of_birth: 1975-06-01\n"
    )
    first, second = _seed_twice(empty_db_url, demo, empty_row_counts)
    for reference in ("MRN-9001", "MRN-9002", "MRN-9005"):
        assert reference in first.output and reference in second.output
    assert second.output.count("already there") == 3
    assert "python -m bot token MRN-9001" in first.output
    store = PlanStore(make_engine(empty_db_url))
    assert store.current_plan("MRN-9002") is not None and store.current_plan("MRN-9005") is None
    assert store.patient("MRN-9005").date_of_birth == date(1975, 6, 1)


def test_demo_seed_of_the_shipped_demo_data(empty_db_url: str, empty_row_counts) -> None:
    counts = empty_row_counts
    first, _ = _seed_twice(empty_db_url, DEMO_DIR, counts)
    assert counts()["patients"] == 5  # four scenarios and one patient without a plan
    assert counts()["plan_versions"] == 4
    assert re.search(r"python -m bot token MRN-\S+", first.output)


def test_demo_seed_on_a_later_day_re_dates_the_demo_patients(
    empty_db_url: str, write_plan, plan_text, empty_row_counts
) -> None:
    counts = empty_row_counts
    seed = ["demo", "seed", "--directory", str(DEMO_DIR), "--today"]
    assert run(empty_db_url, *seed, TODAY.isoformat()).exit_code == 0
    store = PlanStore(make_engine(empty_db_url))
    first = store.current_plan("MRN-1001")
    store.record_injection("MRN-1001", TODAY + timedelta(days=3))  # a try-out on the demo patient
    staff = write_plan(plan_text(reference="MRN-1002", name="Sam Okafor"))  # staff's own plan for 1002
    assert run(empty_db_url, "plans", "import", str(staff), "--today", TODAY.isoformat()).exit_code == 0

    later = TODAY + timedelta(days=9)
    result = run(empty_db_url, *seed, later.isoformat())
    assert result.exit_code == 0, result.stderr
    assert f"re-dated to {later.isoformat()} (plan version 2)" in result.output
    again = store.current_plan("MRN-1001")
    assert again.version == 2
    assert again.plan.phases[0].starts_on == first.plan.phases[0].starts_on + timedelta(days=9)
    # the demo file's injections only, re-dated with it: the situation is the same as on the first day
    assert [i.on - later for i in again.injections_given] == [i.on - TODAY for i in first.injections_given]
    assert store.current_plan("MRN-1002").extra["source_file"] == str(staff)  # staff's plan stays current
    assert [r.version for r in store.plan_history("MRN-1002")] == [1, 2]

    before = counts()
    assert "already there" in run(empty_db_url, *seed, later.isoformat()).output
    assert counts() == before  # the same day again: nothing changes


# --- errors and help ---------------------------------------------------------------------------------


def test_errors_are_one_line_messages(empty_db_url: str) -> None:
    no_tables = run(empty_db_url, "plans", "show", "MRN-1042")
    assert no_tables.exit_code == 1 and "python -m bot db upgrade" in no_tables.stderr
    assert len(no_tables.stderr.strip().splitlines()) == 1

    run(empty_db_url, "db", "upgrade")
    unknown = run(empty_db_url, "plans", "show", "MRN-NOPE")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "Error: no patient with reference 'MRN-NOPE'"
    PlanStore(make_engine(empty_db_url)).register_patient(Patient("MRN-0", "No Plan", date(1990, 1, 1)))
    planless = run(empty_db_url, "plans", "ics", "MRN-0")
    assert planless.exit_code == 1 and "has no plan on file" in planless.stderr


def test_unreachable_database_is_a_clear_error() -> None:
    result = run("postgresql://postgres@127.0.0.1:1/nowhere", "followups", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: cannot use the database at postgresql://postgres@127.0.0.1:1/nowhere"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for group in (db_group, plans_group, followups_group, demo_group):
        assert runner.invoke(cli, [group.name, "--help"]).exit_code == 0
        for name in group.commands:
            result = runner.invoke(cli, [group.name, name, "--help"])
            assert result.exit_code == 0 and "Usage:" in result.output, (group.name, name)


def test_python_m_bot_entry_point(tmp_path: Path) -> None:
    """Through the real `python -m bot` (the lead's bot/cli.py wires the groups in)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": str(REPO_ROOT)}
    upgraded = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert "upgraded empty ->" in upgraded.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "plans", "show", "MRN-NOPE"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip() == "Error: no patient with reference 'MRN-NOPE'"
