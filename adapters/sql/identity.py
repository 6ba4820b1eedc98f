"""Identity queries of the store: each conversation's verification, and attempt limits per reference and
per client address (bot/identity.py decides; this only keeps the records, atomically)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from adapters.sql.orm import AttemptLimitRow, VerificationRow, utcnow
from bot.plans.model import VerificationState


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


class IdentityQueries:
    """Mixed into PlanStore."""

    def get_verification(self, conversation_key: str) -> VerificationState | None:
        with self._read() as session:
            row = session.get(VerificationRow, conversation_key)
            if row is None:
                return None
            return VerificationState(conversation_key=row.conversation_key, reference=row.reference,
                                     verified_until=row.verified_until, failures=row.failures,
                                     locked_until=row.locked_until)

    def save_verification(self, state: VerificationState) -> None:
        """Insert or replace the state of one conversation (an atomic upsert: replicas may race)."""
        values = {
            "conversation_key": state.conversation_key,
            "reference": state.reference,
            "verified_until": state.verified_until,
            "failures": state.failures,
            "locked_until": state.locked_until,
            "updated_at": utcnow(),
        }
        dialect = self.engine.dialect.name
        if dialect not in ("postgresql", "sqlite"):
            with self._write.begin() as session:
                session.merge(VerificationRow(**values))
            return
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(VerificationRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[VerificationRow.conversation_key],
            set_={key: stmt.excluded[key] for key in values if key != "conversation_key"},
        )
        with self._write.begin() as session:
            session.execute(stmt)

    def limit_locked_until(self, key: str, now: datetime) -> datetime | None:
        """When the lock on `key` ends, or None if it is not locked."""
        with self._read() as session:
            row = session.get(AttemptLimitRow, key)
            until = _aware(row.locked_until) if row is not None else None
            return until if until is not None and until > now else None

    def count_attempt(self, key: str, now: datetime, *, window: timedelta, max_attempts: int | None = None,
                      failed: bool = False, max_failures: int | None = None,
                      lock_for: timedelta | None = None) -> datetime | None:
        """Count one attempt (and a failure, if `failed`) on `key` within a rolling `window`; lock the key for
        `lock_for` when the attempts or failures reach their maximum. Returns the lock's end, if locked.
        One locked read-modify-write, so concurrent replicas cannot lose a count."""
        try:
            return self._count_attempt(key, now, window, max_attempts, failed, max_failures, lock_for)
        except IntegrityError:  # another replica created the row first: count on it
            return self._count_attempt(key, now, window, max_attempts, failed, max_failures, lock_for)

    def forget_failure(self, key: str) -> None:
        """Take back one failure counted on `key` (a guess counted before it was checked turned out right)."""
        with self._write.begin() as session:
            row = session.get(AttemptLimitRow, key, with_for_update=True)
            if row is not None and row.failures > 0:
                row.failures -= 1

    def _count_attempt(self, key, now, window, max_attempts, failed, max_failures, lock_for) -> datetime | None:
        with self._write.begin() as session:
            row = session.get(AttemptLimitRow, key, with_for_update=True)
            if row is None:
                row = AttemptLimitRow(key=key, failures=0, attempts=0, window_started=now)
                session.add(row)
            if _aware(row.window_started) + window <= now:
                row.window_started, row.attempts, row.failures = now, 0, 0
            row.attempts += 1
            row.failures += 1 if failed else 0
            over = (max_attempts is not None and row.attempts >= max_attempts) or (
                max_failures is not None and row.failures >= max_failures)
            if over and lock_for is not None and not (row.locked_until and _aware(row.locked_until) > now):
                row.locked_until = now + lock_for
            until = _aware(row.locked_until)
            return until if until is not None and until > now else None
