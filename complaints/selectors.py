"""Reads of the complaints log: the list (open first, overdue marked), the overdue ones for
the manager's team page, and the counts for the compliance return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol

from django.db.models import Case as When_
from django.db.models import CharField, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from cases.victims_code import VictimsCodeRight
from complaints.models import Complaint, Outcome


def _overdue(now: datetime) -> tuple[Q, Q]:
    """The rule, once: an open complaint is overdue for its acknowledgement when none was
    sent by its acknowledge-by time, and for its answer when none was sent by its
    answer-by time (both set from the working days in the settings when it came in)."""
    open_ = Q(answered_at__isnull=True)
    acknowledgement = open_ & Q(acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
    answer = open_ & Q(answer_due_at__lt=now)
    return acknowledgement, answer


def with_overdue(complaints: QuerySet[Complaint], now: datetime | None = None
                 ) -> QuerySet[Complaint]:
    """Each complaint annotated with `overdue`: "acknowledgement", "answer" or ""."""
    acknowledgement, answer = _overdue(now or timezone.now())
    return complaints.annotate(
        overdue=When_(
            When(acknowledgement, then=Value("acknowledgement")),
            When(answer, then=Value("answer")),
            default=Value(""),
            output_field=CharField(),
        )
    )


def complaints_log(now: datetime | None = None) -> QuerySet[Complaint]:
    """Every complaint, open ones first (the soonest due first), then answered ones, the
    latest answered first. Two queries at most on the page: the handler and case come
    in the same query."""
    return (
        with_overdue(Complaint.objects.all(), now)
        .select_related("case", "handled_by")
        .order_by(
            F("answered_at").desc(nulls_first=True), "answer_due_at", "pk"
        )
    )


def overdue_complaints(now: datetime | None = None) -> QuerySet[Complaint]:
    """The open complaints past their acknowledge-by or answer-by time: the manager's list."""
    acknowledgement, answer = _overdue(now or timezone.now())
    return (
        with_overdue(Complaint.objects.filter(acknowledgement | answer), now)
        .select_related("case")
        .order_by("answer_due_at", "pk")
    )


class _Period(Protocol):
    start: date
    end: date  # inclusive


@dataclass
class ComplaintCounts:
    """The complaints of a period, as the compliance return counts them (every count a
    number of complaints, never a person)."""

    received: int = 0
    acknowledged: int = 0
    acknowledged_on_time: int = 0
    answered: int = 0
    answered_on_time: int = 0
    open: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    by_right: dict[int, int] = field(default_factory=dict)
    by_service: dict[str, int] = field(default_factory=dict)


def complaints_counts(period: _Period) -> ComplaintCounts:
    """The complaints received in `period` (by received date, start and end inclusive, in
    the hub's time zone; `reporting.flow.Period` fits), for the compliance return.

    - received: complaints received in the period;
    - acknowledged / acknowledged_on_time: of those, acknowledged (at all / by the
      acknowledge-by time: HUB_COMPLAINT_ACKNOWLEDGE_WORKING_DAYS working days);
    - answered / answered_on_time: likewise for the answer (HUB_COMPLAINT_ANSWER_WORKING_DAYS);
    - open: not yet answered;
    - outcomes: answered complaints by outcome (every Outcome value, zeros included);
    - by_right: received complaints by the Victims' Code right they are about (1 to 12,
      zeros included); by_service: those about a part of the hub's service (may overlap).

    Small counts are not suppressed here: the return applies its own suppression. Two
    queries, whatever the number of complaints.
    """
    tz = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=tz)
    received = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    totals = received.aggregate(
        received=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        acknowledged_on_time=Count(
            "pk", filter=Q(acknowledged_at__lte=F("acknowledge_due_at"))
        ),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        answered_on_time=Count("pk", filter=Q(answered_at__lte=F("answer_due_at"))),
        **{f"outcome_{o}": Count("pk", filter=Q(outcome=o)) for o in Outcome.values},
        **{f"right_{r}": Count("pk", filter=Q(about_right=r)) for r in VictimsCodeRight.values},
    )
    counts = ComplaintCounts(
        received=totals["received"],
        acknowledged=totals["acknowledged"],
        acknowledged_on_time=totals["acknowledged_on_time"],
        answered=totals["answered"],
        answered_on_time=totals["answered_on_time"],
        open=totals["received"] - totals["answered"],
        outcomes={o: totals[f"outcome_{o}"] for o in Outcome.values},
        by_right={r: totals[f"right_{r}"] for r in VictimsCodeRight.values},
    )
    rows = (
        received.exclude(about_service="")
        .values("about_service")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.by_service = {row["about_service"]: row["n"] for row in rows}
    return counts
