"""Reads for "My work" and the manager's view of the team's load."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.selectors import casework_for
from cases.models import Case
from cases.workflow import OPEN_STATUSES
from contact.letter_checks import needs_safety_check
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
        .select_related("case", "case__person", "case__crime", "case__allocated_to")
        .order_by("due_at", "pk")
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
        .select_related("case", "case__person", "case__allocated_to", "case__crime")
        .order_by("created_at", "pk")
    )


def letters_to_check(user: User, *, limit: int = 200) -> tuple[list[Letter], list[Letter]]:
    """(letters to victims at risk waiting for their safety check, one by one, by post or
    email; ordinary postal letters waiting for approval, which may be approved together)."""
    waiting = list(
        Letter.objects.filter(
            status=LetterStatus.RENDERED,
            approved_at__isnull=True,
            case__in=casework_for(user),
        )
        .select_related("case", "case__person", "case__allocated_to", "case__crime")
        .order_by("created_at", "pk")[:limit]
    )
    at_risk = [letter for letter in waiting if needs_safety_check(letter)]
    ordinary = [
        letter for letter in waiting
        if letter.channel == Channel.POST and not needs_safety_check(letter)
    ]
    return at_risk, ordinary


def team_load() -> QuerySet[User]:
    """Each VCC and manager with their open cases, work due today and overdue work."""
    now = timezone.now()
    due = Q(
        allocated_cases__scheduled__state=ItemState.DUE,
        allocated_cases__scheduled__kind__in=HUMAN_KINDS,
    )
    return (
        User.objects.filter(is_active=True, is_api_client=False)
        .filter(
            Q(groups__permissions__codename="work_case")
            | Q(user_permissions__codename="work_case")
        )
        .distinct()
        .annotate(
            open_cases=Count(
                "allocated_cases",
                filter=Q(allocated_cases__status__in=OPEN_STATUSES),
                distinct=True,
            ),
            due_today=Count(
                "allocated_cases__scheduled",
                filter=due & Q(allocated_cases__scheduled__due_at__lte=end_of_today()),
                distinct=True,
            ),
            overdue=Count(
                "allocated_cases__scheduled",
                filter=due & overdue_filter(now, prefix="allocated_cases__scheduled__"),
                distinct=True,
            ),
        )
        .order_by("first_name", "last_name", "username")
    )


def unallocated_load() -> dict[str, int]:
    now = timezone.now()
    items = ScheduledItem.objects.filter(
        state=ItemState.DUE, kind__in=HUMAN_KINDS, case__allocated_to__isnull=True,
        case__status__in=OPEN_STATUSES,
    )
    return items.aggregate(
        due_today=Count("pk", filter=Q(due_at__lte=end_of_today())),
        overdue=Count("pk", filter=overdue_filter(now)),
    )


def victims_code_overdue(now: datetime | None = None) -> int:
    """First contacts past their Victims' Code deadline (one or five working days)."""
    return ScheduledItem.objects.filter(
        state=ItemState.DUE,
        kind="first_contact",
        deadline_at__lt=now or timezone.now(),
        case__status__in=OPEN_STATUSES,
    ).count()
