"""Building blocks for support tests: DVNA answers and form bodies, and cases part-way
through support, made through the services as a VCC would."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from assessments.dvna_services import DvnaAnswers, record_dvna
from assessments.models import NeedArea
from assessments.support_services import ActionDetails, agree_plan
from cases.models import Case
from tests.factories import CaseFactory, IvnaFactory

AREAS = NeedArea.values
ALL_NONE = {area: "none" for area in AREAS}


def levels(**chosen: str) -> dict[str, str]:
    """All eight areas at none, except those given: levels(health="high")."""
    return {**ALL_NONE, **chosen}


def answers(levels_by_area: dict[str, str] | None = None, **overrides) -> DvnaAnswers:
    values = {
        "levels": levels_by_area or levels(health="high", finance="medium"),
        "notes": {},
        "risk_from_offender": "medium",
        "risk_of_self_harm": "none",
        "risk_of_harming_others": "none",
        "risk_of_wellbeing_deteriorating": "low",
        "first_language": "en",
        "interpreter_needed": False,
    }
    values.update(overrides)
    return DvnaAnswers(**values)


def dvna_form(levels_by_area: dict[str, str] | None = None, **extra) -> dict:
    """A complete DVNA form body."""
    chosen = levels_by_area or levels(health="high", finance="medium")
    body = {f"{area}_level": level for area, level in chosen.items()}
    body.update(
        risk_from_offender="medium",
        risk_of_self_harm="none",
        risk_of_harming_others="none",
        risk_of_wellbeing_deteriorating="low",
        first_language="en",
        interpreter_needed="no",
    )
    body.update(extra)
    return body


def date_fields(name: str, on: date | None) -> dict:
    if on is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(on.day), f"{name}_1": str(on.month), f"{name}_2": str(on.year)}


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def accepted_case(**kwargs) -> Case:
    """A case from a police IVNA whose victim has accepted support: the DVNA is due."""
    ivna_kwargs = {k: v for k, v in kwargs.items() if not k.startswith("case__")}
    case_kwargs = {k.removeprefix("case__"): v for k, v in kwargs.items()
                   if k.startswith("case__")}
    case = CaseFactory(status="accepted", **case_kwargs)
    IvnaFactory(case=case, **ivna_kwargs)
    return case


def action(owner, areas=("health",), kind="phone_support", **kwargs) -> ActionDetails:
    return ActionDetails(kind=kind, description=kwargs.pop("description", "Weekly call"),
                         need_areas=list(areas), owner=owner, **kwargs)


def supported_case(vcc, *, levels_by_area=None, actions=None, review_in_days: int = 14,
                   **case_kwargs) -> Case:
    """A case in support: accepted, one DVNA, a plan agreed with the given actions."""
    case = accepted_case(**{f"case__{k}": v for k, v in case_kwargs.items()})
    record_dvna(case=case, answers=answers(levels_by_area), by=vcc)
    agree_plan(
        case=case,
        actions=actions if actions is not None else [action(vcc, areas=("health", "finance"))],
        next_review_on=in_days(review_in_days),
        by=vcc,
    )
    case.refresh_from_db()
    return case


# -- For the permission matrix (tests/support/permission_entries.py) ---------------------------


def support_world(*, person, vcc) -> dict:
    """`supported`: a restricted case of `person`, allocated to `vcc`, in support: DVNA 1
    (health high, finance medium) and a plan agreed with one action, `supported_action`."""
    case = CaseFactory(person=person, status="accepted", restricted=True, allocated_to=vcc)
    dvna = record_dvna(case=case, answers=answers(), by=vcc)
    plan = agree_plan(case=case, actions=[action(vcc, areas=("health", "finance"))],
                      next_review_on=in_days(14), by=vcc)
    case.refresh_from_db()
    return {"supported": case, "supported_dvna": dvna,
            "supported_action": plan.actions.get()}


def support_records() -> tuple:
    """What a refused support request must leave as it was."""
    from assessments.models import Closure, Dvna, PlanAction, RecoveryPlan, Review, SurveyResponse

    return (
        list(Dvna.objects.order_by("pk").values_list("pk", "version")),
        list(RecoveryPlan.objects.order_by("pk").values_list("pk", "version", "next_review_on")),
        list(PlanAction.objects.order_by("pk").values_list("pk", "status")),
        Review.objects.count(),
        Closure.objects.count(),
        SurveyResponse.objects.count(),
        list(Case.objects.order_by("pk").values_list("pk", "status")),
    )


def matrix_dvna(world) -> dict:
    return dvna_form()


def matrix_dvna_correction(world) -> dict:
    return dvna_form(version=str(world.supported_dvna.version))


def matrix_review_date(world) -> dict:
    return {**date_fields("next_review_on", in_days(21)), "version": "1"}


def matrix_action(world) -> dict:
    return {"kind": "phone_support", "description": "Fortnightly call", "need_areas": ["health"],
            "owner": world.vcc.pk, "status": "in_progress", "version": "1",
            **date_fields("review_on", None)}


def matrix_review(world) -> dict:
    return {"wellbeing": "same", "reassessment_needed": "no", "version": "1",
            f"action_{world.supported_action.pk}": "in_progress",
            **date_fields("next_review_on", in_days(28))}


def matrix_close(world) -> dict:
    return {"reason": "support_complete", "outcome_health": "better", "outcome_finance": "same"}


def matrix_survey(world) -> dict:
    return {"answered": "declined"}


def reaccept(case: Case, vcc) -> Case:
    """The victim of a closed (or declined) case gets in touch again, is called back and
    accepts support again: a new support episode, its DVNA due."""
    from contact.services import (
        record_contact_attempt,
        record_contact_outcome,
        record_victim_got_in_touch,
    )

    record_victim_got_in_touch(case=case, by=vcc)
    case.refresh_from_db()
    record_contact_attempt(case=case, made_at=timezone.now(), number_used=case.person.phone,
                           outcome="contacted", by=vcc)
    record_contact_outcome(case=case, outcome="accepted", by=vcc)
    case.refresh_from_db()
    return case


def second_episode(vcc, *, first_outcomes=None, levels_by_area=None, **case_kwargs) -> Case:
    """A case supported twice: episode 1 agreed and closed (health better, finance same),
    then re-opened, accepted again, DVNA and a second plan agreed (in support, episode 2)."""
    from assessments.support_services import close_case

    case = supported_case(vcc, **case_kwargs)
    close_case(case=case, reason="support_complete", by=vcc,
               outcomes=first_outcomes or {"health": "better", "finance": "same"})
    reaccept(case, vcc)
    record_dvna(case=case, answers=answers(levels_by_area or levels(health="medium")), by=vcc)
    agree_plan(case=case, actions=[action(vcc, areas=("health",), description="Trial support")],
               next_review_on=in_days(7), by=vcc)
    case.refresh_from_db()
    return case
