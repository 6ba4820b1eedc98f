"""The documented plan as plain domain objects: no SQL, no Rasa.

The plan file (DESIGN.md) parses into these; the store returns them; the schedule
arithmetic and the answer wording read only these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

PhaseKind = Literal["replenishment", "maintenance"]
IntervalUnit = Literal["day", "week", "month"]


@dataclass(frozen=True)
class Interval:
    count: int
    unit: IntervalUnit

    def describe(self) -> str:
        """`every week`, `every 2 weeks`, `every month`, `every other day`."""
        if self.count == 1:
            return f"every {self.unit}"
        if self.count == 2 and self.unit == "day":
            return "every other day"
        return f"every {self.count} {self.unit}s"


@dataclass(frozen=True)
class Dose:
    """A dose exactly as documented: an amount and its unit (mcg, mg, micrograms...)."""

    amount: float
    unit: str

    def __str__(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        text = f"{amount:,}" if isinstance(amount, int) else f"{amount}"
        return f"{text} {self.unit}"


@dataclass(frozen=True)
class Phase:
    kind: PhaseKind
    dose: Dose
    every: Interval
    doses: int | None = None  # a fixed number of doses...
    until: date | None = None  # ...or a last date; neither = open until reassessment
    starts_on: date | None = None  # maintenance may omit it: then it starts after reassessment


@dataclass(frozen=True)
class LabCheck:
    due_on: date
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Injection:
    on: date
    dose: Dose | None = None


@dataclass(frozen=True)
class Patient:
    reference: str
    name: str
    date_of_birth: date


@dataclass(frozen=True)
class Plan:
    documented_by: str
    documented_on: date
    product: str  # cyanocobalamin | hydroxocobalamin
    strength: str
    route: str  # intramuscular | deep subcutaneous
    indication: str  # absorption problem | mild deficiency | neurologic symptoms | diet-related
    phases: tuple[Phase, ...]
    reassess_on: date | None = None
    lab_checks: tuple[LabCheck, ...] = ()
    notes: str | None = None

    def phase(self, kind: PhaseKind) -> Phase | None:
        return next((p for p in self.phases if p.kind == kind), None)


@dataclass(frozen=True)
class PlanFile:
    """What one plan file holds, after validation."""

    patient: Patient
    plan: Plan
    injections_given: tuple[Injection, ...] = ()


@dataclass(frozen=True)
class ReportedInjection:
    """An injection the patient told the bot about; the clinic has not confirmed it yet (or has decided)."""

    id: int
    reference: str
    on: date
    reported_at: datetime
    status: str = "pending"  # pending | confirmed | rejected
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class PlanRecord:
    """The newest stored plan version of a patient, with every injection recorded for them and the
    injections they reported that the clinic has not confirmed yet."""

    patient: Patient
    plan: Plan
    injections_given: tuple[Injection, ...]
    version: int
    plan_version_id: int
    imported_at: datetime | None = None
    extra: dict = field(default_factory=dict)
    reported: tuple[ReportedInjection, ...] = ()

    @property
    def injections_for_schedule(self) -> tuple[Injection, ...]:
        """Clinic records plus pending patient reports (a date the clinic recorded wins): what the dates
        are worked out from."""
        known = {i.on for i in self.injections_given}
        extra = tuple(Injection(r.on) for r in self.reported if r.status == "pending" and r.on not in known)
        return tuple(sorted(self.injections_given + extra, key=lambda i: i.on))


@dataclass(frozen=True)
class VerificationState:
    """Server-side record of who a conversation has proven to be (bot/identity.py decides; the store keeps it).

    `conversation_key` is a hash bound to the conversation and the client (never the raw sender id alone).
    """

    conversation_key: str
    reference: str | None = None  # set only after a successful verification
    verified_until: datetime | None = None
    failures: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class FollowUp:
    id: int
    reference: str
    kind: str  # dose_change_request | missed_dose | human_requested
    plan_version: int | None
    created_at: datetime
    status: str = "open"
    closed_by: str | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    password_hash: str
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
