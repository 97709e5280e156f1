"""Transfers between police areas: out to the victim's own area, in from another force,
Action Fraud or British Transport Police (in the browser and through the API)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccessLog
from cases.models import Case, CaseTransition, Crime, Person
from contact.models import Letter
from contact.services import start_contact
from core.working_days import end_of_working_day
from intake.models import Transfer
from scheduling.models import ItemState, ScheduledItem
from tests.factories import CaseFactory, PersonFactory, transfer_in_form

pytestmark = pytest.mark.django_db
API = "/api/v1/transfers/"


# -- Out ---------------------------------------------------------------------------------


@pytest.fixture
def out_of_area_case(db):
    person = PersonFactory(district="out_of_area", email="", address_line1="2 Low Road",
                           postcode="NR1 1AA")
    case = CaseFactory(person=person, status="awaiting_contact")
    start_contact(case=case)  # the letter and the first call
    return case


TRANSFER_OUT = {
    "area": "Norfolk",
    "organisation_name": "Norfolk Victim Care",
    "contact_name": "Duty co-ordinator",
    "contact_email": "referrals@norfolk-victims.example.org",
    "shared": ["identity", "contact_details", "crime_details"],
    "notes": "Sent by secure email.",
}


def test_transfer_out_moves_the_case_and_cancels_its_work(client, vcc_user, out_of_area_case):
    case = out_of_area_case
    assert ScheduledItem.objects.filter(case=case, state=ItemState.DUE).count() == 2
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Transfer to another area" in page

    response = client.post(reverse("referrals:transfer_out", args=[case.pk]), TRANSFER_OUT)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "transferred_out" and case.closed_at is not None
    last = CaseTransition.objects.filter(case=case).last()
    assert last.to_status == "transferred_out" and last.by == vcc_user
    assert "Norfolk Victim Care" in last.reason
    assert not ScheduledItem.objects.filter(case=case, state=ItemState.DUE).exists()
    assert ScheduledItem.objects.filter(case=case, state=ItemState.CANCELLED).count() == 2

    transfer = Transfer.objects.get(case=case)
    assert transfer.direction == "out" and transfer.by == vcc_user
    assert transfer.area == "Norfolk"
    assert transfer.shared == ["identity", "contact_details", "crime_details"]
    log = AccessLog.objects.get(action="export")
    assert log.case_ids == [case.pk] and "Norfolk Victim Care" in log.detail

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Transferred out to Norfolk Victim Care" in page
    assert "Crime details" in page  # what was sent
    assert "Transfer to another area</a>" not in page


def test_transfer_out_is_only_for_victims_living_elsewhere(client, vcc_user):
    case = CaseFactory(person=PersonFactory(district="fenland"), status="awaiting_contact")
    client.force_login(vcc_user)
    assert "Transfer to another area" not in client.get(
        reverse("cases:detail", args=[case.pk])
    ).content.decode()
    response = client.post(reverse("referrals:transfer_out", args=[case.pk]), TRANSFER_OUT)
    assert "Only a victim who lives outside Cambridgeshire and Peterborough" in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == "awaiting_contact"
    assert not Transfer.objects.exists()


def test_transfer_out_needs_what_was_sent_and_a_contact(client, vcc_user, out_of_area_case):
    client.force_login(vcc_user)
    data = {**TRANSFER_OUT, "shared": [], "contact_email": ""}
    page = client.post(reverse("referrals:transfer_out", args=[out_of_area_case.pk]), data)
    body = page.content.decode()
    assert "Select what was sent to the other area" in body
    assert "Give an email address or a phone number" in body
    assert not Transfer.objects.exists()


def test_a_closed_case_cannot_be_transferred(client, vcc_user):
    case = CaseFactory(person=PersonFactory(district="out_of_area"), status="closed")
    client.force_login(vcc_user)
    response = client.post(reverse("referrals:transfer_out", args=[case.pk]), TRANSFER_OUT)
    assert "cannot move to" in response.content.decode()
    assert not Transfer.objects.exists()


# -- In, in the browser ------------------------------------------------------------------




def test_a_manager_records_a_transfer_in(client, manager_user):
    client.force_login(manager_user)
    assert "Record a transfer from another area" in client.get(
        reverse("directory:directory")
    ).content.decode()
    response = client.post(reverse("intake:transfer_in"), transfer_in_form())

    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.source == "transfer_in" and case.route == "hub_contact"
    assert case.status == "awaiting_contact"
    moves = list(case.transitions.values_list("from_status", "to_status"))
    assert moves == [("", "received"), ("received", "awaiting_contact")]
    person = case.person
    assert (person.first_name, person.district, person.first_language) == (
        "Piotr", "peterborough", "pl"
    )
    assert person.interpreter_needed and person.postcode == "PE1 1AA"
    assert case.crime.reference == "BTP BTP-2500123"
    assert case.crime.crime_type == "robbery"
    transfer = Transfer.objects.get()
    assert (transfer.direction, transfer.organisation, transfer.organisation_name) == (
        "in", "british_transport_police", "British Transport Police"
    )
    assert transfer.via == "web" and transfer.by == manager_user
    # As for an IVNA: the introductory letter and the first call within five working days.
    assert Letter.objects.filter(case=case, kind="introductory").exists()
    first_call = ScheduledItem.objects.get(case=case, kind="first_contact")
    assert first_call.deadline_at == case.contact_due_at
    assert case.contact_due_at == end_of_working_day(case.referred_at, 5)

    page = client.get(response["Location"]).content.decode()
    assert "Transferred in from British Transport Police" in page


def test_the_same_transfer_again_opens_nothing(client, manager_user):
    client.force_login(manager_user)
    client.post(reverse("intake:transfer_in"), transfer_in_form())
    response = client.post(
        reverse("intake:transfer_in"), transfer_in_form(their_reference=" btp-2500123 "),
        follow=True,
    )
    assert "This transfer was already recorded" in response.content.decode()
    assert Case.objects.count() == 1


def test_the_transfer_in_form_errors(client, manager_user):
    client.force_login(manager_user)
    response = client.post(
        reverse("intake:transfer_in"),
        transfer_in_form(organisation="other_force", district="", their_reference=""),
    )
    body = response.content.decode()
    assert "Enter the sender" in body
    assert "Choose the district where the victim lives" in body
    assert not Case.objects.exists()

    response = client.post(
        reverse("intake:transfer_in"), transfer_in_form(organisation="other_force")
    )
    assert "Give the name of the force that sent it" in response.content.decode()
    assert response.context["form"].errors == {
        "organisation_name": ["Give the name of the force that sent it."]
    }
    assert not Case.objects.exists()


def test_only_managers_record_transfers_in(client, vcc_user):
    client.force_login(vcc_user)
    assert client.get(reverse("intake:transfer_in")).status_code == 403
    assert client.post(reverse("intake:transfer_in"), transfer_in_form()).status_code == 403
    assert not Case.objects.exists()


# -- In, through the API -----------------------------------------------------------------


def transfer_payload(**overrides) -> dict:
    today = timezone.localdate()
    body = {
        "sending_organisation": {"kind": "action_fraud", "name": "Action Fraud"},
        "reference": "NFRC250312345",
        "crime": {"crime_type": "fraud", "offence_date": (today - timedelta(days=20)).isoformat()},
        "victim": {
            "first_name": "Mary",
            "last_name": "Smith",
            "date_of_birth": "1941-02-03",
            "gender": "female",
            "phone": "07700900555",
            "address": {"line1": "3 Church Lane", "town": "Ely", "postcode": "CB7 4AA"},
            "district": "east_cambridgeshire",
            "first_language": "en",
        },
        "priority_categories": ["vulnerable"],
        "contact": {"name": "NFIB victim care", "email": "victims@nfib.example.org"},
        "notes": "Courier fraud; lost savings.",
    }
    for path, value in overrides.items():
        node = body
        *parents, last = path.split("__")
        for part in parents:
            node = node[part]
        if value is DELETE:
            node.pop(last)
        else:
            node[last] = value
    return body


DELETE = object()


def _counts():
    return Case.objects.count(), Person.objects.count(), Crime.objects.count(), \
        Transfer.objects.count()


def test_the_api_opens_a_case(transfer_api):
    response = transfer_api.post(API, transfer_payload(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"case_id", "victim_id"}
    case = Case.objects.get(pk=body["case_id"])
    assert case.person_id == body["victim_id"]
    assert (case.source, case.route, case.status) == ("transfer_in", "hub_contact",
                                                      "awaiting_contact")
    # A priority category from the sender: enhanced entitlement, contact within one day.
    assert case.enhanced_entitlement
    assert case.contact_due_at == end_of_working_day(case.referred_at, 1)
    assert case.crime.reference == "AF NFRC250312345"
    transfer = Transfer.objects.get()
    assert transfer.via == "api" and transfer.contact_email == "victims@nfib.example.org"
    assert ScheduledItem.objects.filter(case=case, kind="first_contact").exists()


def test_the_same_sender_and_reference_again_answers_200_and_creates_nothing(transfer_api):
    first = transfer_api.post(API, transfer_payload(), format="json").json()
    before = _counts()
    again = transfer_api.post(
        API,
        transfer_payload(reference="nfrc250312345", sending_organisation={
            "kind": "action_fraud", "name": "Action Fraud (NFIB)"}),
        format="json",
    )
    assert again.status_code == 200
    assert again.json() == first
    assert _counts() == before


def test_another_force_is_known_by_its_name(transfer_api):
    met = {"kind": "other_force", "name": "Metropolitan Police Service"}
    first = transfer_api.post(API, transfer_payload(sending_organisation=met), format="json")
    same = transfer_api.post(
        API,
        transfer_payload(sending_organisation={**met, "name": "metropolitan  police service"}),
        format="json",
    )
    other = transfer_api.post(
        API,
        transfer_payload(sending_organisation={**met, "name": "Norfolk Constabulary"}),
        format="json",
    )
    assert (first.status_code, same.status_code, other.status_code) == (201, 200, 201)
    assert Case.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"reference": DELETE}, {"reference": ["This field is required."]}),
        (
            {"sending_organisation__kind": "victim_service"},
            {"sending_organisation": {"kind": ['"victim_service" is not a valid choice.']}},
        ),
        (
            {"sending_organisation": {"kind": "other_force"}},
            {"sending_organisation": {"name": ["Give the name of the force."]}},
        ),
        (
            {"victim__district": "out_of_area"},
            {"victim": {"district": [
                "The victim must live in Cambridgeshire or Peterborough to be transferred to "
                "the hub: choose their district."
            ]}},
        ),
        (
            {"crime__offence_date": "2999-01-01"},
            {"crime": {"offence_date": ["The offence date cannot be in the future."]}},
        ),
        (
            {"victim__police_person_id": "N-1"},
            {"victim": {"police_person_id": ["This field is not part of the API."]}},
        ),
        (
            {"crime__crime_type": "shoplifting"},
            {"crime": {"crime_type": ['"shoplifting" is not a valid choice.']}},
        ),
    ],
    ids=["no-reference", "bad-sender", "force-without-name", "out-of-area", "future-offence",
         "unknown-field", "bad-crime-type"],
)
def test_errors_are_per_field_and_nothing_is_saved(transfer_api, overrides, errors):
    before = _counts()
    response = transfer_api.post(API, transfer_payload(**overrides), format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert _counts() == before


def test_an_opcc_token_is_forbidden(opcc_api):
    response = opcc_api.post(API, transfer_payload(), format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_no_credentials_is_401(db):
    response = APIClient().post(API, transfer_payload(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_crime_system_may_not_send_transfers_nor_a_sender_ivnas(police_api, transfer_api):
    """A transfer sender has a role of its own: the force's crime system (police role)
    cannot send transfers, and a transfer sender cannot submit IVNAs."""
    from tests.factories import ivna_payload

    refused = police_api.post(API, transfer_payload(), format="json")
    assert refused.status_code == 403
    assert transfer_api.post("/api/v1/ivnas/", ivna_payload(), format="json").status_code == 403
    assert not Case.objects.exists()


def test_a_second_victim_under_the_same_reference_is_a_new_victim_not_dropped(transfer_api):
    """Issue 13: a sender's one crime with two victims (a couple defrauded together) sends
    both under its reference; the second was answered 200 with the first's case and lost."""
    first = transfer_api.post(API, transfer_payload(), format="json")
    partner = transfer_payload(victim__first_name="John", victim__date_of_birth="1939-07-01")
    second = transfer_api.post(API, partner, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    one, two = (Case.objects.get(pk=r.json()["case_id"]) for r in (first, second))
    assert one.person_id != two.person_id
    assert one.crime_id == two.crime_id  # the same crime, as the sender recorded it
    # Each victim's retry is still a retry, whatever the spacing or case of their name.
    retry = transfer_payload(victim__first_name=" JOHN ", victim__date_of_birth="1939-07-01")
    again = transfer_api.post(API, retry, format="json")
    assert again.status_code == 200 and again.json() == second.json()
    assert Transfer.objects.count() == 2
    # The row keeps no name: only a keyed digest says which victim it was.
    assert "john" not in Transfer.objects.get(case=two).victim_key.lower()
