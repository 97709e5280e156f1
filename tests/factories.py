"""factory-boy factories for the hub's records: the one place tests make rows directly.

People, crimes and cases; IVNAs and DVNAs; letters, call attempts and notes; recovery plans
and their actions; the service directory, consents and referrals; scheduled work; volunteers,
their allocations and hours. A factory writes the row as it is, with no service's rules:
tests of a workflow make its records through the services instead (tests/support/builders.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, role_group
from assessments.models import ConsentToShare, Dvna, DvnaNeed, PlanAction, RecoveryPlan
from cases.choices import CaseSource, Route
from cases.models import Case, Crime, Person
from cases.workflow import status_after_triage
from contact.models import Channel, ContactAttempt, ContactNote, Letter, LetterKind
from directory.models import SupportService
from intake.models import Ivna, SubmittedVia
from referrals.models import Referral
from scheduling.models import ItemKind, ScheduledItem
from volunteers.models import Volunteer, VolunteerAllocation, VolunteerHours


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
    phone = "+447700900123"  # stored in E.164 (core/phones.py)


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


def _today() -> date:
    return timezone.localdate()


def _vcc():
    return factory.SubFactory(UserFactory, role=Role.VCC)


class DvnaFactory(factory.django.DjangoModelFactory):
    """A DVNA row; `levels={"health": "high"}` adds a need row per area given."""

    class Meta:
        model = Dvna
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory, status="in_support")
    number = 1
    assessed_by = _vcc()
    risk_from_offender = "low"
    risk_of_self_harm = "none"
    risk_of_harming_others = "none"
    risk_of_wellbeing_deteriorating = "low"

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        if create and extracted:
            for area, level in extracted.items():
                DvnaNeed.objects.create(dvna=self, area=area, level=level)


# -- Contact: letters, call attempts, notes -----------------------------------------------


class LetterFactory(factory.django.DjangoModelFactory):
    """A queued introductory letter by post (set status, pdf and the times for later ones)."""

    class Meta:
        model = Letter

    case = factory.SubFactory(CaseFactory)
    kind = LetterKind.INTRODUCTORY
    channel = Channel.POST


class ContactAttemptFactory(factory.django.DjangoModelFactory):
    """A call that found no answer, yesterday morning."""

    class Meta:
        model = ContactAttempt

    case = factory.SubFactory(CaseFactory, status="awaiting_contact")
    made_at = factory.LazyFunction(
        lambda: timezone.now().replace(hour=10, minute=30) - timedelta(days=1)
    )
    made_by = _vcc()
    number_used = "07700900123"
    band = "morning"
    outcome = "no_answer"


class ContactNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactNote

    case = factory.SubFactory(CaseFactory)
    author = _vcc()
    text = "A note"


# -- Support: recovery plans and their actions --------------------------------------------


class RecoveryPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecoveryPlan

    case = factory.SubFactory(CaseFactory, status="in_support")
    agreed_by = _vcc()


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(RecoveryPlanFactory)
    kind = "phone_support"
    description = "Weekly call"


# -- The service directory, consent to share, referrals -----------------------------------


class SupportServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportService

    name = factory.Sequence(lambda n: f"Support Service {n}")
    referral_email = "referrals@service.example.org"


class ConsentToShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentToShare

    case = factory.SubFactory(CaseFactory, status="in_support")
    service = factory.SubFactory(SupportServiceFactory)
    given = True
    share_contact_details = True
    share_needs = True
    recorded_by = _vcc()


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral sent from a plan action to a service, with the victim's consent."""

    class Meta:
        model = Referral

    action = factory.SubFactory(
        PlanActionFactory, kind="specialist_referral", description="Advocacy",
        service=factory.SelfAttribute("..service"),
    )
    case = factory.SelfAttribute("action.plan.case")
    service = factory.SubFactory(SupportServiceFactory)
    consent = factory.SubFactory(
        ConsentToShareFactory, case=factory.SelfAttribute("..case"),
        service=factory.SelfAttribute("..service"),
        recorded_by=factory.SelfAttribute("..sent_by"),
    )
    shared_contact_details = True
    shared_crime_details = False
    shared_needs = True
    sent_by = factory.SelfAttribute("action.plan.agreed_by")
    document = b"%PDF-1.7"
    emailed_to = factory.SelfAttribute("service.referral_email")


