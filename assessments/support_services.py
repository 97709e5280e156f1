"""Writes for support: the recovery plan and its actions, follow-up reviews, closure and the
satisfaction survey.

Sources: DOMAIN.md flow steps 6-8; the service specification (Appendix 2 of the 2016 update):
"agree a Recovery Plan, which is tailored to the individual not the crime type, with the
victims which they successfully contact", the five kinds of support it may hold, and "carry
proportionate victim satisfaction surveys". Each write is one function, in one transaction;
a rule broken raises core.errors.DomainError with a message for the user (per form field
when it is about one field).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from assessments.episodes import current_episode
from assessments.models import (
    ActionKind,
    ActionStatus,
    ActionUpdate,
    Closure,
    ClosureOutcome,
    ClosureReason,
    Dvna,
    HelpedToCope,
    Level,
    NeedArea,
    Outcome,
    PlanAction,
    RecoveryPlan,
    Review,
    SurveyResponse,
    Wellbeing,
)
from cases.models import Case
from cases.services import transition_case
from cases.workflow import PLAN_AGREED_FROM, PLAN_IN_PLACE_STATUSES, SUPPORT_STATUSES, CaseStatus
from core.errors import NON_FIELD, STALE, DomainError
from directory.models import SupportService
from scheduling.models import SUPPORT_WORK, ItemKind
from scheduling.services import cancel_items, complete_human_items, schedule

# The kinds of action that name a service from the directory (a referral, Restorative
# Justice, community signposting); phone and volunteer support are the hub's own.
SERVICE_KINDS = frozenset(
    {ActionKind.SPECIALIST_REFERRAL, ActionKind.RESTORATIVE_JUSTICE,
     ActionKind.COMMUNITY_SIGNPOSTING}
)
# A plan review or survey falls due at the start of the working day on its date.
DUE_TIME = time(9, 0)
# The satisfaction survey is asked a fortnight after closure: long enough for the victim to
# look back on the support, soon enough to remember it.
SURVEY_AFTER = timedelta(days=14)
# Proportionate: no survey for a victim who asked the hub to stop or cannot be reached.
NO_SURVEY_REASONS = frozenset(
    {ClosureReason.VICTIM_ASKED_TO_STOP, ClosureReason.NO_LONGER_CONTACTABLE}
)
# Why a volunteer's allocation ended when the case closed.
ALLOCATION_ENDS_WITH_CASE = "Case closed"


# Someone else changed the plan after this form was opened: nothing was saved.
STALE_PLAN = (
    "Someone else changed this recovery plan after you opened it, so your changes have not "
    "been saved. Open the plan again to see their changes, then make yours."
)


@dataclass(frozen=True)
class ActionDetails:
    kind: str
    description: str
    need_areas: list[str]
    owner: User | None
    service: SupportService | None = None
    review_on: date | None = None
    status: str = ActionStatus.PLANNED


def due_at(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on, DUE_TIME))


def _check_action(details: ActionDetails, prefix: str = "") -> dict[str, str]:
    """Rules for one action: a kind of support from the plan's list; what it is; the areas of
    need it addresses; an owner who works cases (a VCC or manager: volunteers are allocated
    by the volunteer work); a service only for a referral, Restorative Justice or
    signposting, and only an active one."""
    errors: dict[str, str] = {}
    if details.kind not in ActionKind.values:
        errors[f"{prefix}kind"] = "Choose the kind of support"
    if not details.description.strip():
        errors[f"{prefix}description"] = "Say what the action is"
    if not details.need_areas:
        errors[f"{prefix}need_areas"] = "Choose the areas of need the action addresses"
    elif any(a not in NeedArea.values for a in details.need_areas):
        errors[f"{prefix}need_areas"] = "Choose areas of need from the list"
    owner = details.owner
    if owner is None or not owner.is_active or not owner.has_perm("cases.work_case"):
        errors[f"{prefix}owner"] = "Choose a Victim Care Co-ordinator or hub manager"
    if details.service is not None:
        if details.kind not in SERVICE_KINDS:
            errors[f"{prefix}service"] = (
                "Only a referral, Restorative Justice or signposting names a service"
            )
        elif not details.service.active:
            errors[f"{prefix}service"] = f"{details.service} is no longer an active service"
    if details.status not in ActionStatus.values:
        errors[f"{prefix}status"] = "Choose the status"
    return errors


def _bump_plan(plan: RecoveryPlan, version: int | None) -> int:
    """Optimistic locking: `UPDATE ... SET version = version + 1 WHERE version = N`; no row
    means the plan changed since the form was opened. Returns the new version."""
    if version is None:  # a form that did not say which version it was opened at
        raise DomainError(STALE_PLAN, code=STALE)
    updated = RecoveryPlan.objects.filter(pk=plan.pk, version=version).update(
        version=F("version") + 1
    )
    if updated != 1:
        raise DomainError(STALE_PLAN, code=STALE)
    plan.version = version + 1
    return plan.version


def _schedule_review(case: Case, on: date, key: str) -> None:
    schedule(kind=ItemKind.PLAN_REVIEW, case=case, due_at=due_at(on), dedupe_key=key)


def _review_date_problem(on: date | None, *, required: bool) -> str | None:
    if on is None:
        return "Enter the date of the next review" if required else None
    if on <= timezone.localdate():
        return "The next review must be after today"
    return None


def plan_review_key(case_pk: int, *, plan_version: int | None = None,
                    review_pk: int | None = None, episode: int = 1) -> str:
    """The plan review due next: one per plan version (agreed or re-dated) of each support
    episode, or per review."""
    if review_pk is not None:
        return f"plan_review:{case_pk}:review:{review_pk}"
    if episode > 1:
        return f"plan_review:{case_pk}:episode:{episode}:plan:{plan_version}"
    return f"plan_review:{case_pk}:plan:{plan_version}"


def survey_due_at(closed_on: date) -> datetime:
    """The survey falls due a fortnight after closure, at the start of the working day."""
    return due_at(closed_on + SURVEY_AFTER)


def survey_key(case_pk: int, closure_pk: int) -> str:
    return f"survey:{case_pk}:{closure_pk}"


def plan_agreed_reason(*, actions: int, first_review: date) -> str:
    """What the timeline says when the plan is agreed (accepted -> in support)."""
    return (f"Recovery plan agreed with {actions} action{'s' if actions != 1 else ''}; "
            f"first review {first_review:%d %B %Y}.")


def closure_reason(*, reason: str, detail: str = "") -> str:
    """What the timeline says when support ends (-> closed)."""
    detail = detail.strip()
    return f"Support ended: {ClosureReason(reason).label.lower()}" + (
        f" ({detail})" if detail else "")


def latest_dvna(case: Case, episode: int | None = None) -> Dvna | None:
    """The latest DVNA of the case's current support episode (or of `episode`)."""
    episode = current_episode(case) if episode is None else episode
    return Dvna.objects.filter(case=case, episode=episode).order_by("-number").first()


