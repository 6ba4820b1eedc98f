"""Who is this patient? Signed tokens, verification by reference + date of birth, and lockout.

A patient may only ever see their own plan, so every decision about identity lives here, server-side:
- a clinic portal hands the widget a signed token (HS256, short expiry) naming the patient reference;
- without a token, the patient proves who they are with their reference and date of birth; the success is
  recorded in the store for one *conversation key* (sender id + a per-client secret), never for the sender id
  alone, because the sender id is chosen by the client and proves nothing;
- three failed attempts lock the conversation for 15 minutes; the lock is a database row, so restarting
  Rasa or the action server does not lift it.

Nothing here knows Rasa or SQL: the store is any object with the three methods of `IdentityStore`.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Literal, Protocol

import jwt

from bot.dates import parse_date_of_birth
from bot.paths import VAR
from bot.plans.model import Patient, VerificationState
from bot.references import normalise_reference

SECRET_ENV = "B12_TOKEN_SECRET"
SECRET_FILE = VAR / "token_secret"
ISSUER = "b12-guide"
AUDIENCE = "b12-guide-chat"
ALGORITHM = "HS256"
# Portal and bot clocks may differ slightly; a few seconds of grace avoids rejecting a token minted "now".
LEEWAY_SECONDS = 30
# A portal session is short; a token that claims to live longer is refused whatever its signature.
MAX_TOKEN_MINUTES = 12 * 60


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    """Datetimes read back from SQLite come without a zone; every stored moment here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------------------------- tokens


class TokenError(Exception):
    """A token that must not identify anyone. `reason` is a short machine-readable code for logs and replies:
    expired | invalid_signature | malformed | unsupported_algorithm | wrong_audience | wrong_issuer |
    missing_claim | not_yet_valid | lifetime_too_long | unknown_patient.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def token_secret() -> str:
    """The signing secret: `B12_TOKEN_SECRET` when set (every real deployment), else a local demo secret.

    The demo secret is created once in `var/token_secret` (mode 0600, ignored by git) so `make run` works
    without configuration and tokens stay valid across restarts.
    """
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env
    try:
        existing = SECRET_FILE.read_text(encoding="utf-8").strip()
        if existing:
            return existing
    except FileNotFoundError:
        pass
    SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    new_secret = secrets.token_urlsafe(48)
    try:
        # O_EXCL: if two processes start together, exactly one writes and both read the same secret.
        fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return SECRET_FILE.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(new_secret + "\n")
    return new_secret


def issue_token(
    reference: str, minutes: int = 60, *, secret: str | None = None, now: datetime | None = None
) -> str:
    """A signed token that names one patient for `minutes` minutes (staff CLI and the portal's job)."""
    if not reference or not reference.strip():
        raise ValueError("a token needs a patient reference")
    if minutes <= 0:
        raise ValueError("a token must be valid for at least one minute")
    if minutes > MAX_TOKEN_MINUTES:
        raise ValueError(f"a token may be valid for at most {MAX_TOKEN_MINUTES} minutes")
    issued = _aware(now) if now is not None else utcnow()
    claims = {
        "sub": reference.strip(),
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(minutes=minutes)).timestamp()),
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, secret if secret is not None else token_secret(), algorithm=ALGORITHM)


# PyJWT's errors, most specific first, as the reasons a TokenError gives.
_JWT_ERRORS = (
    (jwt.exceptions.InvalidSignatureError, "invalid_signature"),
    (jwt.exceptions.InvalidAlgorithmError, "unsupported_algorithm"),
    (jwt.exceptions.InvalidAudienceError, "wrong_audience"),
    (jwt.exceptions.InvalidIssuerError, "wrong_issuer"),
    (jwt.exceptions.MissingRequiredClaimError, "missing_claim"),
)


