"""Reads for support that the case page and the support pages share.

`support_summary` fetches everything the case page's support panel shows in a fixed number
of queries, however many DVNAs, actions, reviews and support episodes the case has: the
current episode's records, and each earlier episode's (read only) beside them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from assessments.episodes import episode_number
from assessments.models import (
    LEVEL_ORDER,
    ActionStatus,
    ActionUpdate,
    Closure,
    ClosureOutcome,
    Dvna,
    DvnaNeed,
    NeedArea,
    PlanAction,
    RecoveryPlan,
    Review,
    SurveyResponse,
)
from cases.models import Case, CaseTransition
from cases.workflow import SUPPORT_STATUSES, CaseStatus

# Statuses in which a case may have support records without a DVNA (accepted, or closed
# by the support closure before one was done).
MAY_HOLD_SUPPORT = SUPPORT_STATUSES | {CaseStatus.CLOSED}


@dataclass
class DistanceRow:
    """One area of need across the DVNAs: its level at each, and the change first to last."""

    area: str
    label: str
    levels: list[DvnaNeed | None]

    @property
    def change(self) -> str:
        known = [n.level for n in self.levels if n is not None]
        if len(known) < 2:
            return ""
        first, last = LEVEL_ORDER[known[0]], LEVEL_ORDER[known[-1]]
        if last < first:
            return "better"
        if last > first:
            return "worse"
        return "same"


@dataclass
class SupportSummary:
    """One support episode's records (assessments.episodes). `earlier`: on the summary of
    the case, the earlier episodes' summaries, oldest first."""

    episode: int = 1
    dvnas: list[Dvna] = field(default_factory=list)
    distance: list[DistanceRow] = field(default_factory=list)
    plan: RecoveryPlan | None = None
    actions: list[PlanAction] = field(default_factory=list)
    uncovered: list[DvnaNeed] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    closure: Closure | None = None
    outcomes: list[ClosureOutcome] = field(default_factory=list)
    survey: SurveyResponse | None = None
    earlier: list[SupportSummary] = field(default_factory=list)

    @property
    def has_records(self) -> bool:
        return bool(self.dvnas or self.plan or self.closure)

    @property
    def started_at(self) -> datetime | None:
        """When the episode's support records start: its first DVNA (or plan, or closure)."""
        found = [d.assessed_at for d in self.dvnas[:1]]
        found += [r.agreed_at for r in [self.plan] if r] + [
            r.closed_at for r in [self.closure] if r]
        return min(found, default=None)

    @property
    def latest_dvna(self) -> Dvna | None:
        return self.dvnas[-1] if self.dvnas else None

    @property
    def latest_review(self) -> Review | None:
        return self.reviews[-1] if self.reviews else None

    @property
    def reassessment_due(self) -> bool:
        """The last review asked for a reassessment and none has been done since."""
        review = self.latest_review
        dvna = self.latest_dvna
        return bool(
            review and review.reassessment_needed
            and (dvna is None or dvna.assessed_at < review.reviewed_at)
        )


def dvnas_with_needs(case: Case, episode: int | None = None) -> list[Dvna]:
    """The case's DVNAs (of one support episode, if given), oldest first, each with
    `need_list` in the order of the eight areas: one query (the needs, each with its DVNA
    and who assessed)."""
    needs = DvnaNeed.objects.filter(dvna__case=case)
    if episode is not None:
        needs = needs.filter(dvna__episode=episode)
    needs = (
        needs
        .select_related("dvna", "dvna__assessed_by")
        .order_by("dvna__number", "area")
    )
    by_dvna: dict[int, Dvna] = {}
    grouped: dict[int, dict[str, DvnaNeed]] = defaultdict(dict)
    for need in needs:
        dvna = by_dvna.setdefault(need.dvna_id, need.dvna)
        need.dvna = dvna
        grouped[dvna.pk][need.area] = need
    dvnas = sorted(by_dvna.values(), key=lambda d: d.number)
    for dvna in dvnas:
        dvna.need_list = [grouped[dvna.pk].get(area) for area in NeedArea.values]
        dvna.need_by_area = grouped[dvna.pk]
    return dvnas


def distance_travelled(dvnas: list[Dvna]) -> list[DistanceRow]:
    """Each area's level over time: areas down, DVNAs across."""
    return [
        DistanceRow(
            area=area.value,
            label=area.label,
            levels=[dvna.need_by_area.get(area.value) for dvna in dvnas],
        )
        for area in NeedArea
    ]


