"""Nothing can stall (issue 12; docs/invariant.md): a hypothesis state machine drives random
sequences of casework through the hub's own services (intake, calls, outcomes, letters,
DVNAs and plans, closures, re-openings, escalations, step-downs, transfers out, and the clock
moving on) and, after every step, checks:

1. the invariant: every case that is not closed has a next step on someone's list, or waits
   on a dated job (contact.invariant.stalled finds none);
2. the flow's leaves add up, and every case is in exactly one leaf (computed again after
   every step that wrote a row: after one that wrote none, they are what they were);
3. the state machine: each case's timeline is a chain of allowed moves ending at its status,
   and a case has `closed_at` exactly when its status has ended.

A service that refuses a move (DomainError) is part of the game: a refusal must leave the
invariant holding too. Each example runs in a savepoint that is rolled back.

In the suite the examples are derandomised (the same 20 sequences each run, so a run never
fails by chance); `HUB_STALL_EXAMPLES=500 pytest tests/cases/test_no_case_stalls.py` explores
that many fresh random sequences.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from accounts.roles import Role
from assessments.dvna_services import record_dvna
from assessments.support_services import agree_plan, close_case, outcome_areas
from cases.models import Case
from cases.workflow import ENDED_STATUSES, TRANSITIONS, CaseStatus
from contact.invariant import stalled
from contact.lifecycle import (
    close_unsupported_case,
    escalate_to_high_risk,
    record_supported_elsewhere,
    step_down_to_hub,
)
from contact.models import AttemptOutcome
from contact.services import (
    propose_next_attempt,
    record_contact_attempt,
    record_contact_outcome,
    record_victim_got_in_touch,
)
from core.errors import DomainError
from intake.matching import CrimeDetails, VictimDetails
from intake.models import SubmittedVia
from intake.services import AssessmentAnswers, IvnaSubmission, record_ivna
from referrals.services import record_transfer_out
from reporting.flow import LEAVES, Period, compute_flow
from scheduling.models import ItemKind, ItemState, ScheduledItem
from scheduling.services import due_machine_items, run_item
from tests.assessments.builders import action, answers
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

S = CaseStatus
LETTER_KINDS = (ItemKind.SEND_LETTER, ItemKind.FOLLOW_UP_LETTER)
EVER = Period(date(2000, 1, 1), date(2100, 1, 1))

intake_answers = st.fixed_dictionaries({
    "needs_support": st.booleans(),
    "vulnerable": st.booleans(),
    "dash_risk": st.sampled_from(["", "standard", "medium", "high"]),
    "supported_elsewhere": st.booleans(),
    "safe_to_write": st.sampled_from([True, False, None]),
    "consent_to_contact": st.sampled_from([True, True, True, False, None]),
    "safe_to_call": st.sampled_from([True, True, False]),
    "phone": st.sampled_from(["07700 900123", ""]),
    "bands": st.sampled_from([None, [], ["morning"], ["morning", "evening"]]),
    "district": st.sampled_from(["fenland", "cambridge", "out_of_area"]),
    "same_person": st.booleans(),
})


class Casework(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.vcc = user_with_role(Role.VCC)
        self.manager = user_with_role(Role.MANAGER)
        self.police = user_with_role(Role.POLICE)
        self.crimes = 0
        self._writes_at_flow_check: int | None = None

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _case(self, pk: int) -> Case:
        return Case.objects.select_related("person").get(pk=pk)

    def _try(self, move, **kwargs) -> None:
        try:
            with transaction.atomic():
                move(**kwargs)
        except DomainError:
            pass  # refused: the savepoint undid it, and the invariants must still hold

    # -- Ways in ------------------------------------------------------------------------

    @rule(target=cases, a=intake_answers)
    def intake(self, a: dict) -> int:
        self.crimes += 1
        person = "N-1" if a["same_person"] else f"N-{100 + self.crimes}"
        submission = IvnaSubmission(
            crime=CrimeDetails(
                reference=f"CF/{self.crimes:05d}/26", crime_type="burglary",
                offence_date=timezone.localdate() - timedelta(days=2),
                reported_at=timezone.now() - timedelta(days=1),
            ),
            victim=VictimDetails(
                police_person_id=person, first_name="Sam", last_name=f"Case{self.crimes}",
                phone=a["phone"], email="", address_line1="1 High Street", town="Wisbech",
                postcode="PE13 1AA", district=a["district"], safe_to_call=a["safe_to_call"],
                safe_contact_bands=a["bands"],
            ),
            assessment=AssessmentAnswers(
                needs_support=a["needs_support"],
                priority_categories=["vulnerable"] if a["vulnerable"] else [],
                dash_risk=a["dash_risk"], supported_elsewhere=a["supported_elsewhere"],
                safe_to_write=a["safe_to_write"], consent_to_contact=a["consent_to_contact"],
            ),
        )
        return record_ivna(submission=submission, by=self.police, via=SubmittedVia.API).case.pk

    # -- Contact --------------------------------------------------------------------------

    @rule(pk=cases, reached=st.booleans())
    def call(self, pk: int, reached: bool) -> None:
        case = self._case(pk)
        if reached:
            made_at, outcome = timezone.now(), AttemptOutcome.CONTACTED
        else:
            # The first slot the rules allow in the past month: the hub dials within the rules.
            slot = propose_next_attempt(case, after=timezone.now() - timedelta(days=30))
            if slot is None or slot.start > timezone.now():
                return
            made_at, outcome = slot.start + timedelta(minutes=5), AttemptOutcome.NO_ANSWER
        self._try(record_contact_attempt, case=case, made_at=made_at,
                  number_used=case.person.phone or "07700 900999", outcome=outcome, by=self.vcc)

    @rule(pk=cases, outcome=st.sampled_from(["declined", "signposted", "accepted"]))
    def decide(self, pk: int, outcome: str) -> None:
        self._try(record_contact_outcome, case=self._case(pk), outcome=outcome, by=self.vcc,
                  detail="Said on the call")

    @rule(pk=cases)
    def got_in_touch(self, pk: int) -> None:
        self._try(record_victim_got_in_touch, case=self._case(pk), by=self.vcc)

    # -- Support ------------------------------------------------------------------------

    @rule(pk=cases)
    def dvna_and_plan(self, pk: int) -> None:
        def both(case: Case) -> None:
            record_dvna(case=case, answers=answers(), by=self.vcc)
            agree_plan(case=case, actions=[action(self.vcc, areas=("health", "finance"))],
                       next_review_on=timezone.localdate() + timedelta(days=14), by=self.vcc)

        self._try(both, case=self._case(pk))

    @rule(pk=cases)
    def close_support(self, pk: int) -> None:
        case = self._case(pk)
        try:
            outcomes = {area: "better" for area, _ in outcome_areas(case)}
        except DomainError:
            return
        self._try(close_case, case=case, reason="support_complete", outcomes=outcomes,
                  by=self.vcc)

    # -- Moves by a person ----------------------------------------------------------------

    @rule(pk=cases)
    def escalate(self, pk: int) -> None:
        self._try(escalate_to_high_risk, case=self._case(pk), by=self.vcc,
                  reason="High risk from the offender")

    @rule(pk=cases)
    def step_down(self, pk: int) -> None:
        self._try(step_down_to_hub, case=self._case(pk), by=self.vcc, reason="MASH closed it")

    @rule(pk=cases)
    def found_elsewhere(self, pk: int) -> None:
        self._try(record_supported_elsewhere, case=self._case(pk), by=self.vcc,
                  service="IDVA service", reason="The IDVA rang")

    @rule(pk=cases, by_manager=st.booleans())
    def close_unsupported(self, pk: int, by_manager: bool) -> None:
        self._try(close_unsupported_case, case=self._case(pk),
                  by=self.manager if by_manager else self.vcc, reason="Nothing more to do")

    @rule(pk=cases)
    def transfer_out(self, pk: int) -> None:
        self._try(record_transfer_out, case=self._case(pk), area="Norfolk",
                  organisation_name="Norfolk Victim Care", shared=["contact_details"],
                  by=self.vcc)

    # -- Time -----------------------------------------------------------------------------

    @rule(days=st.sampled_from([1, 5, 15, 40]))
    def clock_moves_on(self, days: int) -> None:
        """`days` pass: everything scheduled falls due that much sooner and the machine runs
        what has fallen due. Letters are taken as sent (sending them is not what is tested
        here); person-work stays on its list until a person does it."""
        ScheduledItem.objects.filter(state=ItemState.DUE).update(
            due_at=F("due_at") - timedelta(days=days)
        )
        now = timezone.now()
        ScheduledItem.objects.filter(
            state=ItemState.DUE, kind__in=LETTER_KINDS, due_at__lte=now
        ).update(state=ItemState.DONE, done_at=now)
        for item_id in due_machine_items(now):
            with transaction.atomic():
                run_item(item_id)

    # -- After every step -------------------------------------------------------------------

    @invariant()
    def no_case_stalls(self) -> None:
        found = list(stalled().values_list("pk", "status"))
        assert found == [], f"cases with no next step on anyone's list: {found}"

    def _writes(self) -> int:
        """The rows this transaction has inserted, updated or deleted so far, in savepoints
        rolled back too (PostgreSQL's own count: pg_stat_xact_user_tables). It only grows."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                           "FROM pg_stat_xact_user_tables")
            return cursor.fetchone()[0]

    @invariant()
    def the_flow_adds_up(self) -> None:
        # The flow and the leaves are read from the database alone: after a step that wrote
        # no row (most refused moves), they are the ones checked after the step before.
        writes = self._writes()
        if writes == self._writes_at_flow_check:
            return
        self._writes_at_flow_check = writes
        flow = compute_flow(EVER)
        assert flow.referred == Case.objects.count()
        assert flow.leaves_add_up()
        # One query a leaf (not one a leaf and case): the cases each leaf's condition holds.
        members = {n: set(Case.objects.filter(q).values_list("pk", flat=True))
                   for n, q in LEAVES.items()}
        for pk, status in Case.objects.values_list("pk", "status"):
            leaves = [n for n, pks in members.items() if pk in pks]
            assert len(leaves) == 1, (pk, status, leaves)

    @invariant()
    def every_timeline_is_a_chain_of_allowed_moves(self) -> None:
        for case in Case.objects.prefetch_related("transitions"):
            rows = sorted(case.transitions.all(), key=lambda t: (t.at, t.pk))
            assert rows[0].to_status == S.RECEIVED
            for before, after in zip(rows, rows[1:], strict=False):
                assert after.from_status == before.to_status, (case.pk, before, after)
                # A line that leaves the status as it was (a merge of people) is no move.
                if after.from_status != after.to_status:
                    assert after.to_status in TRANSITIONS[after.from_status], (case.pk, after)
            assert rows[-1].to_status == case.status
            assert (case.closed_at is not None) == (case.status in ENDED_STATUSES), case.pk


Casework.TestCase.settings = settings(
    max_examples=int(os.environ.get("HUB_STALL_EXAMPLES", "20")), stateful_step_count=40,
    deadline=None, derandomize=os.environ.get("HUB_STALL_EXAMPLES") is None,
    # No shrinking: a failure prints its whole sequence at once, rather than spending
    # minutes of the suite's time making it shorter.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much],
)


@pytest.mark.usefixtures("db")
def test_no_case_stalls_whatever_the_casework():
    Casework.TestCase().runTest()
