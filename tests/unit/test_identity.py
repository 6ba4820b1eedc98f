"""A patient sees only their own plan: tokens, verification, lockout (bot/identity.py)."""

from __future__ import annotations

import base64
import json
import os
import stat
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import jwt
import pytest

from bot import identity
from bot.dates import parse_date_of_birth
from bot.identity import (
    Identity,
    TokenError,
    Verifier,
    conversation_key,
    issue_token,
    normalise_reference,
    read_token,
    token_secret,
)
from bot.plans.model import Patient, VerificationState

SECRET = "test-secret-" + "x" * 60
OTHER_SECRET = "another-secret-" + "y" * 60
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
TODAY = NOW.date()

ALEX = Patient("MRN-1042", "Alex Rivera", date(1968, 3, 14))
SAM = Patient("MRN-2077", "Sam Okafor", date(1981, 7, 2))


class FakeStore:
    """In-memory stand-in for PlanStore's identity methods. Stores what it is given, like a database row,
    and drops the time zone the way SQLite does, so the verifier must cope with naive datetimes."""

    def __init__(self, *patients: Patient) -> None:
        self.patients = {p.reference: p for p in patients}
        self.rows: dict[str, VerificationState] = {}
        self.saves = 0
        self.limits: dict[str, dict] = {}

    def patient(self, reference: str) -> Patient | None:
        return self.patients.get(reference)

    def get_verification(self, conversation_key: str) -> VerificationState | None:
        return self.rows.get(conversation_key)

    def save_verification(self, state: VerificationState) -> None:
        def naive(moment):
            return moment.replace(tzinfo=None) if moment is not None else None

        self.saves += 1
        self.rows[state.conversation_key] = replace(
            state, verified_until=naive(state.verified_until), locked_until=naive(state.locked_until)
        )

    # attempt limits, like adapters/sql/identity.py (a rolling window per key)
    def limit_locked_until(self, key, now):
        row = self.limits.get(key)
        return row["locked_until"] if row and row["locked_until"] and row["locked_until"] > now else None

    def count_attempt(self, key, now, *, window, max_attempts=None, failed=False, max_failures=None, lock_for=None):
        row = self.limits.setdefault(key, {"start": now, "attempts": 0, "failures": 0, "locked_until": None})
        if row["start"] + window <= now:
            row.update(start=now, attempts=0, failures=0)
        row["attempts"] += 1
        row["failures"] += int(failed)
        over = (max_attempts and row["attempts"] >= max_attempts) or (max_failures and row["failures"] >= max_failures)
        if over and lock_for and not (row["locked_until"] and row["locked_until"] > now):
            row["locked_until"] = now + lock_for
        return self.limit_locked_until(key, now)

    def forget_failure(self, key):
        if key in self.limits and self.limits[key]["failures"] > 0:
            self.limits[key]["failures"] -= 1


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


def b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims(reference="MRN-1042", **overrides):
    base = {
        "sub": reference,
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(minutes=60)).timestamp()),
        "iss": "b12-guide",
        "aud": "b12-guide-chat",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def store():
    return FakeStore(ALEX, SAM)


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def verifier(store, clock):
    return Verifier(store, clock, secret=SECRET)


KEY_A = conversation_key("web-123", "client-secret-A")


# --------------------------------------------------------------------------------------------- tokens


def test_a_token_round_trips_to_its_reference():
    token = issue_token("MRN-1042", 30, secret=SECRET, now=NOW)
    assert read_token(token, secret=SECRET, now=NOW + timedelta(minutes=29)) == "MRN-1042"
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["sub"] == "MRN-1042"
    assert payload["iss"] == "b12-guide" and payload["aud"] == "b12-guide-chat"
    assert payload["exp"] - payload["iat"] == 30 * 60


def test_forged_token_signed_with_another_secret_is_refused():
    forged = jwt.encode(claims(), OTHER_SECRET, algorithm="HS256")
    with pytest.raises(TokenError) as err:
        read_token(forged, secret=SECRET, now=NOW)
    assert err.value.reason == "invalid_signature"


def test_expired_token_is_refused():
    token = issue_token("MRN-1042", 60, secret=SECRET, now=NOW - timedelta(hours=3))
    with pytest.raises(TokenError) as err:
        read_token(token, secret=SECRET, now=NOW)
    assert err.value.reason == "expired"


def test_alg_none_token_is_refused():
    unsigned = f"{b64url({'alg': 'none', 'typ': 'JWT'})}.{b64url(claims())}."
    with pytest.raises(TokenError) as err:
        read_token(unsigned, secret=SECRET, now=NOW)
    assert err.value.reason == "unsupported_algorithm"


