"""Cases the hub did not support close by themselves (issue 12, "every case ends").

Rule: a case that enters letter only, no contact, declined, signposted, supported elsewhere
or high risk (managed by MASH / Public Protection) has a CLOSE_CASE row scheduled, due a set
number of working days later (settings.HUB_CLOSE_AFTER_WORKING_DAYS, per status). When it
falls due, the case closes if it is still where it was put then: same status, and not moved
since (its timeline has as many rows as when the row was scheduled). Closing sets
`closed_at` (cases.services.transition_case), which starts the retention clock.

One home that no route can miss: cases.services sends cases.signals.case_moved on every
move, from open_case (a case triaged letter only, high risk or supported elsewhere at
intake) and transition_case (every other move: an outcome, three failed calls or an
unanswered invitation, an escalation, an amended IVNA, ...); `on_case_moved` below,
connected in contact.apps, schedules on entry and cancels the pending row on every move out
(the handler also finds such a row stale, so a row left behind closes nothing).

For no contact the period counts from the move to no contact: the follow-up letter is
queued at that moment (contact.services.move_to_no_contact).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from cases.models import Case
from cases.services import transition_case
from cases.workflow import CaseStatus
from core.working_days import end_of_working_day
from scheduling.models import ItemKind, ItemState, ScheduledItem
from scheduling.services import cancel_items, save_item, schedule_many, scheduled_item

S = CaseStatus

# What the timeline says when each closes by itself ({days}: the working days it waited).
CLOSE_REASONS: dict[str, str] = {
    S.LETTER_ONLY: "Closed automatically: no response to the letter within {days} working days.",
    S.NO_CONTACT: "Closed automatically: the victim did not get in touch within {days} working "
                  "days of the follow-up letter.",
    S.DECLINED: "Closed automatically: the victim declined support; no change within {days} "
                "working days.",
    S.SIGNPOSTED: "Closed automatically: the victim was signposted; no change within {days} "
                  "working days.",
    S.SUPPORTED_ELSEWHERE: "Closed automatically: the victim is supported by another service; "
                           "no change within {days} working days.",
    S.HIGH_RISK: "Closed automatically: managed by MASH / Public Protection and not stepped "
                 "down to the hub within {days} working days.",
}
# The statuses a case closes from by itself.
AUTO_CLOSE_STATUSES = frozenset(CLOSE_REASONS)


def close_after_working_days(status: str) -> int:
    return settings.HUB_CLOSE_AFTER_WORKING_DAYS[str(status)]


def automatic_closure_reason(status: str) -> str:
    """What the timeline says when a case closes by itself from `status`."""
    return CLOSE_REASONS[status].format(days=close_after_working_days(status))


def closure_payload(status: str, transitions: int) -> dict[str, Any]:
    """What the CLOSE_CASE row keeps: the status and the count of timeline rows it was
    scheduled for (never anything personal)."""
    return {"status": str(status), "transitions": transitions}


def closure_key(case_pk: int, transitions: int) -> str:
    """One closure per entry to a status: keyed by the number of rows of the case's timeline
    (a re-entry has more rows, so a new row; scheduling it again finds the first)."""
    return f"close_case:{case_pk}:{transitions}"


def closes_at(status: str, entered: datetime | None = None) -> datetime:
    """When a case that entered `status` at `entered` (now) closes by itself."""
    return end_of_working_day(entered or timezone.now(), close_after_working_days(status))


def closure_item(case: Case, transitions: int) -> ScheduledItem | None:
    """The automatic closure of a case that has just entered its status, not yet saved
    (None when the status does not close by itself)."""
    if case.status not in AUTO_CLOSE_STATUSES:
        return None
    return scheduled_item(
        kind=ItemKind.CLOSE_CASE,
        case=case,
        due_at=closes_at(case.status),
        dedupe_key=closure_key(case.pk, transitions),
        payload=closure_payload(case.status, transitions),
    )


def schedule_closure(*, case: Case, transitions: int | None = None) -> ScheduledItem | None:
    """Schedule the automatic closure of a case that has just entered its status (None when
    the status does not close by itself). The payload keeps the status and the count of
    timeline rows it was scheduled for, never anything personal."""
    if case.status not in AUTO_CLOSE_STATUSES:
        return None
    rows = transitions if transitions is not None else case.transitions.count()
    item = closure_item(case, rows)
    if item is None:
        return None
    return save_item(item)


def on_case_moved(sender: Any, *, case: Case, from_status: str, to_status: str,
                  transitions: int | None = None, **kwargs: Any) -> None:
    """cases.signals.case_moved: every move out of a status that closes by itself cancels
    its pending closure; every move into one schedules a new one."""
    if from_status in AUTO_CLOSE_STATUSES:
        cancel_items(case=case, kinds=[ItemKind.CLOSE_CASE])
    if to_status in AUTO_CLOSE_STATUSES:
        schedule_closure(case=case, transitions=transitions)


def on_cases_opened(sender: Any, *, cases: list[Case], **kwargs: Any) -> None:
    """cases.signals.cases_opened: on_case_moved for many new cases at once (each moved out
    of "received", which does not close by itself, with two rows on its timeline)."""
    schedule_many([item for case in cases if (item := closure_item(case, 2)) is not None])


def close_if_still_there(item: ScheduledItem) -> bool:
    """The CLOSE_CASE row has fallen due: close the case if it has not moved since the row
    was scheduled, by nobody (by=None) with a plain reason, and cancel the contact work it
    leaves behind. Returns whether it closed the case; run twice, the second does nothing."""
    from contact.lifecycle import CONTACT_WORK

    status, rows = item.payload.get("status"), item.payload.get("transitions")
    if item.case_id is None:
        return False
    case = Case.objects.select_for_update().filter(pk=item.case_id).first()
    if case is None or status not in AUTO_CLOSE_STATUSES or case.status != status:
        return False
    if case.transitions.count() != rows:
        return False  # it moved on and came back: the later entry has its own row
    transition_case(case=case, to=S.CLOSED, by=None, reason=automatic_closure_reason(status))
    cancel_items(case=case, kinds=CONTACT_WORK)
    return True


def automatic_closure_at(case: Case) -> datetime | None:
    """When the case closes by itself, if a closure is pending (what the case page shows)."""
    return (
        case.scheduled.filter(kind=ItemKind.CLOSE_CASE, state=ItemState.DUE)
        .order_by("-due_at")
        .values_list("due_at", flat=True)
        .first()
    )
