"""Reads for the audit pages: who looked at a person's records, and what changed in them."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from pghistory.models import Events

from accounts.models import User
from accounts.roles import is_manager
from audit.models import AccessLog, CaseAccessGrant
from cases.models import Case, Person

# The newest changes shown per kind of record (person, cases, crimes, IVNAs, grants).
CHANGES_PER_KIND = 200


def reads_of_person(person_id: int) -> QuerySet[AccessLog]:
    """Every logged read that showed this person, newest first (GIN index on person_ids)."""
    return (
        AccessLog.objects.filter(person_ids__contains=[person_id])
        .select_related("user")
        .order_by("-at", "-pk")
    )


def cases_of_person(person: Person) -> list[Case]:
    """All the person's cases, restricted or not (for managers), with crime and IVNA."""
    return list(
        Case.objects.filter(person=person)
        .select_related("crime", "ivna", "allocated_to")
        .order_by("-referred_at", "-pk")
    )


def grants_on(cases: QuerySet[Case] | list[Case]) -> QuerySet[CaseAccessGrant]:
    return CaseAccessGrant.objects.filter(case__in=cases).select_related(
        "user", "granted_by", "revoked_by"
    )


def changes_to(*groups: list) -> list:
    """pghistory events of the given records, newest first, each with `actor` (a User or
    None) and `model_label`. One query per non-empty group of same-model records, plus one
    for the actors: a constant number, however many records there are."""
    events = []
    for records in groups:
        if records:
            events += list(
                Events.objects.tracks(list(records)).order_by("-pgh_created_at")[
                    :CHANGES_PER_KIND
                ]
            )
    events.sort(key=lambda e: e.pgh_created_at, reverse=True)
    user_ids = {
        int(e.pgh_context["user"]) for e in events if e.pgh_context and e.pgh_context.get("user")
    }
    users = User.objects.in_bulk(user_ids) if user_ids else {}
    for event in events:
        uid = (event.pgh_context or {}).get("user")
        event.actor = users.get(int(uid)) if uid else None
        event.model_label = event.pgh_obj_model.split(".")[-1]
        event.reason = (event.pgh_context or {}).get("reason", "")
    return events


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


def other_cases_of(case: Case, user: User) -> QuerySet[Case]:
    """The person's history: their other cases this user may see, newest first."""
    return (
        casework_for(user)
        .filter(person_id=case.person_id)
        .exclude(pk=case.pk)
        .select_related("crime")
        .order_by("-referred_at")
    )
