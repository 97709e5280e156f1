"""Deactivating a member of staff who may hold cases (issue 13): their open cases go back to
the unallocated queue, then the account is deactivated and signed out everywhere
(accounts.staff.deactivate). Here, not in accounts, because it moves cases."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from accounts import staff
from accounts.models import User
from cases.models import Case
from cases.services import reallocate_open_cases
from cases.workflow import OPEN_STATUSES


def open_allocated_cases(user: User) -> QuerySet[Case]:
    """The open cases allocated to `user`: what deactivating them returns to the queue."""
    return (
        Case.objects.filter(allocated_to=user, status__in=OPEN_STATUSES)
        .only("pk", "status")
        .order_by("pk")
    )


@transaction.atomic
def deactivate_staff(*, user: User, by: User) -> list[str]:
    """Return `user`'s open cases to the queue and deactivate them; the references moved."""
    references = [case.reference for case in open_allocated_cases(user)]
    if references:
        reallocate_open_cases(from_user=user, to_user=None, by=by)
    detail = (
        f"{len(references)} open case(s) returned to the queue: {', '.join(references)}"
        if references else "No open cases allocated"
    )
    staff.deactivate(user=user, by=by, detail=detail)
    return references
