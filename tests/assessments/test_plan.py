"""The recovery plan: agreed after the DVNA, every significant need covered, changed later."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.dvna_services import record_dvna
from assessments.models import ActionUpdate, PlanAction, RecoveryPlan
from assessments.support_services import add_action
from cases.models import CaseTransition
from core.errors import STALE, DomainError
from directory.models import SupportService
from scheduling.models import ItemKind, ItemState, ScheduledItem
from tests.assessments.builders import (
    accepted_case,
    action,
    answers,
    date_fields,
    in_days,
    levels,
    supported_case,
)

pytestmark = pytest.mark.django_db


def action_form(index: int, owner, *, kind="phone_support", areas=("health",),
                description="Weekly call from the VCC", service=None, review_on=None) -> dict:
    prefix = f"actions-{index}-"
    body = {
        f"{prefix}kind": kind,
        f"{prefix}description": description,
        f"{prefix}need_areas": list(areas),
        f"{prefix}owner": str(owner.pk),
        f"{prefix}service": str(service.pk) if service else "",
    }
    body.update({prefix + k: v for k, v in date_fields("review_on", review_on).items()})
    return body


def agree_body(owner, *actions: dict, review_on=None) -> dict:
    body = {
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        **date_fields("next_review_on", review_on or in_days(14)),
    }
    for index in range(3):
        # An untouched row: the owner is preset to the signed-in VCC.
        body[f"actions-{index}-owner"] = str(owner.pk)
    for a in actions:
        body.update(a)
    return body


@pytest.fixture
def assessed(vcc_user):
    case = accepted_case()
    record_dvna(case=case, answers=answers(levels(health="high", finance="medium")), by=vcc_user)
    return case


def test_agreeing_the_plan_starts_support_and_schedules_the_first_review(
    client, vcc_user, assessed
):
    client.force_login(vcc_user)
    page = client.get(reverse("support:plan_new", args=[assessed.pk])).content.decode()
    assert "Agree the recovery plan" in page and "Needs at DVNA 1" in page
    review_on = in_days(10)
    service = SupportService.objects.get(name="Restorative Justice service")
    response = client.post(
        reverse("support:plan_new", args=[assessed.pk]),
        agree_body(
            vcc_user,
            action_form(0, vcc_user, areas=("health", "finance")),
            action_form(1, vcc_user, kind="restorative_justice", areas=("outlook",),
                        description="Information about RJ", service=service),
            review_on=review_on,
        ),
    )
    assert response.status_code == 302
    assessed.refresh_from_db()
    assert assessed.status == "in_support"
    transition = CaseTransition.objects.filter(case=assessed).last()
    assert (transition.from_status, transition.to_status, transition.by) == (
        "accepted", "in_support", vcc_user)
    plan = RecoveryPlan.objects.get(case=assessed)
    assert (plan.next_review_on, plan.version) == (review_on, 1)
    actions = list(plan.actions.order_by("pk"))
    assert [a.kind for a in actions] == ["phone_support", "restorative_justice"]
    assert actions[0].need_areas == ["health", "finance"]
    assert actions[1].service == service
    item = ScheduledItem.objects.get(case=assessed, kind=ItemKind.PLAN_REVIEW)
    assert item.state == ItemState.DUE
    assert timezone.localtime(item.due_at) == timezone.make_aware(
        datetime.combine(review_on, time(9, 0)))
    assert item.dedupe_key == f"plan_review:{assessed.pk}:plan:1"


def test_an_uncovered_significant_need_is_a_warning_until_an_action_covers_it(
    client, vcc_user, assessed
):
    client.force_login(vcc_user)
    client.post(
        reverse("support:plan_new", args=[assessed.pk]),
        agree_body(vcc_user, action_form(0, vcc_user, areas=("health",))),
    )
    warning = "No action in the plan addresses finance and benefits (medium)"
    assert warning in client.get(reverse("support:plan", args=[assessed.pk])).content.decode()
    assert warning in client.get(reverse("cases:detail", args=[assessed.pk])).content.decode()

    plan = RecoveryPlan.objects.get(case=assessed)
    response = client.post(
        reverse("support:action_new", args=[assessed.pk]),
        {"kind": "specialist_referral", "description": "Citizens Advice for debts",
         "need_areas": ["finance"], "owner": vcc_user.pk, "status": "planned",
         "version": plan.version, **date_fields("review_on", None)},
    )
    assert response.status_code == 302
    assert "No action in the plan addresses" not in client.get(
        reverse("support:plan", args=[assessed.pk])).content.decode()
    assert "No action in the plan addresses" not in client.get(
        reverse("cases:detail", args=[assessed.pk])).content.decode()


def test_a_cancelled_action_does_not_cover_a_need(client, vcc_user):
    case = supported_case(vcc_user)
    action_obj = PlanAction.objects.get(plan__case=case)
    client.force_login(vcc_user)
    client.post(
        reverse("support:action_edit", args=[case.pk, action_obj.pk]),
        {"kind": "phone_support", "description": "Weekly call", "need_areas": ["health",
         "finance"], "owner": vcc_user.pk, "status": "cancelled", "version": "1",
         **date_fields("review_on", None)},
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert ("No action in the plan addresses mental and physical health (high) or finance "
            "and benefits (medium)") in page
    update = ActionUpdate.objects.get(action=action_obj)
    assert (update.from_status, update.to_status, update.by) == ("planned", "cancelled", vcc_user)


def test_a_plan_without_actions_or_review_date_is_refused(client, vcc_user, assessed):
    client.force_login(vcc_user)
    body = agree_body(vcc_user)
    body.update(date_fields("next_review_on", None))
    response = client.post(reverse("support:plan_new", args=[assessed.pk]), body)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the date of the first review" in page
    assert "Add at least one action to the plan" in page  # every problem at once
    form = response.context["form"]
    assert form.non_field_errors() == ["Add at least one action to the plan"]
    assert form.errors["next_review_on"] == ["Enter the date of the first review"]
    body.update(date_fields("next_review_on", in_days(-1)))
    page = client.post(reverse("support:plan_new", args=[assessed.pk]), body).content.decode()
    assert "Add at least one action to the plan" in page
    assert "The next review must be after today" in page
    assert not RecoveryPlan.objects.exists()
    assessed.refresh_from_db()
    assert assessed.status == "accepted"
    assert not ScheduledItem.objects.filter(kind=ItemKind.PLAN_REVIEW).exists()


def test_bad_actions_get_errors_against_their_row(client, vcc_user, assessed):
    client.force_login(vcc_user)
    service = SupportService.objects.filter(active=True).first()
    response = client.post(
        reverse("support:plan_new", args=[assessed.pk]),
        agree_body(
            vcc_user,
            action_form(0, vcc_user, service=service),  # phone support names no service
            action_form(1, vcc_user, areas=(), description=""),
        ),
    )
    page = response.content.decode()
    assert "Action 1: Only a referral, Restorative Justice or signposting names a service" in page
    assert "Action 2: Say what the action is" in page
    assert "Action 2: Choose the areas of need the action addresses" in page
    assert not RecoveryPlan.objects.exists()
    formset = response.context["formset"]
    assert formset.forms[1].errors == {
        "description": ["Say what the action is"],
        "need_areas": ["Choose the areas of need the action addresses"],
    }


def test_an_actions_error_lands_on_its_row_when_a_row_above_is_left_empty(
    client, vcc_user, assessed
):
    client.force_login(vcc_user)
    response = client.post(
        reverse("support:plan_new", args=[assessed.pk]),
        agree_body(vcc_user, action_form(1, vcc_user, description="")),
    )
    forms = response.context["formset"].forms
    assert (forms[0].errors, forms[1].errors) == ({}, {"description": ["Say what the action is"]})
    assert response.context["form"].errors == {}


def test_no_plan_before_the_dvna(client, vcc_user):
    case = accepted_case()
    client.force_login(vcc_user)
    response = client.get(reverse("support:plan_new", args=[case.pk]), follow=True)
    assert "Record the DVNA first" in response.content.decode()
    assert "Record the DVNA</a>" in response.content.decode()


def test_a_stale_plan_save_is_refused_and_saves_nothing(client, vcc_user, manager_user):
    case = supported_case(vcc_user)
    plan = RecoveryPlan.objects.get(case=case)
    first = plan.actions.get()
    client.force_login(vcc_user)
    page = client.get(reverse("support:action_edit", args=[case.pk, first.pk])).content.decode()
    assert re.search(r'name="version" value="1"', page)

    # Meanwhile a manager adds an action: the plan is now version 2.
    add_action(plan=plan, version=1, details=action(manager_user, areas=("social",)),
               by=manager_user)

    response = client.post(
        reverse("support:action_edit", args=[case.pk, first.pk]),
        {"kind": "phone_support", "description": "Changed", "need_areas": ["health"],
         "owner": vcc_user.pk, "status": "done", "version": "1",
         **date_fields("review_on", None)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this recovery plan after you opened it" in page
    first.refresh_from_db()
    assert (first.description, first.status) == ("Weekly call", "planned")
    assert not ActionUpdate.objects.exists()
    plan.refresh_from_db()
    assert plan.version == 2
    with pytest.raises(DomainError) as refused:
        add_action(plan=plan, version=1, details=action(vcc_user), by=vcc_user)
    assert refused.value.code == STALE


def test_moving_the_review_date_moves_the_review_on_my_work(client, vcc_user):
    case = supported_case(vcc_user)
    client.force_login(vcc_user)
    new_date = in_days(3)
    response = client.post(reverse("support:plan_date", args=[case.pk]),
                           {**date_fields("next_review_on", new_date), "version": "1"})
    assert response.status_code == 302
    items = ScheduledItem.objects.filter(case=case, kind=ItemKind.PLAN_REVIEW)
    assert sorted(items.values_list("state", flat=True)) == ["cancelled", "due"]
    due = items.get(state="due")
    assert timezone.localdate(due.due_at) == new_date
    assert RecoveryPlan.objects.get(case=case).next_review_on == new_date


def test_the_owner_must_work_cases(client, vcc_user, volunteer_user):
    case = supported_case(vcc_user)
    client.force_login(vcc_user)
    response = client.post(
        reverse("support:action_new", args=[case.pk]),
        {"kind": "volunteer_support", "description": "Visits", "need_areas": ["social"],
         "owner": volunteer_user.pk, "status": "planned", "version": "1",
         **date_fields("review_on", None)},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert PlanAction.objects.filter(plan__case=case).count() == 1


def test_the_agree_page_builds_three_actions_whatever_the_body_asks(client, vcc_user, assessed):
    """TOTAL_FORMS is the browser's to send: a hostile one built and showed 2,000 forms."""
    client.force_login(vcc_user)
    body = {**agree_body(vcc_user, action_form(0, vcc_user)), "actions-TOTAL_FORMS": "1000000"}
    response = client.post(reverse("support:plan_new", args=[assessed.pk]), body)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    assert "Please submit at most 3 forms" in response.content.decode()
    assert not RecoveryPlan.objects.exists()
