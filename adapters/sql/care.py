"""Care-team queries of the store: follow-ups (the inbox) and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from adapters.sql.orm import AuditEntryRow, FollowUpRow, utcnow
from bot.errors import StoreError
from bot.plans.model import FollowUp


@dataclass(frozen=True)
class AuditEntry:
    id: int
    created_at: datetime
    intent: str
    action: str
    reference: str | None
    plan_version_id: int | None
    actor: str | None = None
    detail: str | None = None


def _followup(row: FollowUpRow) -> FollowUp:
    return FollowUp(id=row.id, reference=row.reference, kind=row.kind, plan_version=row.plan_version,
                    created_at=row.created_at, status=row.status, closed_by=row.closed_by, closed_at=row.closed_at)


class CareQueries:
    """Mixed into PlanStore."""

    def add_followup(self, reference: str, kind: str, plan_version: int | None, conversation_key: str | None) -> int:
        """Pass a question to the care team; returns the follow-up id. Holds no words of the patient."""
        with self._write.begin() as session:
            row = FollowUpRow(reference=reference, kind=kind, plan_version=plan_version,
                              conversation_key=conversation_key)
            session.add(row)
            session.flush()
            return row.id

    def list_followups(self, status: str | None = "open", reference: str | None = None) -> list[FollowUp]:
        """Follow-ups with `status` (None: all), oldest first."""
        stmt = select(FollowUpRow).order_by(FollowUpRow.created_at, FollowUpRow.id)
        if status is not None:
            stmt = stmt.where(FollowUpRow.status == status)
        if reference is not None:
            stmt = stmt.where(FollowUpRow.reference == reference)
        with self._read() as session:
            return [_followup(row) for row in session.execute(stmt).scalars()]

    def set_followup_status(self, followup_id: int, status: str, staff: str | None = None) -> FollowUp:
        with self._write.begin() as session:
            row = session.get(FollowUpRow, followup_id)
            if row is None:
                raise StoreError(f"no follow-up with id {followup_id}")
            row.status = status
            row.closed_by, row.closed_at = (staff, utcnow()) if status == "closed" else (None, None)
            return _followup(row)

    def add_audit(self, intent: str, action: str, reference: str | None = None, plan_version_id: int | None = None,
                  actor: str | None = None, detail: str | None = None) -> None:
        """Note which plan version an answer cited (or none), for which intent and action, and who acted."""
        with self._write.begin() as session:
            session.add(AuditEntryRow(intent=intent, action=action, reference=reference,
                                      plan_version_id=plan_version_id, actor=actor,
                                      detail=detail[:200] if detail else None))

    def audit_entries(self, reference: str | None = None, limit: int = 100, on: date | None = None) -> list[AuditEntry]:
        """The newest audit entries (of one patient if `reference`, of one UTC day if `on`), newest first."""
        stmt = select(AuditEntryRow).order_by(AuditEntryRow.id.desc()).limit(limit)
        if reference is not None:
            stmt = stmt.where(AuditEntryRow.reference == reference)
        if on is not None:
            stmt = stmt.where(func.date(AuditEntryRow.created_at) == on.isoformat())
        with self._read() as session:
            return [
                AuditEntry(id=row.id, created_at=row.created_at, intent=row.intent, action=row.action,
                           reference=row.reference, plan_version_id=row.plan_version_id, actor=row.actor,
                           detail=row.detail)
                for row in session.execute(stmt).scalars()
            ]
