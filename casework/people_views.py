"""A person's page: every case of theirs the user may open, with its assessments, so a VCC
sees the whole history and nobody has to tell their story twice (2012 needs assessment,
section 8; repeat victimisation is common, most of all in domestic abuse)."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.http import Http404
from django.views.generic import TemplateView

from accounts.models import User
from assessments.models import RecoveryPlan
from audit.models import AccessAction
from audit.selectors import casework_for
from audit.services import record_access
from cases.models import Case


def person_history(user: User, person_id: int) -> QuerySet[Case]:
    """The person's cases this user may open, newest first, each with what the page shows
    (crime, IVNA, self-referral, DVNA count, recovery plan) in one query."""
    return (
        casework_for(user)
        .filter(person_id=person_id)
        .select_related(
            "person", "crime", "allocated_to", "ivna", "ivna__recorded_by", "self_referral"
        )
        .annotate(
            dvna_count=Count("dvnas"),
            last_dvna_at=Max("dvnas__assessed_at"),
            has_recovery_plan=Exists(RecoveryPlan.objects.filter(case_id=OuterRef("pk"))),
        )
        .order_by("-referred_at", "-pk")
    )


class PersonDetailView(PermissionRequiredMixin, TemplateView):
    """A person is visible when at least one of their cases is; restricted cases the user
    may not open are never listed (to that user they do not exist)."""

    permission_required = "cases.view_casework"
    template_name = "cases/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases = list(person_history(self.request.user, kwargs["pk"]))
        if not cases:
            raise Http404("No such person")
        person = cases[0].person
        record_access(
            request=self.request,
            action=AccessAction.VIEW,
            case_ids=[c.pk for c in cases],
            person_ids=[person.pk],
            detail="person page",
        )
        context.update(
            person=person,
            cases=cases,
            ivnas=[c for c in cases if getattr(c, "ivna", None) is not None],
            accounts=[c for c in cases if _told_us(c)],
        )
        return context


def _told_us(case: Case) -> bool:
    """The case holds something in the victim's (or the officer's) own words."""
    referral = getattr(case, "self_referral", None)
    ivna = getattr(case, "ivna", None)
    return bool((referral and (referral.account or referral.asker_name)) or (ivna and ivna.notes))
