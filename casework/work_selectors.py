"""Reads for "My work" and the manager's view of the team's load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.selectors import casework_for
from cases.models import Case
from cases.selectors import caseworkers
from cases.workflow import OPEN_STATUSES
from contact.letter_checks import by_safety_check
from contact.models import Channel, Letter, LetterStatus
from contact.next_steps import with_next_step_due
from scheduling.models import HUMAN_KINDS, ItemKind, ItemState, ScheduledItem
from scheduling.selectors import overdue_filter


def end_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.max))


def work_due(user: User) -> QuerySet[ScheduledItem]:
    """Person-work due by the end of today on cases this user may see, oldest first.
    Work on open cases, plus what falls due whatever the case's status: the satisfaction
    survey (after closure) and changes from the police to check (on any case)."""
    return (
        ScheduledItem.objects.filter(
            state=ItemState.DUE,
            kind__in=HUMAN_KINDS,
            due_at__lte=end_of_today(),
            case__in=casework_for(user),
        )
        .filter(
            Q(case__status__in=OPEN_STATUSES)
            | Q(kind__in=(ItemKind.SURVEY, ItemKind.CHECK_POLICE_CHANGES))
        )
        # The case is joined for the conditions; the people of the page's rows are read
        # after it (one query): joined here, all of the queue's rows (5,000 at 300,000
        # cases) were joined to their person, crime and VCC before the page's oldest were kept.
        .select_related("case")
        .prefetch_related("case__person")
        .order_by("due_at", "pk")
    )


def work_counts(user: User, now: datetime | None = None) -> dict[str, int]:
    """My work's counts, in one query: items due on my cases, in the unallocated queue, and
    of those, overdue (scheduling.selectors.overdue_filter, the rule of ScheduledItem.overdue)."""
    now = now or timezone.now()
    mine, queue = Q(case__allocated_to=user), Q(case__allocated_to__isnull=True)
    return work_due(user).aggregate(
        mine=Count("pk", filter=mine),
        queue=Count("pk", filter=queue),
        overdue=Count("pk", filter=(mine | queue) & overdue_filter(now)),
    )


def my_open_cases(user: User) -> QuerySet[Case]:
    """Every open case allocated to this user, whatever is due today: the case whose next step
    falls due first comes first, those with nothing due last (contact.next_steps). Each
    row's next step is read with contact.next_steps.next_steps, one query for them all."""
    return (
        with_next_step_due(casework_for(user).filter(allocated_to=user, status__in=OPEN_STATUSES))
        .select_related("person", "crime")
        .order_by(F("next_step_due_at").asc(nulls_last=True), "referred_at", "pk")
    )


def letters_to_approve(user: User) -> QuerySet[Letter]:
    """Postal letters rendered and waiting for a VCC's approval (the bulk approval refuses
    the ones that need a safety check: contact.letter_checks)."""
    return (
        Letter.objects.filter(
            channel=Channel.POST,
            status=LetterStatus.RENDERED,
            approved_at__isnull=True,
            case__in=casework_for(user),
        )
        .select_related("case", "case__person")
        .defer("pdf", "text")  # the list shows neither: a PDF is tens of kilobytes
        .order_by("created_at", "pk")
    )


def letters_to_check(user: User) -> QuerySet[Letter]:
    """Letters to victims at risk waiting for their safety check, one by one, by post or
    email (contact.letter_checks.needs_safety_check, as a query), oldest first."""
    return by_safety_check(_waiting_letters(user), True, prefix="case__")


def ordinary_letters(user: User) -> QuerySet[Letter]:
    """Ordinary postal letters waiting for approval, which may be approved together."""
    return by_safety_check(_waiting_letters(user).filter(channel=Channel.POST), False, "case__")


def _waiting_letters(user: User) -> QuerySet[Letter]:
    return (
        Letter.objects.filter(
            status=LetterStatus.RENDERED,
            approved_at__isnull=True,
            case__in=casework_for(user),
        )
        .select_related("case", "case__person")
        .defer("pdf", "text")  # the list shows neither: a PDF is tens of kilobytes
        .order_by("created_at", "pk")
    )


