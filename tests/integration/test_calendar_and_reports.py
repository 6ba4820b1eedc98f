"""Calendar links and patient-reported injections against SQLite and PostgreSQL: a link is issued, fetched,
rate-limited and revoked (404 after), follows a new plan version by itself; a report counts in the dates
until staff confirm it (it becomes a clinic record) or reject it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from adapters.sql.store import PlanStore
from bot.errors import StoreError
from bot.plans.planfile import parse_plan_text
from services import calendar as calendar_service
from services import plans as plan_service

TODAY = date.today()


@pytest.fixture
def patient(store: PlanStore, plan_text) -> str:
    store.import_planfile(parse_plan_text(plan_text(reference="MRN-7301", given=2, today=TODAY), today=TODAY))
    return "MRN-7301"


def injection_dates(body: bytes) -> list[date]:
    return sorted(e.decoded("dtstart") for e in Calendar.from_ical(body).walk("VEVENT")
                  if str(e.get("summary")) == "B12 injection")


def test_a_link_is_a_capability_stored_as_a_hash(store, patient):
    link = calendar_service.issue_link(store, patient)
    assert len(link.token) >= 43 and patient not in link.token  # 256 random bits, URL-safe
    found = store.calendar_link(calendar_service._hash(link.token))
    assert found is not None and found.reference == patient
    assert store.calendar_link(link.token) is None  # the raw secret is never a key
    response = calendar_service.feed(store, link.token, TODAY)
    assert response.status == 200 and injection_dates(response.body)
    assert calendar_service.feed(store, link.token[:-1] + ("A" if link.token[-1] != "A" else "B"), TODAY).status == 404
    assert calendar_service.feed(store, "", TODAY).status == 404


def test_the_feed_follows_a_new_plan_version(store, patient, plan_text):
    link = calendar_service.issue_link(store, patient)
    before = injection_dates(calendar_service.feed(store, link.token, TODAY).body)
    text = plan_text(reference=patient, given=2, today=TODAY).replace("every: 1 month", "every: 2 months")
    store.import_planfile(parse_plan_text(text, today=TODAY))
    after = injection_dates(calendar_service.feed(store, link.token, TODAY).body)
    assert before != after


def test_fetches_are_rate_limited_per_link(store, patient):
    link, other = calendar_service.issue_link(store, patient), calendar_service.issue_link(store, patient)
    now = datetime.now(timezone.utc)
    statuses = [calendar_service.feed(store, link.token, TODAY, now).status
                for _ in range(calendar_service.FETCHES_PER_WINDOW + 1)]
    assert statuses[:-1] == [200] * calendar_service.FETCHES_PER_WINDOW and statuses[-1] == 429
    assert calendar_service.feed(store, other.token, TODAY, now).status == 200  # another link is not affected
    later = now + calendar_service.FETCH_WINDOW + timedelta(seconds=1)
    assert calendar_service.feed(store, link.token, TODAY, later).status == 200


def test_staff_revoke_every_link_and_a_new_one_can_be_issued(store, patient):
    first = calendar_service.issue_link(store, patient)
    assert calendar_service.revoke_links(store, patient, actor="nurse") == 1
    assert calendar_service.feed(store, first.token, TODAY).status == 404
    second = calendar_service.issue_link(store, patient)
    assert calendar_service.feed(store, second.token, TODAY).status == 200
    audit = [(a.action, a.actor) for a in store.audit_entries(patient)]
    assert ("revoke", "nurse") in audit and ("calendar_link_issued", None) in audit


def test_a_reported_injection_counts_until_staff_decide(store, patient):
    record = store.current_plan(patient)
    before = plan_service.status_of(record, TODAY).next_due
    report = store.add_report(patient, TODAY, "conv-key", record.plan_version_id)
    assert report is not None and store.add_report(patient, TODAY, "conv-key", None) is None  # same day twice
    record = store.current_plan(patient)
    assert [r.on for r in record.reported] == [TODAY] and TODAY not in [i.on for i in record.injections_given]
    assert plan_service.status_of(record, TODAY).next_due != before  # the dates use the report
    confirmed = plan_service.decide_report(store, report.id, True, "nurse")
    assert confirmed.status == "confirmed" and confirmed.decided_by == "nurse"
    record = store.current_plan(patient)
    assert TODAY in [i.on for i in record.injections_given] and record.reported == ()
    with pytest.raises(StoreError):
        plan_service.decide_report(store, report.id, False, "nurse")  # decided once


def test_a_rejected_report_no_longer_counts(store, patient):
    yesterday = TODAY - timedelta(days=1)
    report = store.add_report(patient, yesterday, None, None)
    plan_service.decide_report(store, report.id, False, "nurse")
    record = store.current_plan(patient)
    assert record.reported == () and yesterday not in [i.on for i in record.injections_given]
    assert [r.status for r in store.reports(None, patient)] == ["rejected"]
