"""Factories for volunteers, their allocations and hours."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.roles import Role
from tests.factories import CaseFactory, UserFactory
from volunteers.models import Volunteer, VolunteerAllocation, VolunteerHours


def _today():
    return timezone.localdate()


class VolunteerFactory(factory.django.DjangoModelFactory):
    """An active, available volunteer accredited a month ago for a year."""

    class Meta:
        model = Volunteer

    user = factory.SubFactory(UserFactory, role=Role.VOLUNTEER)
    languages = factory.LazyFunction(lambda: ["en"])
    districts = factory.LazyFunction(lambda: ["fenland"])
    hours_per_week = Decimal("4")
    trained_on = factory.LazyFunction(lambda: _today() - timedelta(days=60))
    accredited_on = factory.LazyFunction(lambda: _today() - timedelta(days=30))
    accreditation_expires_on = factory.LazyFunction(lambda: _today() + timedelta(days=335))


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerAllocation

    case = factory.SubFactory(CaseFactory)
    volunteer = factory.SubFactory(VolunteerFactory)
    allocated_by = factory.SubFactory(UserFactory, role=Role.VCC)
    allocated_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=14))


class HoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerHours

    allocation = factory.SubFactory(AllocationFactory)
    date = factory.LazyFunction(lambda: _today() - timedelta(days=1))
    hours = Decimal("2")
    logged_by = factory.SelfAttribute("allocation.volunteer.user")
