"""Reads of the directory, referrals and transfers that several views share."""

from __future__ import annotations

from django.db.models import QuerySet

from assessments.episodes import live_actions
from assessments.models import PlanAction
from cases.models import Case
from intake.models import Transfer
from referrals.models import Referral


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
    yet (the plan is built elsewhere; this is what is waiting to go), on the plan of the
    support going on (not an earlier support episode's: assessments.episodes)."""
    from referrals.services import REFERRAL_KINDS

    return (
        live_actions(PlanAction.objects.filter(
            plan__case=case, kind__in=REFERRAL_KINDS, status__in=["planned", "in_progress"]
        ))
        .exclude(referrals__status__in=["sent", "accepted"])
        .select_related("service")
        .order_by("created_at", "pk")
    )