def uncovered_needs(dvna: Dvna | None, actions: list[PlanAction]) -> list[DvnaNeed]:
    """Needs the latest DVNA found at medium or high that no action (other than a cancelled
    one) addresses: the plan should say how each is met."""
    if dvna is None:
        return []
    covered = {
        area
        for action in actions
        if action.status != ActionStatus.CANCELLED
        for area in action.need_areas
    }
    return [
        need for need in dvna.need_list
        if need is not None and need.significant and need.area not in covered
    ]


def plan_actions(plan: RecoveryPlan) -> list[PlanAction]:
    return list(
        PlanAction.objects.filter(plan=plan).select_related("owner", "service")
        .order_by("created_at", "pk")
    )


def open_actions(case: Case, episode: int) -> list[PlanAction]:
    """Actions of the episode's plan still planned or in progress: worth a look before
    closing."""
    return list(
        PlanAction.objects.filter(
            plan__case=case, plan__episode=episode,
            status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
        ).select_related("owner", "service").order_by("created_at", "pk")
    )


def support_summary(case: Case, *, ever_accepted: bool = True,
                    acceptances: int | None = None) -> SupportSummary:
    """Everything about support on a case in a fixed number of queries: none for a case
    never accepted for support (`ever_accepted=False`, from its status history), one for a
    case never assessed, at most ten however many DVNAs, actions, reviews and episodes.

    The summary is of the case's current support episode while the case is accepted, in
    support or closed (the episode it closed); a case re-opened, escalated or otherwise moved
    on has no current episode yet, and all its episodes are `earlier`. `acceptances`: the
    number of moves into "accepted" on the timeline, if the caller has it."""
    summary = SupportSummary()
    if not ever_accepted and case.status not in MAY_HOLD_SUPPORT:
        # Support records are made only once a victim has accepted support: a case that
        # never was accepted has none, and costs no query.
        return summary
    dvnas = dvnas_with_needs(case)
    if not dvnas and case.status not in MAY_HOLD_SUPPORT:
        # Never assessed and not in support: there is no plan, review or closure to show.
        return summary
    episodes: dict[int, SupportSummary] = defaultdict(SupportSummary)
    for dvna in dvnas:
        episodes[dvna.episode].dvnas.append(dvna)
    for plan in RecoveryPlan.objects.filter(case=case).select_related("agreed_by"):
        episodes[plan.episode].plan = plan
    for action in PlanAction.objects.filter(plan__case=case).select_related(
        "owner", "service", "plan"
    ).order_by("created_at", "pk"):
        episodes[action.plan.episode].actions.append(action)
    for review in (
        Review.objects.filter(case=case).select_related("by")
        .prefetch_related(
            Prefetch(
                "action_updates",
                queryset=ActionUpdate.objects.select_related("action").order_by("pk"),
            )
        )
        .order_by("reviewed_at", "pk")
    ):
        episodes[review.episode].reviews.append(review)
    order = {area: index for index, area in enumerate(NeedArea.values)}
    for closure in Closure.objects.filter(case=case).select_related("by").prefetch_related(
        "outcomes"
    ):
        episodes[closure.episode].closure = closure
        episodes[closure.episode].outcomes = sorted(
            closure.outcomes.all(), key=lambda o: order.get(o.area, 99))
    for survey in SurveyResponse.objects.filter(case=case).select_related("recorded_by"):
        episodes[survey.episode].survey = survey
    if acceptances is None:
        acceptances = CaseTransition.objects.filter(
            case=case, to_status=CaseStatus.ACCEPTED).count()
    last_closed = max((e for e, s in episodes.items() if s.closure), default=0)
    current = episode_number(status=case.status, acceptances=acceptances,
                             last_closed=last_closed)
    for number, found in episodes.items():
        found.episode = number
        found.distance = distance_travelled(found.dvnas)
        found.uncovered = uncovered_needs(found.latest_dvna, found.actions)
    if case.status in MAY_HOLD_SUPPORT:
        summary = episodes.pop(current, SupportSummary())
        summary.episode = current
    summary.earlier = [episodes[n] for n in sorted(episodes) if episodes[n].has_records]
    return summary
