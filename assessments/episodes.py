"""Support episodes: one case, supported more than once.

A victim whose supported case was closed often comes back (at trial, say): the case is
re-opened (contact.services.record_victim_got_in_touch), they are called and may accept
support again. Each acceptance starts a support episode with its own DVNAs, recovery plan,
reviews, closure with outcomes and survey; the records of earlier episodes stay, read only.
A case escalated to MASH / Public Protection from support and stepped down again starts a new
episode when the victim accepts again, the same way.

The episode is not stored on the case: it is the number of times the case moved into
"accepted" (the timeline, cases.CaseTransition), and at least one more than the episodes
already closed while the case is in support (a case made in support without its timeline, as
the demo year and some tests do). Each support record stores the episode it was made in
(`episode`, 1 for rows from before episodes existed); one plan, one closure and one survey per
case per episode (database constraints).
"""

from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, QuerySet

from assessments.models import Closure, PlanAction, RecoveryPlan
from cases.models import Case, CaseTransition
from cases.workflow import SUPPORT_STATUSES, CaseStatus


def episode_number(*, status: str, acceptances: int, last_closed: int) -> int:
    """The rule, from what is already known: the acceptances on the timeline, and the last
    episode closed with outcomes (0 for none). In support after a closure is a new one."""
    in_support_again = status in SUPPORT_STATUSES
    return max(1, acceptances, last_closed + 1 if in_support_again else last_closed)


def current_episode(case: Case) -> int:
    """The episode new support records of the case belong to (and, once the case is closed,
    the episode it closed): two queries."""
    acceptances = CaseTransition.objects.filter(
        case_id=case.pk, to_status=CaseStatus.ACCEPTED
    ).count()
    last_closed = Closure.objects.filter(case_id=case.pk).aggregate(n=Max("episode"))["n"] or 0
    return episode_number(status=case.status, acceptances=acceptances, last_closed=last_closed)


def live_actions(actions: QuerySet[PlanAction]) -> QuerySet[PlanAction]:
    """Plan actions of the support going on: not on the plan of an episode that was closed,
    nor on a plan a later episode's plan replaced (an earlier episode's plan is a record:
    its open actions are not waiting to be referred). One query, whatever the number."""
    closed = Closure.objects.filter(case=OuterRef("plan__case"), episode=OuterRef("plan__episode"))
    replaced = RecoveryPlan.objects.filter(case=OuterRef("plan__case"),
                                           episode__gt=OuterRef("plan__episode"))
    return actions.exclude(Exists(closed)).exclude(Exists(replaced))
