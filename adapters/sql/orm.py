"""Tables of the plan store (SQLAlchemy declarative, typed; 1.4 written the 2.0 way).

Only `adapters/sql/store.py` touches these classes; everything else sees the frozen dataclasses of
`bot/plans/model.py`. Nothing here holds a patient's free text: follow-ups, audit entries and verification
records keep references, intents and hashes only.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declarative_base, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so later migrations (and SQLite batch mode) can address them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC on every backend, returned timezone-aware (UTC).

    SQLite drops offsets and PostgreSQL keeps them; this makes both hand back the same value.
    Naive datetimes passed in are taken to be UTC already.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class PatientRow(Base):
    __tablename__ = "patients"

    id: Mapped[int] = Column(Integer, primary_key=True)
    reference: Mapped[str] = Column(String(64), nullable=False, unique=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    date_of_birth: Mapped[date] = Column(Date, nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    plan_versions: Mapped[list[PlanVersionRow]] = relationship(
        "PlanVersionRow", back_populates="patient", order_by="PlanVersionRow.version"
    )
    injections: Mapped[list[InjectionRow]] = relationship(
        "InjectionRow", back_populates="patient", order_by="InjectionRow.given_on"
    )


class PlanVersionRow(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("patient_id", "version", name="uq_plan_versions_patient_version"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    patient_id: Mapped[int] = Column(ForeignKey("patients.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = Column(Integer, nullable=False)
    documented_by: Mapped[str] = Column(String(200), nullable=False)
    documented_on: Mapped[date] = Column(Date, nullable=False)
    product: Mapped[str] = Column(String(64), nullable=False)
    strength: Mapped[str] = Column(String(64), nullable=False)
    route: Mapped[str] = Column(String(64), nullable=False)
    indication: Mapped[str] = Column(String(64), nullable=False)
    reassess_on: Mapped[date | None] = Column(Date, nullable=True)
    notes: Mapped[str | None] = Column(Text, nullable=True)
    imported_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    source_file: Mapped[str] = Column(String(500), nullable=False, default="")

    patient: Mapped[PatientRow] = relationship("PatientRow", back_populates="plan_versions")
    phases: Mapped[list[PhaseRow]] = relationship(
        "PhaseRow", order_by="PhaseRow.position", cascade="all, delete-orphan"
    )
    lab_checks: Mapped[list[LabCheckRow]] = relationship(
        "LabCheckRow", order_by="LabCheckRow.position", cascade="all, delete-orphan"
    )


class PhaseRow(Base):
    __tablename__ = "phases"
    __table_args__ = (UniqueConstraint("plan_version_id", "position", name="uq_phases_version_position"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    plan_version_id: Mapped[int] = Column(ForeignKey("plan_versions.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = Column(Integer, nullable=False)  # order in the file
    kind: Mapped[str] = Column(String(32), nullable=False)
    dose_amount: Mapped[float] = Column(Float, nullable=False)
    dose_unit: Mapped[str] = Column(String(32), nullable=False)
    every_count: Mapped[int] = Column(Integer, nullable=False)
    every_unit: Mapped[str] = Column(String(16), nullable=False)
    doses: Mapped[int | None] = Column(Integer, nullable=True)
    until: Mapped[date | None] = Column(Date, nullable=True)
    starts_on: Mapped[date | None] = Column(Date, nullable=True)


class LabCheckRow(Base):
    __tablename__ = "lab_checks"
    __table_args__ = (UniqueConstraint("plan_version_id", "position", name="uq_lab_checks_version_position"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    plan_version_id: Mapped[int] = Column(ForeignKey("plan_versions.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = Column(Integer, nullable=False)
    due_on: Mapped[date] = Column(Date, nullable=False)
    tests: Mapped[list[str]] = Column(JSON, nullable=False)


class InjectionRow(Base):
    """An injection the patient received: belongs to the patient, not to one plan version."""

    __tablename__ = "injections_given"
    __table_args__ = (UniqueConstraint("patient_id", "given_on", name="uq_injections_given_patient_on"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    patient_id: Mapped[int] = Column(ForeignKey("patients.id", ondelete="CASCADE"), nullable=False)
    given_on: Mapped[date] = Column(Date, nullable=False)
    dose_amount: Mapped[float | None] = Column(Float, nullable=True)
    dose_unit: Mapped[str | None] = Column(String(32), nullable=True)
    recorded_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)

    patient: Mapped[PatientRow] = relationship("PatientRow", back_populates="injections")


class FollowUpRow(Base):
    """A question passed to the care team. `conversation_key` is a hash, never the patient's words."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_status_created", "status", "created_at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    reference: Mapped[str] = Column(String(64), nullable=False)
    kind: Mapped[str] = Column(String(64), nullable=False)
    plan_version: Mapped[int | None] = Column(Integer, nullable=True)
    conversation_key: Mapped[str | None] = Column(String(128), nullable=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    status: Mapped[str] = Column(String(16), nullable=False, default="open")
    closed_by: Mapped[str | None] = Column(String(64), nullable=True)  # the staff user who closed it
    closed_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)


