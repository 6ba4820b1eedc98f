"""The patient's calendar: a personal subscription link offered in chat, and the feed behind it.

A link is a capability: 256 random bits in the URL, only their sha256 stored, no patient reference in it.
The feed is built from the newest plan version at each fetch (so it follows every new plan version by
itself), counts the injections the patient reported, and is rate-limited per link. Staff revoke links.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from bot.plans.ics import plan_calendar
from bot.plans.model import PlanRecord

FETCH_WINDOW = timedelta(hours=1)
FETCHES_PER_WINDOW = 30  # calendar apps poll a few times a day; a scraper gets cut off
TOKEN_BYTES = 32
PUBLIC_URL_ENV = "B12_PUBLIC_URL"  # where patients reach the page server (the feed), e.g. https://clinic.example


def public_base_url() -> str:
    return (os.environ.get(PUBLIC_URL_ENV) or "http://localhost:8080").rstrip("/")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _uid_key(reference: str) -> str:
    # UIDs must be stable per patient without naming them: a keyed hash the reference cannot be read from.
    from bot.identity import token_secret

    return hmac.new(token_secret().encode(), f"calendar|{reference}".encode(), hashlib.sha256).hexdigest()[:24]


def plan_ics(record: PlanRecord, today: date | None) -> bytes:
    """The plan as iCalendar: what is still to come as of `today` (the patient's feed), or with `today` None
    the whole documented calendar (the staff export)."""
    return plan_calendar(record.plan, record.injections_for_schedule, today,
                         uid_key=_uid_key(record.patient.reference), stamp=record.imported_at)


@dataclass(frozen=True)
class IssuedLink:
    token: str
    link_id: int


def issue_link(store, reference: str, conversation_key: str | None = None) -> IssuedLink:
    """A new calendar link for the patient (earlier ones stay valid until staff revoke them)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link_id = store.add_calendar_link(reference, _hash(token))
    store.add_audit("ask_calendar", "calendar_link_issued", reference=reference, detail=f"link {link_id}")
    return IssuedLink(token, link_id)


@dataclass(frozen=True)
class Feed:
    status: int  # 200, 404 (unknown or revoked link, no plan), 429 (too many fetches)
    body: bytes = b""


def feed(store, token: str, today: date | None = None, now: datetime | None = None) -> Feed:
    """The iCalendar feed a link names, built now from the newest plan version."""
    if not token or len(token) > 200:
        return Feed(404)
    link = store.calendar_link(_hash(token))
    if link is None or link.revoked:
        return Feed(404)
    now = now or datetime.now(timezone.utc)
    if not store.note_calendar_fetch(link.id, now, window=FETCH_WINDOW, limit=FETCHES_PER_WINDOW):
        return Feed(429)
    record = store.current_plan(link.reference)
    if record is None:
        return Feed(404)
    store.add_audit("calendar_feed", "calendar_fetch", reference=link.reference,
                    plan_version_id=record.plan_version_id, detail=f"link {link.id}")
    return Feed(200, plan_ics(record, today or now.date()))


def revoke_links(store, reference: str, actor: str | None = None) -> int:
    count = store.revoke_calendar_links(reference)
    store.add_audit("calendar_revoke", "revoke", reference=reference, actor=actor, detail=f"{count} link(s)")
    return count
