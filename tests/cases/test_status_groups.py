"""The case state machine's rules beyond the table itself (issue 10, "one home for each rule").

1. Every move in cases.workflow.TRANSITIONS is made by a service that a page or a scheduled
   job calls, or is removed from the table. MOVES lists, for every move, the service that
   makes it: a move added with no service fails `test_every_move_is_listed`; a service that
   no page, API view, task or handler calls fails
   `test_every_service_is_called_from_a_page_or_a_job`. Escalation to MASH / Public
   Protection, stepping down from it, "found supported elsewhere" and closing cases the hub
   did not support are made by contact.lifecycle (issue 12), which also lets a hub manager
   close a case awaiting contact; cases the hub did not support also close by themselves
   after a set period (contact.closures, a scheduled job). No move is left for later.
2. The groups of statuses in cases/workflow.py hold together with the table they come from,
   and the services' predicates (what a page shows) agree with what the services accept.
   They fail when the table changes in a way the rest of the hub cannot follow: a
   re-opening that does not lead to calls, an outcome status missing one of the decisions,
   support that cannot close, an open status with no way to end.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from assessments.support_services import can_close_support, close_case
from cases.workflow import (
    CALLING_STATUSES,
    CLOSE_UNSUPPORTED_FROM,
    CONTACT_DECISION_STATUSES,
    ENDED_STATUSES,
    MANAGER_CLOSE_FROM,
    OPEN_STATUSES,
    OUTCOME_STATUSES,
    PLAN_AGREED_FROM,
    PLAN_IN_PLACE_STATUSES,
    REOPENABLE_STATUSES,
    SUPPORT_STATUSES,
    TRANSITIONS,
    CaseStatus,
)
from contact.closures import AUTO_CLOSE_STATUSES
from contact.models import CONTACT_DECISIONS, AttemptOutcome, ContactOutcome
from contact.services import (
    DECISION_STATUS,
    can_call,
    can_record_outcome,
    can_reopen,
    record_contact_outcome,
    record_victim_got_in_touch,
)
from core.errors import DomainError
from tests.factories import CaseFactory

S = CaseStatus
ALL = frozenset(CaseStatus.values)

IVNA = "intake.services.record_ivna"
SELF_REFERRAL = "intake.selfreferral.record_self_referral"
TRANSFER_IN = "intake.transfers.record_transfer_in"
TRANSFER_OUT = "referrals.services.record_transfer_out"
ATTEMPT = "contact.services.record_contact_attempt"
OUTCOME = "contact.services.record_contact_outcome"
GOT_IN_TOUCH = "contact.services.record_victim_got_in_touch"
AGREE_PLAN = "assessments.support_services.agree_plan"
CLOSE_SUPPORT = "assessments.support_services.close_case"
DECIDE_CHANGE = "intake.amendments.decide_change"
ESCALATE = "contact.lifecycle.escalate_to_high_risk"
STEP_DOWN = "contact.lifecycle.step_down_to_hub"
FOUND_ELSEWHERE = "contact.lifecycle.record_supported_elsewhere"
CLOSE_UNSUPPORTED = "contact.lifecycle.close_unsupported_case"
AUTO_CLOSE = "contact.closures.close_if_still_there"  # the CLOSE_CASE handler

MOVES: dict[tuple[str, str], tuple[str, ...]] = {
    (S.RECEIVED, S.LETTER_ONLY): (IVNA,),
    (S.RECEIVED, S.HIGH_RISK): (IVNA,),
    (S.RECEIVED, S.AWAITING_CONTACT): (IVNA, SELF_REFERRAL, TRANSFER_IN),
    (S.RECEIVED, S.SUPPORTED_ELSEWHERE): (IVNA,),
    (S.RECEIVED, S.CLOSED): (IVNA,),  # declined contact at the IVNA
    # An amended IVNA re-triages the case: its route only goes up by itself
    # (intake.amendments, called by record_ivna), or when a VCC accepts the police's change.
    (S.LETTER_ONLY, S.AWAITING_CONTACT): (GOT_IN_TOUCH, IVNA, DECIDE_CHANGE),
    (S.LETTER_ONLY, S.HIGH_RISK): (IVNA, DECIDE_CHANGE, ESCALATE),
    (S.LETTER_ONLY, S.CLOSED): (CLOSE_UNSUPPORTED, AUTO_CLOSE),
    (S.LETTER_ONLY, S.TRANSFERRED_OUT): (TRANSFER_OUT,),
    (S.HIGH_RISK, S.AWAITING_CONTACT): (STEP_DOWN,),
    (S.HIGH_RISK, S.CLOSED): (CLOSE_UNSUPPORTED, AUTO_CLOSE),
    (S.AWAITING_CONTACT, S.NO_CONTACT): (ATTEMPT,),
    (S.AWAITING_CONTACT, S.DECLINED): (OUTCOME,),
    (S.AWAITING_CONTACT, S.SIGNPOSTED): (OUTCOME,),
    (S.AWAITING_CONTACT, S.ACCEPTED): (OUTCOME,),
    (S.AWAITING_CONTACT, S.SUPPORTED_ELSEWHERE): (FOUND_ELSEWHERE,),
    (S.AWAITING_CONTACT, S.HIGH_RISK): (IVNA, DECIDE_CHANGE, ESCALATE),
    (S.AWAITING_CONTACT, S.TRANSFERRED_OUT): (TRANSFER_OUT,),
    (S.AWAITING_CONTACT, S.CLOSED): (CLOSE_UNSUPPORTED,),  # by a hub manager only
    (S.SUPPORTED_ELSEWHERE, S.HIGH_RISK): (ESCALATE,),
    (S.SUPPORTED_ELSEWHERE, S.CLOSED): (CLOSE_UNSUPPORTED, AUTO_CLOSE),
    (S.NO_CONTACT, S.AWAITING_CONTACT): (GOT_IN_TOUCH,),
    (S.NO_CONTACT, S.DECLINED): (OUTCOME,),
    (S.NO_CONTACT, S.SIGNPOSTED): (OUTCOME,),
    (S.NO_CONTACT, S.ACCEPTED): (OUTCOME,),
    (S.NO_CONTACT, S.SUPPORTED_ELSEWHERE): (FOUND_ELSEWHERE,),
    (S.NO_CONTACT, S.HIGH_RISK): (ESCALATE,),
    (S.NO_CONTACT, S.CLOSED): (CLOSE_UNSUPPORTED, AUTO_CLOSE),
    (S.DECLINED, S.AWAITING_CONTACT): (GOT_IN_TOUCH,),
    (S.DECLINED, S.HIGH_RISK): (ESCALATE,),
    (S.DECLINED, S.CLOSED): (CLOSE_UNSUPPORTED, AUTO_CLOSE),
    (S.SIGNPOSTED, S.HIGH_RISK): (ESCALATE,),
    (S.SIGNPOSTED, S.CLOSED): (CLOSE_UNSUPPORTED, AUTO_CLOSE),
    (S.ACCEPTED, S.IN_SUPPORT): (AGREE_PLAN,),
    (S.ACCEPTED, S.HIGH_RISK): (IVNA, DECIDE_CHANGE, ESCALATE),
    (S.ACCEPTED, S.TRANSFERRED_OUT): (TRANSFER_OUT,),
    (S.ACCEPTED, S.CLOSED): (CLOSE_SUPPORT,),
    (S.IN_SUPPORT, S.HIGH_RISK): (IVNA, DECIDE_CHANGE, ESCALATE),
    (S.IN_SUPPORT, S.TRANSFERRED_OUT): (TRANSFER_OUT,),
    (S.IN_SUPPORT, S.CLOSED): (CLOSE_SUPPORT,),
    (S.CLOSED, S.AWAITING_CONTACT): (GOT_IN_TOUCH,),
}


def _table_moves() -> set[tuple[str, str]]:
    return {(frm, to) for frm, moves in TRANSITIONS.items() for to in moves}


def test_every_move_is_listed():
    missing = sorted(_table_moves() - set(MOVES))
    gone = sorted(set(MOVES) - _table_moves())
    assert not missing, f"Moves with no service (make one, or remove the move): {missing}"
    assert not gone, f"Listed moves no longer in the table: {gone}"


def _service(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _entry_points() -> str:
    """The source of every page, API view, task and handler of the hub's own apps."""
    base = Path(settings.BASE_DIR).resolve()
    texts = []
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if base not in root.parents:
            continue
        for path in root.rglob("*.py"):
            name = path.name
            if "views" in name or name in ("tasks.py", "handlers.py") or "api" in path.parts:
                texts.append(path.read_text())
    return "\n".join(texts)


