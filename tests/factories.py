"""factory-boy factories for the hub's records."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, role_group
from cases.choices import CaseSource, Route
from cases.models import Case, Crime, Person
from cases.workflow import status_after_triage
from intake.models import Ivna, SubmittedVia


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            # role_group recreates the groups that transactional tests flush away.
            self.groups.add(role_group(extracted))


def user_with_role(role: str, **kwargs) -> User:
    return UserFactory(role=role, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    police_person_id = factory.Sequence(lambda n: f"N-{n:06d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(1985, 6, 1)
    gender = "female"
    district = "fenland"
    phone = "07700900123"


class CrimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crime

    reference = factory.Sequence(lambda n: f"CF/{n:05d}/25")
    crime_type = "theft_and_handling"
    offence_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    reported_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    markers = factory.LazyFunction(list)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    crime = factory.SubFactory(CrimeFactory)
    source = CaseSource.POLICE_IVNA
    route = Route.HUB_CONTACT
    status = factory.LazyAttribute(
        lambda o: status_after_triage(route=o.route, supported_elsewhere=False)
    )


class IvnaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ivna

    case = factory.SubFactory(CaseFactory)
    needs_support = True
    route = factory.SelfAttribute("case.route")
    triage_rules = factory.LazyFunction(lambda: ["S1"])
    triage_rules_version = "2025.1"
    recorded_by = factory.LazyFunction(lambda: user_with_role(Role.POLICE))
    submitted_via = SubmittedVia.WEB


def ivna_payload(**overrides) -> dict:
    """A valid body for POST /api/v1/ivnas/, as in the API contract (DOMAIN.md)."""
    today = timezone.localdate()
    body = {
        "crime": {
            "reference": "CF/12345/25",
            "crime_type": "violence_against_the_person",
            "offence_date": (today - timedelta(days=2)).isoformat(),
            "reported_at": (timezone.now() - timedelta(days=1)).isoformat(),
            "markers": ["domestic_abuse"],
        },
        "victim": {
            "police_person_id": "N-000123",
            "first_name": "Ann",
            "last_name": "Example",
            "date_of_birth": "1980-05-17",
            "gender": "female",
            "phone": "07700900123",
            "email": "ann@example.org",
            "address": {"line1": "1 High St", "town": "Wisbech", "postcode": "PE13 1AA"},
            "district": "fenland",
            "first_language": "en",
            "interpreter_needed": False,
        },
        "assessment": {
            "priority_categories": ["vulnerable"],
            "dash_risk": "medium",
            "supported_elsewhere": False,
            "needs_support": True,
            "mash_referral": False,
            "safe_to_write": True,
            "consent_to_contact": True,
            "notes": "Lives with two children.",
        },
    }
    for path, value in overrides.items():
        section, _, field = path.partition("__")
        if field:
            if value is _DELETE:
                body[section].pop(field, None)
            else:
                body[section][field] = value
        elif value is _DELETE:
            body.pop(section, None)
        else:
            body[section] = value
    return body


_DELETE = object()
DELETE = _DELETE
