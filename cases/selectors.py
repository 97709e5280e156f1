"""Reads of cases that several views share. Every list a user can reach starts here."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet

from accounts.models import User
from cases.models import Case, Person

# A repeat victim: another case of the person in the 12 months before this one (issue 11).
REPEAT_WINDOW_DAYS = 365


def search_cases(cases: QuerySet[Case], term: str) -> QuerySet[Case]:
    """By name (first, last or both), crime reference or the case's own reference;
    trigram indexes keep it quick."""
    term = " ".join(term.split())
    if not term:
        return cases
    match = Q(crime__reference__icontains=term) | Q(person__last_name__icontains=term)
    # The case's reference, which letters quote and a self-referral was shown.
    match |= Q(reference__iexact=term)
    match |= Q(person__first_name__icontains=term)
    parts = term.split(" ")
    if len(parts) >= 2:
        match |= Q(
            person__first_name__icontains=parts[0],
            person__last_name__icontains=" ".join(parts[1:]),
        )
    return cases.filter(match)


def case_list_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a list row shows, fetched in the same query."""
    return cases.select_related("person", "crime", "allocated_to").order_by("-referred_at", "-pk")


def caseworkers() -> QuerySet[User]:
    """Active staff who can hold cases (VCCs and managers)."""
    return (
        User.objects.filter(is_active=True, is_api_client=False)
        .filter(
            Q(groups__permissions__codename="work_case")
            | Q(user_permissions__codename="work_case")
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def earlier_cases(case: Case) -> QuerySet[Case]:
    """The person's other cases referred in the 12 months up to this case's referral,
    whatever their status (open, closed, restricted): what makes a repeat victim. One
    query; the case page counts it once, lists show the stored flag (Case.repeat_victim)."""
    since = case.referred_at - timedelta(days=REPEAT_WINDOW_DAYS)
    return Case.objects.filter(
        person_id=case.person_id, referred_at__gte=since, referred_at__lte=case.referred_at
    ).exclude(pk=case.pk)


def has_restricted_case(person: Person) -> bool:
    """Whether any case of the person is restricted (a new case of theirs starts so)."""
    return Case.objects.filter(person=person, restricted=True).exists()
