"""Consent to share, asked per service at the referral (issue 16): nothing pre-selected
without an earlier explicit answer, pre-filled where there is one (the DVNA's, kept by the
migration), a refusal recorded and blocking, and a referral carrying only what was agreed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments.models import ConsentRecordedIn, ConsentToShare
from core.errors import DomainError
from referrals import services
from referrals.models import Referral
from tests.factories import SupportServiceFactory
from tests.referrals.conftest import AGREED, pdf_text, refer

pytestmark = pytest.mark.django_db
QUESTIONS = ("agree", "share_contact", "share_crime", "share_needs")


def refer_url(case, action) -> str:
    return reverse("referrals:create", args=[case.pk, action.pk])


def selected(page: str) -> dict[str, str]:
    """The radios selected on the page, by question."""
    return dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="(yes|no)"[^>]*checked', page))


def test_nothing_is_selected_where_the_victim_never_answered(
    client, vcc_user, case, action, give_consent
):
    give_consent(to=SupportServiceFactory(name="Another service"))  # another service's answer
    client.force_login(vcc_user)
    page = client.get(refer_url(case, action)).content.decode()
    for question in QUESTIONS:
        assert f'name="{question}"' in page
    assert selected(page) == {}


def test_the_dvnas_explicit_answers_fill_in_the_questions(
    client, vcc_user, case, action, give_consent
):
    ConsentToShare.objects.filter(pk=give_consent(contact=True, crime=False, needs=True).pk
                                  ).update(recorded_in=ConsentRecordedIn.DVNA)
    client.force_login(vcc_user)
    page = client.get(refer_url(case, action)).content.decode()
    assert selected(page) == {"agree": "yes", "share_contact": "yes", "share_crime": "no",
                              "share_needs": "yes"}
    assert "The answers they gave the hub before are filled in" in page


def test_an_earlier_refusal_fills_in_no_and_nothing_about_the_data(
    client, vcc_user, case, action, give_consent
):
    give_consent(given=False)
    client.force_login(vcc_user)
    assert selected(client.get(refer_url(case, action)).content.decode()) == {"agree": "no"}


def test_a_refusal_is_recorded_and_blocks_the_referral(client, vcc_user, case, action, service):
    client.force_login(vcc_user)
    page = client.post(refer_url(case, action), {"agree": "no", "check": "Continue"})
    body = page.content.decode()
    assert "Ann did not agree to be referred to Fenland Advocacy Service" in body
    assert "no referral is made" in body and "Send the referral" not in body
    consent = ConsentToShare.objects.get(case=case, service=service)
    assert not consent.given and consent.recorded_by == vcc_user
    assert consent.recorded_in == ConsentRecordedIn.REFERRAL
    assert not (consent.share_contact_details or consent.share_crime_details
                or consent.share_needs)
    with pytest.raises(DomainError, match="did not agree to be referred"):
        services.make_referral(case=case, action=action, service=service, by=vcc_user)
    response = client.post(refer_url(case, action),
                           {"send": "yes", "consent_at": consent.recorded_at.isoformat()},
                           follow=True)
    assert "did not agree to be referred to Fenland Advocacy Service" in (
        response.content.decode()
    )
    assert Referral.objects.count() == 0


def test_the_referral_shares_exactly_what_was_agreed(client, vcc_user, case, action):
    client.force_login(vcc_user)
    answers = {"agree": "yes", "share_contact": "no", "share_crime": "yes",
               "share_needs": "no"}
    assert refer(client, refer_url(case, action), answers).status_code == 302
    referral = Referral.objects.get()
    assert (referral.shared_contact_details, referral.shared_crime_details,
            referral.shared_needs) == (False, True, False)
    text = pdf_text(referral.document)
    assert "CF/55555/25" in text and "07700900123" not in text
    assert "Locks broken since the burglary" not in text


def test_answers_changed_after_the_check_are_not_sent(client, vcc_user, case, action, service):
    client.force_login(vcc_user)
    checked = client.post(refer_url(case, action), {**AGREED, "check": "Continue"})
    at = re.search(r'name="consent_at" value="([^"]+)"', checked.content.decode()).group(1)
    # Another VCC asks again in between: she no longer wants her contact details shared.
    client.post(refer_url(case, action), {**AGREED, "share_contact": "no", "check": "Continue"})
    response = client.post(refer_url(case, action), {"send": "yes", "consent_at": at},
                           follow=True)
    assert "changed after you checked them" in response.content.decode()
    assert Referral.objects.count() == 0


def test_every_answer_is_kept_with_who_asked(client, vcc_user, manager_user, case, action):
    client.force_login(vcc_user)
    client.post(refer_url(case, action), {**AGREED, "check": "Continue"})
    client.force_login(manager_user)
    client.post(refer_url(case, action), {"agree": "no", "check": "Continue"})
    consent = ConsentToShare.objects.get(case=case)
    history = list(consent.events.order_by("pgh_id").values_list("given", "recorded_by"))
    assert history == [(True, vcc_user.pk), (False, manager_user.pk)]
