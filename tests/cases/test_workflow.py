"""The case state machine: one table of moves, a row for each, and no rewriting history."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, transaction

from cases.models import CaseTransition
from cases.services import open_case, transition_case
from cases.workflow import OPEN_STATUSES, TRANSITIONS, CaseStatus, status_after_triage
from core.errors import ILLEGAL_TRANSITION, DomainError
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_every_status_is_in_the_table_and_every_move_targets_a_status():
    assert set(TRANSITIONS) == set(CaseStatus.values)
    for moves in TRANSITIONS.values():
        assert set(moves) <= set(CaseStatus.values)


def test_every_status_can_be_reached_from_received():
    reached, frontier = {CaseStatus.RECEIVED}, [CaseStatus.RECEIVED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(CaseStatus.values)


def test_closed_and_transferred_are_not_open_casework():
    assert CaseStatus.CLOSED not in OPEN_STATUSES
    assert CaseStatus.TRANSFERRED_OUT not in OPEN_STATUSES
    assert CaseStatus.HIGH_RISK in OPEN_STATUSES  # high-risk victims stay visible


@pytest.mark.parametrize(
    ("route", "elsewhere", "status"),
    [
        ("high_risk", False, "high_risk"),
        ("letter_only", False, "letter_only"),
        ("hub_contact", False, "awaiting_contact"),
        ("hub_contact", True, "supported_elsewhere"),
    ],
)
def test_status_after_triage(route, elsewhere, status):
    assert status_after_triage(route=route, supported_elsewhere=elsewhere) == status


def test_a_legal_move_changes_status_and_writes_one_row(vcc_user):
    case = CaseFactory(status=CaseStatus.AWAITING_CONTACT)
    transition_case(case=case, to=CaseStatus.ACCEPTED, by=vcc_user, reason="Agreed on the phone")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    row = CaseTransition.objects.get(case=case)
    assert (row.from_status, row.to_status, row.by, row.reason) == (
        "awaiting_contact",
        "accepted",
        vcc_user,
        "Agreed on the phone",
    )


def test_closing_sets_closed_at_and_reopening_clears_it(vcc_user):
    case = CaseFactory(status=CaseStatus.DECLINED)
    transition_case(case=case, to=CaseStatus.CLOSED, by=vcc_user)
    case.refresh_from_db()
    assert case.closed_at is not None
    transition_case(case=case, to=CaseStatus.AWAITING_CONTACT, by=vcc_user)
    case.refresh_from_db()
    assert case.closed_at is None
    assert [r.reason for r in case.transitions.all()] == ["closed", "re-opened"]


def test_an_illegal_move_raises_a_domain_error_and_writes_nothing(vcc_user):
    case = CaseFactory(status=CaseStatus.LETTER_ONLY)
    with pytest.raises(DomainError, match="cannot move to 'Recovery plan in place'") as refused:
        transition_case(case=case, to=CaseStatus.IN_SUPPORT, by=vcc_user)
    assert refused.value.code == ILLEGAL_TRANSITION
    case.refresh_from_db()
    assert case.status == CaseStatus.LETTER_ONLY
    assert not CaseTransition.objects.filter(case=case).exists()


def test_transferred_out_is_final(vcc_user):
    case = CaseFactory(status=CaseStatus.TRANSFERRED_OUT)
    for status in CaseStatus.values:
        with pytest.raises(DomainError):
            transition_case(case=case, to=status, by=vcc_user)


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_database_refuses_to_rewrite_the_timeline(vcc_user, statement):
    case = CaseFactory(status=CaseStatus.AWAITING_CONTACT)
    transition_case(case=case, to=CaseStatus.DECLINED, by=vcc_user)
    rows = CaseTransition.objects.filter(case=case)
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        if statement == "update":
            rows.update(reason="rewritten")
        else:
            rows.delete()
    assert rows.get().reason == "contacted: declined support"


def test_a_new_case_opens_in_its_first_status_with_both_timeline_rows(vcc_user):
    case = open_case(
        to=CaseStatus.AWAITING_CONTACT, by=vcc_user, received="Referral received: test.",
        reason="", person=PersonFactory(), source="self_referral", route="hub_contact",
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CONTACT
    assert case.closed_at is None
    rows = list(case.transitions.values_list("from_status", "to_status", "reason", "by"))
    assert rows == [
        ("", "received", "Referral received: test.", vcc_user.pk),
        ("received", "awaiting_contact", TRANSITIONS["received"]["awaiting_contact"],
         vcc_user.pk),
    ]


@pytest.mark.parametrize("status", sorted(set(CaseStatus.values) - set(TRANSITIONS["received"])))
def test_a_new_case_cannot_open_in_a_status_the_table_does_not_allow(status, vcc_user):
    from cases.models import Case

    with pytest.raises(DomainError, match="cannot start as"):
        open_case(to=status, by=vcc_user, received="x", reason="", person=PersonFactory(),
                  source="self_referral", route="hub_contact")
    assert not Case.objects.exists()