def current_plan(case: Case) -> RecoveryPlan | None:
    """The recovery plan of the case's current support episode, if agreed."""
    return RecoveryPlan.objects.filter(case=case, episode=current_episode(case)).first()


# -- What the case allows ------------------------------------------------------------------


def can_agree_plan(case: Case) -> bool:
    """Rule: the recovery plan is agreed with a victim who accepted support (DOMAIN.md steps
    5-6): from the statuses with the move into "recovery plan in place" (cases.workflow)."""
    return case.status in PLAN_AGREED_FROM


def can_change_plan(case: Case) -> bool:
    """Rule: an agreed plan changes, and is reviewed, while support goes on under it; after
    closure it is a record. (The plan itself may be missing: check_can_change_plan says so.)"""
    return case.status in PLAN_IN_PLACE_STATUSES


def can_close_support(case: Case) -> bool:
    """Rule: support is closed here for a victim who accepted it (in support, or accepted
    and leaving before a plan); other cases close through their own steps."""
    return case.status in SUPPORT_STATUSES


# -- The recovery plan ---------------------------------------------------------------------


def check_can_agree(case: Case) -> None:
    """Rule: the plan is agreed after the DVNA with a victim who accepted support, once in
    each support episode (a victim who comes back and accepts again gets a new DVNA and a
    new plan: assessments.episodes)."""
    if not can_agree_plan(case):
        raise DomainError(
            "A recovery plan is agreed once the victim has accepted support and had a DVNA. "
            f"This case is '{CaseStatus(case.status).label}'."
        )
    episode = current_episode(case)
    if RecoveryPlan.objects.filter(case=case, episode=episode).exists():
        raise DomainError("This case already has a recovery plan.")
    if not Dvna.objects.filter(case=case, episode=episode).exists():
        raise DomainError("Record the DVNA first: the plan is agreed from it.")


