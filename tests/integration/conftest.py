"""Database fixtures: every store test runs against a fresh SQLite file and a fresh PostgreSQL schema.

PostgreSQL: one throw-away database per test session (`b12_test_<random>`, created through the `postgres`
maintenance database and dropped at the end), its `public` schema emptied before each test. Unreachable
server: those tests are skipped, except under CI (env `CI` set), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from adapters.sql.db import dispose_engine, make_engine, safe_url
from adapters.sql.orm import Base
from adapters.sql.store import PlanStore, upgrade
from tests.plan_texts import mid_course_plan

PG_ADMIN_URL = os.environ.get("B12_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

# Every date in these tests is relative to this fixed day.
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="session")
def today() -> date:
    return TODAY


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A new PostgreSQL database for this test session, dropped afterwards."""
    admin = create_engine(
        PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"b12_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except SQLAlchemyError as error:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {safe_url(PG_ADMIN_URL)}: {str(error).splitlines()[0]}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: the PostgreSQL tests must run)")
        pytest.skip(reason)
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (no tables at all) on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'b12.db'}"
        yield url
        dispose_engine(url)
        return
    url = request.getfixturevalue("pg_database_url")
    with make_engine(url).begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    yield url


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """An empty database brought to the current schema by the migrations."""
    upgrade(empty_db_url)
    return empty_db_url


@pytest.fixture
def store(db_url: str) -> PlanStore:
    return PlanStore(make_engine(db_url))


def row_counts_of(url: str) -> Callable[[], dict[str, int]]:
    """Rows per table of the database at `url`, to show that a rejected import wrote nothing."""

    def counts() -> dict[str, int]:
        with make_engine(url).connect() as connection:
            return {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in Base.metadata.sorted_tables
            }

    return counts


@pytest.fixture
def row_counts(db_url: str) -> Callable[[], dict[str, int]]:
    return row_counts_of(db_url)


@pytest.fixture
def empty_row_counts(empty_db_url: str) -> Callable[[], dict[str, int]]:
    return row_counts_of(empty_db_url)


def plan_yaml(
    reference: str = "MRN-1042",
    name: str = "Alex Rivera",
    today: date = TODAY,
    given: int = 2,
    documented_by: str = "Dr. Priya Shah",
) -> str:
    """A valid plan file in the docs/plan-files.md format with fixed dates: weekly replenishment that started
    15 days before `today`, `given` doses recorded, then monthly maintenance."""
    start = today - timedelta(days=15)
    return mid_course_plan(
        reference, name, "1968-03-14", documented_by,
        given=tuple(str(start + timedelta(weeks=i)) for i in range(given)), given_dose="1000 mcg",
        starts=str(start), documented_on=str(start - timedelta(days=1)),
        maintenance_starts=str(start + timedelta(days=49)), reassess_on=str(start + timedelta(days=42)),
        notes="Bring your injection record to the reassessment visit.",
    )


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[..., Path]:
    """Write a plan file (valid by default, or the given text) and return its path."""
    counter = iter(range(1_000_000))

    def write(text: str | None = None, name: str | None = None, directory: Path | None = None, **kw) -> Path:
        folder = directory or tmp_path / "plans"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name or f"plan_{next(counter):03d}.yml")
        path.write_text(text if text is not None else plan_yaml(**kw), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def plan_text() -> Callable[..., str]:
    """`plan_text(reference=..., given=...)` → the text of a valid plan file."""
    return plan_yaml
