"""The volunteer panel on the case page."""

from __future__ import annotations

from decimal import Decimal

from django import template

from volunteers.selectors import case_volunteer_allocations
from volunteers.services import hours_text

register = template.Library()


@register.inclusion_tag("volunteers/_case_panel.html", takes_context=True)
def case_volunteer_panel(context, case):
    """The volunteer giving this victim face-to-face support, the hours logged so far, and
    the buttons to allocate one or end the allocation. One query, whatever the history."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    allocations = case_volunteer_allocations(case)
    current = allocations[0] if allocations and allocations[0].active else None
    return {
        "case": case,
        "current": current,
        "earlier": [a for a in allocations if not a.active],
        "total_hours": sum((a.hours_logged for a in allocations), start=0),
        "can_work": bool(user and user.has_perm("cases.work_case")),
    }


@register.filter
def hours(value) -> str:
    """Hours as people write them: 8, 1.5, 0.25."""
    if value in (None, ""):
        return "0"
    return hours_text(Decimal(value))