@transaction.atomic
def agree_plan(
    *, case: Case, actions: list[ActionDetails], next_review_on: date | None, by: User
) -> RecoveryPlan:
    """Agree the recovery plan with the victim and start support.

    Rules: the plan is agreed after the DVNA, with a victim who has accepted support
    (DOMAIN.md steps 5-6); it holds at least one action; agreeing it moves the case
    accepted -> in_support (cases.workflow) and schedules the first plan review on "My
    work" for the agreed date ("the VCC checks on the victim at agreed dates", step 7).
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_agree(locked)
    errors: dict[str, str] = {}
    for index, details in enumerate(actions):
        errors.update(_check_action(details, prefix=f"actions.{index}."))
    if not actions:
        errors[NON_FIELD] = "Add at least one action to the plan"
    if problem := _review_date_problem(next_review_on, required=True):
        errors["next_review_on"] = problem
    if errors:
        raise DomainError("The plan cannot be agreed yet.", fields=errors)
    first_review = cast(date, next_review_on)  # required: checked above
    episode = current_episode(locked)
    plan = RecoveryPlan.objects.create(case=locked, agreed_by=by, next_review_on=first_review,
                                       episode=episode)
    for details in actions:
        _create_action(plan, details)
    transition_case(case=locked, to=CaseStatus.IN_SUPPORT, by=by,
                    reason=plan_agreed_reason(actions=len(actions), first_review=first_review))
    _schedule_review(locked, first_review,
                     plan_review_key(locked.pk, plan_version=1, episode=episode))
    complete_human_items(case=locked, kinds=[ItemKind.DVNA], by=by)
    case.status = locked.status
    return plan


def _create_action(plan: RecoveryPlan, details: ActionDetails) -> PlanAction:
    return PlanAction.objects.create(
        plan=plan,
        kind=details.kind,
        need_areas=list(dict.fromkeys(details.need_areas)),
        description=details.description.strip(),
        owner=details.owner,
        service=details.service if details.kind in SERVICE_KINDS else None,
        review_on=details.review_on,
        status=details.status,
    )


def check_can_change_plan(case: Case) -> None:
    """Rule: an agreed plan changes while support goes on; after closure it is a record."""
    if not can_change_plan(case):
        raise DomainError(
            "The recovery plan changes only while the victim is in support. This case is "
            f"'{CaseStatus(case.status).label}'."
        )
    if current_plan(case) is None:
        raise DomainError("This case has no recovery plan yet.")


def _check_open(plan: RecoveryPlan) -> None:
    """The plan is the current episode's and support goes on under it: an earlier episode's
    plan is a record."""
    case = Case.objects.get(pk=plan.case_id)
    check_can_change_plan(case)
    if plan.episode != current_episode(case):
        raise DomainError("This recovery plan is from an earlier support episode: it is a "
                          "record and does not change.")


@transaction.atomic
def add_action(
    *, plan: RecoveryPlan, version: int | None, details: ActionDetails, by: User
) -> PlanAction:
    """Add an action to an agreed plan (needs change; the plan follows them).
    Rules: as for every action (_check_action); optimistic locking on the plan."""
    _check_open(plan)
    errors = _check_action(details)
    if errors:
        raise DomainError("The action cannot be added.", fields=errors)
    _bump_plan(plan, version)
    return _create_action(plan, details)


@transaction.atomic
def update_action(
    *, action: PlanAction, version: int | None, details: ActionDetails, by: User
) -> PlanAction:
    """Change an action or its status. A change of status is kept as a row (who, when, from,
    to: STYLE "every change is a row"). Optimistic locking on the plan."""
    _check_open(action.plan)
    errors = _check_action(details)
    if errors:
        raise DomainError("The action cannot be saved.", fields=errors)
    _bump_plan(action.plan, version)
    if details.status != action.status:
        ActionUpdate.objects.create(
            action=action, from_status=action.status, to_status=details.status, by=by
        )
    action.kind = details.kind
    action.description = details.description.strip()
    action.need_areas = list(dict.fromkeys(details.need_areas))
    action.owner = details.owner
    action.service = details.service if details.kind in SERVICE_KINDS else None
    action.review_on = details.review_on
    action.status = details.status
    action.save()
    return action


@transaction.atomic
def change_review_date(
    *, plan: RecoveryPlan, version: int | None, next_review_on: date | None, by: User
) -> RecoveryPlan:
    """Move the plan's next review. The review due on "My work" moves with it: the one due is
    cancelled and one is scheduled for the new date. Optimistic locking on the plan."""
    _check_open(plan)
    if problem := _review_date_problem(next_review_on, required=True):
        raise DomainError(problem, field="next_review_on")
    new_version = _bump_plan(plan, version)
    RecoveryPlan.objects.filter(pk=plan.pk).update(next_review_on=next_review_on)
    plan.next_review_on = next_review_on
    cancel_items(case=plan.case, kinds=[ItemKind.PLAN_REVIEW])
    _schedule_review(plan.case, cast(date, next_review_on),  # required: checked above
                     plan_review_key(plan.case_id, plan_version=new_version,
                                     episode=plan.episode))
    return plan


# -- Follow-up reviews ---------------------------------------------------------------------


def check_can_review(case: Case) -> None:
    """Rule: a review is of a recovery plan in place (the case is in support)."""
    if not can_change_plan(case) or current_plan(case) is None:
        raise DomainError(
            "A review is of a recovery plan in place: agree the recovery plan first."
        )


@transaction.atomic
def record_review(
    *,
    case: Case,
    version: int | None,
    wellbeing: str,
    by: User,
    notes: str = "",
    action_statuses: dict[int, str] | None = None,
    next_review_on: date | None = None,
    reassessment_needed: bool = False,
) -> Review:
    """Record a follow-up review of the plan: how the victim is, the actions' progress, and
    when to check again.

    Rules: "the VCC checks on the victim at agreed dates and reviews the plan; needs are
    reassessed as they change" (DOMAIN.md step 7). Recording the review completes the plan
    review due on "My work"; a next date schedules the next one; a review may ask for a
    reassessment (a new DVNA). Optimistic locking on the plan (the review changes it).
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_review(locked)
    plan = cast(RecoveryPlan, current_plan(locked))  # checked above
    errors: dict[str, str] = {}
    if wellbeing not in Wellbeing.values:
        errors["wellbeing"] = "Select how the victim is"
    actions = {a.pk: a for a in plan.actions.all()}
    statuses = action_statuses or {}
    for pk, status in statuses.items():
        if pk not in actions:
            errors[NON_FIELD] = "One of the actions is not on this plan"
        elif status not in ActionStatus.values:
            errors[f"action_{pk}"] = "Choose the action's status"
    if problem := _review_date_problem(next_review_on, required=False):
        errors["next_review_on"] = problem
    if errors:
        raise DomainError("The review cannot be recorded yet.", fields=errors)
    _bump_plan(plan, version)
    review = Review.objects.create(
        case=locked, episode=plan.episode, by=by, wellbeing=wellbeing, notes=notes.strip(),
        next_review_on=next_review_on, reassessment_needed=reassessment_needed,
    )
    for pk, status in statuses.items():
        action = actions[pk]
        if action.status != status:
            ActionUpdate.objects.create(
                action=action, review=review, from_status=action.status, to_status=status,
                by=by, at=review.reviewed_at,
            )
            action.status = status
            action.save(update_fields=["status"])
    RecoveryPlan.objects.filter(pk=plan.pk).update(next_review_on=next_review_on)
    complete_human_items(case=locked, kinds=[ItemKind.PLAN_REVIEW], by=by)
    if next_review_on is not None:
        _schedule_review(locked, next_review_on, plan_review_key(locked.pk, review_pk=review.pk))
    return review


