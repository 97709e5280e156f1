"""Reads for possible matches and merges of person records, limited to what the user may
open (audit.selectors.casework_for): another person's restricted details never reach a user
who may not open their cases."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from accounts.models import User
from audit.selectors import casework_for
from cases.models import Case, Person, PersonMerge
from cases.people import candidates_for, may_undo


def possible_matches(person: Person, user: User) -> list[Person]:
    """The person's possible matches (cases.people.candidates_for) that have a case this user
    may open, each with `case_count` and `latest_reference` counted over those cases only.
    One query, however many candidates or cases."""
    visible = casework_for(user).filter(person_id=OuterRef("pk"))
    counted = visible.order_by().values("person_id").annotate(n=Count("pk")).values("n")[:1]
    latest = visible.order_by("-referred_at", "-pk")
    people: list[Person] = list(
        candidates_for(person)
        .filter(Exists(visible))
        .annotate(
            case_count=Subquery(counted),
            latest_case_id=Subquery(latest.values("pk")[:1]),
            latest_reference=Subquery(latest.values("reference")[:1]),
        )
        .order_by("created_at", "pk")
    )
    return people


def sees_every_case_of(user: User, *people: Person) -> bool:
    """Whether the user may open every case of these people (a merge shows them all)."""
    every = Case.objects.filter(person__in=people)
    return casework_for(user).filter(person__in=people).count() == every.count()


def merges_into(person: Person, user: User) -> list[PersonMerge]:
    """Merges of other records into this person not undone, newest first, each with
    `can_undo` for this user. One query."""
    merges = list(
        PersonMerge.objects.filter(kept=person, undone_at__isnull=True)
        .select_related("merged", "by")
        .order_by("-at", "-pk")
    )
    for merge in merges:
        merge.can_undo = may_undo(user, merge)  # type: ignore[attr-defined]
    return merges


def merge_of(person: Person, pk: int) -> QuerySet[PersonMerge]:
    return PersonMerge.objects.filter(kept=person, pk=pk).select_related("merged", "by")
