"""The volunteer pool against the service specification ("Volunteer provision")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AllocationFactory,
    CaseFactory,
    HoursFactory,
    PersonFactory,
    VolunteerFactory,
)
from volunteers.services import pool_against_specification

pytestmark = pytest.mark.django_db

COUNTY = ["cambridge", "east_cambridgeshire", "fenland", "huntingdonshire",
          "south_cambridgeshire", "peterborough"]


def _rules() -> dict[str, bool]:
    return {rule.rule: rule.met for rule in pool_against_specification().rules}


def _pool(n: int, **profile):
    return VolunteerFactory.create_batch(n, districts=COUNTY, **profile)


def test_14_volunteers_fail_the_15_rule_and_15_meet_it():
    _pool(14)
    assert _rules()["A minimum of 15 volunteers"] is False
    assert pool_against_specification().active == 14
    _pool(1)
    rules = _rules()
    assert rules["A minimum of 15 volunteers"] is True
    assert all(rules.values()), rules


def test_volunteers_who_left_do_not_count():
    _pool(15)
    VolunteerFactory(active=False)
    VolunteerFactory(user__is_active=False)
    assert pool_against_specification().active == 15


def test_each_volunteer_offers_at_least_four_hours():
    _pool(14)
    _pool(1, hours_per_week=Decimal("3.5"))
    figures = pool_against_specification()
    assert figures.offering_minimum_hours == 14
    assert _rules()["Each gives a minimum of 4 hours a week"] is False


def test_accreditation_current_and_due_for_renewal():
    today = timezone.localdate()
    _pool(12)
    _pool(1, accredited_on=None, accreditation_expires_on=None)  # in training
    _pool(1, accredited_on=today - timedelta(days=400), accreditation_expires_on=today)
    _pool(2, accreditation_expires_on=today + timedelta(days=45))
    _pool(1, accreditation_expires_on=today + timedelta(days=61))
    figures = pool_against_specification()
    assert (figures.active, figures.accredited, figures.expiring_soon) == (17, 15, 2)
    rules = {rule.rule: rule for rule in figures.rules}
    assert rules["Trained and accredited in-house, accreditation current"].met is False
    renewal = rules["Accreditations due for renewal in the next 60 days"]
    assert renewal.warning and renewal.figure == "2 expire"


def test_languages_districts_and_hours_in_the_last_four_weeks():
    today = timezone.localdate()
    polish = VolunteerFactory(languages=["pl", "en"], districts=["peterborough"])
    VolunteerFactory(languages=["lt"], districts=["fenland", "peterborough"])
    allocation = AllocationFactory(volunteer=polish, allocated_at=timezone.now() - timedelta(60))
    HoursFactory(allocation=allocation, date=today - timedelta(days=3), hours=Decimal("2.5"))
    HoursFactory(allocation=allocation, date=today - timedelta(days=27), hours=Decimal("1"))
    HoursFactory(allocation=allocation, date=today - timedelta(days=28), hours=Decimal("4"))
    # Victims in support whose first language nobody covers.
    CaseFactory(status="in_support", person=PersonFactory(first_language="ro"))
    CaseFactory(status="closed", person=PersonFactory(first_language="ur"))

    figures = pool_against_specification()
    assert figures.languages == ["en", "lt", "pl"]
    assert figures.districts == ["fenland", "peterborough"]
    assert figures.hours_logged_4_weeks == Decimal("3.5")
    assert figures.uncovered_victim_languages == ["ro"]
    assert "Cambridge City" in figures.uncovered_districts
    rules = _rules()
    assert rules["Face-to-face support across the county"] is False
    assert any(
        not met for rule, met in rules.items() if rule.startswith("A range of language")
    )


def test_the_figures_take_a_fixed_number_of_queries(django_assert_max_num_queries):
    _pool(3)
    with django_assert_max_num_queries(5):
        pool_against_specification()
    _pool(20, languages=["pl", "lt", "ro"])
    with django_assert_max_num_queries(5):
        pool_against_specification()


def test_the_pool_page_shows_each_rule_green_or_red(client, manager_user):
    _pool(14)
    VolunteerFactory(user__first_name="Margaret", hours_per_week=Decimal("3"), districts=COUNTY)
    client.force_login(manager_user)
    page = client.get(reverse("volunteers:pool")).content.decode()
    assert page.count('data-testid="rule"') == 6
    assert page.count('data-testid="volunteer-row"') == 15
    assert "15 active volunteers" in page and "14 of 15 offer 4 hours or more" in page
    assert "govuk-tag--red" in page and "govuk-tag--green" in page
    assert "Margaret" in page
