"""Reads of scheduled work that more than one screen asks: when a due item is overdue, and
how much work is due and overdue now (the metrics, casework/metrics.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from scheduling.models import ItemState, ScheduledItem


def overdue_filter(now: datetime, prefix: str = "") -> Q:
    """The rule, once (as `ScheduledItem.overdue`): a due item is overdue once its deadline
    (the Victims' Code's, for first contact) has passed or, with none, its due time. `prefix`
    reaches the items through a relation ("allocated_cases__scheduled__")."""
    return Q(**{f"{prefix}deadline_at__lt": now}) | Q(
        **{f"{prefix}deadline_at__isnull": True, f"{prefix}due_at__lt": now}
    )


@dataclass(frozen=True)
class DueWork:
    kind: str
    due: int  # due now (due time passed), not yet done
    overdue: int  # of those and the rest still due, past the deadline
    oldest_due_at: datetime | None


def due_work_by_kind(now: datetime | None = None) -> list[DueWork]:
    """Scheduled items still due, by kind: how many are due now, how many overdue, and the
    oldest due time. One query over the due items (the partial index scheduled_due_idx)."""
    now = now or timezone.now()
    due_now = Q(due_at__lte=now)
    rows = (
        ScheduledItem.objects.filter(state=ItemState.DUE)
        .values("kind")
        .annotate(
            n_due=Count("pk", filter=due_now),
            n_overdue=Count("pk", filter=overdue_filter(now)),
            oldest=Min("due_at", filter=due_now),
        )
        .order_by("kind")
    )
    return [
        DueWork(row["kind"], row["n_due"], row["n_overdue"], row["oldest"]) for row in rows
    ]