def test_token_with_a_different_hmac_algorithm_is_refused():
    token = jwt.encode(claims(), SECRET, algorithm="HS512")
    with pytest.raises(TokenError) as err:
        read_token(token, secret=SECRET, now=NOW)
    assert err.value.reason == "unsupported_algorithm"


@pytest.mark.parametrize("token", ["", "   ", "not-a-token", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "ü.ü.ü"])
def test_malformed_token_is_refused(token):
    with pytest.raises(TokenError) as err:
        read_token(token, secret=SECRET, now=NOW)
    assert err.value.reason in {"malformed", "unsupported_algorithm", "invalid_signature"}


def test_wrong_audience_and_issuer_are_refused():
    with pytest.raises(TokenError) as err:
        read_token(jwt.encode(claims(aud="other-app"), SECRET, algorithm="HS256"), secret=SECRET, now=NOW)
    assert err.value.reason == "wrong_audience"
    with pytest.raises(TokenError) as err:
        read_token(jwt.encode(claims(iss="someone-else"), SECRET, algorithm="HS256"), secret=SECRET, now=NOW)
    assert err.value.reason == "wrong_issuer"


@pytest.mark.parametrize("missing", ["exp", "sub", "aud", "iss", "iat"])
def test_tokens_missing_a_required_claim_are_refused(missing):
    token = jwt.encode(claims(**{missing: None}), SECRET, algorithm="HS256")
    with pytest.raises(TokenError) as err:
        read_token(token, secret=SECRET, now=NOW)
    assert err.value.reason in {"missing_claim", "wrong_audience", "wrong_issuer"}


def test_a_token_issued_in_the_future_is_refused():
    token = issue_token("MRN-1042", 60, secret=SECRET, now=NOW + timedelta(hours=1))
    with pytest.raises(TokenError) as err:
        read_token(token, secret=SECRET, now=NOW)
    assert err.value.reason == "not_yet_valid"


def test_issue_token_rejects_nonsense():
    with pytest.raises(ValueError):
        issue_token("", secret=SECRET)
    with pytest.raises(ValueError):
        issue_token("MRN-1042", 0, secret=SECRET)


def test_token_secret_prefers_the_environment(monkeypatch, tmp_path):
    monkeypatch.setattr(identity, "SECRET_FILE", tmp_path / "var" / "token_secret")
    monkeypatch.setenv("B12_TOKEN_SECRET", "from-the-environment")
    assert token_secret() == "from-the-environment"
    assert not (tmp_path / "var" / "token_secret").exists()


def test_token_secret_creates_a_private_local_secret_once(monkeypatch, tmp_path):
    secret_file = tmp_path / "var" / "token_secret"
    monkeypatch.setattr(identity, "SECRET_FILE", secret_file)
    monkeypatch.delenv("B12_TOKEN_SECRET", raising=False)
    first = token_secret()
    assert len(first) >= 48
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert token_secret() == first  # stable across calls (and restarts)
    token = issue_token("MRN-1042", now=NOW)  # default secret used on both sides
    assert read_token(token, now=NOW) == "MRN-1042"


# --------------------------------------------------------------------------------------------- identify


def test_a_valid_token_identifies_the_patient(verifier):
    token = issue_token("MRN-1042", secret=SECRET, now=NOW)
    assert verifier.identify(token=token, conversation_key=None) == Identity("MRN-1042", "token")


def test_a_token_for_an_unknown_reference_identifies_nobody(verifier):
    token = issue_token("MRN-9999", secret=SECRET, now=NOW)
    assert verifier.identify(token=token, conversation_key=KEY_A) == Identity(None, "none", "unknown_patient")


@pytest.mark.parametrize(
    ("make_token", "problem"),
    [
        (lambda: jwt.encode(claims(), OTHER_SECRET, algorithm="HS256"), "invalid_signature"),
        (lambda: issue_token("MRN-1042", 10, secret=SECRET, now=NOW - timedelta(hours=1)), "expired"),
        (lambda: f"{b64url({'alg': 'none'})}.{b64url(claims())}.", "unsupported_algorithm"),
        (lambda: "garbage", "malformed"),
        (lambda: jwt.encode(claims(aud="elsewhere"), SECRET, algorithm="HS256"), "wrong_audience"),
    ],
)
def test_a_bad_token_never_falls_back_to_the_conversations_verification(verifier, make_token, problem):
    assert verifier.attempt(KEY_A, "MRN-2077", "02/07/1981").ok  # this conversation verified as Sam
    assert verifier.identify(token=None, conversation_key=KEY_A).reference == "MRN-2077"
    result = verifier.identify(token=make_token(), conversation_key=KEY_A)
    assert result.reference is None
    assert result.how == "none"
    assert result.problem == problem