def test_every_service_is_called_from_a_page_or_a_job():
    source = _entry_points()
    for path in sorted({p for paths in MOVES.values() for p in paths}):
        assert callable(_service(path)), path
        name = path.rsplit(".", 1)[1]
        assert f"{name}(" in source, f"{path} makes a move but no page or job calls it"



def _reachable(start: str) -> set[str]:
    seen, frontier = {start}, [start]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def test_open_and_ended_split_the_statuses_and_every_open_case_can_end():
    assert OPEN_STATUSES | ENDED_STATUSES == ALL
    assert not OPEN_STATUSES & ENDED_STATUSES
    assert ENDED_STATUSES == {S.CLOSED, S.TRANSFERRED_OUT}
    for status in OPEN_STATUSES - {S.RECEIVED}:
        assert _reachable(status) & ENDED_STATUSES, f"{status} can never end"


def test_every_open_status_has_someone_or_something_to_close_it():
    """Issue 12, every case ends: support closes with its outcomes; a case the hub did not
    support closes by a person or by itself after a set period; a case awaiting contact
    by a hub manager (its calls end in no contact otherwise)."""
    assert MANAGER_CLOSE_FROM == CALLING_STATUSES
    assert AUTO_CLOSE_STATUSES == CLOSE_UNSUPPORTED_FROM
    assert not MANAGER_CLOSE_FROM & CLOSE_UNSUPPORTED_FROM
    assert OPEN_STATUSES - {S.RECEIVED} == (
        CLOSE_UNSUPPORTED_FROM | MANAGER_CLOSE_FROM | SUPPORT_STATUSES
    )


