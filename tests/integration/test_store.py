"""The plan store against real databases: every test runs on SQLite and on PostgreSQL (see conftest)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, inspect

from adapters.sql.db import make_engine
from adapters.sql.orm import Base
from adapters.sql.store import PlanStore, UnknownPatientError, current_revision, head_revision, upgrade
from bot.plans import planfile
from bot.plans.model import Dose, Injection, Interval, LabCheck, Patient, Phase, Plan, PlanFile, VerificationState
from services.plans import import_plan_files

TODAY = date(2026, 11, 20)


def make_planfile(
    reference: str = "MRN-2001",
    name: str = "Sam Okafor",
    documented_by: str = "Dr. Lena Ortiz",
    injections: tuple[Injection, ...] = (),
    start: date = TODAY - timedelta(days=10),
) -> PlanFile:
    """A plan that exercises every optional field: an `until` phase, an open maintenance without a start,
    a fractional dose, several lab checks with several tests."""
    return PlanFile(
        patient=Patient(reference=reference, name=name, date_of_birth=date(1959, 2, 28)),
        plan=Plan(
            documented_by=documented_by,
            documented_on=start - timedelta(days=3),
            product="hydroxocobalamin",
            strength="1 mg/mL",
            route="deep subcutaneous",
            indication="neurologic symptoms",
            phases=(
                Phase(
                    kind="replenishment",
                    dose=Dose(1, "mg"),
                    every=Interval(2, "day"),
                    until=start + timedelta(days=20),
                    starts_on=start,
                ),
                Phase(kind="maintenance", dose=Dose(0.5, "mg"), every=Interval(2, "month")),
            ),
            reassess_on=start + timedelta(days=28),
            lab_checks=(
                LabCheck(due_on=start + timedelta(days=28), tests=("serum B12", "CBC", "folate")),
                LabCheck(due_on=start + timedelta(days=90), tests=("serum B12",)),
            ),
            notes=None,
        ),
        injections_given=injections,
    )


# --- schema ------------------------------------------------------------------------------------------


def test_upgrade_creates_schema_and_is_idempotent(empty_db_url: str) -> None:
    assert current_revision(empty_db_url) is None
    upgrade(empty_db_url)
    assert current_revision(empty_db_url) == head_revision() is not None
    upgrade(empty_db_url)  # a second run is a no-op, not an error
    assert current_revision(empty_db_url) == head_revision()
    tables = set(inspect(make_engine(empty_db_url)).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_migrations_match_the_models(db_url: str) -> None:
    """The hand-written migration creates exactly what the ORM declares (types, constraints, indices)."""
    with make_engine(db_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_lookups_used_per_chat_turn_are_indexed(db_url: str) -> None:
    inspector = inspect(make_engine(db_url))

    def indexed(table: str) -> set[tuple[str, ...]]:
        found = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}
        found |= {tuple(uq["column_names"]) for uq in inspector.get_unique_constraints(table)}
        return found

    assert ("reference",) in indexed("patients")
    assert ("patient_id", "version") in indexed("plan_versions")
    assert ("patient_id", "given_on") in indexed("injections_given")


def test_no_free_text_columns_in_followups_audit_and_verification(db_url: str) -> None:
    inspector = inspect(make_engine(db_url))
    columns = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
    # closed_by / actor name a staff user; detail is the system's own note ("version 2 from file.yml", "link 4")
    assert columns["follow_ups"] == {
        "id", "reference", "kind", "plan_version", "conversation_key", "created_at", "status", "closed_by",
        "closed_at",
    }  # fmt: skip
    assert columns["audit_entries"] == {
        "id",
        "plan_version_id",
        "reference",
        "intent",
        "action",
        "created_at",
        "actor",
        "detail",
    }
    assert columns["reported_injections"] == {
        "id", "patient_id", "given_on", "reported_at", "conversation_key", "plan_version_id", "status",
        "decided_by", "decided_at",
    }  # fmt: skip
    assert columns["calendar_links"] >= {"token_hash"} and "token" not in columns["calendar_links"]
    assert columns["conversation_verification"] == {
        "conversation_key", "reference", "verified_until", "failures", "locked_until", "updated_at"
    }  # fmt: skip


# --- import and read back ----------------------------------------------------------------------------


def test_import_round_trip_of_a_built_planfile(store: PlanStore) -> None:
    given = (
        Injection(TODAY - timedelta(days=8), Dose(1, "mg")),
        Injection(TODAY - timedelta(days=10), None),
    )
    pf = make_planfile(injections=given)
    assert store.import_planfile(pf, source="plans/sam.yml") == 1

    record = store.current_plan(pf.patient.reference)
    assert record is not None
    assert record.patient == pf.patient
    assert record.plan == pf.plan
    assert record.injections_given == tuple(sorted(given, key=lambda i: i.on))  # oldest first
    assert record.version == 1
    assert record.imported_at is not None and record.imported_at.tzinfo is not None
    assert record.extra["source_file"] == "plans/sam.yml"
    assert store.patient(pf.patient.reference) == pf.patient


def test_import_round_trip_equals_the_parsed_plan_file(store: PlanStore, write_plan, plan_text) -> None:
    path = write_plan(plan_text(reference="MRN-1042", given=2))
    pf = planfile.parse_plan_file(path, today=TODAY)

    assert store.import_planfile(pf, source=str(path)) == 1
    record = store.current_plan("MRN-1042")
    assert record is not None
    assert (record.patient, record.plan) == (pf.patient, pf.plan)
    assert record.injections_given == tuple(sorted(pf.injections_given, key=lambda i: i.on))
    assert len(record.injections_given) == 2


def test_current_plan_takes_at_most_two_selects(store: PlanStore) -> None:
    """It runs on every chat turn: the plan with phases and lab checks in one statement, injections in one."""
    pf = make_planfile(injections=tuple(Injection(TODAY - timedelta(days=d)) for d in range(0, 10, 2)))
    store.import_planfile(pf)
    store.import_planfile(pf)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        record = store.current_plan(pf.patient.reference)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert record is not None and record.version == 2
    assert len(record.plan.phases) == 2 and len(record.plan.lab_checks) == 2
    assert len(record.injections_given) == 5
    assert len(statements) <= 2, statements


def test_reimport_creates_version_2_and_keeps_version_1(store: PlanStore) -> None:
    first = make_planfile(documented_by="Dr. Lena Ortiz")
    second = make_planfile(name="Sam A. Okafor", documented_by="Dr. Priya Shah")
    assert store.import_planfile(first) == 1
    assert store.import_planfile(second) == 2

    current = store.current_plan("MRN-2001")
    assert current is not None and current.version == 2
    assert current.plan.documented_by == "Dr. Priya Shah"
    assert current.patient.name == "Sam A. Okafor"  # the patient's details follow the newest file

    history = store.plan_history("MRN-2001")
    assert [r.version for r in history] == [1, 2]
    assert history[0].plan == first.plan and history[1].plan == second.plan
    assert history[0].plan_version_id != history[1].plan_version_id
    assert history[1].plan_version_id == current.plan_version_id


def test_versions_are_counted_per_patient(store: PlanStore) -> None:
    assert store.import_planfile(make_planfile(reference="MRN-A")) == 1
    assert store.import_planfile(make_planfile(reference="MRN-B")) == 1
    assert store.import_planfile(make_planfile(reference="MRN-A")) == 2
    assert [r.version for r in store.plan_history("MRN-B")] == [1]


def test_reimport_merges_injections_without_duplicates(store: PlanStore) -> None:
    day1, day2, day3 = (TODAY - timedelta(days=d) for d in (9, 7, 5))
    store.import_planfile(make_planfile(injections=(Injection(day1, None), Injection(day2, Dose(1, "mg")))))
    store.import_planfile(
        make_planfile(injections=(Injection(day1, Dose(1, "mg")), Injection(day3, Dose(1, "mg"))))
    )

    record = store.current_plan("MRN-2001")
    assert record is not None
    assert [i.on for i in record.injections_given] == [day1, day2, day3]
    assert record.injections_given[0].dose == Dose(1, "mg")  # a missing dose is filled in, nothing doubled


def test_unknown_and_planless_patients(store: PlanStore) -> None:
    assert store.patient("MRN-NOPE") is None
    assert store.current_plan("MRN-NOPE") is None
    assert store.plan_history("MRN-NOPE") == []

    lee = Patient(reference="MRN-3001", name="Lee Wong", date_of_birth=date(1980, 1, 31))
    assert store.register_patient(lee) is True
    assert store.register_patient(lee) is False  # registering again changes nothing
    assert store.patient("MRN-3001") == lee
    assert store.current_plan("MRN-3001") is None

    # a plan imported later attaches to the registered patient
    assert store.import_planfile(make_planfile(reference="MRN-3001", name="Lee Wong")) == 1
    assert store.current_plan("MRN-3001") is not None


@pytest.mark.timeout(120)
def test_concurrent_imports_number_versions_without_gaps_or_duplicates(store: PlanStore) -> None:
    """8 threads x 3 imports of one (new) patient: the versions are exactly 1..24."""
    threads, per_thread = 8, 3
    start = threading.Barrier(threads)
    given = (Injection(TODAY - timedelta(days=10), Dose(1, "mg")),)

    def work(n: int) -> list[int]:
        start.wait()
        return [
            store.import_planfile(make_planfile(documented_by=f"Dr. Thread {n}.{i}", injections=given))
            for i in range(per_thread)
        ]

    with ThreadPoolExecutor(threads) as pool:
        returned = [v for versions in pool.map(work, range(threads)) for v in versions]

    expected = list(range(1, threads * per_thread + 1))
    assert sorted(returned) == expected
    history = store.plan_history("MRN-2001")
    assert [r.version for r in history] == expected
    assert len({r.plan.documented_by for r in history}) == threads * per_thread
    assert len(history[-1].injections_given) == 1


# --- injections, follow-ups, audit, verification -------------------------------------------------------


def test_record_injection_is_idempotent_per_date(store: PlanStore) -> None:
    store.import_planfile(make_planfile())
    day = TODAY - timedelta(days=2)
    assert store.record_injection("MRN-2001", day, None) is True
    assert store.record_injection("MRN-2001", day, Dose(1, "mg")) is False
    assert store.record_injection("MRN-2001", day, Dose(1, "mg")) is False
    assert store.record_injection("MRN-2001", TODAY, Dose(1000, "mcg")) is True

    record = store.current_plan("MRN-2001")
    assert record is not None
    assert record.injections_given == (Injection(day, Dose(1, "mg")), Injection(TODAY, Dose(1000, "mcg")))
    with pytest.raises(UnknownPatientError):
        store.record_injection("MRN-NOPE", TODAY, None)


def test_followups(store: PlanStore) -> None:
    store.import_planfile(make_planfile())
    first = store.add_followup("MRN-2001", "dose_change_request", 1, "a" * 64)
    second = store.add_followup("MRN-2001", "human_requested", None, None)
    assert first != second

    open_ = store.list_followups()
    assert [(f.id, f.kind, f.plan_version, f.status) for f in open_] == [
        (first, "dose_change_request", 1, "open"),
        (second, "human_requested", None, "open"),
    ]
    assert all(f.reference == "MRN-2001" and f.created_at.tzinfo is not None for f in open_)

    store.set_followup_status(first, "closed")
    assert [f.id for f in store.list_followups()] == [second]
    assert [f.id for f in store.list_followups("closed")] == [first]
    assert [f.id for f in store.list_followups(None)] == [first, second]


def test_audit_entries_name_the_cited_plan_version(store: PlanStore) -> None:
    store.import_planfile(make_planfile())
    record = store.current_plan("MRN-2001")
    assert record is not None
    store.add_audit("ask_next_injection", "action_answer_plan", "MRN-2001", record.plan_version_id)
    store.add_audit("ask_side_effects", "utter_side_effects")

    entries = store.audit_entries()
    assert [(e.intent, e.action, e.reference, e.plan_version_id) for e in entries] == [
        ("ask_side_effects", "utter_side_effects", None, None),
        ("ask_next_injection", "action_answer_plan", "MRN-2001", record.plan_version_id),
    ]
    assert [e.intent for e in store.audit_entries(reference="MRN-2001")] == ["ask_next_injection"]


def test_verification_state_round_trip(store: PlanStore) -> None:
    assert store.get_verification("k" * 64) is None
    now = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
    locked = VerificationState(
        conversation_key="k" * 64, failures=3, locked_until=now + timedelta(minutes=15)
    )
    store.save_verification(locked)
    assert store.get_verification("k" * 64) == locked

    verified = VerificationState(
        conversation_key="k" * 64, reference="MRN-2001", verified_until=now + timedelta(hours=1), failures=0
    )
    store.save_verification(verified)  # replaces, does not add
    assert store.get_verification("k" * 64) == verified

    # other time zones come back as the same instant, in UTC; naive datetimes are taken as UTC
    plus_two = timezone(timedelta(hours=2))
    store.save_verification(
        VerificationState("z", verified_until=datetime(2026, 11, 20, 11, 0, tzinfo=plus_two))
    )
    assert store.get_verification("z").verified_until == datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    store.save_verification(VerificationState("n", locked_until=datetime(2026, 11, 20, 9, 0)))
    assert store.get_verification("n").locked_until == datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


@pytest.mark.timeout(60)
def test_concurrent_verification_saves_do_not_fail(store: PlanStore) -> None:
    """Two replicas may save the same conversation at once: the upsert never hits a duplicate key."""
    barrier = threading.Barrier(6)

    def save(n: int) -> None:
        barrier.wait()
        for i in range(5):
            store.save_verification(VerificationState("race", failures=n * 10 + i))

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(save, range(6)))
    state = store.get_verification("race")
    assert state is not None and state.failures % 10 == 4


def test_guesses_sent_at_once_check_at_most_the_allowance_of_dates_of_birth(store: PlanStore) -> None:
    """12 conversations guess one reference's date of birth at the same moment (the red-team's race): no more
    than REFERENCE_MAX_FAILURES dates of birth are ever compared, and the rest are refused as locked."""
    from bot.identity import Verifier

    store.import_planfile(make_planfile())

    checked = []

    class SlowLookups:  # a busy database: the patient lookup takes a while, so the guesses overlap
        def __getattr__(self, name):
            return getattr(store, name)

        def patient(self, reference):
            checked.append(reference)  # this guess's date of birth is about to be compared
            time.sleep(0.05)
            return store.patient(reference)

    verifier = Verifier(SlowLookups())
    barrier = threading.Barrier(12)

    def guess(n: int) -> str:
        barrier.wait()
        return verifier.attempt(f"race-{n}", "MRN-2001", f"{n + 1:02d}/01/1950", client=f"address-{n}").reason

    with ThreadPoolExecutor(12) as pool:
        reasons = list(pool.map(guess, range(12)))
    assert reasons.count("mismatch") + reasons.count("locked") == 12
    assert len(checked) <= Verifier.REFERENCE_MAX_FAILURES
    assert verifier.attempt("late", "MRN-2001", "28/02/1959", client="elsewhere").reason == "locked"


def test_a_right_date_of_birth_does_not_use_up_the_references_allowance(store: PlanStore) -> None:
    from bot.identity import Verifier

    store.import_planfile(make_planfile())
    verifier = Verifier(store)
    for n in range(Verifier.REFERENCE_MAX_FAILURES - 1):
        assert verifier.attempt(f"c-{n}", "MRN-2001", "01/01/1950", client=f"a-{n}").reason == "mismatch"
    assert verifier.attempt("right", "MRN-2001", "28/02/1959", client="b").reason == "ok"
    assert verifier.attempt("right-2", "MRN-2001", "28/02/1959", client="c").reason == "ok"


# --- files and directories ---------------------------------------------------------------------------


def test_import_path_directory_with_one_bad_file(
    store: PlanStore, write_plan, plan_text, tmp_path, row_counts
):
    folder = tmp_path / "batch"
    write_plan(plan_text(reference="MRN-5001"), name="a.yml", directory=folder)
    bad = write_plan(
        plan_text(reference="MRN-5002").replace(
            "dose: 1000 mcg\n      every: 1 week", "dose: 1000\n      every: 1 week"
        ),
        name="b.yml",
        directory=folder,
    )
    write_plan(plan_text(reference="MRN-5003"), name="c.yaml", directory=folder)
    (folder / "README.txt").write_text("not a plan file")

    results = import_plan_files(store, [folder], today=TODAY)
    assert [r.path.rsplit("/", 1)[-1] for r in results] == ["a.yml", "b.yml", "c.yaml"]
    assert [(r.ok, r.version) for r in results] == [(True, 1), (False, None), (True, 1)]
    assert results[1].problems and all(p.startswith(f"{bad}:") for p in results[1].problems)
    assert store.patient("MRN-5002") is None  # the bad file wrote nothing, not even the patient
    assert store.current_plan("MRN-5001") is not None and store.current_plan("MRN-5003") is not None
    assert row_counts()["plan_versions"] == 2


def test_all_or_nothing_import_writes_nothing_when_any_file_is_bad(
    store: PlanStore, write_plan, plan_text, row_counts
) -> None:
    good = write_plan(plan_text(reference="MRN-6001"))
    bad = write_plan(plan_text(reference="MRN-6002").replace("documented_on: ", "documented_on: 2026-13-"))
    before = row_counts()
    results = import_plan_files(store, [good, bad], today=TODAY, all_or_nothing=True)
    assert [r.ok for r in results] == [False, False]
    assert not results[0].problems and results[1].problems
    assert row_counts() == before


def test_missing_path_is_a_problem_not_a_crash(store: PlanStore, tmp_path) -> None:
    [result] = import_plan_files(store, [tmp_path / "nowhere.yml"])
    assert not result.ok and "no such file" in result.problems[0]


@pytest.mark.timeout(120)
def test_replicas_starting_together_can_all_run_the_migrations(empty_db_url: str) -> None:
    """Every replica of the scaled set-up runs `db upgrade` on start; they must not trip over each other."""
    import subprocess
    import sys

    from adapters.sql.db import REPO_ROOT

    code = "import sys; from adapters.sql.store import upgrade; upgrade(sys.argv[1])"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, empty_db_url],
            cwd=REPO_ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    errors = [p.communicate(timeout=100)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    assert current_revision(empty_db_url) == head_revision()
