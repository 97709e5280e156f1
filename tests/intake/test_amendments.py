"""A corrected IVNA is an amendment, and a later IVNA never overwrites what the hub knows
(issue 11). Each test failed on the code before: a resubmission answered 200 with the old
case and dropped the new answers, and a second IVNA overwrote the person's details and
switched calls back on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case, Person
from cases.workflow import CaseStatus
from contact.models import ContactNote, Letter, LetterStatus
from intake.models import ChangeState, Ivna, IvnaVersion, ProposedChange
from scheduling.models import ItemKind, ItemState, ScheduledItem
from tests.factories import ivna_form_data, ivna_payload

IVNAS = "/api/v1/ivnas/"


def post(client, body):
    return client.post(IVNAS, body, format="json")


def due(case: Case, kind: str) -> list[ScheduledItem]:
    return list(ScheduledItem.objects.filter(case=case, kind=kind, state=ItemState.DUE))


@pytest.mark.django_db
def test_a_higher_dash_risk_is_an_amendment_that_moves_the_case_to_high_risk(police_api):
    first = post(police_api, ivna_payload()).json()
    case = Case.objects.get(pk=first["case_id"])
    assert case.status == CaseStatus.AWAITING_CONTACT and due(case, ItemKind.FIRST_CONTACT)

    again = post(police_api, ivna_payload(assessment__dash_risk="high"))

    assert again.status_code == 200, again.content
    assert again.json() == {**first, "route": "high_risk", "amended": True}
    case.refresh_from_db()
    assert (case.route, case.status) == ("high_risk", CaseStatus.HIGH_RISK)
    ivna = Ivna.objects.get(case=case)
    assert ivna.dash_risk == "high" and ivna.triage_rules[0] == "H1"  # the IVNA as it stands
    assert not due(case, ItemKind.FIRST_CONTACT)  # the hub does not phone: MASH manages
    versions = list(IvnaVersion.objects.filter(case=case).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].route_before == "hub_contact" and versions[1].route_after == "high_risk"
    assert {c["key"]: c["outcome"] for c in versions[1].changes} == {
        "assessment.dash_risk": "applied"
    }
    assert "Amended IVNA (version 2)" in case.transitions.last().reason


@pytest.mark.django_db
def test_the_same_amendment_sent_twice_is_stored_once(police_api):
    post(police_api, ivna_payload())
    post(police_api, ivna_payload(assessment__mash_referral=True))
    again = post(police_api, ivna_payload(assessment__mash_referral=True))

    assert again.status_code == 200 and "amended" not in again.json()
    assert IvnaVersion.objects.count() == 2


@pytest.mark.django_db
def test_a_letter_only_victim_now_judged_to_need_support_is_phoned(police_api):
    first = post(
        police_api,
        ivna_payload(crime__markers=[], assessment__priority_categories=[],
                     assessment__needs_support=False),
    ).json()
    assert first["route"] == "letter_only"

    again = post(
        police_api,
        ivna_payload(crime__markers=[], assessment__priority_categories=[],
                     assessment__needs_support=True),
    )

    assert again.json()["route"] == "hub_contact" and again.json()["amended"] is True
    case = Case.objects.get(pk=first["case_id"])
    assert case.status == CaseStatus.AWAITING_CONTACT and case.contact_due_at is not None
    assert due(case, ItemKind.FIRST_CONTACT)


@pytest.mark.django_db
def test_a_mash_referral_on_a_letter_only_case_routes_it_to_high_risk(police_api):
    body = {"crime__markers": [], "assessment__priority_categories": [],
            "assessment__needs_support": False}
    first = post(police_api, ivna_payload(**body)).json()
    again = post(police_api, ivna_payload(**body, assessment__mash_referral=True))
    assert again.json()["route"] == "high_risk"
    assert Case.objects.get(pk=first["case_id"]).status == CaseStatus.HIGH_RISK


@pytest.mark.django_db
def test_a_lower_risk_is_not_applied_but_waits_for_a_vcc(police_api):
    post(police_api, ivna_payload(assessment__dash_risk="high"))
    again = post(police_api, ivna_payload(assessment__dash_risk="medium"))

    assert again.json()["route"] == "high_risk" and again.json()["amended"] is True
    case = Case.objects.get()
    assert Ivna.objects.get(case=case).dash_risk == "high"
    change = ProposedChange.objects.get(case=case)
    assert (change.key, change.current, change.proposed) == (
        "assessment.dash_risk", "high", "medium"
    )
    assert due(case, ItemKind.CHECK_POLICE_CHANGES)


@pytest.mark.django_db
def test_not_safe_to_write_applies_at_once_and_holds_the_letter_not_yet_sent(
    police_api, settings
):
    settings.HUB_POSTAL_LETTERS_NEED_APPROVAL = True
    first = post(police_api, ivna_payload(victim__email="")).json()
    case = Case.objects.get(pk=first["case_id"])
    letter = Letter.objects.get(case=case)
    assert letter.status != LetterStatus.SENT

    post(police_api, ivna_payload(victim__email="", assessment__safe_to_write=False))

    assert Person.objects.get().safe_to_write is False
    letter.refresh_from_db()
    assert letter.status == LetterStatus.HELD
    assert not ScheduledItem.objects.filter(
        target_id=letter.pk, kind=ItemKind.SEND_LETTER, state=ItemState.DUE
    ).exists()


@pytest.mark.django_db
def test_new_contact_details_are_proposed_and_applied_only_when_a_vcc_accepts(
    police_api, client, vcc_user
):
    post(police_api, ivna_payload())
    post(police_api, ivna_payload(victim__phone="07700900999"))
    case = Case.objects.get()
    assert Person.objects.get().phone == "+447700900123"  # until a VCC confirms it

    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Changes from the police to check" in page
    assert "07700 900123" in page and "07700 900999" in page  # as people read them
    assert "Versions of the IVNA" in page
    change = ProposedChange.objects.get(case=case, key="victim.phone")
    url = reverse("intake:decide_change", args=[case.pk, change.pk])

    refused = client.post(url, {"decision": "reject", "reason": ""}, follow=True)
    assert "Give the reason for your decision" in refused.content.decode()
    client.post(url, {"decision": "accept", "reason": "Confirmed with the victim"})

    assert Person.objects.get().phone == "+447700900999"
    change.refresh_from_db()
    assert (change.state, change.decided_by) == (ChangeState.ACCEPTED, vcc_user)
    assert not due(case, ItemKind.CHECK_POLICE_CHANGES)
    assert ContactNote.objects.filter(case=case, text__contains="accepted").exists()


@pytest.mark.django_db
def test_a_rejected_change_leaves_the_hubs_record(police_api, client, vcc_user):
    post(police_api, ivna_payload())
    post(police_api, ivna_payload(victim__last_name="Examp1e"))
    case = Case.objects.get()
    change = ProposedChange.objects.get(case=case)
    client.force_login(vcc_user)
    client.post(
        reverse("intake:decide_change", args=[case.pk, change.pk]),
        {"decision": "reject", "reason": "A typing error: the victim confirmed"},
    )
    change.refresh_from_db()
    assert change.state == ChangeState.REJECTED
    assert Person.objects.get().last_name == "Example"


@pytest.mark.django_db
def test_police_cannot_decide_a_change(police_api, client, police_user):
    post(police_api, ivna_payload())
    post(police_api, ivna_payload(victim__phone="07700900999"))
    change = ProposedChange.objects.get()
    client.force_login(police_user)
    response = client.post(
        reverse("intake:decide_change", args=[change.case_id, change.pk]),
        {"decision": "accept", "reason": "x"},
    )
    assert response.status_code in (403, 404)
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING


@pytest.mark.django_db
def test_the_officer_is_told_their_changes_were_added_to_the_existing_case(
    client, police_user
):
    client.force_login(police_user)
    client.post(reverse("intake:ivna_new"), ivna_form_data())
    response = client.post(
        reverse("intake:ivna_new"), ivna_form_data(notes="Suspect now has a bail address."),
        follow=True,
    )
    page = response.content.decode()
    assert "Changes added to the case" in page
    assert "your changes were added to the existing case" in page
    assert Case.objects.count() == 1 and IvnaVersion.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("same_crime", [True, False])
def test_a_later_ivna_saying_safe_to_call_does_not_switch_calls_back_on(
    client, police_user, same_crime
):
    client.force_login(police_user)
    client.post(reverse("intake:ivna_new"), ivna_form_data(safe_to_call="no"))
    reference = "CF/55555/25" if same_crime else "CF/66666/25"
    client.post(reverse("intake:ivna_new"), ivna_form_data(reference=reference))

    person = Person.objects.get()
    assert person.safe_to_call is False
    change = ProposedChange.objects.get(key="victim.safe_to_call")
    assert (change.current, change.proposed) == (False, True)


@pytest.mark.django_db
def test_raising_safe_contact_is_a_vcc_decision_with_a_reason(client, vcc_user):
    from tests.factories import CaseFactory

    case = CaseFactory(person__safe_to_call=False)
    client.force_login(vcc_user)
    url = reverse("contact:safe_contact", args=[case.pk])
    answers = {"safe_to_call": "yes", "may_leave_message": "no", "safe_to_write": "yes"}

    refused = client.post(url, {**answers, "reason": ""})
    assert "Give the reason for the change" in refused.content.decode()
    assert Person.objects.get(pk=case.person_id).safe_to_call is False

    client.post(url, {**answers, "reason": "Victim asked to be phoned on her new mobile"})
    assert Person.objects.get(pk=case.person_id).safe_to_call is True
    note = ContactNote.objects.get(case=case)
    assert "Safe to phone: No → Yes" in note.text and "new mobile" in note.text


@pytest.mark.django_db
def test_consent_withdrawn_on_an_amendment_closes_a_case_not_yet_in_touch(police_api):
    first = post(police_api, ivna_payload()).json()
    case = Case.objects.get(pk=first["case_id"])
    assert due(case, ItemKind.FIRST_CONTACT)

    post(police_api, ivna_payload(assessment__consent_to_contact=False))

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.declined_contact_at_ivna
    assert not due(case, ItemKind.FIRST_CONTACT)
    assert not Letter.objects.filter(case=case, status=LetterStatus.QUEUED).exists()


@pytest.mark.django_db
def test_consent_withdrawn_after_the_victim_accepted_support_waits_for_a_vcc(police_api):
    first = post(police_api, ivna_payload()).json()
    Case.objects.filter(pk=first["case_id"]).update(status=CaseStatus.ACCEPTED)

    post(police_api, ivna_payload(assessment__consent_to_contact=False))

    case = Case.objects.get(pk=first["case_id"])
    assert case.status == CaseStatus.ACCEPTED and not case.declined_contact_at_ivna
    assert ProposedChange.objects.filter(
        case=case, key="assessment.consent_to_contact", proposed=False
    ).exists()


@pytest.mark.django_db
def test_every_ivna_version_is_in_the_subject_access_bundle_and_goes_with_anonymisation(
    police_api, manager_user
):
    from privacy.selectors import subject_access_bundle
    from privacy.services import anonymise_case

    post(police_api, ivna_payload())
    post(police_api, ivna_payload(victim__phone="07700900999"))
    case = Case.objects.get()

    bundle = subject_access_bundle(case.person)
    (item,) = bundle["cases"]
    assert [v["number"] for v in item["ivna_versions"]] == [1, 2]
    assert item["changes_from_the_police"][0]["proposed"] == "+447700900999"

    anonymise_case(case=case, by=manager_user, reason="erasure")

    assert all(v.answers == {} for v in IvnaVersion.objects.filter(case=case))
    assert not ProposedChange.objects.filter(case=case, proposed__isnull=False).exists()


@pytest.mark.django_db
def test_changes_to_check_are_on_my_work_even_on_a_closed_case(police_api, client, vcc_user):
    post(police_api, ivna_payload(assessment__consent_to_contact=False))
    case = Case.objects.get()
    assert case.status == CaseStatus.CLOSED
    post(police_api, ivna_payload(assessment__consent_to_contact=False,
                                  victim__phone="07700900999"))

    client.force_login(vcc_user)
    page = client.get(reverse("scheduling:my_work")).content.decode()
    assert "Check changes from the police" in page and case.reference in page
