"""The person-work that follows what a victim says on a call (issue 12, "nothing can
stall"): each is a row on the case's VCC's list (or the team queue), so a case awaiting the
victim's decision, or a DVNA, is never left with nothing on anyone's list
(docs/invariant.md).

- A call that reached the victim: their decision (declined, signposted, accepted) is to be
  recorded; contact.services.record_contact_outcome completes it.
- Support accepted: the DVNA and the recovery plan are due;
  assessments.support_services.agree_plan completes it, closing support or moving the case
  on (escalation, transfer) cancels it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from cases.models import Case
from scheduling.models import OWED_KINDS, ItemKind, ItemState, ScheduledItem
from scheduling.services import schedule

# Messages the hub sends (a letter, a referral's email, a notice to managers) go whatever
# becomes of the case: none is a step in it, so none keeps a case from counting as stalled
# (contact.invariant), and none is shown as a case's next step.
MESSAGE_KINDS = (ItemKind.SEND_LETTER, ItemKind.FOLLOW_UP_LETTER, *OWED_KINDS)
NEXT_STEP_KINDS = tuple(k for k in ItemKind.values if k not in MESSAGE_KINDS)


def _due_steps() -> QuerySet[ScheduledItem]:
    return ScheduledItem.objects.filter(state=ItemState.DUE, kind__in=NEXT_STEP_KINDS)


def with_next_step_due(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases annotated with `next_step_due_at`: when their next step falls due (None
    when nothing is due), in the same query, so a list can be ordered by it."""
    first = _due_steps().filter(case=OuterRef("pk")).order_by("due_at", "pk")
    return cases.annotate(next_step_due_at=Subquery(first.values("due_at")[:1]))


def next_steps(case_ids: Iterable[int]) -> dict[int, ScheduledItem]:
    """The next step of each case: its earliest due item that is a step in the case (a
    call, the victim's decision, the DVNA, a review, a chase, the end of a wait). One query
    whatever the number of cases; a case with nothing due is absent."""
    ids = list(case_ids)
    if not ids:
        return {}
    items = (
        _due_steps().filter(case_id__in=ids)
        .order_by("case_id", "due_at", "pk").distinct("case_id")
    )
    return {item.case_id: item for item in items if item.case_id is not None}


def expect_decision(*, case: Case, attempt_pk: int) -> None:
    schedule(
        kind=ItemKind.RECORD_DECISION, case=case, due_at=timezone.now(),
        dedupe_key=f"record_decision:{attempt_pk}",
    )


def dvna_key(case_pk: int, transitions: int) -> str:
    """One DVNA item per acceptance: the case and the number of its status changes."""
    return f"dvna:{case_pk}:{transitions}"


def expect_dvna(*, case: Case) -> None:
    """Due at once: the DVNA is often done on the call on which the victim accepts."""
    schedule(
        kind=ItemKind.DVNA, case=case, due_at=timezone.now(),
        dedupe_key=dvna_key(case.pk, case.transitions.count()),
    )