def read_token(token: str, *, secret: str | None = None, now: datetime | None = None) -> str:
    """The patient reference a token names, or TokenError. Only HS256 with our secret, issuer and audience.

    Times are checked here against `now` (not by PyJWT against the wall clock) so tests can use a fixed clock.
    """
    if not isinstance(token, str) or not token.strip():
        raise TokenError("malformed", "empty token")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.exceptions.PyJWTError, TypeError, ValueError) as exc:  # a bad "crit" or "kid" too
        raise TokenError("malformed", str(exc)) from exc
    if not isinstance(header, dict):
        raise TokenError("malformed", "the header is not an object")
    # PyJWT refuses these too (algorithms=[HS256]); checking first gives a precise reason and a second lock.
    if header.get("alg") != ALGORITHM:
        raise TokenError("unsupported_algorithm", f"alg={header.get('alg')!r}")
    try:
        claims = jwt.decode(
            token,
            secret if secret is not None else token_secret(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={
                "require": ["exp", "iat", "sub", "iss", "aud"],
                "verify_signature": True,
                "verify_aud": True,
                "verify_iss": True,
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.exceptions.PyJWTError as exc:
        kind = next((kind for error, kind in _JWT_ERRORS if isinstance(exc, error)), "malformed")
        raise TokenError(kind, str(exc)) from exc

    moment = (_aware(now) if now is not None else utcnow()).timestamp()
    exp, iat, sub = claims.get("exp"), claims.get("iat"), claims.get("sub")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (exp, iat)):
        raise TokenError("malformed", "exp and iat must be finite numbers")
    if not isinstance(sub, str) or not sub.strip():
        raise TokenError("missing_claim", "sub must name a patient reference")
    if moment >= exp + LEEWAY_SECONDS:
        raise TokenError("expired")
    if exp - iat > MAX_TOKEN_MINUTES * 60 + LEEWAY_SECONDS:
        raise TokenError("lifetime_too_long", f"at most {MAX_TOKEN_MINUTES} minutes")
    if iat > moment + LEEWAY_SECONDS:
        raise TokenError("not_yet_valid", "issued in the future")
    return sub.strip()


def conversation_key(sender_id: str, client_key: str | None) -> str | None:
    """The key a verification is bound to: sha256(sender_id NUL client_key), or None without a client key.

    `client_key` is a random secret the widget / REST client keeps and sends as `metadata.client_key`. Another
    client reusing the same sender id but lacking that secret lands on a different key and so cannot ride a
    verification made elsewhere. Without a client key nothing can be bound, so the caller must not verify.
    """
    if not client_key or not str(client_key).strip():
        return None
    material = f"{sender_id}\x00{client_key}".encode()
    return hashlib.sha256(material).hexdigest()


# --------------------------------------------------------------------------------------------- verification


class IdentityStore(Protocol):
    """What identity needs from storage (adapters/sql/store.py's PlanStore provides it)."""

    def patient(self, reference: str) -> Patient | None: ...

    def get_verification(self, conversation_key: str) -> VerificationState | None: ...

    def save_verification(self, state: VerificationState) -> None: ...

    def limit_locked_until(self, key: str, now: datetime) -> datetime | None: ...

    def count_attempt(self, key: str, now: datetime, *, window: timedelta, max_attempts: int | None = None,
                      failed: bool = False, max_failures: int | None = None,
                      lock_for: timedelta | None = None) -> datetime | None: ...

    def forget_failure(self, key: str) -> None: ...


@dataclass(frozen=True)
class Identity:
    """Who the current request may see plans for. `reference` is None unless proven by token or verification.

    `problem` explains why nobody is identified (a token reason, "unknown_patient", "locked",
    "verification_expired", "no_client_key") so the reply can be clear without revealing anything.
    """

    reference: str | None
    how: Literal["token", "verified", "none"]
    problem: str | None = None


VerificationReason = Literal["ok", "locked", "mismatch", "bad_date", "no_client_key"]


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    reference: str | None
    locked_until: datetime | None
    failures: int
    reason: VerificationReason


class Verifier:
    """Decides identity for one request and runs reference + date-of-birth verification with lockout."""

    MAX_FAILURES = 3  # per conversation
    LOCK_MINUTES = 15
    VERIFIED_MINUTES = 30
    # Across conversations: a new client key per guess must not buy new guesses.
    REFERENCE_MAX_FAILURES = 5  # wrong dates of birth for one reference, from anywhere
    # attempts from one client address (hashed by the channel), right or wrong; behind a proxy every patient
    # may share an address, hence configurable (B12_CLIENT_MAX_ATTEMPTS)
    CLIENT_MAX_ATTEMPTS = int(os.environ.get("B12_CLIENT_MAX_ATTEMPTS", "20"))
    LIMIT_WINDOW_MINUTES = 15

    def __init__(
        self,
        store: IdentityStore,
        clock: Callable[[], datetime] = utcnow,
        *,
        secret: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self._secret = secret

    def _now(self) -> datetime:
        return _aware(self.clock())

    def identify(self, *, token: str | None, conversation_key: str | None) -> Identity:
        """A valid token wins; a bad token identifies nobody (no fallback to the conversation's verification,
        so a forged or stale token can never be combined with someone else's verified conversation);
        without a token, the conversation's own unexpired verification.
        """
        if token is not None and token.strip():
            try:
                reference = read_token(token, secret=self._secret, now=self._now())
            except TokenError as exc:
                return Identity(None, "none", problem=exc.reason)
            patient = self.store.patient(reference)
            if patient is None:
                return Identity(None, "none", problem="unknown_patient")
            return Identity(patient.reference, "token")

        if conversation_key is None:
            return Identity(None, "none", problem="no_client_key")
        state = self.store.get_verification(conversation_key)
        if state is None or state.reference is None:
            return Identity(None, "none")
        now = self._now()
        if state.locked_until is not None and _aware(state.locked_until) > now:
            return Identity(None, "none", problem="locked")
        if state.verified_until is None or _aware(state.verified_until) <= now:
            return Identity(None, "none", problem="verification_expired")
        if self.store.patient(state.reference) is None:
            return Identity(None, "none", problem="unknown_patient")
        return Identity(state.reference, "verified")

    def is_locked(self, conversation_key: str | None) -> datetime | None:
        """When the lock on this conversation ends, or None if it is not locked."""
        if conversation_key is None:
            return None
        state = self.store.get_verification(conversation_key)
        if state is None or state.locked_until is None:
            return None
        until = _aware(state.locked_until)
        return until if until > self._now() else None

    def client_locked(self, client: str | None) -> datetime | None:
        """When the lock on this client address ends, or None."""
        if not client:
            return None
        return self.store.limit_locked_until(f"client:{client}", self._now())

    def attempt(
        self, conversation_key: str | None, reference_text: str, dob_text: str, *, client: str | None = None
    ) -> VerificationResult:
        """One verification attempt.

        - no client key: refused ("no_client_key"), nothing recorded;
        - locked: refused ("locked") even with the right answer, nothing recorded; the conversation, the
          reference (REFERENCE_MAX_FAILURES failures from any conversation) or the client address
          (CLIENT_MAX_ATTEMPTS attempts) can be locked, all for LOCK_MINUTES;
        - unreadable date: re-ask ("bad_date"); not counted, as it cannot be a guess at anyone's birth date;
        - unknown reference or wrong date of birth: one failure ("mismatch", the two are indistinguishable to
          the user); the failure that reaches MAX_FAILURES locks for LOCK_MINUTES and reports "locked";
        - match: failures reset, reference and verified_until recorded ("ok").
        """
        if conversation_key is None:
            return VerificationResult(False, None, None, 0, "no_client_key")
        now = self._now()
        state = self.store.get_verification(conversation_key) or VerificationState(conversation_key)
        if state.locked_until is not None:
            until = _aware(state.locked_until)
            if until > now:
                return VerificationResult(False, None, until, state.failures, "locked")
            # The lock has run out: a fresh set of attempts.
            state = replace(state, failures=0, locked_until=None)

        born_on = parse_date_of_birth(dob_text or "", today=now.date())
        if born_on is None:
            return VerificationResult(False, None, None, state.failures, "bad_date")

        reference = normalise_reference(reference_text or "")
        window, lock_for = timedelta(minutes=self.LIMIT_WINDOW_MINUTES), timedelta(minutes=self.LOCK_MINUTES)
        for key in filter(None, [f"client:{client}" if client else None, f"ref:{reference}" if reference else None]):
            until = self.store.limit_locked_until(key, now)
            if until is not None:
                return VerificationResult(False, None, until, state.failures, "locked")
        if client:  # counted and checked in one locked write, like the reference below
            over = self.store.count_attempt(f"client:{client}", now, window=window,
                                            max_attempts=self.CLIENT_MAX_ATTEMPTS + 1, lock_for=lock_for)
            if over is not None:
                return VerificationResult(False, None, over, state.failures, "locked")
        if reference:
            # The guess is counted as a failure on the reference before it is checked (and forgotten if right), in
            # one locked write: guesses sent at the same moment cannot all pass a check made before any is counted.
            # The guess one over the allowance locks the reference and is refused unchecked.
            over = self.store.count_attempt(f"ref:{reference}", now, window=window, failed=True,
                                            max_failures=self.REFERENCE_MAX_FAILURES + 1, lock_for=lock_for)
            if over is not None:
                return VerificationResult(False, None, over, state.failures, "locked")
        patient = self.store.patient(reference) if reference else None
        if patient is None or patient.date_of_birth != born_on:
            failures = state.failures + 1
            locked_until = None
            if failures >= self.MAX_FAILURES:
                locked_until = now + lock_for
            self.store.save_verification(replace(state, failures=failures, locked_until=locked_until))
            if reference:  # the allowance used up: locked now (an attempt, not one more failure)
                ref_lock = self.store.count_attempt(f"ref:{reference}", now, window=window,
                                                    max_failures=self.REFERENCE_MAX_FAILURES, lock_for=lock_for)
                locked_until = locked_until or ref_lock
            reason: VerificationReason = "locked" if locked_until else "mismatch"
            return VerificationResult(False, None, locked_until, failures, reason)
        self.store.forget_failure(f"ref:{reference}")  # the right date of birth was no failure

        verified_until = now + timedelta(minutes=self.VERIFIED_MINUTES)
        self.store.save_verification(
            VerificationState(
                conversation_key=conversation_key,
                reference=patient.reference,
                verified_until=verified_until,
                failures=0,
                locked_until=None,
            )
        )
        return VerificationResult(True, patient.reference, None, 0, "ok")
