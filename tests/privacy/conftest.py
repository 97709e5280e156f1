"""A victim with something in every record the hub keeps, each piece of personal data
marked so a scan of the whole database can find it; and cases of any age."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from assessments.models import (
    Closure,
    ClosureOutcome,
    ConsentToShare,
    Dvna,
    DvnaNeed,
    PlanAction,
    RecoveryPlan,
    Review,
    SurveyResponse,
)
from cases.models import Case, CaseTransition, Person
from contact.models import ContactAttempt, ContactNote, ContactOutcome
from core.references import REFERENCE_PATTERN
from directory.models import SupportService
from intake.models import SelfReferral, Transfer
from referrals.models import Referral
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    CrimeFactory,
    HoursFactory,
    IvnaFactory,
    LetterFactory,
    PersonFactory,
)

# Everything below that identifies the victim contains one of these.
SECRETS = (
    "Zebedee",
    "Quillfeather",
    "07700900555",
    "07700900666",
    "Secret Lane",
    "PE13 9ZZ",
    "zebedee@example.org",
    "1979-03-14",
    "N-ZQX",
    "CF/ZQX",
    "ZQX",
)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def ago(*, years: float = 0, days: int = 0) -> datetime:
    return timezone.now() - timedelta(days=int(365.25 * years) + days)


def set_dates(case: Case, *, referred: datetime, closed: datetime | None = None) -> Case:
    """Move a case in time (a plain UPDATE: the triggers record it like any change)."""
    Case.objects.filter(pk=case.pk).update(referred_at=referred, closed_at=closed)
    case.refresh_from_db()
    return case


@dataclass
class Victim:
    person: Person
    case: Case
    self_referred: Case


def make_victim(vcc, *, n: int = 1) -> Victim:
    """Zebedee Quillfeather, with two cases holding something in every kind of record."""
    person = PersonFactory(
        police_person_id=f"N-ZQX-{n}",
        first_name="Zebedee",
        last_name="Quillfeather",
        date_of_birth=date(1979, 3, 14),
        gender="male",
        ethnicity="white_other",
        nationality="ZQX-land",
        first_language="pl",
        phone="07700900000",
        email="zebedee@example.org",
        address_line1="7 Secret Lane",
        address_line2="Flat ZQX",
        town="Wisbech",
        postcode="PE13 9ZZ",
        district="fenland",
        deprivation_quintile=2,
        safe_contact_bands=["evening"],
        safe_contact_notes="ZQX: call after the children are asleep",
        unsafe_numbers=["07700900666"],
    )
    # A change, so the history holds an old and a new value of the phone.
    person.phone = "07700900555"
    person.save()

    crime = CrimeFactory(
        reference=f"CF/ZQX/{n}", crime_type="violence_against_the_person", markers=["hate_crime"]
    )
    case = CaseFactory(person=person, crime=crime, status="closed",
                       contact_outcome=ContactOutcome.ACCEPTED,
                       outcome_detail="ZQX accepted after the second call")
    IvnaFactory(case=case, notes="ZQX officer notes: Zebedee lives alone")
    CaseTransition.objects.create(
        case=case, from_status="awaiting_contact", to_status="declined", by=vcc,
        reason="Contacted: declined support. Reason: ZQX fears the neighbour",
    )
    service = SupportService.objects.create(name=f"ZQ Test Advocacy {n}")  # a service, not a person
    dvna = Dvna.objects.create(
        case=case, number=1, assessed_by=vcc, risk_from_offender="high",
        risk_of_self_harm="low", risk_of_harming_others="none",
        risk_of_wellbeing_deteriorating="medium", risk_notes="ZQX risk notes",
        communication_needs="ZQX texts only", summary="ZQX summary", first_language="pl",
    )
    DvnaNeed.objects.create(dvna=dvna, area="accommodation", level="high",
                            notes="ZQX door kicked in")
    consent = ConsentToShare.objects.create(case=case, service=service, given=True,
                                            recorded_by=vcc, dvna=dvna)
    plan = RecoveryPlan.objects.create(case=case, agreed_by=vcc)
    action = PlanAction.objects.create(plan=plan, kind="specialist_referral",
                                       description="ZQX advocacy for Zebedee", service=service)
    Review.objects.create(case=case, by=vcc, wellbeing="better", notes="ZQX review notes")
    closure = Closure.objects.create(case=case, by=vcc, reason="other",
                                     reason_detail="ZQX moved in with sister", notes="ZQX bye")
    ClosureOutcome.objects.create(closure=closure, area="accommodation", outcome="better")
    SurveyResponse.objects.create(case=case, recorded_by=vcc, treated_with_respect=5,
                                  helped_to_cope="yes", would_recommend=True,
                                  comments="ZQX thank you, from Zebedee")
    LetterFactory(case=case, kind="introductory", channel="post", status="sent",
                  pdf=b"%PDF-1.4 Dear Zebedee Quillfeather, 7 Secret Lane",
                  text="Dear Zebedee Quillfeather", sent_at=timezone.now(),
                  error="ZQX earlier failure")
    ContactAttempt.objects.create(case=case, made_at=timezone.now(), made_by=vcc,
                                  number_used="07700900555", band="evening",
                                  outcome="contacted", notes="ZQX spoke to Zebedee")
    ContactNote.objects.create(case=case, author=vcc, text="ZQX note about Zebedee")
    ContactNote.objects.create(case=case, author=vcc, text="ZQX restricted note",
                               restricted=True)
    Referral.objects.create(case=case, action=action, service=service, consent=consent,
                            shared_contact_details=True, shared_crime_details=False,
                            shared_needs=True, sent_by=vcc,
                            document=b"%PDF-1.4 Zebedee Quillfeather 07700900555",
                            status="declined", decline_reason="ZQX not in our area")
    Transfer.objects.create(case=case, direction="in", organisation="other_force",
                            organisation_name="Norfolk Constabulary",
                            organisation_key="other_force:norfolk constabulary",
                            their_reference=f"NFK-ZQX-{n}", notes="ZQX transfer notes", by=vcc)
    allocation = AllocationFactory(case=case, allocated_by=vcc)
    HoursFactory(allocation=allocation, hours=Decimal("2"), notes="ZQX visit at home")

    try:  # restricted-case access grants (audit), where installed
        grants = apps.get_model("audit", "CaseAccessGrant")
    except LookupError:
        grants = None
    if grants is not None:
        grants.objects.create(case=case, user=vcc, kind="named", granted_by=vcc,
                              reason="ZQX covering while Zebedee's VCC is away")

    self_referred = CaseFactory(person=person, crime=None, source="self_referral",
                                route="hub_contact", status="closed")
    SelfReferral.objects.create(case=self_referred, asked_by="family",
                                asker_name="ZQX Auntie", asker_relationship="ZQX aunt",
                                under_18=False, account="ZQX what happened to Zebedee")
    return Victim(person=person, case=case, self_referred=self_referred)


@pytest.fixture
def victim(db, vcc_user) -> Victim:
    return make_victim(vcc_user)


def make_old(victim: Victim, *, years: float = 20) -> None:
    """Both of the victim's cases closed long ago: past any retention period."""
    for case in (victim.case, victim.self_referred):
        set_dates(case, referred=ago(years=years + 1), closed=ago(years=years))


# Columns whose values are random by nature (password hashes, signed session data): a
# random string may contain "ZQX" by chance, and none can hold what the victim told us.
RANDOM_COLUMNS = ("password", "session_data")


def _random_by_nature(column: str, value: object) -> bool:
    """A password hash, session data, or a random reference (core.references)."""
    return column in RANDOM_COLUMNS or (
        isinstance(value, str) and re.fullmatch(REFERENCE_PATTERN, value) is not None
    )


def database_text() -> str:
    """Every value of every row of every table the models know, as text (documents too)."""
    chunks = []
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        columns = [f.column for f in meta.concrete_fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT {", ".join(connection.ops.quote_name(c) for c in columns)} '  # noqa: S608
                f"FROM {connection.ops.quote_name(meta.db_table)}"
            )
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if _random_by_nature(column, value):
                        continue
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("latin-1")
                    chunks.append(f"{meta.label}: {value}")
    return "\n".join(chunks)


def secrets_in_database() -> list[str]:
    text = database_text()
    return sorted(
        {line for line in text.splitlines() for secret in SECRETS if secret in line}
    )
