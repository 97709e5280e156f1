"""Reads of victims' entitlements: the case page's panel, "My work"'s overdue rights and the
police API's view of a case. Each is a fixed number of queries, whatever the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.selectors import casework_for
from cases.models import Case
from cases.workflow import OPEN_STATUSES
from rights.models import Entitlement, EvidenceStatus, JusticeEvent
from rights.rules import Rule, rule_for


@dataclass(frozen=True)
class RightRow:
    """One right on the panel: the row, what the Code asks of it and who delivers it."""

    entitlement: Entitlement
    rule: Rule
    overdue: bool

    @property
    def right(self) -> int:
        return self.entitlement.right

    @property
    def title(self) -> str:
        return self.rule.right.label

    @property
    def short_title(self) -> str:
        """"To be able to understand and to be understood" (the label without "Right N: ")."""
        label = self.rule.right.label.split(": ", 1)[-1]
        return label[:1].upper() + label[1:]

    @property
    def delivered_by(self) -> str:
        return self.rule.delivered_by.label


@dataclass(frozen=True)
class RightsPanel:
    rows: list[RightRow]
    justice_events: list[JusticeEvent]
    overdue: list[RightRow] = field(default_factory=list)
    next_due: RightRow | None = None

    @property
    def recorded(self) -> int:
        return sum(1 for row in self.rows if row.entitlement.status != EvidenceStatus.DUE)


def _row(entitlement: Entitlement, now: datetime) -> RightRow:
    overdue = (
        entitlement.status == EvidenceStatus.DUE
        and entitlement.due_at is not None
        and entitlement.due_at < now
    )
    return RightRow(entitlement, rule_for(entitlement.right), overdue)


def rights_panel(case: Case) -> RightsPanel:
    """The rights that apply to the case, each with who delivers it and its state; those
    overdue; the one due next (the earliest time limit still to come); and the justice
    timeline. Two queries."""
    now = timezone.now()
    rows = [_row(e, now) for e in Entitlement.objects.filter(case=case).order_by("right")]
    events = list(JusticeEvent.objects.filter(case=case).order_by("occurred_on", "recorded_at"))
    waiting = [
        (row.entitlement.due_at, row.right, row) for row in rows
        if row.entitlement.status == EvidenceStatus.DUE and row.entitlement.due_at is not None
        and not row.overdue
    ]
    next_due = min(waiting)[2] if waiting else None
    return RightsPanel(
        rows=rows,
        justice_events=events,
        overdue=[row for row in rows if row.overdue],
        next_due=next_due,
    )


def overdue_rights(user: User) -> QuerySet[Entitlement]:
    """Rights past their Victims' Code time limit and not yet recorded, on the open cases
    allocated to this user (that they may open), the most overdue first: "My work"."""
    return (
        Entitlement.objects.filter(
            status=EvidenceStatus.DUE,
            due_at__lt=timezone.now(),
            case__in=casework_for(user).filter(allocated_to=user, status__in=OPEN_STATUSES),
        )
        .select_related("case", "case__person")
        .order_by("due_at", "pk")
    )


def rights_for_api(case: Case) -> tuple[list[Entitlement], list[JusticeEvent]]:
    """The case's rights and justice timeline, as the police API gives them. Two queries."""
    return (
        list(Entitlement.objects.filter(case=case).order_by("right")),
        list(JusticeEvent.objects.filter(case=case).order_by("occurred_on", "recorded_at")),
    )


def case_for_police_client(user: User, case_id: int) -> Case | None:
    """The case, if this police client submitted an IVNA for it (the first, or an
    amendment); None otherwise, so that another client learns nothing of it (404)."""
    return (
        Case.objects.filter(pk=case_id)
        .filter(Q(ivna__recorded_by=user) | Q(ivna_versions__recorded_by=user))
        .distinct()
        .first()
    )
