"""Issue 11, "Public Protection cases go to Public Protection": serious sexual offences, child
abuse and adult abuse route to high_risk (MASH / PPD) without the officer ticking MASH
(service specification, Appendix 2), at the service, the API and the form; and the hub still
writes to these victims only where it is safe.

Today each of these routes to hub contact (E3, E4 or E5) unless the officer ticks MASH.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from contact.models import Letter
from intake.triage import RULES_VERSION
from tests.factories import ivna_form_data, ivna_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/ivnas/"

PPD = [
    (["serious_sexual_offence"], "sexual_offences", "P1"),
    (["child_abuse"], "violence_against_the_person", "P2"),
    (["child_sexual_exploitation"], "sexual_offences", "P2"),
    (["safeguarding_vulnerable_adults"], "theft_and_handling", "P3"),
]


def no_mash(**overrides) -> dict:
    """An IVNA with nothing that routes high risk but the marker under test."""
    return ivna_payload(
        assessment__mash_referral=False,
        assessment__dash_risk="standard",
        assessment__priority_categories=[],
        **overrides,
    )


@pytest.mark.parametrize(("markers", "crime_type", "rule"), PPD)
def test_the_api_routes_a_ppd_marker_to_high_risk(police_api, markers, crime_type, rule):
    response = police_api.post(
        URL, no_mash(crime__markers=markers, crime__crime_type=crime_type), format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["route"] == "high_risk"
    case = Case.objects.get(pk=response.json()["case_id"])
    assert (case.route, case.status) == ("high_risk", "high_risk")
    assert case.ivna.triage_rules[0] == rule
    assert case.ivna.triage_rules_version == RULES_VERSION
    assert case.enhanced_entitlement is True
    assert case.contact_due_at is None  # managed by the MASH / PPD: the hub does not phone
    assert not case.scheduled.filter(kind="first_contact").exists()


def test_a_sexual_offence_not_marked_serious_stays_with_the_hub(police_api):
    response = police_api.post(
        URL, no_mash(crime__markers=[], crime__crime_type="sexual_offences"), format="json"
    )
    assert response.json()["route"] == "hub_contact"
    assert Case.objects.get().ivna.triage_rules[0] == "E3"


@pytest.mark.parametrize(("safe_to_write", "letters"), [(True, 1), (False, 0)])
def test_a_ppd_victim_is_written_to_only_where_it_is_safe(police_api, safe_to_write, letters):
    body = no_mash(
        crime__markers=["serious_sexual_offence"],
        crime__crime_type="sexual_offences",
        assessment__safe_to_write=safe_to_write,
    )
    response = police_api.post(URL, body, format="json")

    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.route == "high_risk"
    assert Letter.objects.filter(case=case).count() == letters
    assert case.scheduled.filter(kind="send_letter").count() == letters
    if not safe_to_write:
        assert case.no_letter_reason


@pytest.mark.parametrize(("markers", "crime_type", "rule"), PPD)
def test_the_officers_form_offers_the_marker_and_routes_to_high_risk(
    client, police_user, markers, crime_type, rule
):
    client.force_login(police_user)
    response = client.post(
        reverse("intake:ivna_new"),
        ivna_form_data(crime_type=crime_type, markers=markers, needs_support="no"),
        follow=True,
    )

    assert response.status_code == 200
    case = Case.objects.get()
    assert case.route == "high_risk"
    assert case.ivna.triage_rules[0] == rule
    assert "High risk" in response.content.decode()


def test_the_form_labels_the_serious_sexual_offence_marker(client, police_user):
    client.force_login(police_user)
    page = client.get(reverse("intake:ivna_new")).content.decode()
    assert 'value="serious_sexual_offence"' in page
    assert "Serious sexual offence (rape or assault by penetration)" in page
