"""Safety answers are asked, never assumed (issue 11).

No safety or consent question has a default answer on any form; an unanswered one is an
error in the hub's words and nothing is saved. In the IVNA API an absent safety answer is
unknown, and unknown is treated as no. A victim who did not agree to be contacted is not
phoned or written to: the case is recorded, closed, and counted as declined_at_ivna.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from cases.models import Case, CaseTransition, Crime, Person
from contact.models import Letter
from directory.models import SupportService
from intake.models import Ivna, Transfer
from reporting.flow import Period, compute_flow
from scheduling.models import ItemKind, ScheduledItem
from tests.assessments.builders import accepted_case
from tests.factories import DELETE, ivna_form_data, ivna_payload, transfer_in_form

pytestmark = pytest.mark.django_db

API = "/api/v1/ivnas/"


def saved() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Person, Crime, Case, Ivna, Transfer, CaseTransition, Letter, ScheduledItem)
    )


def checked_radios(page: str, name: str) -> list[str]:
    """The inputs named `name` that the page renders ticked."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert inputs, f"no {name} on the page"
    return [i for i in inputs if re.search(r"\bchecked\b", i)]


def today() -> Period:
    return Period(timezone.localdate(), timezone.localdate())


# -- The IVNA form -----------------------------------------------------------------------

IVNA_QUESTIONS = {
    "safe_to_call": "Select whether it is safe to phone the victim",
    "may_leave_message": "Select whether the hub may leave a message",
    "safe_to_write": "Select whether it is safe to write to the victim",
    "consent_to_contact": "Select whether the victim agrees to be contacted by the hub",
    "mash_referral": "Select whether you have referred the victim to the MASH or Public "
    "Protection",
    "supported_elsewhere": "Select whether the victim is already supported by another service",
    "interpreter_needed": "Select whether an interpreter is needed",
}


def test_the_ivna_form_preselects_no_answer(client, police_user):
    client.force_login(police_user)
    page = client.get(reverse("intake:ivna_new")).content.decode()
    for name in (*IVNA_QUESTIONS, "needs_support"):
        assert checked_radios(page, name) == [], name


@pytest.mark.parametrize(("field", "message"), IVNA_QUESTIONS.items())
def test_an_unanswered_ivna_question_is_an_error_and_nothing_is_saved(
    client, police_user, field, message
):
    client.force_login(police_user)
    response = client.post(reverse("intake:ivna_new"), ivna_form_data(**{field: None}))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(message) == 2, message  # in the summary and by the question
    assert saved() == (0,) * 8
    # The answers given are kept; the one not given is still not ticked.
    assert checked_radios(page, field) == []


def test_consent_no_on_the_form_closes_the_case_and_tells_the_officer(client, police_user):
    client.force_login(police_user)
    response = client.post(
        reverse("intake:ivna_new"), ivna_form_data(consent_to_contact="no"), follow=True
    )
    case = Case.objects.get()
    assert (case.status, case.declined_contact_at_ivna, case.ivna.consent_to_contact) == (
        "closed", True, False)
    assert "the hub will not contact the victim" in response.content.decode()
    assert not Letter.objects.exists()
    assert not ScheduledItem.objects.exists()
    assert "IVNA" in case.no_letter_reason


# -- The transfer-in form ----------------------------------------------------------------

TRANSFER_QUESTIONS = {
    name: IVNA_QUESTIONS[name]
    for name in ("safe_to_call", "may_leave_message", "safe_to_write", "interpreter_needed")
}


def test_the_transfer_in_form_preselects_no_safety_answer(client, manager_user):
    client.force_login(manager_user)
    page = client.get(reverse("intake:transfer_in")).content.decode()
    for name in TRANSFER_QUESTIONS:
        assert checked_radios(page, name) == [], name


@pytest.mark.parametrize(("field", "message"), TRANSFER_QUESTIONS.items())
def test_an_unanswered_transfer_question_is_an_error_and_nothing_is_saved(
    client, manager_user, field, message
):
    client.force_login(manager_user)
    data = transfer_in_form()
    del data[field]
    page = client.post(reverse("intake:transfer_in"), data).content.decode()
    assert page.count(message) == 2, message
    assert saved() == (0,) * 8


# -- The public self-referral form --------------------------------------------------------


def test_the_self_referral_form_preselects_no_safety_answer(client):
    page = client.get(reverse("self_referral")).content.decode()
    for name in ("safe_to_call", "may_leave_message", "safe_to_write"):
        assert checked_radios(page, name) == [], name


# -- The DVNA's consent to share ----------------------------------------------------------


