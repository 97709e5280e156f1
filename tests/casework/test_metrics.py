"""GET /metrics (casework/metrics.py): the hub's own gauges against a world whose answers are
known, a fixed number of queries whatever the rows, nothing personal in the output, and the
endpoint only for the scraper's token."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from casework.metrics import hub_metrics
from contact.models import Channel, LetterStatus
from scheduling.models import ItemKind, ItemState
from tests.factories import (
    CaseFactory,
    ContactAttemptFactory,
    LetterFactory,
    PersonFactory,
    ScheduledItemFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TOKEN = "a-long-random-metrics-token"


def afternoon() -> datetime:
    """15:00 today, London time: "today since midnight" has hours on both sides of it."""
    return datetime.combine(timezone.localdate(), time(15, 0), tzinfo=LONDON)


def build_world(now: datetime) -> None:
    hour = timedelta(hours=1)
    # Scheduled work.
    ScheduledItemFactory(due_at=now - 3 * hour, deadline_at=now - hour)  # due and overdue
    ScheduledItemFactory(due_at=now - hour, deadline_at=now + 2 * hour)  # due, not overdue
    ScheduledItemFactory(due_at=now + 20 * hour, deadline_at=now + 30 * hour)  # not yet due
    ScheduledItemFactory(due_at=now - 5 * hour, state=ItemState.DONE)  # done: not counted
    ScheduledItemFactory(kind=ItemKind.SEND_LETTER, due_at=now - 90 * timedelta(seconds=1),
                         deadline_at=None)  # due and, with no deadline, overdue
    # Letters: two postal ones for approval, one approved for the post room; an email and a
    # sent letter wait for nobody.
    LetterFactory(status=LetterStatus.RENDERED)
    LetterFactory(status=LetterStatus.RENDERED)
    LetterFactory(status=LetterStatus.RENDERED, approved_at=now - hour, pdf=b"%PDF-1.4")
    LetterFactory(status=LetterStatus.RENDERED, channel=Channel.EMAIL)
    LetterFactory(status=LetterStatus.SENT, approved_at=now - hour, sent_at=now - hour,
                  pdf=b"%PDF-1.4")
    # Victims' Code first-contact deadlines: two fell today and were missed (no call; a call
    # after it), one fell today and was met, one was missed yesterday, one is still to come.
    def to_contact(due: datetime, called: datetime | None = None):
        case = CaseFactory(contact_due_at=due, enhanced_entitlement=True,
                           referred_at=due - 24 * hour, status="awaiting_contact",
                           person=PersonFactory(first_name="Annabel", last_name="Quigley",
                                                email="annabel.q@example.org"))
        if called is not None:
            ContactAttemptFactory(case=case, made_at=called)

    to_contact(now - 2 * hour)
    to_contact(now - 3 * hour, called=now - hour)
    to_contact(now - 4 * hour, called=now - 5 * hour)
    to_contact(now - 17 * hour)  # 22:00 yesterday
    to_contact(now + hour)


def values(metrics) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in metrics
        for sample in metric.samples
    }


def test_the_gauges_count_the_known_world():
    with timezone.override(LONDON):
        now = afternoon()
        build_world(now)
        found = values(hub_metrics(now))

    first = (("kind", "first_contact"),)
    letter = (("kind", "send_letter"),)
    assert found[("hub_scheduled_items_due", first)] == 2
    assert found[("hub_scheduled_items_overdue", first)] == 1
    assert found[("hub_scheduled_oldest_due_age_seconds", first)] == 3 * 3600
    assert found[("hub_scheduled_items_due", letter)] == 1
    assert found[("hub_scheduled_items_overdue", letter)] == 1
    assert found[("hub_scheduled_oldest_due_age_seconds", letter)] == 90
    # Every kind has its series, zero when nothing of it is due.
    assert found[("hub_scheduled_items_due", (("kind", "survey"),))] == 0
    assert found[("hub_letters_waiting", (("stage", "approval"),))] == 2
    assert found[("hub_letters_waiting", (("stage", "print"),))] == 1
    assert found[("hub_victims_code_first_contact_overdue", ())] == 1
    assert found[("hub_victims_code_first_contact_missed_today", ())] == 2


def test_a_fixed_number_of_queries_whatever_the_rows(django_assert_max_num_queries):
    with timezone.override(LONDON):
        now = afternoon()
        build_world(now)
        build_world(now)
        with django_assert_max_num_queries(5):
            hub_metrics(now)


def test_the_endpoint_needs_the_token_and_shows_nothing_personal(client, settings):
    settings.METRICS_TOKEN = TOKEN
    with timezone.override(LONDON):
        build_world(timezone.now())
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    body = response.content.decode()
    names = {family.name for family in text_string_to_metric_families(body)}
    # The hub's own gauges and django-prometheus's request figures, in one answer.
    assert {"hub_letters_waiting", "hub_scheduled_items_due", "hub_figures_up",
            "django_http_requests_total_by_view_transport_method"} <= names
    assert "hub_figures_up 1.0" in body
    for personal in ("Annabel", "Quigley", "annabel.q@example.org", "07700900123", "VH-"):
        assert personal not in body

    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert b"hub_" not in refused.content


def test_without_a_token_metrics_are_off(client, settings, manager_user):
    settings.METRICS_TOKEN = ""
    client.force_login(manager_user)
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_missed_today_reads_the_days_deadlines_by_index_not_every_case():
    """Asked on every scrape: the window's cases are found through case_contact_due_idx
    (without it, 0.7 s a scrape at 30,000 cases here, most of it PostgreSQL's JIT compiling
    a scan of every case; 30 ms with it). Whether the planner prefers the index depends on
    the statistics, so the test asks whether it can: with sequential scans switched off."""
    from django.db import connection, transaction

    from casework.metrics import start_of_day
    from reporting.outcomes import missed_first_contacts

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = missed_first_contacts(since=start_of_day(now), now=now).explain()
        transaction.set_rollback(True)
    assert "case_contact_due_idx" in plan, plan
