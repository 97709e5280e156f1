"""Correcting and removing logged hours (issue 16): the volunteer who logged them within 7
days, a hub manager at any time with the reason; every change kept and attributable; totals
use the corrected figures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from tests.factories import HoursFactory, VolunteerFactory
from volunteers.hours import correct_hours, hours_rows, remove_hours
from volunteers.selectors import visits_for
from volunteers.services import pool_against_specification

pytestmark = pytest.mark.django_db


def _logged(days_ago: float, **kwargs):
    return HoursFactory(logged_at=timezone.now() - timedelta(days=days_ago), **kwargs)


def _total(entry) -> Decimal:
    (visit, _, _), = visits_for(entry.allocation.volunteer.user)
    return visit.hours_logged


def test_the_volunteer_corrects_their_hours_within_7_days_and_the_totals_follow():
    entry = _logged(6.9)
    volunteer = entry.allocation.volunteer.user
    before = pool_against_specification().hours_logged_4_weeks
    correct_hours(entry=entry, by=volunteer, on=entry.date, hours=Decimal("1.5"),
                  notes="Half an hour less", reason="")
    entry.refresh_from_db()
    assert entry.hours == Decimal("1.5") and entry.changed_by == volunteer
    assert _total(entry) == Decimal("1.5")
    assert pool_against_specification().hours_logged_4_weeks == before - Decimal("0.5")
    (row,) = hours_rows(entry.allocation_id, volunteer)
    (change,) = row.changes
    assert change.by == volunteer.get_full_name() and not change.removal
    assert "hours 2 → 1.5" in change.what and "notes none → Half an hour less" in change.what


def test_the_volunteer_removes_their_hours_and_they_leave_every_total():
    entry = _logged(1)
    volunteer = entry.allocation.volunteer.user
    remove_hours(entry=entry, by=volunteer, reason="Logged twice")
    entry.refresh_from_db()
    assert entry.removed and _total(entry) == 0
    assert pool_against_specification().hours_logged_4_weeks == 0
    (row,) = hours_rows(entry.allocation_id, volunteer)
    assert row.changes[0].removal and row.changes[0].reason == "Logged twice"
    with pytest.raises(DomainError, match="removed: they cannot be changed again"):
        correct_hours(entry=entry, by=volunteer, on=entry.date, hours=Decimal("1"), notes="")


def test_after_7_days_the_volunteer_is_refused_and_told_why():
    entry = _logged(7.1)
    volunteer = entry.allocation.volunteer.user
    for change in (
        lambda: correct_hours(entry=entry, by=volunteer, on=entry.date, hours=Decimal("1"),
                              notes=""),
        lambda: remove_hours(entry=entry, by=volunteer),
    ):
        with pytest.raises(DomainError, match="for 7 days after you log them: ask a hub manager"):
            change()
    entry.refresh_from_db()
    assert entry.hours == Decimal("2") and not entry.removed


def test_a_manager_corrects_any_time_and_must_say_why(manager_user):
    entry = _logged(90)
    with pytest.raises(DomainError) as refused:
        correct_hours(entry=entry, by=manager_user, on=entry.date, hours=Decimal("3"), notes="")
    assert refused.value.fields == {"reason": ["Give the reason for the change"]}
    correct_hours(entry=entry, by=manager_user, on=entry.date - timedelta(days=1),
                  hours=Decimal("3"), notes="", reason="The volunteer's timesheet says 3")
    entry.refresh_from_db()
    assert (entry.hours, entry.changed_by, entry.change_reason) == (
        Decimal("3"), manager_user, "The volunteer's timesheet says 3")
    assert _total(entry) == Decimal("3")
    (change,) = hours_rows(entry.allocation_id, manager_user)[0].changes
    assert change.by == manager_user.get_full_name()
    assert change.reason == "The volunteer's timesheet says 3" and len(change.what) == 2


def test_another_volunteer_and_a_vcc_are_refused(vcc_user):
    entry = _logged(1)
    other = VolunteerFactory().user
    for who in (other, vcc_user):
        with pytest.raises(DomainError, match="Only the volunteer who logged these hours"):
            remove_hours(entry=entry, by=who, reason="x")
    entry.refresh_from_db()
    assert not entry.removed


def test_a_correction_keeps_the_rules_of_logging(manager_user):
    entry = _logged(1)
    HoursFactory(allocation=entry.allocation, date=entry.date, hours=Decimal("9"))
    with pytest.raises(DomainError, match="9 hours are already logged"):
        correct_hours(entry=entry, by=manager_user, on=entry.date, hours=Decimal("4"),
                      notes="", reason="More")
    # Its own earlier figure does not count against it.
    correct_hours(entry=entry, by=manager_user, on=entry.date, hours=Decimal("3"), notes="",
                  reason="More")


def test_the_volunteer_corrects_on_their_visit_page_and_sees_why_not_after_7_days(client):
    recent = _logged(1)
    old = _logged(8, allocation=recent.allocation, date=recent.date - timedelta(days=1))
    volunteer = recent.allocation.volunteer.user
    client.force_login(volunteer)
    visit = client.get(reverse("volunteers:visit", args=[recent.allocation_id])).content.decode()
    assert "Correct or remove<span class=\"govuk-visually-hidden\"> the hours of" in visit
    assert visit.count("Correct or remove<") == 1  # the recent entry only
    assert "Why can’t I change these?" in visit  # the older one: the page says why
    url = reverse("volunteers:correct_my_hours", args=[recent.allocation_id, recent.pk])
    response = client.post(url, {"date": recent.date.isoformat(), "hours": "1.25",
                                 "notes": "", "reason": ""}, follow=True)
    page = response.content.decode()
    assert "The correction is saved" in page and "hours 2 → 1.25" in page
    assert "3.25 hours logged in all" in page  # 1.25 and the older 2
    page = client.get(reverse("volunteers:correct_my_hours",
                              args=[old.allocation_id, old.pk])).content.decode()
    assert 'data-testid="hours-refusal"' in page and "<form" not in page.split("<main")[1]
    assert "You can correct or remove hours for 7 days after you log them" in page


def test_a_manager_removes_hours_from_the_case_with_the_reason(client, manager_user):
    entry = _logged(30)
    allocation = entry.allocation
    client.force_login(manager_user)
    url = reverse("volunteers:remove_hours", args=[allocation.case_id, allocation.pk, entry.pk])
    page = client.post(url, {"reason": ""}).content.decode()
    assert "Give the reason for the change" in page
    response = client.post(url, {"reason": "Not a visit: a training day"}, follow=True)
    page = response.content.decode()
    assert "The hours were removed" in page and "Why: Not a visit: a training day" in page
    entry.refresh_from_db()
    assert entry.removed and entry.changed_by == manager_user


def test_a_vcc_sees_no_change_link_and_is_told_only_a_manager_may(client, vcc_user):
    entry = _logged(1)
    allocation = entry.allocation
    client.force_login(vcc_user)
    url = reverse("volunteers:correct_hours", args=[allocation.case_id, allocation.pk, entry.pk])
    hours_page = client.get(reverse("volunteers:log_hours", args=[allocation.case_id,
                                                                   allocation.pk])).content
    assert url not in hours_page.decode()
    assert "or a hub manager can correct or remove them" in client.get(url).content.decode()
    client.post(url, {"date": entry.date.isoformat(), "hours": "5", "notes": "", "reason": "x"})
    entry.refresh_from_db()
    assert entry.hours == Decimal("2")


def test_the_hours_pages_queries_do_not_grow_with_corrections(
    client, manager_user, django_assert_max_num_queries
):
    entry = _logged(1)
    allocation = entry.allocation
    correct_hours(entry=entry, by=manager_user, on=entry.date, hours=Decimal("1"), notes="",
                  reason="Checked")
    url = reverse("volunteers:log_hours", args=[allocation.case_id, allocation.pk])
    client.force_login(manager_user)
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for n in range(6):
        more = _logged(1, allocation=allocation, date=entry.date - timedelta(days=n + 1))
        correct_hours(entry=more, by=manager_user, on=more.date, hours=Decimal("1"), notes="",
                      reason="Checked")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)

