"""Cases move between the boxes of the flow as the hub works them (issue 14), through the real
services: a re-opened declined or no-contact case that is then contacted is counted by its new
outcome; a letter-only victim who comes back and accepts counts as accepted (and assessed
vulnerable); a case transferred out before the victim decided is transferred_out; and
self-referrals and transfers in are their own ways in, outside the IVNA's assessed vulnerable."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.choices import CaseSource, Route
from cases.models import Case
from cases.services import open_case
from cases.workflow import CaseStatus
from contact.models import AttemptOutcome, ContactOutcome
from contact.services import (
    NO_CONTACT_REASON,
    move_to_no_contact,
    record_contact_attempt,
    record_contact_outcome,
    record_victim_got_in_touch,
)
from referrals.services import record_transfer_out
from reporting.flow import Flow, Period, compute_flow
from tests.factories import CrimeFactory, PersonFactory

pytestmark = pytest.mark.django_db
S = CaseStatus


def today() -> Period:
    return Period(timezone.localdate(), timezone.localdate())


def opened(to: str = S.AWAITING_CONTACT, *, route: str = Route.HUB_CONTACT,
           source: str = CaseSource.POLICE_IVNA, **person) -> Case:
    """A new case as the intake opens it (cases.services.open_case)."""
    return open_case(to=to, by=None, received="Referred.", reason="", route=route,
                     source=source, person=PersonFactory(**person), crime=CrimeFactory())


def reached(case: Case, by) -> None:
    """A call on which the victim was reached (so an outcome may be recorded)."""
    record_contact_attempt(case=case, made_at=timezone.now(), number_used=case.person.phone,
                           outcome=AttemptOutcome.CONTACTED, by=by)


def decide(case: Case, outcome: str, by) -> None:
    reached(case, by)
    record_contact_outcome(case=case, outcome=outcome, by=by, detail="Recorded in the test.")


def leaves(flow: Flow, *keys: str) -> dict[str, int]:
    return {key: flow.counts[key] for key in keys}


OUTCOME_KEYS = ("awaiting_contact", "no_contact", "declined", "signposted", "accepted",
                "transferred_out")


def test_a_re_opened_declined_case_then_contacted_moves_to_its_new_outcome(vcc_user):
    case = opened()
    decide(case, ContactOutcome.DECLINED, vcc_user)
    assert leaves(compute_flow(today()), *OUTCOME_KEYS)["declined"] == 1

    record_victim_got_in_touch(case=case, by=vcc_user)  # re-opened: awaiting a call back
    # Its latest outcome is still "declined" until the victim decides again.
    assert compute_flow(today()).declined == 1

    decide(case, ContactOutcome.ACCEPTED, vcc_user)
    flow = compute_flow(today())
    assert leaves(flow, *OUTCOME_KEYS) == {
        "awaiting_contact": 0, "no_contact": 0, "declined": 0, "signposted": 0,
        "accepted": 1, "transferred_out": 0,
    }
    assert (flow.victims["accepted"], flow.victims["declined"]) == (1, 0)
    assert flow.leaves_add_up()


def test_a_re_opened_no_contact_case_then_contacted_moves_to_its_new_outcome(vcc_user):
    case = opened()
    move_to_no_contact(case=case, by=None, reason=NO_CONTACT_REASON)
    assert compute_flow(today()).no_contact == 1

    record_victim_got_in_touch(case=case, by=vcc_user)
    flow = compute_flow(today())
    assert (flow.no_contact, flow.awaiting_contact) == (0, 1)

    decide(case, ContactOutcome.SIGNPOSTED, vcc_user)
    flow = compute_flow(today())
    assert leaves(flow, *OUTCOME_KEYS) == {
        "awaiting_contact": 0, "no_contact": 0, "declined": 0, "signposted": 1,
        "accepted": 0, "transferred_out": 0,
    }
    assert flow.leaves_add_up()


def test_a_letter_only_victim_who_comes_back_and_accepts_counts_as_accepted(vcc_user):
    case = opened(S.LETTER_ONLY, route=Route.LETTER_ONLY)
    flow = compute_flow(today())
    assert (flow.letter_only, flow.assessed_vulnerable, flow.supported_rate) == (1, 0, None)

    record_victim_got_in_touch(case=case, by=vcc_user)
    flow = compute_flow(today())
    # Came back, not yet decided: still letter only, and responded to the letter.
    assert (flow.letter_only, flow.responded_to_letter, flow.vulnerable) == (1, 1, 0)

    decide(case, ContactOutcome.ACCEPTED, vcc_user)
    flow = compute_flow(today())
    assert (flow.letter_only, flow.responded_to_letter) == (0, 0)
    assert (flow.vulnerable, flow.contacted, flow.accepted) == (1, 1, 1)
    # Counted by the decision, so in the supported rate's denominator too.
    assert (flow.assessed_vulnerable, flow.supported, flow.supported_rate) == (1, 1, 1.0)
    assert flow.victims["accepted"] == 1
    assert flow.leaves_add_up()


TRANSFER = {"area": "Norfolk", "organisation_name": "Norfolk Victim Care",
            "shared": ["identity", "contact_details"]}


def test_transferred_out_before_deciding_is_its_own_leaf_after_accepting_stays_accepted(
    vcc_user,
):
    waiting = opened(district="out_of_area")
    supported = opened(district="out_of_area")
    decide(supported, ContactOutcome.ACCEPTED, vcc_user)
    for case in (waiting, supported):
        record_transfer_out(case=case, by=vcc_user, **TRANSFER)
        case.refresh_from_db()
        assert case.status == S.TRANSFERRED_OUT
    flow = compute_flow(today())
    assert leaves(flow, *OUTCOME_KEYS) == {
        "awaiting_contact": 0, "no_contact": 0, "declined": 0, "signposted": 0,
        "accepted": 1, "transferred_out": 1,
    }
    assert flow.vulnerable == 2
    assert flow.leaves_add_up()


def test_self_referrals_and_transfers_in_are_their_own_ways_in(vcc_user):
    ivna = opened()
    self_referral = opened(source=CaseSource.SELF_REFERRAL)
    transfer_in = opened(source=CaseSource.TRANSFER_IN)
    for case in (ivna, self_referral, transfer_in):
        decide(case, ContactOutcome.ACCEPTED, vcc_user)
    flow = compute_flow(today())
    assert (flow.referred, flow.police_ivna, flow.self_referred, flow.transferred_in) == (
        3, 1, 1, 1
    )
    assert (flow.self_referred_accepted, flow.transferred_in_accepted) == (1, 1)
    # Only the IVNA referral is assessed vulnerable; all three were supported.
    assert (flow.vulnerable, flow.assessed_vulnerable, flow.accepted) == (1, 1, 1)
    assert (flow.supported, flow.victims["supported"]) == (3, 3)
    assert flow.supported_rate == 1.0
    assert flow.leaves_add_up()