def test_a_valid_token_wins_over_the_conversations_verification(verifier):
    assert verifier.attempt(KEY_A, "MRN-2077", "2 July 1981").ok
    token = issue_token("MRN-1042", secret=SECRET, now=NOW)
    assert verifier.identify(token=token, conversation_key=KEY_A) == Identity("MRN-1042", "token")


def test_without_token_or_verification_nobody_is_identified(verifier):
    assert verifier.identify(token=None, conversation_key=KEY_A) == Identity(None, "none")
    assert verifier.identify(token="", conversation_key=KEY_A) == Identity(None, "none")
    assert verifier.identify(token=None, conversation_key=None).reference is None


# --------------------------------------------------------------------------------------------- verification


def test_verification_success_is_recorded_for_the_conversation(verifier, store, clock):
    result = verifier.attempt(KEY_A, "my ref is mrn 1042", "14/03/1968")
    assert result.ok and result.reason == "ok" and result.reference == "MRN-1042"
    assert result.failures == 0 and result.locked_until is None
    row = store.rows[KEY_A]
    assert row.reference == "MRN-1042" and row.failures == 0
    assert verifier.identify(token=None, conversation_key=KEY_A) == Identity("MRN-1042", "verified")


def test_verification_expires_after_thirty_minutes(verifier, clock):
    assert verifier.attempt(KEY_A, "MRN-1042", "1968-03-14").ok
    clock.advance(minutes=Verifier.VERIFIED_MINUTES - 1)
    assert verifier.identify(token=None, conversation_key=KEY_A).reference == "MRN-1042"
    clock.advance(minutes=2)
    expired = verifier.identify(token=None, conversation_key=KEY_A)
    assert expired == Identity(None, "none", "verification_expired")


def test_wrong_date_of_birth_three_times_locks_even_the_right_answer(verifier, store, clock):
    first = verifier.attempt(KEY_A, "MRN-1042", "15/03/1968")
    assert (first.ok, first.reason, first.failures) == (False, "mismatch", 1)
    second = verifier.attempt(KEY_A, "MRN-1042", "1 January 1970")
    assert (second.reason, second.failures) == ("mismatch", 2)
    clock.advance(minutes=1)
    third = verifier.attempt(KEY_A, "MRN-1042", "14/03/1969")
    assert (third.ok, third.reason, third.failures) == (False, "locked", 3)
    assert third.locked_until == NOW + timedelta(minutes=16)
    assert verifier.is_locked(KEY_A) == third.locked_until

    clock.advance(minutes=14)  # still inside the 15 minutes
    fourth = verifier.attempt(KEY_A, "MRN-1042", "14/03/1968")  # the right answer
    assert (fourth.ok, fourth.reason, fourth.reference) == (False, "locked", None)
    assert verifier.identify(token=None, conversation_key=KEY_A).reference is None

    clock.advance(minutes=1, seconds=1)  # the lock has run out
    assert verifier.is_locked(KEY_A) is None
    fifth = verifier.attempt(KEY_A, "MRN-1042", "14/03/1968")
    assert (fifth.ok, fifth.reason, fifth.reference, fifth.failures) == (True, "ok", "MRN-1042", 0)


def test_the_lock_lives_in_the_store_so_a_restart_does_not_lift_it(store, clock):
    before_restart = Verifier(store, clock, secret=SECRET)
    for wrong in ("01/01/1960", "02/02/1960", "03/03/1960"):
        before_restart.attempt(KEY_A, "MRN-1042", wrong)
    after_restart = Verifier(store, clock, secret=SECRET)  # a new process, same database
    assert after_restart.is_locked(KEY_A) is not None
    assert after_restart.attempt(KEY_A, "MRN-1042", "14/03/1968").reason == "locked"


def test_unknown_reference_and_wrong_birth_date_look_the_same(verifier):
    unknown = verifier.attempt(KEY_A, "MRN-5555", "14/03/1968")
    wrong_dob = verifier.attempt(conversation_key("web-9", "client-9"), "MRN-1042", "15/03/1968")
    assert (unknown.reason, unknown.reference) == ("mismatch", None)
    assert (wrong_dob.reason, wrong_dob.reference) == ("mismatch", None)


def test_an_unreadable_date_is_asked_again_without_counting(verifier, store):
    result = verifier.attempt(KEY_A, "MRN-1042", "my birthday")
    assert (result.ok, result.reason, result.failures) == (False, "bad_date", 0)
    assert KEY_A not in store.rows


def test_without_a_client_key_nothing_is_verified_or_recorded(verifier, store):
    assert conversation_key("web-123", None) is None
    assert conversation_key("web-123", "") is None
    result = verifier.attempt(None, "MRN-1042", "14/03/1968")
    assert (result.ok, result.reason) == (False, "no_client_key")
    assert store.saves == 0