# -- Closure and the survey ----------------------------------------------------------------


def check_can_close(case: Case) -> None:
    """Rule: support is closed here for a victim who accepted it (in support, or accepted
    and leaving before a plan); other cases close through their own steps."""
    if not can_close_support(case):
        raise DomainError(
            "Only a case in support (or accepted for support) is closed here. This case is "
            f"'{CaseStatus(case.status).label}'."
        )
    if Closure.objects.filter(case=case, episode=current_episode(case)).exists():
        raise DomainError("This support episode has been closed already.")


def check_can_record_survey(case: Case) -> None:
    """Rule: the survey is asked once per support episode, after support has been closed."""
    episode = current_episode(case)
    if case.status != CaseStatus.CLOSED or not Closure.objects.filter(
        case=case, episode=episode
    ).exists():
        raise DomainError("The survey is asked once support has been closed.")
    if SurveyResponse.objects.filter(case=case, episode=episode).exists():
        raise DomainError("The survey answers have been recorded already.")


def outcome_areas(case: Case) -> list[tuple[str, str]]:
    """The areas whose outcome is asked at closure: those where the latest DVNA found a need
    (any level above none), as (area, level)."""
    dvna = latest_dvna(case)
    if dvna is None:
        return []
    levels = {n.area: n.level for n in dvna.needs.all()}
    return [
        (area, levels[area]) for area in NeedArea.values
        if area in levels and levels[area] != Level.NONE
    ]


