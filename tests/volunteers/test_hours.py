"""Logging hours: more than 0, at most 12 a day; the volunteer's own allocations only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.errors import DomainError
from tests.factories import AllocationFactory, HoursFactory, VolunteerFactory
from volunteers.models import VolunteerHours
from volunteers.services import end_allocation, log_hours

pytestmark = pytest.mark.django_db



def _yesterday():
    return timezone.localdate() - timedelta(days=1)


def test_the_volunteer_logs_their_own_hours():
    allocation = AllocationFactory()
    entry = log_hours(
        allocation=allocation, by=allocation.volunteer.user, on=_yesterday(),
        hours=Decimal("1.5"), notes="Went with her to the GP",
    )
    assert entry.hours == Decimal("1.5") and entry.logged_by == allocation.volunteer.user


def test_a_vcc_may_log_for_the_volunteer_even_after_the_allocation_ended(vcc_user):
    allocation = AllocationFactory()
    end_allocation(allocation=allocation, by=vcc_user)
    log_hours(allocation=allocation, by=vcc_user, on=_yesterday(), hours=Decimal("2"))
    with pytest.raises(DomainError, match="This allocation has ended: ask your VCC"):
        log_hours(
            allocation=allocation, by=allocation.volunteer.user, on=_yesterday(),
            hours=Decimal("1"),
        )
    assert VolunteerHours.objects.count() == 1


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (Decimal("0"), "Enter hours of more than 0"),
        (Decimal("-1"), "Enter hours of more than 0"),
        (Decimal("13"), "Enter no more than 12 hours for one day"),
        (None, "Enter the hours you gave, for example 1.5"),
    ],
    ids=["0", "negative", "13", "missing"],
)
def test_hours_out_of_range_are_refused_and_nothing_is_saved(hours, message):
    allocation = AllocationFactory()
    with pytest.raises(DomainError) as refused:
        log_hours(allocation=allocation, by=allocation.volunteer.user, on=_yesterday(),
                  hours=hours)
    assert str(refused.value) == message and refused.value.fields == {"hours": [message]}
    assert not VolunteerHours.objects.exists()


def test_no_more_than_12_hours_a_day_across_all_victims():
    volunteer = VolunteerFactory()
    first, second = AllocationFactory(volunteer=volunteer), AllocationFactory(volunteer=volunteer)
    log_hours(allocation=first, by=volunteer.user, on=_yesterday(), hours=Decimal("8"))
    with pytest.raises(DomainError, match="8 hours are already logged on .*: no more than 12"):
        log_hours(allocation=second, by=volunteer.user, on=_yesterday(), hours=Decimal("5"))
    log_hours(allocation=second, by=volunteer.user, on=_yesterday(), hours=Decimal("4"))
    assert VolunteerHours.objects.count() == 2


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "cannot be in the future"), (30, "before the allocation began")],
    ids=["future", "before the allocation"],
)
def test_the_date_must_be_within_the_allocation(days, message):
    allocation = AllocationFactory()  # began 14 days ago
    with pytest.raises(DomainError, match=message):
        log_hours(
            allocation=allocation, by=allocation.volunteer.user,
            on=timezone.localdate() - timedelta(days=days), hours=Decimal("1"),
        )
    assert not VolunteerHours.objects.exists()


def test_a_volunteer_cannot_log_hours_on_someone_elses_allocation():
    allocation = AllocationFactory()
    other = VolunteerFactory()
    with pytest.raises(DomainError, match="only on your own visits"):
        log_hours(allocation=allocation, by=other.user, on=_yesterday(), hours=Decimal("1"))


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "Enter hours of more than 0"),
        ("-2", "Enter hours of more than 0"),
        ("13", "Enter no more than 12 hours for one day"),
        ("", "Enter the hours you gave, for example 1.5"),
        ("two", "Enter the hours as a number, for example 1.5"),
    ],
)
def test_the_visit_page_shows_the_message_and_saves_nothing(client, hours, message):
    allocation = AllocationFactory()
    client.force_login(allocation.volunteer.user)
    response = client.post(
        reverse("volunteers:visit", args=[allocation.pk]),
        {"date": _yesterday().isoformat(), "hours": hours},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert not VolunteerHours.objects.exists()


def test_the_visit_page_logs_hours_and_shows_them(client):
    allocation = AllocationFactory()
    HoursFactory(allocation=allocation, hours=Decimal("2"))
    client.force_login(allocation.volunteer.user)
    url = reverse("volunteers:visit", args=[allocation.pk])
    response = client.post(url, {"date": _yesterday().isoformat(), "hours": "1.25",
                                 "notes": "Coffee and a chat"})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "1.25" in page and "Coffee and a chat" in page and "3.25 hours logged in all" in page


def test_a_vcc_logs_hours_from_the_case(client, vcc_user):
    allocation = AllocationFactory()
    client.force_login(vcc_user)
    url = reverse("volunteers:log_hours", args=[allocation.case_id, allocation.pk])
    assert escape(allocation.volunteer) in client.get(url).content.decode()
    response = client.post(url, {"date": _yesterday().isoformat(), "hours": "3"})
    assert response.status_code == 302
    entry = VolunteerHours.objects.get()
    assert entry.logged_by == vcc_user and entry.hours == Decimal("3")
    response = client.post(url, {"date": _yesterday().isoformat(), "hours": "13"})
    assert "Enter no more than 12 hours for one day" in response.content.decode()
    assert response.context["form"].errors == {"hours": ["Enter no more than 12 hours for one day"]}
    assert VolunteerHours.objects.count() == 1