# The team page's columns, each one condition on a case. The team page counts with it and
# its count links to the case list filtered by the same condition (casework.filters, `work`),
# so a count and the list behind it cannot differ (issue 16). All are open cases.
TEAM_COLUMNS = {
    "open": "Open cases",
    "due": "Open cases with work due today or earlier",
    "overdue": "Open cases with overdue work",
    "code_overdue": "First contact past its Victims' Code deadline",
}


TABLE_COLUMNS = ("open", "due", "overdue")


def team_column(column: str, now: datetime | None = None) -> Q:
    """The condition on a case for one column of the team page (TEAM_COLUMNS). Work is a
    person's item on the case's list (scheduling.HUMAN_KINDS) still due; it is overdue past
    its deadline, or past its due time when it has none."""
    now = now or timezone.now()
    work = ScheduledItem.objects.filter(
        case=OuterRef("pk"), state=ItemState.DUE, kind__in=HUMAN_KINDS
    )
    conditions = {
        "open": Q(),
        "due": Q(Exists(work.filter(due_at__lte=end_of_today()))),
        "overdue": Q(Exists(work.filter(overdue_filter(now)))),
        "code_overdue": Q(Exists(work.filter(
            kind=ItemKind.FIRST_CONTACT, deadline_at__lt=now
        ))),
    }
    return Q(status__in=OPEN_STATUSES) & conditions[column]


def victims_code_overdue(now: datetime | None = None) -> int:
    """Open cases whose first contact is past its Victims' Code deadline: the team page's
    column, for the operators' metrics (casework/metrics.py)."""
    return Case.objects.filter(team_column("code_overdue", now)).count()


@dataclass(frozen=True)
class TeamRow:
    """One line of the team page: a member of staff (None: the unallocated queue)."""

    member: User | None
    counts: dict[str, int]

    def cells(self) -> list[tuple[str, int]]:
        """(column, count) for the table's columns: open, due, overdue."""
        return [(c, self.counts[c]) for c in TABLE_COLUMNS]


def team_load() -> tuple[list[TeamRow], TeamRow, TeamRow]:
    """(each VCC and manager, the unallocated queue, the whole hub's totals), counted in
    cases by team_column. Everyone who can hold cases is listed, and anyone else who still
    holds an open case (a member whose role changed), so the lines add up to the totals.
    Three queries whatever the size of the team."""
    counts: dict[int | None, dict[str, Any]] = {
        row["allocated_to"]: dict(row)
        for row in Case.objects.filter(team_column("open"))
        .values("allocated_to")
        .annotate(**{c: Count("pk", filter=team_column(c)) for c in TEAM_COLUMNS})
        .order_by()
    }
    members = User.objects.filter(
        Q(pk__in=caseworkers().values("pk")) | Q(pk__in=[pk for pk in counts if pk])
    ).order_by("first_name", "last_name", "username")

    def row(member: User | None) -> TeamRow:
        found: dict[str, Any] = counts.get(member.pk if member else None, {})
        return TeamRow(member, {c: found.get(c, 0) for c in TEAM_COLUMNS})

    # Over the open cases only (by the status index): over every case, each closed one was
    # tested too (0.6 s at 300,000 cases).
    totals = Case.objects.filter(team_column("open")).aggregate(
        **{c: Count("pk", filter=team_column(c)) for c in TEAM_COLUMNS}
    )
    return [row(m) for m in members], row(None), TeamRow(None, totals)


def reallocation_cases(from_user: User) -> QuerySet[Case]:
    """The open cases of one member of staff, for a manager to check before they move
    (cover for absence): reference, victim, status and next step (contact.next_steps)."""
    return (
        with_next_step_due(Case.objects.filter(allocated_to=from_user, status__in=OPEN_STATUSES))
        .select_related("person")
        .order_by(F("next_step_due_at").asc(nulls_last=True), "referred_at", "pk")
    )
