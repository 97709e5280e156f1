"""Escalation to MASH / Public Protection and step-down, "supported elsewhere" found after
intake, and closing cases the hub did not support (issue 12, "the lifecycle, built end to
end"): each made by a VCC or manager with a reason, offered on the case page only where
the move is allowed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import Route
from cases.models import Case
from cases.workflow import OPEN_STATUSES, CaseStatus
from contact.lifecycle import (
    can_close_unsupported,
    can_escalate,
    can_record_supported_elsewhere,
    can_step_down,
    close_unsupported_case,
    escalate_to_high_risk,
    record_supported_elsewhere,
    step_down_to_hub,
)
from core.errors import DomainError
from reporting.flow import LEAVES
from scheduling.models import ItemKind, ItemState, ScheduledItem
from scheduling.services import schedule
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
S = CaseStatus
ALL = sorted(CaseStatus.values)


def leaf(case: Case) -> str:
    """The one leaf of the hub flow the case is counted in."""
    leaves = [name for name, q in LEAVES.items() if Case.objects.filter(q, pk=case.pk).exists()]
    assert len(leaves) == 1, leaves
    return leaves[0]


def callable_case(**kwargs) -> Case:
    return CaseFactory(person=PersonFactory(phone="07700900123"), **kwargs)


def first_call(case: Case) -> ScheduledItem:
    return schedule(kind=ItemKind.FIRST_CONTACT, case=case, due_at=timezone.now(),
                    dedupe_key=f"test:{case.pk}")


def timeline(case: Case) -> list[tuple[str, str, str]]:
    return list(case.transitions.order_by("at", "pk").values_list("to_status", "by__username",
                                                                  "reason"))


# -- Escalation and step-down --------------------------------------------------------------


def test_every_open_status_but_received_can_be_escalated():
    escalatable = {s for s in CaseStatus.values if can_escalate(CaseFactory.build(status=s))}
    assert escalatable == OPEN_STATUSES - {S.RECEIVED, S.HIGH_RISK}


@pytest.mark.parametrize("status", [S.DECLINED, S.SIGNPOSTED, S.NO_CONTACT,
                                    S.SUPPORTED_ELSEWHERE, S.AWAITING_CONTACT])
def test_a_vcc_escalates_a_case_with_the_reason_and_the_calls_stop(status, vcc_user):
    case = callable_case(status=status)
    call = first_call(case)
    escalate_to_high_risk(case=case, by=vcc_user, reason="DVNA: high risk from the offender")
    case.refresh_from_db()
    call.refresh_from_db()
    assert case.status == S.HIGH_RISK
    assert case.route == Route.HIGH_RISK
    assert call.state == ItemState.CANCELLED
    assert leaf(case) == "high_risk"  # the route moved: the flow counts it there
    to, by, reason = timeline(case)[-1]
    assert (to, by) == (S.HIGH_RISK, vcc_user.username)
    assert "DVNA: high risk from the offender" in reason


def test_escalation_needs_a_reason(vcc_user):
    case = callable_case(status=S.AWAITING_CONTACT)
    with pytest.raises(DomainError) as refused:
        escalate_to_high_risk(case=case, by=vcc_user, reason="  ")
    assert refused.value.fields == {"reason": ["Give the reason."]}
    case.refresh_from_db()
    assert case.status == S.AWAITING_CONTACT


def test_a_manager_steps_a_case_down_to_the_hub_which_calls_the_victim(manager_user):
    case = callable_case(status=S.HIGH_RISK, route=Route.HIGH_RISK)
    step_down_to_hub(case=case, by=manager_user, reason="MASH closed their involvement")
    case.refresh_from_db()
    assert case.status == S.AWAITING_CONTACT
    assert case.route == Route.HUB_CONTACT
    assert leaf(case) == "awaiting_contact"
    assert case.scheduled.filter(kind=ItemKind.FIRST_CONTACT,
                                       state=ItemState.DUE).exists()
    assert "MASH closed their involvement" in timeline(case)[-1][2]


def test_only_a_high_risk_case_steps_down(vcc_user):
    with pytest.raises(DomainError):
        step_down_to_hub(case=callable_case(status=S.AWAITING_CONTACT), by=vcc_user,
                         reason="x")


def test_a_volunteer_cannot_escalate(volunteer_user):
    case = callable_case(status=S.AWAITING_CONTACT)
    with pytest.raises(DomainError):
        escalate_to_high_risk(case=case, by=volunteer_user, reason="worried")
    case.refresh_from_db()
    assert case.status == S.AWAITING_CONTACT


# -- Supported elsewhere -------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.AWAITING_CONTACT, S.NO_CONTACT])
def test_found_supported_elsewhere_names_the_service_and_counts_there(status, vcc_user):
    case = callable_case(status=status)
    call = first_call(case)
    record_supported_elsewhere(case=case, by=vcc_user, service="the IDVA service",
                               reason="Her IDVA rang us")
    case.refresh_from_db()
    call.refresh_from_db()
    assert case.status == S.SUPPORTED_ELSEWHERE
    assert case.supported_elsewhere
    assert leaf(case) == "supported_elsewhere"
    assert call.state == ItemState.CANCELLED
    reason = timeline(case)[-1][2]
    assert "the IDVA service" in reason and "Her IDVA rang us" in reason


def test_supported_elsewhere_needs_the_service_named(vcc_user):
    case = callable_case(status=S.AWAITING_CONTACT)
    with pytest.raises(DomainError) as refused:
        record_supported_elsewhere(case=case, by=vcc_user, service="", reason="told us")
    assert "service" in refused.value.fields


# -- Closing a case the hub did not support ------------------------------------------------


@pytest.mark.parametrize("status", [S.DECLINED, S.SIGNPOSTED, S.SUPPORTED_ELSEWHERE,
                                    S.HIGH_RISK, S.NO_CONTACT, S.LETTER_ONLY])
def test_a_case_the_hub_did_not_support_closes_and_the_retention_clock_starts(status,
                                                                             vcc_user):
    case = CaseFactory(status=status)
    close_unsupported_case(case=case, by=vcc_user, reason="No response after the letter")
    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert case.closed_at is not None
    assert "No response after the letter" in timeline(case)[-1][2]


@pytest.mark.parametrize("status", [S.ACCEPTED, S.IN_SUPPORT, S.AWAITING_CONTACT])
def test_support_and_calls_do_not_close_here(status, vcc_user):
    case = CaseFactory(status=status)
    with pytest.raises(DomainError):
        close_unsupported_case(case=case, by=vcc_user, reason="done")


# -- The predicates agree with the services ------------------------------------------------

MOVES = [
    (can_escalate, lambda case, by: escalate_to_high_risk(case=case, by=by, reason="r")),
    (can_step_down, lambda case, by: step_down_to_hub(case=case, by=by, reason="r")),
    (can_record_supported_elsewhere,
     lambda case, by: record_supported_elsewhere(case=case, by=by, service="s", reason="r")),
    (can_close_unsupported, lambda case, by: close_unsupported_case(case=case, by=by,
                                                                     reason="r")),
]


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("move", range(len(MOVES)), ids=["escalate", "step_down",
                                                         "elsewhere", "close"])
def test_each_predicate_agrees_with_its_service(status, move, vcc_user):
    predicate, service = MOVES[move]
    case = callable_case(status=status)
    expected = predicate(case)
    try:
        service(case, vcc_user)
    except DomainError:
        assert not expected
    else:
        assert expected


# -- The case page -------------------------------------------------------------------------


def test_the_case_page_offers_only_the_moves_allowed(client, vcc_user):
    client.force_login(vcc_user)
    case = callable_case(status=S.HIGH_RISK, route=Route.HIGH_RISK)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("contact:step_down", args=[case.pk]) in page
    assert reverse("contact:close_case", args=[case.pk]) in page
    assert reverse("contact:escalate", args=[case.pk]) not in page
    assert reverse("contact:supported_elsewhere", args=[case.pk]) not in page


def test_a_vcc_escalates_from_the_case_page_and_sees_who_and_why(client, vcc_user):
    client.force_login(vcc_user)
    case = callable_case(status=S.AWAITING_CONTACT)
    url = reverse("contact:escalate", args=[case.pk])
    assert url in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    form = client.get(url).content.decode()
    assert "Escalate to MASH / Public Protection" in form
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "Give the reason." in refused.content.decode()
    response = client.post(url, {"reason": "Risk of self-harm is high"}, follow=True)
    page = response.content.decode()
    assert "Escalated." in page
    assert "Risk of self-harm is high" in page
    case.refresh_from_db()
    assert case.status == S.HIGH_RISK


def test_supported_elsewhere_and_close_from_the_case_page(client, manager_user):
    client.force_login(manager_user)
    case = callable_case(status=S.NO_CONTACT)
    response = client.post(reverse("contact:supported_elsewhere", args=[case.pk]),
                           {"service": "Children's social care", "reason": "Social worker"})
    assert response.status_code == 302
    response = client.post(reverse("contact:close_case", args=[case.pk]),
                           {"reason": "Supported by social care"}, follow=True)
    assert "The case is closed." in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.closed_at is not None
