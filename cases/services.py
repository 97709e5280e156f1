"""Writes to cases. Every state change of a case goes through `transition_case`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case, CaseTransition
from cases.workflow import TRANSITIONS, CaseStatus, allowed_moves


class CaseError(Exception):
    """A rule of the hub's workflow was broken; the message is for the user."""


class IllegalTransition(CaseError):
    pass


@transaction.atomic
def transition_case(*, case: Case, to: str, by: User | None, reason: str = "") -> Case:
    """Move a case to another status, if the state machine allows it, and record the move.

    Rule: statuses and their allowed moves are one table (cases.workflow.TRANSITIONS); every
    move is stored with who, when, from, to and why (STYLE: "every change is a row").
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if to not in TRANSITIONS.get(locked.status, {}):
        allowed = ", ".join(CaseStatus(s).label for s in allowed_moves(locked.status)) or "none"
        raise IllegalTransition(
            f"A case that is '{CaseStatus(locked.status).label}' cannot move to "
            f"'{CaseStatus(to).label}'. Allowed: {allowed}."
        )
    now = timezone.now()
    CaseTransition.objects.create(
        case=locked,
        from_status=locked.status,
        to_status=to,
        by=by,
        at=now,
        reason=reason or TRANSITIONS[locked.status][to],
    )
    locked.status = to
    update = ["status", "updated_at"]
    if to in (CaseStatus.CLOSED, CaseStatus.TRANSFERRED_OUT):
        locked.closed_at = now
        update.append("closed_at")
    elif locked.closed_at is not None:
        locked.closed_at = None
        update.append("closed_at")
    locked.save(update_fields=update)
    case.status, case.closed_at = locked.status, locked.closed_at
    return case


def record_received(*, case: Case, by: User | None, reason: str) -> None:
    """The first row of every case's timeline: how the referral reached the hub."""
    CaseTransition.objects.create(
        case=case, from_status="", to_status=CaseStatus.RECEIVED, by=by, reason=reason
    )
