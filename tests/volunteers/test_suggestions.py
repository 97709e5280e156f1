"""Suggesting volunteers for a victim: language first, then district, then load."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from tests.factories import AllocationFactory, CaseFactory, PersonFactory, VolunteerFactory
from volunteers.services import suggest_volunteers

pytestmark = pytest.mark.django_db


def _case(**person):
    case = CaseFactory(person=PersonFactory(**person))
    return Case.objects.select_related("person").get(pk=case.pk)


def _names(case) -> list[str]:
    return [v.user.username for v in suggest_volunteers(case=case)]


def test_language_match_beats_district_and_district_beats_load():
    case = _case(first_language="pl", district="fenland")
    VolunteerFactory(user__username="district_only", languages=["en"], districts=["fenland"])
    VolunteerFactory(user__username="language_only", languages=["pl"], districts=["cambridge"])
    VolunteerFactory(user__username="both", languages=["pl", "en"], districts=["fenland"])
    VolunteerFactory(user__username="neither", languages=["en"], districts=["cambridge"])
    busy = VolunteerFactory(user__username="both_busy", languages=["pl"], districts=["fenland"])
    AllocationFactory(volunteer=busy)

    assert _names(case) == ["both", "both_busy", "language_only", "district_only", "neither"]


def test_fewest_current_allocations_first_and_ended_ones_do_not_count():
    case = _case(first_language="en", district="fenland")
    two = VolunteerFactory(user__username="two")
    one = VolunteerFactory(user__username="one")
    free = VolunteerFactory(user__username="free")
    AllocationFactory.create_batch(2, volunteer=two)
    AllocationFactory(volunteer=one)
    AllocationFactory(
        volunteer=free, active=False, ended_at=timezone.now() - timedelta(days=1)
    )

    assert _names(case) == ["free", "one", "two"]
    loads = {v.user.username: v.current_load for v in suggest_volunteers(case=case)}
    assert loads == {"free": 0, "one": 1, "two": 2}


def test_unavailable_unaccredited_expired_and_inactive_volunteers_are_not_suggested():
    today = timezone.localdate()
    case = _case(first_language="pl", district="fenland")
    VolunteerFactory(user__username="ok", languages=["pl"])
    VolunteerFactory(user__username="unavailable", languages=["pl"], available=False)
    VolunteerFactory(
        user__username="in_training", languages=["pl"], accredited_on=None,
        accreditation_expires_on=None,
    )
    VolunteerFactory(
        user__username="expired", languages=["pl"],
        accredited_on=today - timedelta(days=400), accreditation_expires_on=today,
    )
    VolunteerFactory(user__username="left", languages=["pl"], active=False)
    VolunteerFactory(user__username="disabled_login", languages=["pl"], user__is_active=False)

    assert _names(case) == ["ok"]


def test_a_victim_with_no_district_is_ranked_by_language_then_load():
    case = _case(first_language="lt", district="")
    VolunteerFactory(user__username="en", languages=["en"])
    VolunteerFactory(user__username="lt", languages=["lt"])
    assert _names(case) == ["lt", "en"]


def test_suggestions_are_one_query_whatever_the_size_of_the_pool():
    case = _case(first_language="pl", district="fenland")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = list(suggest_volunteers(case=case))
            for v in rows:  # what the page shows of each
                (v.user.get_full_name(), v.current_load, v.language_match, v.district_match)
        return len(queries)

    VolunteerFactory.create_batch(2)
    small = count()
    for volunteer in VolunteerFactory.create_batch(20, languages=["pl"]):
        AllocationFactory(volunteer=volunteer)
    assert count() == small == 1