# -- Scheduled work ------------------------------------------------------------------------


class ScheduledItemFactory(factory.django.DjangoModelFactory):
    """A first call falling due now."""

    class Meta:
        model = ScheduledItem

    kind = ItemKind.FIRST_CONTACT
    case = factory.SubFactory(CaseFactory, status="awaiting_contact")
    due_at = factory.LazyFunction(timezone.now)


def queued_email_letter(n: int = 0, *, prefix: str = "victim") -> tuple[Letter, ScheduledItem]:
    """A case whose victim has an email address, its introductory letter queued through the
    service (contact.services.queue_letter), and the scheduled item that will send it."""
    from contact.services import queue_letter

    case = CaseFactory(person=PersonFactory(email=f"{prefix}{n}@example.org"))
    letter = queue_letter(case=case, kind="introductory")
    assert letter is not None
    return letter, ScheduledItem.objects.get(kind=ItemKind.SEND_LETTER, target_id=letter.pk)


# -- Volunteers ----------------------------------------------------------------------------


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
    allocated_by = _vcc()
    allocated_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=14))


class HoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerHours

    allocation = factory.SubFactory(AllocationFactory)
    date = factory.LazyFunction(lambda: _today() - timedelta(days=1))
    hours = Decimal("2")
    logged_by = factory.SelfAttribute("allocation.volunteer.user")


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


def ivna_form_data(**overrides) -> dict:
    """A valid body for the police IVNA form (intake:ivna_new); None drops a field."""
    offence = timezone.localdate() - timedelta(days=1)
    data = {
        "reference": "CF/55555/25",
        "crime_type": "burglary",
        "offence_date_0": str(offence.day),
        "offence_date_1": str(offence.month),
        "offence_date_2": str(offence.year),
        "police_person_id": "N-777",
        "first_name": "Brian",
        "last_name": "Sample",
        "date_of_birth_0": "3",
        "date_of_birth_1": "2",
        "date_of_birth_2": "1951",
        "gender": "male",
        "ethnicity": "white_british_irish",
        "first_language": "en",
        "interpreter_needed": "no",
        "phone": "07700900456",
        "district": "huntingdonshire",
        "safe_to_call": "yes",
        "may_leave_message": "no",
        "mash_referral": "no",
        "needs_support": "yes",
        "supported_elsewhere": "no",
        "safe_to_write": "yes",
        "consent_to_contact": "yes",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def transfer_in_form(**overrides) -> dict:
    """A valid body for the transfer-in form (intake:transfer_in)."""
    offence = timezone.localdate() - timedelta(days=10)
    data = {
        "organisation": "british_transport_police",
        "organisation_name": "",
        "their_reference": "BTP-2500123",
        "contact_name": "PC Rail",
        "crime_type": "robbery",
        "offence_date_0": str(offence.day),
        "offence_date_1": str(offence.month),
        "offence_date_2": str(offence.year),
        "first_name": "Piotr",
        "last_name": "Nowak",
        "gender": "male",
        "ethnicity": "white_other",
        "first_language": "pl",
        "interpreter_needed": "yes",
        "phone": "07700900999",
        "email": "piotr@example.org",
        "address_line1": "5 Station Road",
        "town": "Peterborough",
        "postcode": "pe1 1aa",
        "district": "peterborough",
        "safe_to_call": "yes",
        "may_leave_message": "no",
        "safe_to_write": "yes",
        "notes": "Robbed on a train at Peterborough station.",
    }
    data.update(overrides)
    return data


_DELETE = object()
DELETE = _DELETE
