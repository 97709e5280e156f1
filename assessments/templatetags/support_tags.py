"""The support panel on the case page, and small filters for levels and areas of need."""

from __future__ import annotations

from django import template
from django.utils import timezone

from assessments.dvna_services import can_assess, escalation_suggestion
from assessments.models import Level, NeedArea
from assessments.support_selectors import support_summary
from assessments.support_services import (
    NO_SURVEY_REASONS,
    SURVEY_AFTER,
    can_agree_plan,
    can_change_plan,
    can_close_support,
)
from cases.choices import LANGUAGES
from cases.models import CaseTransition
from cases.workflow import CaseStatus

register = template.Library()

LEVEL_CLASSES = {
    Level.NONE: "govuk-tag--grey",
    Level.LOW: "govuk-tag--green",
    Level.MEDIUM: "govuk-tag--yellow",
    Level.HIGH: "govuk-tag--red",
}
STATUS_CLASSES = {
    "planned": "govuk-tag--blue",
    "in_progress": "govuk-tag--light-blue",
    "done": "govuk-tag--green",
    "cancelled": "govuk-tag--grey",
}


@register.filter
def level_class(level: str) -> str:
    return LEVEL_CLASSES.get(level, "govuk-tag--grey")


@register.filter
def action_status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "govuk-tag--grey")


@register.filter
def need_labels(areas) -> str:
    labels = dict(NeedArea.choices)
    return ", ".join(labels.get(a, a) for a in areas or [])


@register.filter
def shared_items(consent) -> str:
    """What a consent lets the hub share, in words."""
    items = [
        label for flag, label in (
            (consent.share_contact_details, "contact details"),
            (consent.share_crime_details, "crime details"),
            (consent.share_needs, "needs"),
        ) if flag
    ]
    return ", ".join(items)


@register.filter
def language_label(code: str) -> str:
    return dict(LANGUAGES).get(code, code)


def _acceptances(context, case) -> int | None:
    """How many times the case was accepted for support (the support episodes begun). Read
    from the status history the case page has already fetched (a queryset caches its rows,
    so the page's own loop over it costs nothing more); otherwise asked of the database."""
    transitions = context.get("transitions")
    if transitions is None:
        return CaseTransition.objects.filter(case=case, to_status=CaseStatus.ACCEPTED).count()
    return sum(
        1 for t in transitions if t.case_id == case.pk and t.to_status == CaseStatus.ACCEPTED
    )


@register.inclusion_tag("support/_case_panel.html", takes_context=True)
def case_support_panel(context, case):
    """DVNAs and distance travelled, the plan and its warnings, reviews, closure and the
    survey, with the next step's button. A fixed number of queries (support_summary)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    acceptances = _acceptances(context, case)
    summary = support_summary(case, ever_accepted=bool(acceptances), acceptances=acceptances)
    can_work = bool(user and user.has_perm("cases.work_case"))
    closure = summary.closure
    return {
        "case": case,
        "s": summary,
        "can_work": can_work,
        "can_assess": can_work and can_assess(case),
        "show_panel": bool(summary.has_records or summary.earlier or can_assess(case)),
        "show_current": bool(summary.has_records or can_assess(case)),
        "escalation_offer": can_work and escalation_suggestion(case, summary.latest_dvna),
        "plan_to_agree": can_agree_plan(case),
        "plan_in_place": can_change_plan(case),
        "can_close": can_close_support(case),
        "survey_due": bool(
            can_work and closure and case.status == CaseStatus.CLOSED and summary.survey is None
            and closure.reason not in NO_SURVEY_REASONS
        ),
        "survey_not_asked": bool(closure and closure.reason in NO_SURVEY_REASONS),
        "survey_due_on": (
            timezone.localdate(closure.closed_at) + SURVEY_AFTER if closure else None
        ),
        "next_number": (summary.latest_dvna.number + 1) if summary.latest_dvna else 1,
    }
