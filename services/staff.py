"""Staff accounts for the console: create, sign in (with lockout), disable, list, change a password.

Called by `python -m bot staff …` and by the console alike. Passwords are hashed with argon2id
(`argon2-cffi`); only the hash reaches the store, and no password is ever logged or put in the audit log.

Lockout: after MAX_FAILURES wrong passwords in a row an account is locked for LOCKOUT (recorded in the
store, so it holds across console restarts and processes); while locked even the right password is
refused. A successful sign-in clears the count. Unknown and disabled accounts cost the same argon2 work
as a wrong password, so the answer time does not tell which usernames exist.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.errors import StoreError
from bot.plans.model import StaffUser

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but a megabyte "password" is only a way to burn CPU
DEMO_USERNAME = "demo"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class StaffAccountError(StoreError):
    """A request about staff accounts that cannot be carried out; the message is meant for staff."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt. `reason` is for the audit log and tests, never shown as is:
    the console tells the person only that the username or password is wrong, or the account locked."""

    ok: bool
    username: str | None = None
    reason: str = ""  # ok | unknown | disabled | locked | wrong_password | invalid
    locked_until: datetime | None = None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def normal_username(username: str) -> str:
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    name = normal_username(username)
    if not USERNAME.match(name):
        raise StaffAccountError(
            f"{username!r} is not a valid username: 2-64 characters, lower-case letters, digits, '.', '_' or '-'"
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffAccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise StaffAccountError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    if not password.strip():
        raise StaffAccountError("the password must not be blank")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _audit(store, intent: str, actor: str | None, detail: str | None = None) -> None:
    store.add_audit(intent, "staff_account", actor=actor, detail=detail)


# --- use cases ---------------------------------------------------------------------------------------


def create_user(store, username: str, password: str, actor: str | None = None) -> StaffUser:
    """A new active account; StaffAccountError for a bad username or password or a taken name."""
    name = check_username(username)
    check_password(password)
    if store.staff_user(name) is not None:
        raise StaffAccountError(f"a staff user {name!r} already exists")
    user = store.add_staff_user(name, hash_password(password))
    _audit(store, "staff_user_added", actor, f"added {name}")
    return user


def set_password(store, username: str, password: str, actor: str | None = None) -> StaffUser:
    """A new password; also lifts a lockout (the person proved who they are to whoever ran this)."""
    name = normal_username(username)
    check_password(password)
    if store.staff_user(name) is None:
        raise StaffAccountError(f"no staff user {name!r}")
    user = store.update_staff_user(name, password_hash=hash_password(password), failed_logins=0, locked_until=None)
    _audit(store, "staff_password_set", actor, f"password of {name} changed")
    return user


def set_disabled(store, username: str, disabled: bool = True, actor: str | None = None) -> StaffUser:
    """Disable (or enable again) an account; a disabled account cannot sign in, and the console ends its
    open sessions on their next request."""
    name = normal_username(username)
    if store.staff_user(name) is None:
        raise StaffAccountError(f"no staff user {name!r}")
    user = store.update_staff_user(name, disabled=disabled, failed_logins=0 if not disabled else None,
                                   locked_until=None if not disabled else False)
    _audit(store, "staff_user_disabled" if disabled else "staff_user_enabled", actor,
           f"{'disabled' if disabled else 'enabled'} {name}")
    return user


def list_users(store) -> list[StaffUser]:
    return store.staff_users()


def is_locked(user: StaffUser, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def is_active(store, username: str) -> bool:
    """Whether `username` may still use the console (exists, not disabled)."""
    user = store.staff_user(username)
    return user is not None and not user.disabled


def sign_in(store, username: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a username and password, counting failures and locking the account after MAX_FAILURES."""
    now = now or utcnow()
    name = normal_username(username)
    if not USERNAME.match(name) or not password or len(password) > MAX_PASSWORD_LENGTH:
        _matches(_DUMMY_HASH, password[:MAX_PASSWORD_LENGTH] if password else "-")
        _audit(store, "staff_login_failed", None, "malformed username or password")
        return SignIn(False, reason="invalid")
    user = store.staff_user(name)
    if user is None or user.disabled:
        _matches(_DUMMY_HASH, password)  # the same work as a real check: no timing hint
        reason = "unknown" if user is None else "disabled"
        # an unknown name may be a password typed into the wrong field: it is not written down
        _audit(store, "staff_login_failed", name if user else None, reason)
        return SignIn(False, reason=reason)
    if is_locked(user, now):
        _audit(store, "staff_login_failed", name, "account locked")
        return SignIn(False, username=name, reason="locked", locked_until=user.locked_until)
    if not _matches(user.password_hash, password):
        # a lock that has run out starts a fresh count
        failures = (0 if user.locked_until is not None else user.failed_logins) + 1
        if failures >= MAX_FAILURES:
            until = now + LOCKOUT
            store.update_staff_user(name, failed_logins=failures, locked_until=until)
            _audit(store, "staff_locked_out", name, f"{failures} failed sign-ins; locked until {until:%H:%M} UTC")
            return SignIn(False, username=name, reason="locked", locked_until=until)
        store.update_staff_user(name, failed_logins=failures, locked_until=None)
        _audit(store, "staff_login_failed", name, f"wrong password ({failures} in a row)")
        return SignIn(False, username=name, reason="wrong_password")
    new_hash = hash_password(password) if _hasher.check_needs_rehash(user.password_hash) else None
    store.update_staff_user(name, password_hash=new_hash, failed_logins=0, locked_until=None, logged_in=True)
    _audit(store, "staff_login", name)
    return SignIn(True, username=name, reason="ok")


# --- the demo account of `make run` --------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str | None  # None: the account exists but its password is not the one in the file
    created: bool
    note: str = ""


def ensure_demo_account(store, password_file: Path) -> DemoAccount:
    """The `demo` account for local demos: created with a random password (kept in `password_file`, 0600)
    when it does not exist. An existing account is left as it is; its password is returned only when the
    file still holds it."""
    user = store.staff_user(DEMO_USERNAME)
    if user is None:
        password = secrets.token_urlsafe(18)
        create_user(store, DEMO_USERNAME, password, actor="make run")
        password_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(password + "\n")
        os.chmod(password_file, 0o600)
        return DemoAccount(DEMO_USERNAME, password, created=True)
    if user.disabled:
        return DemoAccount(DEMO_USERNAME, None, False, "the demo account is disabled")
    try:
        password = password_file.read_text(encoding="utf-8").strip()
    except OSError:
        password = ""
    if password and _matches(user.password_hash, password):
        return DemoAccount(DEMO_USERNAME, password, created=False)
    return DemoAccount(DEMO_USERNAME, None, False,
                       "its password was set elsewhere (`python -m bot staff password demo --password-stdin`)")
