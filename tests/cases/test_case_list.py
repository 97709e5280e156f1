"""The VCC's case list and case page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.services import transition_case
from tests.factories import CaseFactory, CrimeFactory, IvnaFactory, PersonFactory

pytestmark = pytest.mark.django_db


def list_page(client, **params):
    return client.get(reverse("cases:list"), params).content.decode()


def test_filters_by_status_route_and_district(client, vcc_user):
    letter = CaseFactory(route="letter_only", person=PersonFactory(district="peterborough"))
    contact = CaseFactory(route="hub_contact", person=PersonFactory(district="fenland"))
    closed = CaseFactory(route="hub_contact", status="closed")
    client.force_login(vcc_user)

    page = list_page(client)
    assert letter.reference in page and contact.reference in page
    assert closed.reference not in page  # the default is open casework

    page = list_page(client, route="letter_only")
    assert letter.reference in page and contact.reference not in page

    page = list_page(client, district="fenland")
    assert contact.reference in page and letter.reference not in page

    page = list_page(client, status="closed")
    assert closed.reference in page and contact.reference not in page

    page = list_page(client, status="all")
    assert all(c.reference in page for c in (letter, contact, closed))


def test_the_case_list_keeps_no_search_and_takes_no_post(client, vcc_user):
    """Search is the header's (tests/cases/test_find_my_work.py): the list keeps no term."""
    client.force_login(vcc_user)
    assert client.post(reverse("cases:list"), {"q": "ann"}).status_code == 405


def test_list_is_paginated(client, vcc_user, settings):
    settings.HUB_CASE_LIST_PAGE_SIZE = 5
    CaseFactory.create_batch(12)
    client.force_login(vcc_user)
    page = list_page(client)
    assert "12 cases" in page
    assert "Page 1 of 3" in page
    assert len(re.findall(r'href="/cases/\d+/"', page)) == 5


def test_case_list_queries_do_not_grow_with_the_rows(client, vcc_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cases:list")).status_code == 200
        return len(captured)

    client.force_login(vcc_user)
    for _ in range(3):
        IvnaFactory()
    client.get(reverse("cases:list"))  # warm the session
    few = queries()
    for _ in range(27):
        IvnaFactory()
    assert queries() == few
    # session (read and renewed), user, second factor, permissions, count, page, read log
    assert few <= 16


def test_case_page_shows_person_crime_markers_ivna_history_and_other_cases(client, vcc_user):
    person = PersonFactory(first_name="Ann", last_name="Example", phone="07700900999")
    crime = CrimeFactory(reference="CF/12345/25", markers=["domestic_abuse", "hate_crime"])
    ivna = IvnaFactory(
        case=CaseFactory(person=person, crime=crime, status="awaiting_contact"),
        priority_categories=["vulnerable"],
        dash_risk="medium",
        notes="Lives with two children.",
        triage_rules=["E1", "E4"],
    )
    earlier = CaseFactory(person=person, crime=CrimeFactory(reference="CF/00001/24"))
    transition_case(case=ivna.case, to="accepted", by=vcc_user, reason="Agreed by phone")
    client.force_login(vcc_user)

    page = client.get(reverse("cases:detail", args=[ivna.case.pk])).content.decode()

    for text in (
        "Ann Example",
        "07700900999",
        "CF/12345/25",
        "Domestic abuse",
        "Hate crime",
        "Vulnerable",
        "Medium",
        "Lives with two children.",
        "Agreed by phone",
        "E4",
        earlier.reference,
        "CF/00001/24",
    ):
        assert text in page, text
    # The status move is on the timeline, with its reason.
    moves = client.get(reverse("cases:detail", args=[ivna.case.pk]), {"kind": "status"})
    history = moves.content.decode()
    history = history[history.index('data-testid="contact-log"') :]
    assert "Status: Accepted support" in history
    assert "Agreed by phone" in history


def test_each_view_of_a_case_page_is_logged_in_the_request(client, vcc_user):
    case = CaseFactory()
    client.force_login(vcc_user)
    client.get(reverse("cases:detail", args=[case.pk]))
    client.get(reverse("cases:detail", args=[case.pk]))
    views = AccessLog.objects.filter(action="view", case_ids__contains=[case.pk])
    assert views.count() == 2
    log = views.first()
    assert log.user == vcc_user
    assert log.person_ids == [case.person_id]
    assert log.view_name == "cases:detail"


def _case_page_queries(client, case) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return len(queries)


def test_case_page_queries_do_not_grow_with_history(client, vcc_user):
    from contact.models import ContactAttempt, ContactNote
    from contact.services import queue_letter

    small = IvnaFactory(case=CaseFactory(person=PersonFactory(email="a@example.org")))
    large = IvnaFactory(case=CaseFactory(person=PersonFactory(email="b@example.org")))
    for _ in range(15):
        CaseFactory(person=large.case.person)
    queue_letter(case=large.case, kind="introductory")
    for day in range(1, 3):
        ContactAttempt.objects.create(
            case=large.case, made_at=timezone.now() - timedelta(days=day), made_by=vcc_user,
            number_used="07700900000", band="morning", outcome="no_answer",
        )
    for _ in range(10):
        ContactNote.objects.create(case=large.case, author=vcc_user, text="Called back.")
    client.force_login(vcc_user)
    client.get(reverse("cases:list"))
    assert _case_page_queries(client, small.case) == _case_page_queries(client, large.case)
    # The timeline reads each kind of record once (casework.timeline): about ten queries.
    assert _case_page_queries(client, large.case) <= 48