def test_reopening_is_exactly_what_the_got_in_touch_service_does_and_leads_to_calls():
    made_by_service = {frm for (frm, to), paths in MOVES.items()
                       if GOT_IN_TOUCH in paths and to == S.AWAITING_CONTACT}
    assert made_by_service == REOPENABLE_STATUSES
    assert REOPENABLE_STATUSES == {S.LETTER_ONLY, S.NO_CONTACT, S.DECLINED, S.CLOSED}
    for status in REOPENABLE_STATUSES:
        assert set(TRANSITIONS[status]) & CALLING_STATUSES
    assert not REOPENABLE_STATUSES & CALLING_STATUSES  # a case being called is open already


def test_calls_lead_to_every_outcome_and_outcomes_are_the_contact_decisions():
    assert CALLING_STATUSES == {S.AWAITING_CONTACT}
    assert CALLING_STATUSES <= OUTCOME_STATUSES
    assert OUTCOME_STATUSES == {S.AWAITING_CONTACT, S.NO_CONTACT}
    assert OUTCOME_STATUSES <= OPEN_STATUSES
    assert set(DECISION_STATUS) == set(CONTACT_DECISIONS)
    assert set(DECISION_STATUS.values()) == CONTACT_DECISION_STATUSES
    assert set(ContactOutcome.values) == {*CONTACT_DECISIONS, ContactOutcome.NO_CONTACT}
    for status in CALLING_STATUSES:
        assert S.NO_CONTACT in TRANSITIONS[status]


def test_support_starts_with_acceptance_is_planned_and_closes():
    assert SUPPORT_STATUSES & CONTACT_DECISION_STATUSES == {S.ACCEPTED}
    assert PLAN_AGREED_FROM == {S.ACCEPTED}
    assert PLAN_IN_PLACE_STATUSES == {S.IN_SUPPORT}
    assert PLAN_AGREED_FROM | PLAN_IN_PLACE_STATUSES == SUPPORT_STATUSES
    for status in SUPPORT_STATUSES:
        assert S.CLOSED in TRANSITIONS[status], f"support cannot close from {status}"
    for frm, moves in TRANSITIONS.items():
        if frm not in SUPPORT_STATUSES and set(moves) & SUPPORT_STATUSES:
            assert frm in OUTCOME_STATUSES, f"{frm} enters support without a contact outcome"


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(ALL))
def test_can_reopen_agrees_with_the_service(status, vcc_user):
    case = CaseFactory(status=status)
    expected = can_reopen(case)
    try:
        record_victim_got_in_touch(case=case, by=vcc_user)
    except DomainError:
        assert not expected
    else:
        assert expected
        case.refresh_from_db()
        assert can_call(case)


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(ALL))
def test_can_record_outcome_agrees_with_the_service(status, vcc_user):
    case = CaseFactory(status=status)
    case.attempts.create(made_at=timezone.now(), made_by=vcc_user, number_used="01234",
                         band="morning", outcome=AttemptOutcome.CONTACTED)
    expected = can_record_outcome(case)
    try:
        record_contact_outcome(case=case, outcome=ContactOutcome.ACCEPTED, by=vcc_user)
    except DomainError:
        assert not expected
    else:
        assert expected


@pytest.mark.django_db
def test_an_outcome_waits_for_the_call_that_reached_the_victim(vcc_user):
    case = CaseFactory(status=S.AWAITING_CONTACT)
    assert not can_record_outcome(case)
    assert can_record_outcome(CaseFactory(status=S.NO_CONTACT))


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(ALL))
def test_can_close_support_agrees_with_the_service(status, vcc_user):
    case = CaseFactory(status=status)
    expected = can_close_support(case)
    try:
        close_case(case=case, reason="support_complete", outcomes={}, by=vcc_user)
    except DomainError:
        assert not expected
    else:
        assert expected
