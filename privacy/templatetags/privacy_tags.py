"""The retention and legal-hold panel on the case page.

`{% case_hold_panel case %}` (from templates/privacy/_case_hold.html): everyone who may open
the case sees an active hold or that the case was anonymised; managers also see which rule
of the schedule applies and when retention ends, and may place or lift a hold. Three
queries at most.
"""

from __future__ import annotations

from django import template

from privacy.forms import LiftHoldForm
from privacy.selectors import retention_of

register = template.Library()

PERMISSION = "privacy.handle_requests"


@register.inclusion_tag("privacy/_case_hold_panel.html", takes_context=True)
def case_hold_panel(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    can_manage = bool(user and user.has_perm(PERMISSION))
    return {
        "case": case,
        "can_manage": can_manage,
        "retention": retention_of(case, with_rule=can_manage),
        "lift_form": LiftHoldForm(),
        "csrf_token": context.get("csrf_token"),
    }