@transaction.atomic
def close_case(
    *,
    case: Case,
    reason: str,
    outcomes: dict[str, str],
    by: User,
    reason_detail: str = "",
    notes: str = "",
) -> Closure:
    """Close a supported case with why and, per area of need, whether the victim is better
    able to cope (DOMAIN.md step 8: "closure with the outcome (did the support help them
    cope and recover)"); one row per area so the OPCC return can count outcomes by area.

    Rules: only a case whose victim accepted support (in support, or accepted and leaving
    before a plan); an outcome for every area the latest DVNA found a need in; "other" says
    why. The case moves to closed (cases.workflow); reviews still due are cancelled; a
    proportionate satisfaction survey falls due a fortnight later, except for a victim who
    asked the hub to stop or cannot be reached.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_close(locked)
    errors: dict[str, str] = {}
    if reason not in ClosureReason.values:
        errors["reason"] = "Select why the case is closing"
    elif reason == ClosureReason.OTHER and not reason_detail.strip():
        errors["reason_detail"] = "Say why the case is closing"
    areas = [area for area, _ in outcome_areas(locked)]
    for area in areas:
        if outcomes.get(area) not in Outcome.values:
            errors[f"outcome_{area}"] = (
                f"Select the outcome for {NeedArea(area).label.lower()}"
            )
    if errors:
        raise DomainError("The case cannot be closed yet.", fields=errors)
    episode = current_episode(locked)
    closure = Closure.objects.create(
        case=locked, episode=episode, by=by, reason=reason, reason_detail=reason_detail.strip(),
        notes=notes.strip(),
    )
    ClosureOutcome.objects.bulk_create(
        ClosureOutcome(closure=closure, area=area, outcome=outcomes[area]) for area in areas
    )
    transition_case(
        case=locked, to=CaseStatus.CLOSED, by=by,
        reason=closure_reason(reason=reason, detail=reason_detail),
    )
    cancel_items(case=locked, kinds=[*SUPPORT_WORK, ItemKind.REFERRAL_CHASE, ItemKind.DVNA])
    RecoveryPlan.objects.filter(case=locked, episode=episode).update(next_review_on=None)
    # Face-to-face support ends with the case: the volunteer is free for the next victim.
    from volunteers.models import VolunteerAllocation
    from volunteers.services import end_allocation

    for allocation in VolunteerAllocation.objects.filter(case=locked, active=True):
        end_allocation(allocation=allocation, by=by, reason=ALLOCATION_ENDS_WITH_CASE)
    if reason not in NO_SURVEY_REASONS:
        schedule(
            kind=ItemKind.SURVEY,
            case=locked,
            due_at=survey_due_at(timezone.localdate(closure.closed_at)),
            dedupe_key=survey_key(locked.pk, closure.pk),
        )
    case.status, case.closed_at = locked.status, locked.closed_at
    return closure


@transaction.atomic
def record_survey(
    *,
    case: Case,
    by: User,
    declined: bool = False,
    treated_with_respect: int | None = None,
    helped_to_cope: str = "",
    would_recommend: bool | None = None,
    comments: str = "",
) -> SurveyResponse:
    """Record the victim's answers to the satisfaction survey, or that they declined.

    Rules: "carry proportionate victim satisfaction surveys to provide qualitative feedback
    to the service provided" (service specification): asked once, after closure; a victim
    may decline; if they answer, the three questions are answered. Completes the survey
    item on "My work".
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_record_survey(locked)
    errors: dict[str, str] = {}
    if not declined:
        if treated_with_respect not in (1, 2, 3, 4, 5):
            errors["treated_with_respect"] = "Select how far the victim felt treated with respect"
        if helped_to_cope not in HelpedToCope.values:
            errors["helped_to_cope"] = "Select whether the support helped them cope and recover"
        if would_recommend is None:
            errors["would_recommend"] = "Select whether they would recommend the hub"
    if errors:
        raise DomainError("Record every answer, or that the victim declined.", fields=errors)
    response = SurveyResponse.objects.create(
        case=locked,
        episode=current_episode(locked),
        recorded_by=by,
        declined=declined,
        treated_with_respect=None if declined else treated_with_respect,
        helped_to_cope="" if declined else helped_to_cope,
        would_recommend=None if declined else would_recommend,
        comments=comments.strip(),
    )
    complete_human_items(case=locked, kinds=[ItemKind.SURVEY], by=by)
    return response
