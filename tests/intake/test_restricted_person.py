"""Issue 11: "A person with any restricted case: every new case of theirs starts restricted
(today the new unrestricted case shows the restricted case's address and phone to every
VCC)"; and "the repeat-victim flag counts every earlier case of the person in the last 12
months, whatever its status" for a new IVNA."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from cases.choices import CaseSource
from cases.models import Case
from cases.services import RESTRICTED_FROM_START, open_case
from cases.workflow import CaseStatus
from tests.factories import CaseFactory, PersonFactory, ivna_payload, user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/v1/ivnas/"
ADDRESS = "17 Quayside Mews"


@pytest.fixture
def restricted_person(db):
    """A victim whose earlier case a manager restricted (say, a member of police staff); it is
    allocated to a VCC other than the one who will look."""
    person = PersonFactory(
        police_person_id="N-000123", first_name="Zenobia", last_name="Quartermaine",
        address_line1=ADDRESS, phone="07700900999",
    )
    CaseFactory(person=person, restricted=True,
                allocated_to=user_with_role(Role.VCC, username="her-vcc"))
    return person


def new_ivna_case(police_api) -> Case:
    body = ivna_payload(
        crime__reference="CF/99999/26",
        victim__address={"line1": ADDRESS, "town": "Wisbech", "postcode": "PE13 1AA"},
    )
    response = police_api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    return Case.objects.get(pk=response.json()["case_id"])


def test_a_new_ivna_for_a_person_with_a_restricted_case_starts_restricted(
    police_api, restricted_person
):
    case = new_ivna_case(police_api)

    assert case.person_id == restricted_person.pk
    assert case.restricted is True
    received = case.transitions.order_by("at", "pk").first()
    assert received.to_status == "received"
    assert RESTRICTED_FROM_START in received.reason


def test_a_vcc_cannot_open_the_new_case_nor_see_the_address_through_it(
    client, police_api, vcc_user, restricted_person
):
    case = new_ivna_case(police_api)
    client.force_login(vcc_user)  # not allocated, no grant

    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 403
    assert "This record is restricted" in response.content.decode()
    listing = client.get(reverse("cases:list")).content.decode()
    person = client.get(reverse("people:detail", args=[restricted_person.pk]))
    for page in (response.content.decode(), listing, person.content.decode()):
        assert ADDRESS not in page and "07700900999" not in page
        assert case.reference not in page


def test_a_manager_opens_the_new_case_and_sees_why_it_is_restricted(
    client, police_api, manager_user, restricted_person
):
    case = new_ivna_case(police_api)
    client.force_login(manager_user)

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert ADDRESS in page
    assert "Restricted from the start" in page


@pytest.mark.parametrize(
    "source", [CaseSource.POLICE_IVNA, CaseSource.TRANSFER_IN, CaseSource.SELF_REFERRAL]
)
def test_every_way_in_opens_through_the_one_rule(source, restricted_person):
    """open_case is where IVNA, transfer in and self-referral all open their case."""
    case = open_case(
        to=CaseStatus.AWAITING_CONTACT, by=None, received="Referral received.", reason="",
        person=restricted_person, source=source,
    )
    assert case.restricted is True
    other = open_case(
        to=CaseStatus.AWAITING_CONTACT, by=None, received="Referral received.", reason="",
        person=PersonFactory(), source=source,
    )
    assert other.restricted is False


def test_a_new_ivna_counts_an_open_earlier_case_as_a_repeat(police_api):
    first = police_api.post(URL, ivna_payload(), format="json").json()
    assert Case.objects.get(pk=first["case_id"]).status == "awaiting_contact"  # still open

    second = police_api.post(URL, ivna_payload(crime__reference="CF/22222/25"), format="json")

    case = Case.objects.get(pk=second.json()["case_id"])
    assert case.repeat_victim is True
    assert Case.objects.get(pk=first["case_id"]).repeat_victim is False
