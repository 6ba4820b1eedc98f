"""Calendar-link queries of the store. A link is a capability: only the sha256 of its secret is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from adapters.sql.orm import CalendarLinkRow, PatientRow, utcnow
from adapters.sql.plans import _patient_id


@dataclass(frozen=True)
class CalendarLink:
    id: int
    reference: str
    created_at: datetime
    revoked: bool


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


class CalendarQueries:
    """Mixed into PlanStore."""

    def add_calendar_link(self, reference: str, token_hash: str) -> int:
        with self._write.begin() as session:
            row = CalendarLinkRow(patient_id=_patient_id(session, reference), token_hash=token_hash,
                                  fetches_in_window=0)
            session.add(row)
            session.flush()
            return row.id

    def calendar_link(self, token_hash: str) -> CalendarLink | None:
        """The link with this hash (revoked ones too, so the caller can tell them apart), or None."""
        stmt = (select(CalendarLinkRow, PatientRow.reference).join(PatientRow)
                .where(CalendarLinkRow.token_hash == token_hash))
        with self._read() as session:
            found = session.execute(stmt).first()
            if found is None:
                return None
            row, reference = found
            return CalendarLink(row.id, reference, row.created_at, row.revoked_at is not None)

    def calendar_links(self, reference: str) -> list[CalendarLink]:
        stmt = (select(CalendarLinkRow, PatientRow.reference).join(PatientRow)
                .where(PatientRow.reference == reference).order_by(CalendarLinkRow.id))
        with self._read() as session:
            return [CalendarLink(row.id, ref, row.created_at, row.revoked_at is not None)
                    for row, ref in session.execute(stmt)]

    def revoke_calendar_links(self, reference: str) -> int:
        """Revoke every live link of the patient; returns how many."""
        with self._write.begin() as session:
            patient_id = _patient_id(session, reference)
            result = session.execute(update(CalendarLinkRow).where(
                CalendarLinkRow.patient_id == patient_id, CalendarLinkRow.revoked_at.is_(None)
            ).values(revoked_at=utcnow()))
            return result.rowcount or 0

    def note_calendar_fetch(self, link_id: int, now: datetime, *, window: timedelta, limit: int) -> bool:
        """Count a fetch of the link; False when it is over `limit` fetches within `window` (rate limit)."""
        with self._write.begin() as session:
            row = session.get(CalendarLinkRow, link_id, with_for_update=True)
            if row is None or row.revoked_at is not None:
                return False
            started = _aware(row.window_started)
            if started is None or started + window <= now:
                row.window_started, row.fetches_in_window = now, 0
            row.fetches_in_window += 1
            row.last_fetch_at = now
            return row.fetches_in_window <= limit
