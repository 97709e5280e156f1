"""Who may open what: every view and endpoint of the hub, for every actor.

The rules (DOMAIN.md, "Who uses it"): only the landing page and sign-in are public. Police staff
record IVNAs and see only their own submissions, never the hub's casework. VCCs and managers
list and open cases; only managers see a case's audit history. A restricted case is for
managers, the VCC it is allocated to and users named on it: any other VCC never sees it listed,
and at its own URL gets only "This record is restricted" and a break-glass form (audit
app; tests/audit/matrix.py). Volunteers and the
OPCC have no casework. The API answers 401 without credentials, and only police clients may
submit IVNAs.

A new view needs one `View` entry below: `test_every_url_is_in_the_matrix` fails until it has.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic.edit import ProcessFormView
from pypdf import PdfWriter

from accounts.models import User
from assessments.models import Ivna
from cases.models import Case
from contact.letters import NO_LETTERS_TO_PRINT
from contact.models import ContactAttempt, ContactNote, Letter
from tests.audit.matrix import AUDIT_VIEWS, restricted_notice
from tests.factories import CaseFactory, IvnaFactory, PersonFactory, ivna_payload
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NOT_FOUND,
    OPCC,
    OPCC_API,
    OTHER_POLICE,
    OTHER_VCC,
    OTHER_VOLUNTEER,
    POLICE,
    POLICE_API,
    UNAUTHORIZED,
    VCC,
    VOLUNTEER,
    Outcome,
    PermissionMatrix,
    View,
    allowed,
    redirects,
    ref,
    refused_to,
)
from tests.support import builders as support
from tests.factories import AllocationFactory, VolunteerFactory
from volunteers.models import Volunteer, VolunteerAllocation, VolunteerHours

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.fixture
def world(db, police_user, vcc_user, volunteer_user):
    """The objects the URLs are built from.

    One person with two cases: `case`, an ordinary case from an IVNA this officer
    (`police_user`) submitted, and `restricted`, restricted and allocated to `vcc_user`; and
    `other_case`, from an IVNA another officer submitted. Any other VCC must not see
    `restricted`, even in the person's history on the page of `case`.
    """
    person = PersonFactory()
    case = IvnaFactory(recorded_by=police_user, case__person=person).case
    restricted = CaseFactory(person=person, restricted=True, allocated_to=vcc_user)
    other_case = IvnaFactory().case
    # Letters: the ordinary case's was printed today; the restricted case's waits to be.
    now = timezone.now()
    letter = Letter.objects.create(
        case=case, kind="introductory", channel="post", pdf=_blank_pdf(), status="sent",
        rendered_at=now, approved_at=now, sent_at=now,
    )
    restricted_letter = Letter.objects.create(
        case=restricted, kind="introductory", channel="post", pdf=_blank_pdf(),
        status="rendered", rendered_at=now, approved_at=now,
    )
    # Volunteers: `volunteer_user` visits the victim of `restricted` (`allocation`).
    volunteer = VolunteerFactory(user=volunteer_user)
    allocation = AllocationFactory(case=restricted, volunteer=volunteer, allocated_by=vcc_user)
    referral_objects = _referral_world(restricted=restricted, vcc=vcc_user)
    return SimpleNamespace(
        **referral_objects,
        # Support: `supported`, restricted to `vcc_user`, in support with DVNA 1 and a plan.
        **support.support_world(person=person, vcc=vcc_user),
        volunteer=volunteer, allocation=allocation,
        case=case, restricted=restricted, other_case=other_case, vcc=vcc_user, letter=letter,
        restricted_letter=restricted_letter, today=timezone.localdate(),
        # A closed case is still the hub's casework (history matters for repeat victims).
        closed=CaseFactory(status="closed", closed_at=timezone.now()),
    )


def _blank_pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def _letter_states() -> list:
    return list(Letter.objects.order_by("pk").values_list("pk", "status", "sent_at"))


def _records() -> tuple[int, int, int]:
    """What a refused IVNA submission must leave as it was."""
    return Case.objects.count(), Ivna.objects.count(), User.objects.count()


def _ivna_form(world) -> dict:
    return {
        "reference": "CF/77777/25",
        "crime_type": "burglary",
        "offence_date_0": "3",
        "offence_date_1": "3",
        "offence_date_2": "2025",
        "first_name": "Ann",
        "last_name": "Example",
        "gender": "female",
        "ethnicity": "unknown",
        "first_language": "en",
        "interpreter_needed": "no",
        "district": "fenland",
        "safe_to_call": "yes",
        "may_leave_message": "no",
        "mash_referral": "no",
        "needs_support": "yes",
        "supported_elsewhere": "no",
        "safe_to_write": "yes",
        "consent_to_contact": "yes",
    }


def _self_referral_form(world) -> dict:
    """A complete self-referral, as if the form was opened a minute ago. Each test is a new
    visitor: the earlier tests' submissions from the test client's address are forgotten."""
    import time

    from django.core.cache import cache

    from cases.selfreferral import issue_form_token, rate_limit_key

    cache.delete(rate_limit_key("127.0.0.1"))
    return {
        "started": issue_form_token(now=time.time() - 60),
        "asked_by": "victim",
        "first_name": "Ann",
        "under_18": "no",
        "phone": "07700 900123",
        "safe_to_call": "yes",
        "may_leave_message": "no",
        "safe_to_write": "no",
    }


SIGNED_IN = (POLICE, VCC, MANAGER, VOLUNTEER, OPCC)
NO_CASEWORK = {POLICE: FORBIDDEN, VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
NOT_POLICE = {VCC: FORBIDDEN, MANAGER: FORBIDDEN, VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
# Django admin sends everyone who is not admin staff to its own sign-in.
ADMIN_LOGIN = refused_to(f"{reverse('admin:login')}?next={reverse('admin:index')}", "admin sign-in")
LANDING = "Support for victims of crime"
SIGN_IN_LINK = f'href="{reverse("login")}"'
CASES = reverse("cases:list")
WORK = reverse("scheduling:my_work")


def _call(world) -> dict:
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "made_on": yesterday.isoformat(),
        "made_at_time": "10:30",
        "number_used": "07700900123",
        "outcome": "no_answer",
    }


def _attempts() -> int:
    return ContactAttempt.objects.count()


def _notes() -> int:
    return ContactNote.objects.count()


def _allocation() -> list:
    return list(Case.objects.order_by("pk").values_list("allocated_to", flat=True))


# Casework actions on the restricted case: its VCC and managers may, another VCC finds nothing.
def _casework_action(*, vcc: Outcome, manager: Outcome | None = None) -> dict:
    return {
        ANONYMOUS: LOGIN,
        **NO_CASEWORK,
        VCC: vcc,
        MANAGER: manager or vcc,
        OTHER_VCC: NOT_FOUND,
    }


# Referrals and transfers: a directory service the restricted case's victim consented to
# share with, a plan action waiting to be referred to it, and a referral already sent.
def _referral_world(*, restricted, vcc) -> dict:
    from assessments.models import ConsentToShare
    from referrals.models import Referral, SupportService
    from support.models import PlanAction, RecoveryPlan

    service = SupportService.objects.create(
        name="Matrix Advocacy Service", referral_email="referrals@matrix.example.org"
    )
    plan, _ = RecoveryPlan.objects.get_or_create(case=restricted, defaults={"agreed_by": vcc})
    referral_action = PlanAction.objects.create(
        plan=plan, kind="specialist_referral", description="Advocacy", service=service
    )
    referred = PlanAction.objects.create(
        plan=plan, kind="community_signposting", description="Group", service=service
    )
    consent = ConsentToShare.objects.create(
        case=restricted, service=service, given=True, recorded_by=vcc
    )
    referral = Referral.objects.create(
        case=restricted, action=referred, service=service, consent=consent,
        shared_contact_details=True, shared_crime_details=False, shared_needs=True,
        sent_by=vcc, document=_blank_pdf(), emailed_to=service.referral_email,
    )
    return {"referral_service": service, "referral_action": referral_action,
            "referral": referral}


def _services() -> list:
    from referrals.models import SupportService

    return list(SupportService.objects.order_by("pk").values_list("pk", "name", "active"))


def _referrals() -> list:
    from referrals.models import Referral

    return list(Referral.objects.order_by("pk").values_list("pk", "status", "chases",
                                                           "email_error"))


def _transfers() -> tuple[int, int]:
    from referrals.models import Transfer

    return Transfer.objects.count(), Case.objects.count()


def _service_form(world) -> dict:
    return {"name": "Matrix Signposting", "commissioned_by_pcc": "False", "national": "False",
            "how_to_refer": "By phone"}


def _transfer_out_form(world) -> dict:
    return {"area": "Norfolk", "organisation_name": "Norfolk Victim Care",
            "contact_email": "referrals@norfolk.example.org", "shared": ["identity"]}


def _transfer_in_form(world) -> dict:
    return {
        "organisation": "british_transport_police", "their_reference": "BTP-1",
        "crime_type": "robbery", "offence_date_0": "3", "offence_date_1": "3",
        "offence_date_2": "2025", "first_name": "Piotr", "last_name": "Nowak",
        "gender": "male", "ethnicity": "unknown", "first_language": "pl",
        "interpreter_needed": "no", "district": "peterborough", "safe_to_call": "yes",
        "may_leave_message": "no", "safe_to_write": "yes",
    }


def _transfer_api(world) -> dict:
    return {
        "sending_organisation": {"kind": "action_fraud"},
        "reference": "NFRC250300001",
        "crime": {"crime_type": "fraud", "offence_date": "2025-03-01"},
        "victim": {"first_name": "Mary", "last_name": "Smith", "district": "fenland"},
    }


# Retention and the data subject (privacy): hub managers only; to anyone else a 403.
def _privacy_managers_only(manager: Outcome, *, of_object: bool = False) -> dict:
    expect = {ANONYMOUS: LOGIN, POLICE: FORBIDDEN, VCC: FORBIDDEN, MANAGER: manager,
              VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
    return {**expect, OTHER_VCC: FORBIDDEN} if of_object else expect


def _privacy_schedule_form(world) -> dict:
    from privacy.models import RetentionRule

    return {f"years_{rule.key}": rule.years + 1 for rule in RetentionRule.objects.all()}


def _privacy_schedule() -> list:
    from privacy.models import RetentionRule

    return list(RetentionRule.objects.order_by("pk").values_list("pk", "years"))


def _privacy_holds() -> tuple[int, int]:
    from privacy.models import LegalHold

    return LegalHold.objects.count(), LegalHold.objects.filter(lifted_at__isnull=False).count()


def _privacy_lifted() -> int:
    from privacy.models import LegalHold

    return LegalHold.objects.filter(lifted_at__isnull=False).count()


def _privacy_hold_to_lift(world) -> dict:
    from privacy.models import LegalHold

    hold = LegalHold.objects.create(case=world.case, reason="other", detail="Matrix hold",
                                    placed_by=world.vcc)
    return {"hold": hold.pk, "reason": "No longer needed"}


def _privacy_requests() -> tuple:
    from cases.models import Person
    from privacy.models import DataSubjectRequest

    return (list(DataSubjectRequest.objects.values_list("kind", "decision")),
            list(Person.objects.order_by("pk").values_list("pk", "phone", "first_name")))


def _privacy_rectify_form(world) -> dict:
    person = world.case.person
    dob = person.date_of_birth
    return {
        "first_name": person.first_name, "last_name": person.last_name,
        "date_of_birth_0": dob.day if dob else "", "date_of_birth_1": dob.month if dob else "",
        "date_of_birth_2": dob.year if dob else "", "phone": "07700900321",
        "email": person.email, "address_line1": person.address_line1,
        "address_line2": person.address_line2, "town": person.town,
        "postcode": person.postcode, "safe_to_call": "yes", "may_leave_message": "no",
        "safe_to_write": "yes", "safe_contact_notes": person.safe_contact_notes,
        "reason": "The victim gave a new number.",
    }


MATRIX = PermissionMatrix(
    [
        # --- public pages and signing in and out ---
        View(
            "landing",
            expect={
                ANONYMOUS: allowed(LANDING, SIGN_IN_LINK),
                **{a: allowed(LANDING, "Go to your work") for a in SIGNED_IN},
            },
        ),
        # Monitoring (hub/health.py): open to everyone, and shows nothing of anyone's.
        View(
            "health",
            expect={
                a: allowed('"database"', excludes=[ref("case")]) for a in (ANONYMOUS, *SIGNED_IN)
            },
        ),
        # Self-referral: public, for anyone (no police report needed).
        View(
            "self_referral",
            expect={
                a: allowed("Ask for support", "Exit this page")
                for a in (ANONYMOUS, *SIGNED_IN)
            },
        ),
        View(
            "self_referral",
            method="post",
            data=_self_referral_form,
            expect={
                a: redirects(reverse("self_referral_done"), "VH-0")
                for a in (ANONYMOUS, *SIGNED_IN)
            },
        ),
        View(
            # Nothing in this session to show: back to the form, never a look-up by URL.
            "self_referral_done",
            expect={
                a: redirects(reverse("self_referral"), "Ask for support")
                for a in (ANONYMOUS, *SIGNED_IN)
            },
        ),
        View(
            "login",
            expect={
                ANONYMOUS: allowed('name="password"'),
                **{a: redirects(reverse("home")) for a in SIGNED_IN},
            },
        ),
        View(
            "login",
            method="post",
            data=lambda w: {"username": w.vcc.username, "password": PASSWORD},
            expect={
                ANONYMOUS: redirects(reverse("home")),
                **{a: redirects(reverse("home")) for a in SIGNED_IN},
            },
        ),
        # Two-factor pages: everyone here has passed both steps (conftest), so they move on.
        View(
            "accounts:two_factor",
            expect={ANONYMOUS: LOGIN, **{a: redirects("/home/") for a in SIGNED_IN}},
        ),
        View(
            "accounts:two_factor",
            method="post",
            data=lambda w: {"token": "123456"},
            expect={ANONYMOUS: LOGIN, **{a: redirects("/home/") for a in SIGNED_IN}},
        ),
        View(
            "accounts:two_factor_setup",
            expect={
                ANONYMOUS: LOGIN,
                **{a: redirects("/two-factor/?next=/home/") for a in SIGNED_IN},
            },
        ),
        View(
            "accounts:two_factor_setup",
            method="post",
            data=lambda w: {"token": "123456"},
            expect={
                ANONYMOUS: LOGIN,
                **{a: redirects("/two-factor/?next=/home/") for a in SIGNED_IN},
            },
        ),
        View(
            "logout",
            method="post",
            expect={
                ANONYMOUS: LOGIN,
                # Signed out: the landing page offers sign-in again.
                **{a: redirects(reverse("landing"), SIGN_IN_LINK) for a in SIGNED_IN},
            },
        ),
        View(
            "home",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: redirects(reverse("assessments:my_submissions"), "My IVNA submissions"),
                VCC: redirects(WORK, "My work"),
                MANAGER: redirects(WORK, "My work"),
                VOLUNTEER: redirects(reverse("volunteers:my_visits"), "My visits"),
                OPCC: allowed("Performance figures"),
            },
        ),
        # --- casework: VCCs and managers ---
        View(
            "cases:list",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed(ref("case"), ref("restricted"), ref("other_case")),
                MANAGER: allowed(ref("case"), ref("restricted"), ref("other_case")),
                OTHER_VCC: allowed(ref("case"), ref("other_case"), excludes=[ref("restricted")]),
            },
        ),
        View(
            # The search term is posted, kept in the session, and the list shown again.
            "cases:list",
            method="post",
            data=lambda w: {"q": w.restricted.crime.reference},
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: redirects(f"{CASES}?", ref("restricted"), excludes=[ref("case")]),
                MANAGER: redirects(f"{CASES}?", ref("restricted"), excludes=[ref("case")]),
                OTHER_VCC: redirects(f"{CASES}?", "0 cases", excludes=[ref("restricted")]),
            },
        ),
        View(
            "cases:detail",
            of="case",
            label="open",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                # The person's other cases include the restricted one only for who may open it.
                VCC: allowed(ref("case"), ref("restricted")),
                MANAGER: allowed(ref("case"), ref("restricted")),
                OTHER_VCC: allowed(ref("case"), excludes=[ref("restricted")]),
            },
        ),
        View(
            "cases:detail",
            of="restricted",
            label="restricted",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed(ref("restricted"), "Restricted"),
                MANAGER: allowed(ref("restricted"), "Restricted"),
                # No case data: only "This record is restricted" and the break-glass form.
                OTHER_VCC: restricted_notice(),
            },
        ),
        View(
            "cases:detail",
            of="closed",
            label="closed",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed(ref("closed"), "Closed"),
                MANAGER: allowed(ref("closed"), "Closed"),
                OTHER_VCC: allowed(ref("closed"), "Closed"),
            },
        ),
        View(
            "cases:audit",
            of="restricted",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed(ref("restricted"), "Audit history"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        View(
            # Every case of the person, less the restricted ones the user may not open.
            "people:detail",
            of="case.person",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed(ref("case"), ref("restricted"), "Everything for this person"),
                MANAGER: allowed(ref("case"), ref("restricted")),
                OTHER_VCC: allowed(ref("case"), excludes=[ref("restricted")]),
            },
        ),
        # --- IVNAs: police staff, their own submissions only ---
        View(
            "assessments:my_submissions",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: allowed(ref("case"), excludes=[ref("other_case")]),
                **NOT_POLICE,
                OTHER_POLICE: allowed(
                    "You have not submitted any IVNAs yet",
                    excludes=[ref("case"), ref("other_case")],
                ),
            },
        ),
        View(
            "assessments:ivna_new",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: allowed("Submit IVNA", 'name="reference"'),
                **NOT_POLICE,
            },
        ),
        View(
            "assessments:ivna_new",
            method="post",
            data=_ivna_form,
            unchanged=_records,
            expect={
                ANONYMOUS: LOGIN,
                POLICE: redirects(re.compile(r"/ivnas/\d+/submitted/"), "IVNA submitted"),
                **NOT_POLICE,
            },
        ),
        View(
            "assessments:submitted",
            of="case",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: allowed("IVNA submitted", ref("case")),
                **NOT_POLICE,
                OTHER_POLICE: NOT_FOUND,
            },
        ),
        # --- the API: tokens for machine clients, sessions for staff ---
        View(
            "api-ivna-create",
            method="post",
            data=lambda w: ivna_payload(),
            unchanged=_records,
            expect={
                ANONYMOUS: UNAUTHORIZED,
                POLICE: allowed('"case_id"', '"route"', status=201),
                POLICE_API: allowed('"case_id"', '"route"', status=201),
                **NOT_POLICE,
                OPCC_API: FORBIDDEN,
            },
        ),
        View(
            "api-performance-flow",
            data=lambda w: {"from": "2025-01-01", "to": "2025-12-31"},
            expect={
                ANONYMOUS: UNAUTHORIZED,
                POLICE: FORBIDDEN,
                VCC: FORBIDDEN,
                MANAGER: allowed('"referred"', '"supported_rate"'),
                VOLUNTEER: FORBIDDEN,
                OPCC: allowed('"referred"', '"supported_rate"'),
                POLICE_API: FORBIDDEN,
                OPCC_API: allowed('"referred"', '"supported_rate"'),
            },
        ),
        View(
            "api-returns-quarterly",
            data=lambda w: {"year": "2025", "quarter": "1"},
            expect={
                ANONYMOUS: UNAUTHORIZED,
                POLICE: FORBIDDEN,
                VCC: FORBIDDEN,
                MANAGER: allowed('"suppression_rule"', '"breakdowns"'),
                VOLUNTEER: FORBIDDEN,
                OPCC: allowed('"suppression_rule"', '"breakdowns"'),
                POLICE_API: FORBIDDEN,
                OPCC_API: allowed('"suppression_rule"', '"breakdowns"'),
            },
        ),
        View(
            "api-schema",
            expect={
                ANONYMOUS: UNAUTHORIZED,
                **{
                    a: allowed("/api/v1/ivnas/")
                    for a in (*SIGNED_IN, POLICE_API, OPCC_API)
                },
            },
        ),
        View(
            "api-docs",
            expect={
                ANONYMOUS: UNAUTHORIZED,
                **{
                    # The split view: Swagger UI's start-up script is a file (CSP: no inline).
                    a: allowed("swagger-ui", "?script=")
                    for a in (*SIGNED_IN, POLICE_API, OPCC_API)
                },
            },
        ),
        # --- letters: a letter's PDF and the post room, for casework users ---
        View(
            "letters:download",
            of="letter",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("%PDF"),
                MANAGER: allowed("%PDF"),
                OTHER_VCC: allowed("%PDF"),
            },
        ),
        View(
            "letters:download",
            of="restricted_letter",
            label="restricted",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("%PDF"),
                MANAGER: allowed("%PDF"),
                OTHER_VCC: NOT_FOUND,
            },
        ),
        View(
            "letters:post_room",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("Post room", "Print today"),
                MANAGER: allowed("Post room", "Print today"),
                # The only letter waiting is a restricted case's: not theirs to print.
                OTHER_VCC: allowed("Post room", excludes=["Print today"]),
            },
        ),
        View(
            "letters:print_run",
            method="post",
            unchanged=_letter_states,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("%PDF"),
                MANAGER: allowed("%PDF"),
                OTHER_VCC: redirects(reverse("letters:post_room"), NO_LETTERS_TO_PRINT),
            },
        ),
        View(
            "letters:day_batch",
            of="today",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("%PDF"),
                MANAGER: allowed("%PDF"),
                OTHER_VCC: allowed("%PDF"),
            },
        ),
        # --- contact work on a case (the restricted one: its VCC and managers only) ---
        View(
            "contact:record_attempt",
            of="restricted",
            expect=_casework_action(vcc=allowed("Record a call", ref("restricted"))),
        ),
        View(
            "contact:record_attempt",
            method="post",
            of="restricted",
            data=_call,
            unchanged=_attempts,
            expect=_casework_action(vcc=redirects(re.compile(r"/cases/\d+/"), "no answer")),
        ),
        View(
            "contact:record_outcome",
            of="restricted",
            expect=_casework_action(vcc=allowed("Record the outcome of contact")),
        ),
        View(
            "contact:record_outcome",
            method="post",
            of="restricted",
            data=lambda w: {"outcome": "accepted"},
            expect=_casework_action(
                vcc=allowed("Record the call on which the victim was contacted first")
            ),
        ),
        View(
            "contact:add_note",
            of="restricted",
            expect=_casework_action(vcc=allowed("Add a note", ref("restricted"))),
        ),
        View(
            "contact:add_note",
            method="post",
            of="restricted",
            data=lambda w: {"text": "Rang the school"},
            unchanged=_notes,
            expect=_casework_action(vcc=redirects(re.compile(r"/cases/\d+/"), "Rang the school")),
        ),
        View(
            "contact:got_in_touch",
            method="post",
            of="restricted",
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "already open for contact")
            ),
        ),
        View(
            "contact:retry_letter",
            method="post",
            of="restricted, restricted_letter",
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "Only a failed letter")
            ),
        ),
        View(
            "cases:allocate",
            method="post",
            of="restricted",
            data=lambda w: {"to": "me"},
            unchanged=_allocation,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "allocated to"),
            ),
        ),
        # --- Support: DVNA, recovery plan, reviews, closure (`supported`: its VCC, managers) ---
        View(
            "dvna:new",
            of="supported",
            expect=_casework_action(vcc=allowed("Reassessment: DVNA 2", ref("supported"))),
        ),
        View(
            "dvna:new",
            method="post",
            of="supported",
            data=support.matrix_dvna,
            unchanged=support.support_records,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "DVNA 2 has been saved")
            ),
        ),
        View(
            "dvna:detail",
            of="supported, supported_dvna.number",
            expect=_casework_action(vcc=allowed("DVNA 1", "The eight areas of need")),
        ),
        View(
            "dvna:edit",
            of="supported, supported_dvna.number",
            expect=_casework_action(vcc=allowed("Correct DVNA 1", 'name="version"')),
        ),
        View(
            "dvna:edit",
            method="post",
            of="supported, supported_dvna.number",
            data=support.matrix_dvna_correction,
            unchanged=support.support_records,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/dvna/1/"), "DVNA 1 has been corrected")
            ),
        ),
        View(
            "support:plan",
            of="supported",
            expect=_casework_action(vcc=allowed("Recovery plan", "Add an action")),
        ),
        View(
            # The plan is agreed already: both methods lead to it.
            "support:plan_new",
            of="supported",
            expect=_casework_action(vcc=redirects(re.compile(r"/cases/\d+/plan/"))),
        ),
        View(
            "support:plan_new",
            method="post",
            of="supported",
            unchanged=support.support_records,
            expect=_casework_action(vcc=redirects(re.compile(r"/cases/\d+/plan/"))),
        ),
        View(
            "support:plan_date",
            of="supported",
            expect=_casework_action(vcc=allowed("Change the date of the next review")),
        ),
        View(
            "support:plan_date",
            method="post",
            of="supported",
            data=support.matrix_review_date,
            unchanged=support.support_records,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/plan/"), "The review date has been changed")
            ),
        ),
        View(
            "support:action_new",
            of="supported",
            expect=_casework_action(vcc=allowed("Add an action to the plan")),
        ),
        View(
            "support:action_new",
            method="post",
            of="supported",
            data=support.matrix_action,
            unchanged=support.support_records,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/plan/"), "Fortnightly call")
            ),
        ),
        View(
            "support:action_edit",
            of="supported, supported_action",
            expect=_casework_action(vcc=allowed("Change an action", "Weekly call")),
        ),
        View(
            "support:action_edit",
            method="post",
            of="supported, supported_action",
            data=support.matrix_action,
            unchanged=support.support_records,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/plan/"), "The action has been saved")
            ),
        ),
        View(
            "support:review_new",
            of="supported",
            expect=_casework_action(vcc=allowed("Record a review", "Progress of the actions")),
        ),
        View(
            "support:review_new",
            method="post",
            of="supported",
            data=support.matrix_review,
            unchanged=support.support_records,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "The review has been recorded")
            ),
        ),
        View(
            "support:close",
            of="supported",
            expect=_casework_action(vcc=allowed("Close the case", "need found: high")),
        ),
        View(
            "support:close",
            method="post",
            of="supported",
            data=support.matrix_close,
            unchanged=support.support_records,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "The case has been closed")
            ),
        ),
        View(
            # Asked only after closure: `supported` is still in support.
            "support:survey",
            of="supported",
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "asked once support has been closed")
            ),
        ),
        View(
            "support:survey",
            method="post",
            of="supported",
            data=support.matrix_survey,
            unchanged=support.support_records,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "asked once support has been closed")
            ),
        ),
        # --- My work and the team ---
        View(
            "scheduling:my_work",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("My work", "Unallocated queue"),
                MANAGER: allowed("My work", "Unallocated queue"),
            },
        ),
        View(
            "scheduling:approve_letters",
            method="post",
            data=lambda w: {"letter": [w.restricted_letter.pk]},
            unchanged=_letter_states,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: redirects(WORK),
                MANAGER: redirects(WORK),
                OTHER_VCC: redirects(WORK, "Select the letters you have checked"),
            },
        ),
        View(
            "scheduling:team",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Team workload"),
            },
        ),
        View(
            "scheduling:reallocate",
            method="post",
            data=lambda w: {"from_user": w.vcc.pk, "to_user": ""},
            unchanged=_allocation,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(reverse("scheduling:team"), "open cases moved"),
            },
        ),
        # --- The dashboard: managers only (its counts link to named cases, so the OPCC,
        # which has performance figures through the API, is refused here) ---
        View(
            "reporting:dashboard",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Flow of victims through the hub", 'data-testid="flow-referred"'),
            },
        ),
        View(
            "reporting:export",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Victims' Hub dashboard", "Counting rules"),
            },
        ),
        # --- Volunteers: the pool for managers; a volunteer for a case (the restricted one:
        # its VCC and managers only); a volunteer's own visits (only their victims) ---
        View(
            "volunteers:pool",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("The pool against the service specification",
                                 'data-testid="volunteer-row"'),
            },
        ),
        View(
            "volunteers:add",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Add a volunteer", 'name="username"'),
            },
        ),
        View(
            "volunteers:add",
            method="post",
            data=lambda w: {
                "first_name": "Ioana", "last_name": "Popescu", "username": "ipopescu",
                "password": "a-long-first-password-42", "languages": ["ro", "en"],
                "districts": ["peterborough"], "hours_per_week": "4", "available": "yes",
            },
            unchanged=lambda: (Volunteer.objects.count(), User.objects.count()),
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(reverse("volunteers:pool"), "added to the volunteer pool"),
            },
        ),
        View(
            "volunteers:edit",
            of="volunteer",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Still volunteering with the hub?"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        View(
            "volunteers:edit",
            method="post",
            of="volunteer",
            data=lambda w: {
                "languages": ["en"], "districts": ["fenland"], "hours_per_week": "6",
                "available": "no", "active": "yes",
                "trained_on": w.volunteer.trained_on.isoformat(),
                "accredited_on": w.volunteer.accredited_on.isoformat(),
                "accreditation_expires_on": w.volunteer.accreditation_expires_on.isoformat(),
            },
            unchanged=lambda: list(
                Volunteer.objects.order_by("pk").values_list("pk", "available", "hours_per_week")
            ),
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(reverse("volunteers:pool"), "profile has been saved"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        View(
            "volunteers:allocate",
            of="restricted",
            expect=_casework_action(vcc=allowed("Allocate a volunteer", ref("restricted"))),
        ),
        View(
            # The restricted case has its volunteer already: one at a time.
            "volunteers:allocate",
            method="post",
            of="restricted",
            data=lambda w: {"volunteer": w.volunteer.pk},
            unchanged=lambda: list(
                VolunteerAllocation.objects.order_by("pk").values_list("pk", "active")
            ),
            expect=_casework_action(
                vcc=redirects(re.compile(r"/volunteers/cases/\d+/allocate/"),
                              "already supports this victim"),
            ),
        ),
        View(
            "volunteers:end_allocation",
            of="allocation",
            expect=_casework_action(vcc=allowed("End the allocation", ref("restricted"))),
        ),
        View(
            "volunteers:end_allocation",
            method="post",
            of="allocation",
            unchanged=lambda: list(
                VolunteerAllocation.objects.order_by("pk").values_list("pk", "active")
            ),
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/#volunteer"), "allocation has ended"),
            ),
        ),
        View(
            "volunteers:log_hours",
            of="allocation",
            expect=_casework_action(vcc=allowed("Log the hours", ref("restricted"))),
        ),
        View(
            "volunteers:log_hours",
            method="post",
            of="allocation",
            data=lambda w: {"date": (w.today - timedelta(days=1)).isoformat(), "hours": "2"},
            unchanged=lambda: VolunteerHours.objects.count(),
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/#volunteer"), "2 hours logged for"),
            ),
        ),
        View(
            # Only what the visits need: the phone, never the crime or the case reference.
            "volunteers:my_visits",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: FORBIDDEN,
                VCC: FORBIDDEN,
                MANAGER: FORBIDDEN,
                OPCC: FORBIDDEN,
                VOLUNTEER: allowed(
                    "My visits", "07700900123",
                    excludes=[lambda w: w.restricted.crime.reference, ref("restricted"),
                              lambda w: w.case.crime.reference, ref("case")],
                ),
                OTHER_VOLUNTEER: allowed(
                    "No victims are allocated to you", excludes=["07700900123"]
                ),
            },
        ),
        View(
            "volunteers:visit",
            of="allocation",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: FORBIDDEN,
                VCC: FORBIDDEN,
                MANAGER: FORBIDDEN,
                OPCC: FORBIDDEN,
                VOLUNTEER: allowed(
                    "Log your hours", "07700900123",
                    excludes=[lambda w: w.restricted.crime.reference, ref("restricted")],
                ),
                OTHER_VOLUNTEER: NOT_FOUND,
            },
        ),
        View(
            "volunteers:visit",
            method="post",
            of="allocation",
            data=lambda w: {"date": (w.today - timedelta(days=1)).isoformat(), "hours": "1.5"},
            unchanged=lambda: VolunteerHours.objects.count(),
            expect={
                ANONYMOUS: LOGIN,
                POLICE: FORBIDDEN,
                VCC: FORBIDDEN,
                MANAGER: FORBIDDEN,
                OPCC: FORBIDDEN,
                VOLUNTEER: redirects(re.compile(r"/volunteers/my-visits/\d+/"),
                                     "1.5 hours logged"),
                OTHER_VOLUNTEER: NOT_FOUND,
            },
        ),
        # --- The service directory: read by casework users, changed by managers only ---
        View(
            "referrals:directory",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("Matrix Advocacy Service", excludes=["Add a service"]),
                MANAGER: allowed("Matrix Advocacy Service", "Add a service"),
            },
        ),
        View(
            "referrals:service_add",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Add a service", 'name="referral_email"'),
            },
        ),
        View(
            "referrals:service_add",
            method="post",
            data=_service_form,
            unchanged=_services,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(reverse("referrals:directory"), "Matrix Signposting is saved"),
            },
        ),
        View(
            "referrals:service_edit",
            of="referral_service",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Change Matrix Advocacy Service"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        View(
            "referrals:service_edit",
            method="post",
            of="referral_service",
            data=_service_form,
            unchanged=_services,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(reverse("referrals:directory"), "Matrix Signposting is saved"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        View(
            "referrals:service_deactivate",
            of="referral_service",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Deactivate Matrix Advocacy Service?"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        View(
            "referrals:service_deactivate",
            method="post",
            of="referral_service",
            unchanged=_services,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(reverse("referrals:directory"), "has been deactivated"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        View(
            "referrals:service_reactivate",
            method="post",
            of="referral_service",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(reverse("referrals:directory"), "is back in the directory"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        # --- Referrals from a plan action (the restricted case: its VCC and managers only) ---
        View(
            "referrals:create",
            of="restricted, referral_action",
            expect=_casework_action(vcc=allowed("Make a referral", "What the referral will carry")),
        ),
        View(
            "referrals:create",
            method="post",
            of="restricted, referral_action",
            unchanged=_referrals,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "has been sent by email")
            ),
        ),
        View(
            "referrals:accepted",
            method="post",
            of="restricted, referral",
            unchanged=_referrals,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "is recorded as accepted")
            ),
        ),
        View(
            "referrals:declined",
            of="restricted, referral",
            expect=_casework_action(vcc=allowed("Matrix Advocacy Service declined the referral")),
        ),
        View(
            "referrals:declined",
            method="post",
            of="restricted, referral",
            data=lambda w: {"reason": "Outside our area"},
            unchanged=_referrals,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "is recorded as declined")
            ),
        ),
        View(
            "referrals:completed",
            method="post",
            of="restricted, referral",
            unchanged=_referrals,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "cannot be recorded as completed")
            ),
        ),
        View(
            "referrals:chased",
            method="post",
            of="restricted, referral",
            unchanged=_referrals,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "The chase of Matrix Advocacy Service")
            ),
        ),
        View(
            "referrals:resend",
            method="post",
            of="restricted, referral",
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "will be sent again")
            ),
        ),
        View(
            "referrals:document",
            of="restricted, referral",
            expect=_casework_action(vcc=allowed("%PDF")),
        ),
        # --- Transfers between police areas ---
        View(
            "referrals:transfer_out",
            of="restricted",
            expect=_casework_action(vcc=allowed("Transfer to another area", ref("restricted"))),
        ),
        View(
            "referrals:transfer_out",
            method="post",
            of="restricted",
            data=_transfer_out_form,
            unchanged=_transfers,
            # The restricted case's victim lives in Fenland: the form says why it cannot go.
            expect=_casework_action(vcc=allowed("Only a victim who lives outside")),
        ),
        View(
            "referrals:transfer_in",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Record a transfer from another area", 'name="their_reference"'),
            },
        ),
        View(
            "referrals:transfer_in",
            method="post",
            data=_transfer_in_form,
            unchanged=_transfers,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(re.compile(r"/cases/\d+/"), "Transfer recorded"),
            },
        ),
        View(
            "api-transfer-create",
            method="post",
            data=_transfer_api,
            unchanged=_transfers,
            expect={
                ANONYMOUS: UNAUTHORIZED,
                POLICE: allowed('"case_id"', '"victim_id"', status=201),
                POLICE_API: allowed('"case_id"', '"victim_id"', status=201),
                **NOT_POLICE,
                OPCC_API: FORBIDDEN,
            },
        ),
        # --- Retention and the data subject: hub managers only ---
        View(
            "privacy:schedule",
            expect=_privacy_managers_only(allowed("Retention schedule", "Letter only")),
        ),
        View(
            "privacy:schedule",
            method="post",
            data=_privacy_schedule_form,
            unchanged=_privacy_schedule,
            expect=_privacy_managers_only(
                redirects(reverse("privacy:schedule"), "Retention schedule saved")
            ),
        ),
        View("privacy:holds", expect=_privacy_managers_only(allowed("Legal holds"))),
        View(
            "privacy:lift_hold",
            method="post",
            data=_privacy_hold_to_lift,
            unchanged=_privacy_lifted,
            expect=_privacy_managers_only(redirects(re.compile(r"/cases/\d+/"), "lifted")),
        ),
        View(
            "privacy:case_hold",
            of="restricted",
            expect=_privacy_managers_only(
                allowed("Place a legal hold", ref("restricted")), of_object=True
            ),
        ),
        View(
            "privacy:case_hold",
            method="post",
            of="restricted",
            data=lambda w: {"reason": "investigation", "detail": "Trial listed"},
            unchanged=_privacy_holds,
            expect=_privacy_managers_only(
                redirects(re.compile(r"/cases/\d+/"), "Legal hold placed on case"),
                of_object=True,
            ),
        ),
        View(
            "privacy:person_hold",
            of="case.person",
            expect=_privacy_managers_only(allowed("Place a legal hold"), of_object=True),
        ),
        View(
            "privacy:person_hold",
            method="post",
            of="case.person",
            data=lambda w: {"reason": "domestic_homicide_review", "detail": "DHR panel"},
            unchanged=_privacy_holds,
            expect=_privacy_managers_only(
                redirects(re.compile(r"/people/\d+/subject-access/"), "Legal hold placed on"),
                of_object=True,
            ),
        ),
        View(
            "privacy:subject_access",
            of="case.person",
            expect=_privacy_managers_only(
                allowed("Subject access request", "Download the bundle (PDF)", ref("restricted")),
                of_object=True,
            ),
        ),
        View(
            "privacy:subject_access_json",
            of="case.person",
            expect=_privacy_managers_only(
                allowed("victims-hub-subject-access/1", ref("restricted")), of_object=True
            ),
        ),
        View(
            "privacy:subject_access_pdf",
            of="case.person",
            expect=_privacy_managers_only(allowed("%PDF"), of_object=True),
        ),
        View(
            "privacy:rectify",
            of="case.person",
            expect=_privacy_managers_only(allowed("Correct their details"), of_object=True),
        ),
        View(
            "privacy:rectify",
            method="post",
            of="case.person",
            data=_privacy_rectify_form,
            unchanged=_privacy_requests,
            expect=_privacy_managers_only(
                redirects(re.compile(r"/people/\d+/subject-access/"), "Correction recorded"),
                of_object=True,
            ),
        ),
        View(
            "privacy:erasure",
            of="case.person",
            expect=_privacy_managers_only(allowed("Record an erasure request"), of_object=True),
        ),
        View(
            "privacy:erasure",
            method="post",
            of="case.person",
            data=lambda w: {"decision": "refused", "reason": "A claim is being defended."},
            unchanged=_privacy_requests,
            expect=_privacy_managers_only(
                redirects(re.compile(r"/people/\d+/subject-access/"), "recorded as refused"),
                of_object=True,
            ),
        ),
        # --- Restricted cases (break the glass, named users) and "who looked?": tests/audit ---
        *AUDIT_VIEWS,
        # --- Django admin: superusers only (hub roles are never admin staff) ---
        View(
            "admin:index",
            expect={
                **{a: ADMIN_LOGIN for a in (ANONYMOUS, *SIGNED_IN)},
            },
        ),
    ]
)


@pytest.mark.parametrize(("view", "actor"), MATRIX.params())
def test_permission(view, actor, request, world):
    MATRIX.check(view, actor, request=request, world=world)


# --- The matrix is complete ---------------------------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")
# PUT on a Django form view is its POST handler (with an empty form): the POST entry covers it.
DELEGATED = {ProcessFormView.put}


def _url_patterns(resolver=None, namespace=""):
    """(qualified name or None, pattern) for every URL pattern, through every include."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin: covered by the "admin:index" entry
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            module = getattr(pattern.callback, "__module__", "")
            if module.startswith(("django.views.static", "django.contrib.staticfiles")):
                continue
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, pattern


