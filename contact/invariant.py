"""Nothing can stall (issue 12; docs/invariant.md).

The invariant: every case that is not closed has a next step on someone's list. That is,
one of:
- a due item on the case (scheduling.ScheduledItem, state "due", whenever it falls due):
  person-work on a VCC's "My work" or the team queue (a call, the victim's decision, the
  DVNA, a plan review, a referral to chase, changes from the police to check), or a dated
  job the machine runs (the end of the wait for a victim invited to call, a scheduled
  closure). A message waiting to go (a letter, an email) is not a step in the case;
- or, for a case the hub is to contact (awaiting contact) with no call and no invitation
  pending, a place on the manager's decision list on the team page (awaiting_a_manager):
  the victim can be neither phoned nor written to, or the calling rules leave no further
  attempt.

`stalled` is every case that breaks it. The daily job (contact.tasks, beat at 06:00; the
embedded run's scheduler) records what it finds as a StallCheck row, which the team page
shows; it should find none. tests/cases/test_no_case_stalls.py drives random sequences of
casework through the services and checks the invariant after every step.
"""

from __future__ import annotations

import logging

from django.db.models import Exists, OuterRef, QuerySet

from cases.models import Case
from cases.workflow import CALLING_STATUSES, OPEN_STATUSES
from contact.next_steps import NEXT_STEP_KINDS
from contact.services import ATTEMPT_KINDS
from scheduling.models import ItemKind, ItemState, ScheduledItem, StallCheck

log = logging.getLogger(__name__)

# The work that reaches a victim the hub is to contact: a call (or the decision of a victim
# reached), or the wait for a victim invited by letter to call.
CONTACT_ROUND_KINDS = (*ATTEMPT_KINDS, ItemKind.INVITE_EXPIRED)


def _due(kinds: tuple[str, ...] | None = None) -> Exists:
    items = ScheduledItem.objects.filter(case=OuterRef("pk"), state=ItemState.DUE)
    if kinds is not None:
        items = items.filter(kind__in=kinds)
    return Exists(items)


def awaiting_a_manager(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases the hub is to contact with no call and no invitation pending: a manager decides
    the next step (the team page's list)."""
    return cases.filter(status__in=CALLING_STATUSES).exclude(_due(CONTACT_ROUND_KINDS))


# What counts as a next step (not a message the hub sends): contact.next_steps.


def stalled(cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases not closed with no next step due on anyone's list: each breaks the invariant."""
    cases = Case.objects.all() if cases is None else cases
    return (
        cases.filter(status__in=OPEN_STATUSES)
        .exclude(status__in=CALLING_STATUSES)  # on a VCC's list or the manager's, above
        .exclude(_due(NEXT_STEP_KINDS))
    )


def record_stall_check() -> StallCheck:
    """The daily check: the cases that break the invariant, kept as a row (ids only)."""
    ids = list(stalled().order_by("pk").values_list("pk", flat=True)[:1000])
    check = StallCheck.objects.create(
        open_cases=Case.objects.filter(status__in=OPEN_STATUSES).count(),
        stalled_case_ids=ids,
    )
    if ids:
        log.warning("stall check: %d open cases have no next step on anyone's list", len(ids))
    return check


def latest_stall_check() -> StallCheck | None:
    return StallCheck.objects.order_by("-ran_at", "-pk").first()
