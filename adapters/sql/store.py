"""The plan store: the only place that knows how plans sit in SQL.

Callers get and give the frozen dataclasses of `bot/plans/model.py`. Every method is one unit of work with
its own session, so the action server can run them from a thread pool (one call per request, nothing shared
but the engine's connection pool). A database that cannot be reached or used raises the domain's
`StoreUnavailable`, never an SQLAlchemy exception. The queries live by subject in the mixins below.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from adapters.sql.calendar_links import CalendarLink, CalendarQueries
from adapters.sql.care import AuditEntry, CareQueries
from adapters.sql.db import database_url, make_engine, safe_url, session_factory, write_engine
from adapters.sql.identity import IdentityQueries
from adapters.sql.plans import PlanQueries
from adapters.sql.staff import StaffQueries
from bot.errors import StoreError, StoreUnavailable, UnknownPatientError

__all__ = ["AuditEntry", "CalendarLink", "PlanStore", "StoreError", "StoreUnavailable", "UnknownPatientError",
           "current_revision", "head_revision", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_alembic_lock = threading.Lock()


# --- schema ------------------------------------------------------------------------------------------


def alembic_config(url: str | None = None) -> Config:
    """Alembic configured from code: works from any working directory, no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["url"] = url or database_url()
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """`alembic upgrade head` on `url` (default `DATABASE_URL`); a no-op when already current.

    Safe to run from several processes at once (the migration environment takes a database lock). Alembic's
    `context` is a module global, so within one process the runs take turns.
    """
    with _alembic_lock:
        command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The schema revision the database is at, None for a database never migrated."""
    with make_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


# --- the store ---------------------------------------------------------------------------------------


def _unavailable(error: SQLAlchemyError, url: str) -> StoreUnavailable:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    if "no such table" in first or ("does not exist" in first and "relation" in first):
        return StoreUnavailable(f"the database has no plan tables yet ({first}); run `python -m bot db upgrade`")
    return StoreUnavailable(f"cannot use the database at {safe_url(url)}: {first}")


def _translating(method):
    """Database failures become StoreUnavailable; a lost uniqueness race stays an IntegrityError for the
    methods that retry on it, and the domain's own StoreErrors pass through."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except IntegrityError:
            raise
        except SQLAlchemyError as error:
            raise _unavailable(error, str(self.engine.url)) from error

    return wrapper


class PlanStore(PlanQueries, CareQueries, IdentityQueries, CalendarQueries, StaffQueries):
    """Patients, their plan versions, injections given and reported, follow-ups, audit entries, verification
    state and attempt limits, calendar links and staff accounts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = session_factory(engine)
        self._write = session_factory(write_engine(engine))

    @classmethod
    def from_env(cls) -> PlanStore:
        return cls(make_engine())

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)


for _base in (PlanQueries, CareQueries, IdentityQueries, CalendarQueries, StaffQueries):
    for _name, _member in list(vars(_base).items()):
        if callable(_member) and not _name.startswith("_"):
            setattr(PlanStore, _name, _translating(_member))