def _methods(callback) -> set[str]:
    """The HTTP methods a class-based view answers (a function view: unknown, so none)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return set()
    return {
        m
        for m in METHODS
        if m in view_class.http_method_names
        and getattr(view_class, m, None) is not None
        and getattr(view_class, m) not in DELEGATED
    }


def test_every_url_is_in_the_matrix():
    covered = MATRIX.covered()
    covered_names = {name for name, _ in covered}
    missing = []
    for name, pattern in _url_patterns():
        if name is None:
            missing.append(f"{pattern.pattern} has no name (name it and add it to the matrix)")
            continue
        if name not in covered_names:
            missing.append(f"{name} ({pattern.pattern})")
            continue
        missing += [
            f"{method.upper()} {name}"
            for method in sorted(_methods(pattern.callback))
            if (name, method) not in covered
        ]
    assert not missing, "No permission-matrix entry for: " + "; ".join(missing)


def test_the_walk_sees_the_project():
    """Guard the completeness test itself: the walk finds the views it must."""
    names = {name for name, _ in _url_patterns()}
    assert {"landing", "cases:detail", "assessments:submitted", "api-ivna-create"} <= names
    assert not any(name and name.startswith("admin:") for name in names)


# --- No list shows what its reader may not open -------------------------------------------

CASE_LINK = re.compile(r'href="/cases/(\d+)/"')


@pytest.mark.parametrize("actor", [VCC, MANAGER, OTHER_VCC], ids=str)
def test_case_lists_show_only_cases_the_user_may_open(actor, request, world):
    client = actor.client(request)
    body = client.get(CASES, {"status": "all"}).content.decode()
    listed = {int(pk) for pk in CASE_LINK.findall(body)}
    openable = {
        pk
        for pk in Case.objects.values_list("pk", flat=True)
        if client.get(reverse("cases:detail", args=[pk])).status_code == 200
    }
    assert listed == openable, f"{actor}: listed {sorted(listed)}, may open {sorted(openable)}"
    # The person's history on each case page: 0 foreign cases there too.
    for pk in openable:
        page = client.get(reverse("cases:detail", args=[pk])).content.decode()
        linked = {int(other) for other in CASE_LINK.findall(page)}
        assert linked <= openable, f"{actor}: case {pk} links to {sorted(linked - openable)}"


@pytest.mark.parametrize("actor", [POLICE, OTHER_POLICE], ids=str)
def test_submissions_list_shows_only_own_ivnas(actor, request, world):
    client = actor.client(request)
    body = client.get(reverse("assessments:my_submissions")).content.decode()
    user = User.objects.get(pk=client.session[SESSION_KEY])
    shown = set(re.findall(r"VH-\d{6}", body))
    own = {ivna.case.reference for ivna in Ivna.objects.filter(recorded_by=user)}
    assert shown == own


def test_a_superuser_may_open_the_admin(client, db):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    assert client.get(reverse("admin:index")).status_code == 200


def test_matrix_size():
    """Every view is checked for at least the six actors (anonymous and the five roles)."""
    assert len(MATRIX) >= 6 * len(MATRIX.views)
