"""Staff-account queries of the store (the console's users). Passwords arrive already hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from adapters.sql.orm import StaffUserRow, utcnow
from bot.errors import StoreError
from bot.plans.model import StaffUser


def _user(row: StaffUserRow) -> StaffUser:
    return StaffUser(id=row.id, username=row.username, password_hash=row.password_hash,
                     disabled=row.disabled_at is not None, failed_logins=row.failed_logins,
                     locked_until=row.locked_until, last_login_at=row.last_login_at)


class StaffQueries:
    """Mixed into PlanStore."""

    def add_staff_user(self, username: str, password_hash: str) -> StaffUser:
        try:
            with self._write.begin() as session:
                row = StaffUserRow(username=username, password_hash=password_hash, failed_logins=0)
                session.add(row)
                session.flush()
                return _user(row)
        except IntegrityError:
            raise StoreError(f"a staff user {username!r} already exists") from None

    def staff_user(self, username: str) -> StaffUser | None:
        with self._read() as session:
            row = session.execute(select(StaffUserRow).where(StaffUserRow.username == username)).scalar_one_or_none()
            return _user(row) if row is not None else None

    def staff_users(self) -> list[StaffUser]:
        with self._read() as session:
            return [_user(r) for r in session.execute(select(StaffUserRow).order_by(StaffUserRow.username)).scalars()]

    def update_staff_user(self, username: str, *, password_hash: str | None = None, disabled: bool | None = None,
                          failed_logins: int | None = None, locked_until: datetime | None | bool = False,
                          logged_in: bool = False) -> StaffUser:
        """Change one account; `locked_until=False` leaves the lock as it is, None clears it."""
        with self._write.begin() as session:
            row = session.execute(select(StaffUserRow).where(StaffUserRow.username == username)
                                  .with_for_update()).scalar_one_or_none()
            if row is None:
                raise StoreError(f"no staff user {username!r}")
            if password_hash is not None:
                row.password_hash = password_hash
            if disabled is not None:
                row.disabled_at = utcnow() if disabled else None
            if failed_logins is not None:
                row.failed_logins = failed_logins
            if locked_until is not False:
                row.locked_until = locked_until
            if logged_in:
                row.last_login_at = utcnow()
            return _user(row)
