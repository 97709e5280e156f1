"""Reads of cases that several views share. Every list a user can reach starts here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from cases.models import Case


def search_cases(cases: QuerySet[Case], term: str) -> QuerySet[Case]:
    """By name (first, last or both) or crime reference; trigram indexes keep it quick."""
    term = " ".join(term.split())
    if not term:
        return cases
    match = Q(crime__reference__icontains=term) | Q(person__last_name__icontains=term)
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
