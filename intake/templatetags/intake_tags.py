"""The case page's IVNA panels: the changes from the police waiting for a VCC, and every
version of the IVNA with what changed (intake.amendments)."""

from __future__ import annotations

from django import template

from intake.amendments import PROPOSED, SAFETY, pending_changes, shown

register = template.Library()


@register.filter
def police_value(value: object) -> str:
    return shown(value)


@register.inclusion_tag("intake/_police_changes.html", takes_context=True)
def case_police_changes(context, case):
    """Changes the police sent that wait for a decision, current and proposed side by side,
    each with Accept and Reject (two queries whatever the number of changes)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    changes = list(pending_changes(case).select_related("version", "version__recorded_by"))
    return {
        "case": case,
        "changes": changes,
        "safety_keys": SAFETY,
        "can_work": bool(user and user.has_perm("cases.work_case")),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("intake/_ivna_versions.html")
def case_ivna_versions(case):
    """Every version of the IVNA, newest first, with what changed and what the hub did."""
    versions = list(case.ivna_versions.select_related("recorded_by").order_by("-number"))
    return {"versions": versions, "proposed": PROPOSED}