def test_a_second_client_with_the_same_sender_id_cannot_ride_the_verification(verifier):
    assert verifier.attempt(KEY_A, "MRN-1042", "14/03/1968").ok
    same_sender_other_client = conversation_key("web-123", "client-secret-B")
    assert same_sender_other_client != KEY_A
    assert verifier.identify(token=None, conversation_key=same_sender_other_client).reference is None
    assert verifier.identify(token=None, conversation_key=conversation_key("web-123", None)).reference is None


def test_conversation_key_binds_both_parts():
    assert KEY_A == conversation_key("web-123", "client-secret-A")
    assert len(KEY_A) == 64
    assert conversation_key("web-1234", "client-secret-A") != KEY_A
    # the separator keeps ("ab", "c") and ("a", "bc") apart
    assert conversation_key("ab", "c") != conversation_key("a", "bc")


def test_verified_patient_a_stays_a_when_asking_about_b(verifier):
    assert verifier.attempt(KEY_A, "MRN-1042", "14/03/1968").ok
    # Naming another reference in a message changes nothing: identity comes only from the store.
    assert verifier.identify(token=None, conversation_key=KEY_A).reference == "MRN-1042"
    failed = verifier.attempt(KEY_A, "MRN-2077", "14/03/1968")  # B's reference with A's birth date
    assert not failed.ok
    assert verifier.identify(token=None, conversation_key=KEY_A).reference == "MRN-1042"


def test_a_verification_for_a_patient_no_longer_on_file_identifies_nobody(verifier, store):
    assert verifier.attempt(KEY_A, "MRN-1042", "14/03/1968").ok
    del store.patients["MRN-1042"]
    assert verifier.identify(token=None, conversation_key=KEY_A) == Identity(None, "none", "unknown_patient")


# --------------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text",
    [
        "1968-03-14",
        "1968/03/14",
        "14/03/1968",
        "14.03.1968",
        "14-03-1968",
        "14 03 1968",
        "14/3/68",
        "14 March 1968",
        "14th March 1968",
        "14th of march, 1968",
        "14-Mar-1968",
        "14 Mar 68",
        "March 14, 1968",
        "march 14th 1968",
        "Mar. 14 1968",
        "03/14/1968",  # mm/dd, read as such only because dd/mm is impossible
        "14031968",
        "19680314",
        "I was born on 14/03/1968",
        "dob: 14 March 1968.",
    ],
)
def test_date_of_birth_formats(text):
    assert parse_date_of_birth(text, today=TODAY) == date(1968, 3, 14)


def test_ambiguous_numeric_dates_are_read_day_first():
    assert parse_date_of_birth("04/03/1968", today=TODAY) == date(1968, 3, 4)
    assert parse_date_of_birth("12/11/1990", today=TODAY) == date(1990, 11, 12)


def test_two_digit_years_take_the_latest_past_century():
    assert parse_date_of_birth("2 Jul 05", today=TODAY) == date(2005, 7, 2)
    assert parse_date_of_birth("2 Jul 81", today=TODAY) == date(1981, 7, 2)


@pytest.mark.parametrize(
    "text", ["", "yesterday", "31/02/1990", "2099-01-01", "14/03/1850", "13/13/1990", "my birthday", "1968"]
)
def test_impossible_or_missing_birth_dates(text):
    assert parse_date_of_birth(text, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("mrn 1042", "MRN-1042"),
        ("MRN1042", "MRN-1042"),
        ("my ref is mrn-1042", "MRN-1042"),
        ("MRN#1042", "MRN-1042"),
        ("it's MRN number 1042 thanks", "MRN-1042"),
        ("1042", "MRN-1042"),
        ("abc 77", "ABC-77"),
        ("FLOW-104238150927", "FLOW-104238150927"),
        ("my reference is flow-104238150927", "FLOW-104238150927"),
        ("my dose is 1000 mcg", None),
        ("my reference is 1042", "MRN-1042"),
        ("born in 1968, reference unknown", None),
        ("I was born in 1968", None),
        ("", None),
        ("no idea", None),
    ],
)
def test_normalise_reference(text, reference):
    assert normalise_reference(text) == reference


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_a_token_with_a_non_finite_time_is_refused(claim):
    """Red-team pass 2: exp or iat of NaN passed every comparison, so it never expired."""
    import jwt

    claims = {"sub": "MRN-1042", "iss": identity.ISSUER, "aud": identity.AUDIENCE, "iat": 1_700_000_000,
              "exp": 1_700_000_600, claim: float("nan")}
    with pytest.raises(TokenError):
        read_token(jwt.encode(claims, SECRET, algorithm="HS256"), secret=SECRET)