class AuditEntryRow(Base):
    """Which plan version an answer cited, for which intent, and what the bot did. No free text."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = Column(Integer, primary_key=True)
    plan_version_id: Mapped[int | None] = Column(
        ForeignKey("plan_versions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    reference: Mapped[str | None] = Column(String(64), nullable=True, index=True)
    intent: Mapped[str] = Column(String(64), nullable=False)
    action: Mapped[str] = Column(String(128), nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str | None] = Column(String(64), nullable=True)  # staff user, or None for the chat
    detail: Mapped[str | None] = Column(String(200), nullable=True)  # e.g. which calendar link, report id


class VerificationRow(Base):
    __tablename__ = "conversation_verification"

    conversation_key: Mapped[str] = Column(String(128), primary_key=True)
    reference: Mapped[str | None] = Column(String(64), nullable=True)
    verified_until: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)
    failures: Mapped[int] = Column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class ReportedInjectionRow(Base):
    """An injection the patient told the bot about. Kept apart from the clinic's records (InjectionRow) until
    staff confirm it, which then adds the clinic record; a rejection keeps the row, marked rejected."""

    __tablename__ = "reported_injections"
    __table_args__ = (UniqueConstraint("patient_id", "given_on", name="uq_reported_injections_patient_on"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    patient_id: Mapped[int] = Column(ForeignKey("patients.id", ondelete="CASCADE"), nullable=False)
    given_on: Mapped[date] = Column(Date, nullable=False)
    reported_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    conversation_key: Mapped[str | None] = Column(String(128), nullable=True)
    plan_version_id: Mapped[int | None] = Column(
        ForeignKey("plan_versions.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = Column(String(16), nullable=False, default="pending")  # pending|confirmed|rejected
    decided_by: Mapped[str | None] = Column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)

    patient: Mapped[PatientRow] = relationship("PatientRow")


class CalendarLinkRow(Base):
    """A patient's calendar subscription. Only the sha256 of the link's secret is stored."""

    __tablename__ = "calendar_links"

    id: Mapped[int] = Column(Integer, primary_key=True)
    patient_id: Mapped[int] = Column(ForeignKey("patients.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)
    window_started: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)  # fetch rate limit
    fetches_in_window: Mapped[int] = Column(Integer, nullable=False, default=0)
    last_fetch_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)

    patient: Mapped[PatientRow] = relationship("PatientRow")


class AttemptLimitRow(Base):
    """Failed verification attempts counted per patient reference and per client address (key "ref:…",
    "client:…"), beside the per-conversation count, so a new client key per guess locks nothing open."""

    __tablename__ = "attempt_limits"

    key: Mapped[str] = Column(String(128), primary_key=True)
    failures: Mapped[int] = Column(Integer, nullable=False, default=0)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    window_started: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    locked_until: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)


class StaffUserRow(Base):
    """A clinic staff account for the console. Only an argon2 hash of the password is stored."""

    __tablename__ = "staff_users"

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(64), nullable=False, unique=True)
    password_hash: Mapped[str] = Column(String(200), nullable=False)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    disabled_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)
    failed_logins: Mapped[int] = Column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)
