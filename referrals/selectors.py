"""Reads of the directory, referrals and transfers that several views share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases.models import Case
from referrals.models import Referral, SupportService, Transfer
from support.models import PlanAction


def directory(
    *, include_inactive: bool = False, specialism: str = "", district: str = "", q: str = ""
) -> QuerySet[SupportService]:
    """The service directory, in one query: active services unless asked otherwise; a
    district filter keeps the services that cover the whole area too."""
    services = SupportService.objects.all()
    if not include_inactive:
        services = services.filter(active=True)
    if specialism:
        services = services.filter(specialisms__contains=[specialism])
    if district:
        services = services.filter(Q(districts__contains=[district]) | Q(districts=[]))
    q = " ".join(q.split())
    if q:
        services = services.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return services.order_by("-active", "name")


def referrals_of(case: Case) -> QuerySet[Referral]:
    """A case's referrals with what their rows show, without the documents, in one query."""
    return (
        Referral.objects.filter(case=case)
        .select_related("service", "action", "sent_by", "answered_by", "completed_by")
        .defer("document")
        .order_by("-sent_at", "-pk")
    )


def transfers_of(case: Case) -> QuerySet[Transfer]:
    return Transfer.objects.filter(case=case).select_related("by").order_by("at", "pk")


def actions_to_refer(case: Case) -> QuerySet[PlanAction]:
    """The case's plan actions that are referrals to a named service with no open referral
    yet (the plan is built elsewhere; this is what is waiting to go)."""
    from referrals.services import REFERRAL_KINDS

    return (
        PlanAction.objects.filter(
            plan__case=case, kind__in=REFERRAL_KINDS, status__in=["planned", "in_progress"]
        )
        .exclude(referrals__status__in=["sent", "accepted"])
        .select_related("service")
        .order_by("created_at", "pk")
    )