def test_the_dvna_asks_no_consent_to_share_ready_ticked(client, vcc_user):
    """Consent to share is asked per service at the referral, with nothing selected without
    an earlier explicit answer (tests/referrals/test_consent.py); the DVNA no longer carries
    a grid of consent boxes that could go out ticked."""
    case = accepted_case()
    client.force_login(vcc_user)
    page = client.get(reverse("dvna:new", args=[case.pk])).content.decode()
    assert SupportService.objects.filter(active=True).exists()
    for service in SupportService.objects.filter(active=True):
        for prefix in ("consent", "share_contact", "share_crime", "share_needs"):
            assert f'name="{prefix}_{service.pk}"' not in page, (prefix, service)


# -- The IVNA API --------------------------------------------------------------------------


def assert_declined_at_ivna(case: Case) -> None:
    """Recorded, closed by itself, never phoned or written to, counted in its own leaf."""
    assert case.status == "closed" and case.closed_at is not None
    assert case.declined_contact_at_ivna
    assert case.contact_due_at is None
    assert not Letter.objects.filter(case=case).exists()
    assert not ScheduledItem.objects.filter(
        case=case, kind__in=[ItemKind.FIRST_CONTACT, ItemKind.SEND_LETTER]
    ).exists()
    assert "IVNA" in case.no_letter_reason
    assert case.transitions.filter(from_status="received", to_status="closed").exists()
    flow = compute_flow(today())
    assert (flow.declined_at_ivna, flow.vulnerable, flow.letter_only) == (1, 0, 0)
    assert flow.leaves_add_up()


def test_consent_false_closes_the_case_without_contact(police_api):
    response = police_api.post(
        API, ivna_payload(assessment__consent_to_contact=False), format="json"
    )
    assert response.status_code == 201
    assert response.json()["route"] == "hub_contact"  # the triage's route, as the contract says
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.ivna.consent_to_contact is False
    assert_declined_at_ivna(case)


def test_consent_absent_is_unknown_and_treated_as_no(police_api):
    response = police_api.post(
        API, ivna_payload(assessment__consent_to_contact=DELETE), format="json"
    )
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.ivna.consent_to_contact is None
    assert_declined_at_ivna(case)


def test_a_letter_only_victim_who_declined_is_not_written_to(police_api):
    response = police_api.post(API, ivna_payload(
        assessment__consent_to_contact=False, assessment__needs_support=False,
        assessment__priority_categories=[], assessment__dash_risk=DELETE,
        crime__markers=[], crime__crime_type="theft_and_handling",
    ), format="json")
    assert response.json()["route"] == "letter_only"
    assert_declined_at_ivna(Case.objects.get())


def test_a_high_risk_victim_who_declined_stays_with_the_mash_and_is_not_written_to(police_api):
    response = police_api.post(API, ivna_payload(
        assessment__consent_to_contact=False, assessment__mash_referral=True,
    ), format="json")
    assert response.status_code == 201
    assert response.json()["route"] == "high_risk"
    case = Case.objects.get()
    assert (case.status, case.declined_contact_at_ivna) == ("high_risk", True)
    assert not Letter.objects.exists()
    flow = compute_flow(today())
    assert (flow.high_risk, flow.declined_at_ivna) == (1, 0)
    assert flow.leaves_add_up()


def test_safe_to_write_absent_is_unknown_and_the_new_person_is_not_written_to(police_api):
    response = police_api.post(
        API, ivna_payload(assessment__safe_to_write=DELETE), format="json"
    )
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.ivna.safe_to_write is None
    assert case.person.safe_to_write is False
    assert not Letter.objects.exists()
    assert case.status == "awaiting_contact"  # consent was given: the hub phones


def test_explicit_yes_answers_still_write_and_call(police_api):
    police_api.post(API, ivna_payload(), format="json")
    case = Case.objects.get()
    assert case.person.safe_to_write and not case.declined_contact_at_ivna
    assert Letter.objects.filter(case=case).exists()
    assert ScheduledItem.objects.filter(case=case, kind=ItemKind.FIRST_CONTACT).exists()


def test_the_schema_shows_the_answers_as_optional_and_unknown_as_no():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assessment = schema["components"]["schemas"]["AssessmentRequest"]
    for name in ("safe_to_write", "consent_to_contact"):
        assert name not in assessment.get("required", [])
        prop = assessment["properties"][name]
        assert prop["type"] == "boolean"
        assert "absent means unknown" in prop["description"]
        assert "treated as no" in prop["description"]
    flow = schema["components"]["schemas"]["Flow"]
    assert "declined_at_ivna" in flow["properties"]
