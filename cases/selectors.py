"""Reads of cases that several views share. Every list a user can reach starts here."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.roles import is_manager
from audit.models import CaseAccessGrant
from cases.models import Case


def casework_for(user: User) -> QuerySet[Case]:
    """The cases this user may open: none without casework permission; restricted cases only
    for managers, the VCC they are allocated to, and users with an active access grant
    (named on the case by a manager, or a break-glass grant: audit.models.CaseAccessGrant).
    A granted case is like any other to its user while the grant lasts, in lists and search
    too; the grant is one EXISTS subquery, so list pages keep their query count."""
    if not user.has_perm("cases.view_casework"):
        return Case.objects.none()
    cases = Case.objects.all()
    if not is_manager(user):
        granted = CaseAccessGrant.objects.active().filter(case_id=OuterRef("pk"), user=user)
        cases = cases.filter(Q(restricted=False) | Q(allocated_to=user) | Exists(granted))
    return cases


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


def other_cases_of(case: Case, user: User) -> QuerySet[Case]:
    """The person's history: their other cases this user may see, newest first."""
    return (
        casework_for(user)
        .filter(person_id=case.person_id)
        .exclude(pk=case.pk)
        .select_related("crime")
        .order_by("-referred_at")
    )


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
