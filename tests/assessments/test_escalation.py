"""The DVNA offers escalation to MASH / Public Protection when it rates the risk from the
offender or of self-harm as high; escalating a case in support ends the support work; a
victim stepped down and accepting again starts a new support episode (issue 12)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.dvna_services import dvna_suggests_escalation, record_dvna
from assessments.episodes import current_episode
from assessments.support_services import agree_plan
from contact.lifecycle import escalate_to_high_risk, step_down_to_hub
from contact.services import record_contact_attempt, record_contact_outcome
from scheduling.models import ItemKind, ItemState, ScheduledItem
from scheduling.services import schedule
from tests.assessments.builders import (
    accepted_case,
    action,
    answers,
    dvna_form,
    in_days,
    supported_case,
)
from tests.factories import CaseFactory, IvnaFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("risks", "suggested"),
    [
        ({"risk_from_offender": "high"}, True),
        ({"risk_of_self_harm": "high"}, True),
        ({"risk_from_offender": "medium", "risk_of_self_harm": "medium"}, False),
        # Harm to others or a deteriorating wellbeing are for the plan, not MASH.
        ({"risk_of_harming_others": "high", "risk_of_wellbeing_deteriorating": "high"}, False),
    ],
)
def test_escalation_is_suggested_by_a_high_risk_from_the_offender_or_of_self_harm(
    vcc_user, risks, suggested
):
    case = accepted_case()
    record_dvna(case=case, answers=answers(**risks), by=vcc_user)
    assert dvna_suggests_escalation(case) is suggested


def test_only_the_current_dvna_counts_and_not_once_escalated(vcc_user):
    case = accepted_case()
    record_dvna(case=case, answers=answers(risk_from_offender="high"), by=vcc_user)
    record_dvna(case=case, answers=answers(risk_from_offender="low"), by=vcc_user)
    assert not dvna_suggests_escalation(case)  # reassessed: the risk came down
    record_dvna(case=case, answers=answers(risk_of_self_harm="high"), by=vcc_user)
    assert dvna_suggests_escalation(case)
    escalate_to_high_risk(case=case, by=vcc_user, reason="Self-harm risk high")
    assert not dvna_suggests_escalation(case)


def test_saving_a_high_risk_dvna_offers_escalation_with_the_reason_filled_in(client, vcc_user):
    case = accepted_case(case__allocated_to=vcc_user)
    client.force_login(vcc_user)
    response = client.post(reverse("dvna:new", args=[case.pk]),
                           dvna_form(risk_from_offender="high"), follow=True)
    page = response.content.decode()
    # Back on the case page (not on to the plan): the VCC decides.
    plan_tab = reverse("cases:detail", args=[case.pk]) + "#assessment-and-plan"
    assert response.redirect_chain[-1][0] == plan_tab
    reason = "DVNA 1 rates the risk from the offender as high."
    assert f"DVNA 1 has been saved. {reason} Consider escalating" in page
    assert 'data-testid="escalation-offer"' in page
    link = reverse("contact:escalate", args=[case.pk]) + "?reason=" + quote(reason)
    assert link in page
    # The escalate page starts from the suggestion; nothing is escalated until submitted.
    form = client.get(link).content.decode()
    assert reason in form
    case.refresh_from_db()
    assert case.status == "accepted"


def test_a_dvna_without_a_high_risk_goes_on_to_the_plan(client, vcc_user):
    case = accepted_case(case__allocated_to=vcc_user)
    client.force_login(vcc_user)
    response = client.post(reverse("dvna:new", args=[case.pk]), dvna_form())
    assert response.headers["Location"] == reverse("support:plan_new", args=[case.pk])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="escalation-offer"' not in page


def test_escalating_a_case_in_support_cancels_its_plan_reviews_not_referral_chases(vcc_user):
    case = supported_case(vcc_user)
    review = ScheduledItem.objects.get(case=case, kind=ItemKind.PLAN_REVIEW)
    chase = schedule(kind=ItemKind.REFERRAL_CHASE, case=case, due_at=timezone.now(),
                     dedupe_key=f"test-chase:{case.pk}")
    moved = escalate_to_high_risk(case=case, by=vcc_user, reason="DVNA: offender risk high")
    assert "support has ended and its plan reviews are cancelled" in moved.summary
    review.refresh_from_db()
    chase.refresh_from_db()
    assert review.state == ItemState.CANCELLED
    assert chase.state == ItemState.DUE  # the service has the referral: still owed


def test_stepped_down_and_accepted_again_is_a_new_episode_with_a_new_plan(vcc_user):
    # Accepted on a call, as the hub does (the timeline counts the acceptances).
    case = CaseFactory(status="awaiting_contact")
    IvnaFactory(case=case)
    record_contact_attempt(case=case, made_at=timezone.now(), number_used=case.person.phone,
                           outcome="contacted", by=vcc_user)
    record_contact_outcome(case=case, outcome="accepted", by=vcc_user)
    record_dvna(case=case, answers=answers(), by=vcc_user)
    agree_plan(case=case, actions=[action(vcc_user)], next_review_on=in_days(7), by=vcc_user)
    escalate_to_high_risk(case=case, by=vcc_user, reason="Offender released")
    step_down_to_hub(case=case, by=vcc_user, reason="MASH: risk managed")
    case.refresh_from_db()
    assert case.status == "awaiting_contact"
    record_contact_attempt(case=case, made_at=timezone.now(), number_used=case.person.phone,
                           outcome="contacted", by=vcc_user)
    record_contact_outcome(case=case, outcome="accepted", by=vcc_user)
    case.refresh_from_db()
    assert current_episode(case) == 2
    record_dvna(case=case, answers=answers(), by=vcc_user)
    plan = agree_plan(case=case, actions=[action(vcc_user)], next_review_on=in_days(7),
                      by=vcc_user)
    assert plan.episode == 2
