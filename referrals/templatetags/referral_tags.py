"""The referrals and transfers panel on the case page.

`{% case_referrals_panel case %}`: a fixed number of queries whatever the number of
referrals (the referrals with their service and people; the transfers and the plan actions
waiting only where a case can have them).
"""

from __future__ import annotations

from django import template

from cases.choices import CaseSource
from cases.workflow import SUPPORT_STATUSES, CaseStatus
from core.choices import District
from referrals import selectors
from referrals.services import can_transfer_out

register = template.Library()


@register.inclusion_tag("referrals/_case_panel.html", takes_context=True)
def case_referrals_panel(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    can_work = bool(user and user.has_perm("cases.work_case"))
    # Only a case that came in by transfer, or went out by one, has a transfer; only a case
    # where support goes on (accepted, in support: cases.workflow.SUPPORT_STATUSES) has plan
    # actions waiting to be referred.
    # The page asks for neither otherwise.
    has_transfer = (
        case.source == CaseSource.TRANSFER_IN or case.status == CaseStatus.TRANSFERRED_OUT
    )
    planning = can_work and case.status in SUPPORT_STATUSES
    return {
        "case": case,
        "referrals": list(selectors.referrals_of(case)),
        "transfers": list(selectors.transfers_of(case)) if has_transfer else [],
        "to_refer": list(selectors.actions_to_refer(case)) if planning else [],
        "can_work": can_work,
        "out_of_area": case.person.district == District.OUT_OF_AREA,
        "can_transfer_out": can_work and can_transfer_out(case),
    }
