"""A volunteer sees only the victims allocated to them, and only what the visits need."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessLog
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    IvnaFactory,
    PersonFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

IVNA_NOTE = "Perpetrator is her former partner"


@pytest.fixture
def visit():
    """A volunteer allocated to Ann, whose record holds much the volunteer must not see."""
    person = PersonFactory(
        first_name="Ann", last_name="Example", date_of_birth=date(1984, 5, 17),
        phone="07700 900123", email="ann@example.org", address_line1="1 High Street",
        town="Wisbech", postcode="PE13 1AA", district="fenland", first_language="pl",
        interpreter_needed=True, safe_to_call=True, may_leave_message=False,
        safe_contact_bands=["morning"], safe_contact_notes="Partner checks her phone",
        nationality="Polish",
    )
    ivna = IvnaFactory(case__person=person, notes=IVNA_NOTE)
    case = ivna.case
    other = CaseFactory(person=person)  # her other case: no volunteer there
    allocation = AllocationFactory(case=case, volunteer=VolunteerFactory(languages=["pl"]))
    return SimpleNamespace(allocation=allocation, case=case, other=other, person=person)


def _page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("page", ["my_visits", "visit"])
def test_the_volunteer_sees_what_the_visits_need_and_nothing_else(client, visit, page):
    case = visit.case
    client.force_login(visit.allocation.volunteer.user)
    args = [visit.allocation.pk] if page == "visit" else []
    html = _page(client, f"volunteers:{page}", *args)

    for shown in ("Ann", "Example", "07700 900123", "1 High Street", "Wisbech", "PE13 1AA",
                  "Fenland", "Polish", "Interpreter needed", "Do not leave a message",
                  "Morning only", escape(visit.allocation.allocated_by)):
        assert shown in html, shown
    for hidden in (case.crime.reference, visit.other.crime.reference, case.reference,
                   visit.other.reference, IVNA_NOTE, "1984", "17 May", "ann@example.org",
                   "Partner checks her phone", "Theft", "DVNA", "Date of birth",
                   f'href="/cases/{case.pk}/"'):
        assert hidden not in html, hidden


def test_the_fields_not_needed_are_not_even_read(client, visit):
    client.force_login(visit.allocation.volunteer.user)
    for url in (reverse("volunteers:my_visits"),
                reverse("volunteers:visit", args=[visit.allocation.pk])):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        sql = " ".join(q["sql"] for q in queries)
        for column in ('"cases_person"."date_of_birth"', '"cases_person"."email"',
                       "safe_contact_notes", "unsafe_numbers", "nationality", "ethnicity",
                       "cases_crime", "intake_ivna", "assessments_dvna", "\"contact_",
                       "\"support_"):
            assert column not in sql, f"{url} reads {column}"


def test_the_vcc_to_contact_is_the_cases_vcc(client, visit, vcc_user):
    vcc_user.email = "val.carer@example.police.uk"
    vcc_user.save()
    visit.case.allocated_to = vcc_user
    visit.case.save()
    client.force_login(visit.allocation.volunteer.user)
    html = _page(client, "volunteers:my_visits")
    assert escape(vcc_user.get_full_name()) in html and "val.carer@example.police.uk" in html


def test_only_their_own_current_allocations_on_open_cases(client, visit, vcc_user):
    volunteer = visit.allocation.volunteer
    ended = AllocationFactory(
        volunteer=volunteer, case=CaseFactory(person=PersonFactory(last_name="Endedcase")),
        active=False, ended_at=timezone.now(),
    )
    AllocationFactory(volunteer=volunteer,
                      case=CaseFactory(status="closed", person=PersonFactory(last_name="Shut")))
    AllocationFactory(case=CaseFactory(person=PersonFactory(last_name="Someoneelses")))
    client.force_login(volunteer.user)
    html = _page(client, "volunteers:my_visits")
    assert html.count('data-testid="visit-card"') == 1
    for name in ("Endedcase", "Shut", "Someoneelses"):
        assert name not in html
    assert client.get(reverse("volunteers:visit", args=[ended.pk])).status_code == 404


def test_another_volunteer_gets_404(client, visit):
    client.force_login(VolunteerFactory().user)
    url = reverse("volunteers:visit", args=[visit.allocation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"date": "2025-01-01", "hours": "1"}).status_code == 404
    html = _page(client, "volunteers:my_visits")
    assert "Ann" not in html and "No victims are allocated to you" in html


@pytest.mark.parametrize(
    "url",
    [
        lambda v: reverse("cases:list"),
        lambda v: reverse("cases:detail", args=[v.case.pk]),
        lambda v: reverse("cases:audit", args=[v.case.pk]),
        lambda v: reverse("volunteers:pool"),
        lambda v: reverse("volunteers:allocate", args=[v.case.pk]),
        lambda v: reverse("volunteers:log_hours", args=[v.allocation.case_id, v.allocation.pk]),
    ],
    ids=["case list", "case page", "audit", "pool", "allocate", "staff hours"],
)
def test_a_volunteer_gets_403_on_casework(client, visit, url):
    client.force_login(visit.allocation.volunteer.user)
    response = client.get(url(visit))
    assert response.status_code == 403
    assert "07700 900123" not in response.content.decode()


def test_staff_do_not_use_the_volunteer_pages(client, visit, vcc_user):
    client.force_login(vcc_user)
    assert client.get(reverse("volunteers:my_visits")).status_code == 403
    assert client.get(reverse("volunteers:visit", args=[visit.allocation.pk])).status_code == 403


def test_every_read_is_logged(client, visit):
    user = visit.allocation.volunteer.user
    client.force_login(user)
    client.get(reverse("volunteers:my_visits"))
    client.get(reverse("volunteers:visit", args=[visit.allocation.pk]))
    logs = list(AccessLog.objects.filter(user=user).order_by("at", "pk"))
    assert [(log.action, log.view_name) for log in logs] == [
        ("list", "volunteers:my_visits"),
        ("view", "volunteers:visit"),
    ]
    for log in logs:
        assert log.case_ids == [visit.case.pk] and log.person_ids == [visit.person.pk]


def test_no_allocations_no_log(client):
    volunteer = VolunteerFactory()
    client.force_login(volunteer.user)
    _page(client, "volunteers:my_visits")
    assert not AccessLog.objects.exists()


def test_home_sends_a_volunteer_to_their_visits(client, volunteer_user):
    client.force_login(volunteer_user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:my_visits")
    html = client.get(response["Location"]).content.decode()
    assert "My visits" in html and "profile has not been set up" in html


def test_the_volunteer_pages_take_a_fixed_number_of_queries(client):
    volunteer = VolunteerFactory()
    first = AllocationFactory(volunteer=volunteer)
    client.force_login(volunteer.user)

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count(reverse("volunteers:my_visits"))
    visit_one = count(reverse("volunteers:visit", args=[first.pk]))
    for _ in range(6):
        allocation = AllocationFactory(volunteer=volunteer)
        for day in range(1, 4):
            allocation.hours.create(date=timezone.localdate() - timedelta(days=day), hours=1,
                                    logged_by=volunteer.user)
    assert count(reverse("volunteers:my_visits")) == one
    assert count(reverse("volunteers:visit", args=[first.pk])) == visit_one
    assert re.search(r"7 people", client.get(reverse("volunteers:my_visits")).content.decode())
