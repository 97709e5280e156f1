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

from django.utils import timezone

from cases.models import Case
from scheduling.models import ItemKind
from scheduling.services import schedule


def expect_decision(*, case: Case, attempt_pk: int) -> None:
    schedule(
        kind=ItemKind.RECORD_DECISION, case=case, due_at=timezone.now(),
        dedupe_key=f"record_decision:{attempt_pk}",
    )


def expect_dvna(*, case: Case) -> None:
    """Due at once: the DVNA is often done on the call on which the victim accepts."""
    schedule(
        kind=ItemKind.DVNA, case=case, due_at=timezone.now(),
        dedupe_key=f"dvna:{case.pk}:{case.transitions.count()}",
    )
