"""Allocating a volunteer to a victim, and ending it: the rules and their messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from core.errors import DomainError
from tests.factories import AllocationFactory, CaseFactory, VolunteerFactory, user_with_role
from volunteers.models import VolunteerAllocation
from volunteers.services import allocate_volunteer, end_allocation

pytestmark = pytest.mark.django_db


def test_a_vcc_allocates_an_available_accredited_volunteer(vcc_user):
    case, volunteer = CaseFactory(), VolunteerFactory()
    allocation = allocate_volunteer(case=case, volunteer=volunteer, by=vcc_user)
    assert allocation.active and allocation.allocated_by == vcc_user
    assert allocation.case == case and allocation.volunteer == volunteer


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"available": False, "availability_notes": "On leave until May"},
         "is not available for a new victim (On leave until May)."),
        ({"accredited_on": None, "accreditation_expires_on": None},
         "is not accredited yet: only accredited volunteers visit victims."),
        ({"active": False}, "no longer volunteers with the hub."),
    ],
    ids=["unavailable", "not accredited", "left"],
)
def test_refuses_a_volunteer_who_cannot_visit(manager_user, profile, message):
    case, volunteer = CaseFactory(), VolunteerFactory(**profile)
    with pytest.raises(DomainError) as refused:
        allocate_volunteer(case=case, volunteer=volunteer, by=manager_user)
    assert str(refused.value) == f"{volunteer} {message}"
    assert not VolunteerAllocation.objects.exists()


def test_refuses_a_volunteer_whose_accreditation_has_expired(manager_user):
    today = timezone.localdate()
    volunteer = VolunteerFactory(
        accredited_on=today - timedelta(days=400),
        accreditation_expires_on=today - timedelta(days=2),
    )
    with pytest.raises(DomainError, match="accreditation expired on .*: renew it"):
        allocate_volunteer(case=CaseFactory(), volunteer=volunteer, by=manager_user)


def test_one_volunteer_at_a_time_per_case(vcc_user):
    case = CaseFactory()
    first = allocate_volunteer(case=case, volunteer=VolunteerFactory(), by=vcc_user)
    with pytest.raises(DomainError, match="already supports this victim: end that"):
        allocate_volunteer(case=case, volunteer=VolunteerFactory(), by=vcc_user)

    end_allocation(allocation=first, by=vcc_user, reason="Moved away")
    second = allocate_volunteer(case=case, volunteer=VolunteerFactory(), by=vcc_user)
    assert list(VolunteerAllocation.objects.filter(case=case, active=True)) == [second]
    first.refresh_from_db()
    assert not first.active and first.ended_by == vcc_user and first.end_reason == "Moved away"


def test_the_database_refuses_a_second_active_allocation():
    allocation = AllocationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationFactory(case=allocation.case)


def test_only_open_cases_get_a_volunteer(vcc_user):
    case = CaseFactory(status="closed")
    with pytest.raises(DomainError, match="only be allocated to an open case"):
        allocate_volunteer(case=case, volunteer=VolunteerFactory(), by=vcc_user)


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.POLICE, Role.OPCC])
def test_only_vccs_and_managers_allocate_and_end(role):
    someone = user_with_role(role)
    with pytest.raises(DomainError, match="Only a Victim Care Co-ordinator or a hub manager"):
        allocate_volunteer(case=CaseFactory(), volunteer=VolunteerFactory(), by=someone)
    allocation = AllocationFactory()
    with pytest.raises(DomainError, match="Only a Victim Care Co-ordinator or a hub manager"):
        end_allocation(allocation=allocation, by=someone)
    allocation.refresh_from_db()
    assert allocation.active


def test_ending_twice_says_so(vcc_user):
    allocation = AllocationFactory()
    end_allocation(allocation=allocation, by=vcc_user)
    with pytest.raises(DomainError, match="already ended"):
        end_allocation(allocation=allocation, by=vcc_user)
