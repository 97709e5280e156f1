"""The objects the permission matrix's URLs are built from (its `world`), made once per test
module (tests/matrix/conftest.py) and rolled back to after every test."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_api_client
from intake.models import ProposedChange
from tests.assessments import builders as support
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    HoursFactory,
    IvnaFactory,
    LetterFactory,
    PersonFactory,
    PlanActionFactory,
    RecoveryPlanFactory,
    ReferralFactory,
    SupportServiceFactory,
    VolunteerFactory,
    user_with_role,
)
from tests.permissions import blank_pdf

# The signed-in actors (tests.permissions: Actor.user names these), with the usernames the
# role fixtures of tests/conftest.py give them.
ROLE_USERS = {
    "police_user": (Role.POLICE, "officer"),
    "vcc_user": (Role.VCC, "vcc1"),
    "manager_user": (Role.MANAGER, "manager1"),
    "volunteer_user": (Role.VOLUNTEER, "volunteer1"),
    "opcc_user": (Role.OPCC, "opcc1"),
}


def build_world() -> SimpleNamespace:
    """One person with two cases: `case`, an ordinary case from an IVNA this officer
    (`police_user`) submitted, and `restricted`, restricted and allocated to `vcc_user`; and
    `other_case`, from an IVNA another officer submitted. Any other VCC must not see
    `restricted`, even in the person's history on the page of `case`.
    """
    users = {name: user_with_role(role, username=username)
             for name, (role, username) in ROLE_USERS.items()}
    police_user, vcc_user = users["police_user"], users["vcc_user"]
    # A surname no generated user has: the matrix checks that it is not on a refused page,
    # and a signed-in user called Campbell in the page's header is not a leak.
    person = PersonFactory(last_name="Quillfeather-Ashdown")
    case = IvnaFactory(recorded_by=police_user, case__person=person).case
    restricted = CaseFactory(person=person, restricted=True, allocated_to=vcc_user)
    # A change the police sent on an amended IVNA, waiting for the restricted case's VCC.
    police_change = ProposedChange.objects.create(
        case=restricted, key="victim.phone", label="Phone number", current="07700900123",
        proposed="07700900999",
    )
    other_case = IvnaFactory().case
    # Letters: the ordinary case's was printed today; the restricted case's waits to be.
    now = timezone.now()
    letter = LetterFactory(
        case=case, kind="introductory", channel="post", pdf=blank_pdf(), status="sent",
        rendered_at=now, approved_at=now, sent_at=now,
    )
    restricted_letter = LetterFactory(
        case=restricted, kind="introductory", channel="post", pdf=blank_pdf(),
        status="rendered", rendered_at=now, approved_at=now,
    )
    # Volunteers: `volunteer_user` visits the victim of `restricted` (`allocation`).
    volunteer = VolunteerFactory(user=users["volunteer_user"])
    allocation = AllocationFactory(case=restricted, volunteer=volunteer, allocated_by=vcc_user)
    # Hours the volunteer logged on it today: theirs to correct for 7 days, a manager's always.
    hours = HoursFactory(allocation=allocation)
    # The machine clients' API keys: the force's crime system and the OPCC.
    crime_system, police_api_key = create_api_client(name="crime-system", role=Role.POLICE)
    _, opcc_api_key = create_api_client(name="opcc-analyst", role=Role.OPCC)
    return SimpleNamespace(
        **users,
        **_people_world(case=case, other_case=other_case, vcc=vcc_user),
        police_api_key=police_api_key, opcc_api_key=opcc_api_key, crime_system=crime_system,
        **_referral_world(restricted=restricted, vcc=vcc_user),
        # Support: `supported`, restricted to `vcc_user`, in support with DVNA 1 and a plan.
        **support.support_world(person=person, vcc=vcc_user),
        volunteer=volunteer, allocation=allocation, hours=hours,
        case=case, restricted=restricted, other_case=other_case, vcc=vcc_user, letter=letter,
        restricted_letter=restricted_letter, today=timezone.localdate(),
        police_change=police_change,
        # An enrolment link's token (accounts/enrolment.py): the URL takes it as it is.
        enrolment_token="an-enrolment-token",
        # A closed case is still the hub's casework (history matters for repeat victims).
        closed=CaseFactory(status="closed", closed_at=timezone.now()),
        complaint=_complaint(case=case, vcc=vcc_user),
        # A case from an IVNA the crime system sent: the police API on its rights (issue 15).
        api_case=IvnaFactory(recorded_by=crime_system.user, submitted_via="api").case,
        # The numbers of two rights, for the URLs that name one (rights:record, the API).
        rights=SimpleNamespace(compensation=5, information=3),
    )


def _complaint(*, case, vcc):
    """A complaint about `case`, recorded by `vcc`, neither acknowledged nor answered."""
    from complaints.services import record_complaint

    return record_complaint(
        by=vcc, received_at=timezone.now(), how="phone", from_whom="on_behalf",
        complainant_name="Matrix Complainant", complainant_contact="07700900321",
        about_right=4, summary="Nobody called back", case=case,
    )


def _referral_world(*, restricted, vcc) -> dict:
    """Referrals and transfers: a directory service the restricted case's victim consented
    to share with, a plan action waiting to be referred to it, and a referral already sent."""
    service = SupportServiceFactory(
        name="Matrix Advocacy Service", referral_email="referrals@matrix.example.org"
    )
    plan = RecoveryPlanFactory(case=restricted, agreed_by=vcc)
    referral_action = PlanActionFactory(
        plan=plan, kind="specialist_referral", description="Advocacy", service=service
    )
    referral = ReferralFactory(
        action__plan=plan, action__kind="community_signposting", action__description="Group",
        service=service, sent_by=vcc, document=blank_pdf(),
    )
    return {"referral_service": service, "referral_action": referral_action,
            "referral": referral}


def _twin_case(of):
    """A case of another record with the same name and date of birth as `of`'s person, and no
    police person id: a possible match (cases.people.candidates_for)."""
    twin = PersonFactory(police_person_id=None, first_name=of.person.first_name,
                         last_name=of.person.last_name, date_of_birth=of.person.date_of_birth)
    return CaseFactory(person=twin)


def _people_world(*, case, other_case, vcc) -> dict:
    """Merges of person records: `twin_case`, a possible match of `other_case`'s person;
    `restricted_twin_case`, one of `case`'s person (who has the restricted case); and
    `merge_record`, a merge `vcc` made into the person of `merged_case`."""
    from cases.people import merge_people

    kept = CaseFactory(person=PersonFactory(police_person_id=None))
    gone = CaseFactory(person=PersonFactory(
        police_person_id=None, first_name=kept.person.first_name,
        last_name=kept.person.last_name, date_of_birth=kept.person.date_of_birth))
    record = merge_people(keep=kept.person, merge=gone.person, by=vcc,
                          reason="Same victim: confirmed on the phone")
    return {"twin_case": _twin_case(other_case), "restricted_twin_case": _twin_case(case),
            "merged_case": kept, "merge_record": record}
