"""Records a referral starts from: a case with a DVNA, consent per service and a plan."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessments.models import ConsentToShare, DvnaNeed, PlanAction, RecoveryPlan
from directory.models import SupportService
from tests.factories import (
    CaseFactory,
    CrimeFactory,
    DvnaFactory,
    PersonFactory,
    PlanActionFactory,
    RecoveryPlanFactory,
    SupportServiceFactory,
)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def service(db) -> SupportService:
    return SupportServiceFactory(
        name="Fenland Advocacy Service",
        referral_email="referrals@advocacy.example.org",
        how_to_refer="Referral document by secure email.",
        specialisms=["domestic_abuse"],
        districts=["fenland"],
    )


@pytest.fixture
def case(db, vcc_user):
    person = PersonFactory(
        first_name="Ann",
        last_name="Example",
        phone="07700900123",
        email="ann@example.org",
        address_line1="1 High Street",
        town="Wisbech",
        postcode="PE13 1AA",
        district="fenland",
        safe_contact_notes="Call after the school run.",
    )
    crime = CrimeFactory(
        reference="CF/55555/25", crime_type="burglary", markers=["domestic_abuse"]
    )
    case = CaseFactory(person=person, crime=crime, status="in_support", allocated_to=vcc_user)
    dvna = DvnaFactory(
        case=case,
        assessed_by=vcc_user,
        risk_from_offender="medium",
        communication_needs="Prefers text messages first.",
    )
    DvnaNeed.objects.create(
        dvna=dvna, area="accommodation", level="high", notes="Locks broken since the burglary."
    )
    DvnaNeed.objects.create(dvna=dvna, area="finance", level="none", notes="")
    return case


@pytest.fixture
def plan(case, vcc_user) -> RecoveryPlan:
    return RecoveryPlanFactory(case=case, agreed_by=vcc_user)


@pytest.fixture
def action(plan, service) -> PlanAction:
    return PlanActionFactory(
        plan=plan,
        kind="specialist_referral",
        need_areas=["accommodation"],
        description="Safety planning and help with new locks.",
        service=service,
    )


@pytest.fixture
def give_consent(case, service, vcc_user):
    """Record the victim's consent to share with the service, choosing what may go."""

    def give(*, given=True, contact=True, crime=False, needs=True, to=None):
        return ConsentToShare.objects.create(
            case=case,
            service=to or service,
            given=given,
            share_contact_details=contact,
            share_crime_details=crime,
            share_needs=needs,
            recorded_by=vcc_user,
        )

    return give


# The victim's answers at the referral (referrals.consent): she agrees, and to share her
# contact details and needs, not the crime.
AGREED = {"agree": "yes", "share_contact": "yes", "share_crime": "no", "share_needs": "yes"}


def refer(client, url: str, answers: dict | None = None, *, extra: dict | None = None,
          follow: bool = False):
    """The referral page's steps: the answers ("Continue"), then "Send the referral" with
    the answers just recorded."""
    import re
    from html import unescape

    extra = extra or {}
    checked = client.post(url, {**(AGREED if answers is None else answers), **extra,
                                "check": "Continue"}).content.decode()
    at = re.search(r'name="consent_at" value="([^"]+)"', checked)
    assert at, "the answers were not accepted"
    return client.post(url, {**extra, "consent_at": unescape(at.group(1)), "send": "yes"},
                       follow=follow)
