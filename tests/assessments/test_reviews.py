"""Follow-up reviews: due on My work, recorded against the plan, the next one scheduled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import ActionUpdate, Dvna, PlanAction, RecoveryPlan, Review
from scheduling.models import ItemKind, ItemState, ScheduledItem
from tests.assessments.builders import date_fields, in_days, supported_case

pytestmark = pytest.mark.django_db


def review_body(case, *, wellbeing="better", next_review_on=None, reassess="no",
                version="1", **statuses) -> dict:
    body = {
        "wellbeing": wellbeing,
        "notes": "Sleeping better; the locks are fitted.",
        "reassessment_needed": reassess,
        "version": version,
        **date_fields("next_review_on", next_review_on),
    }
    for action in PlanAction.objects.filter(plan__case=case):
        body[f"action_{action.pk}"] = statuses.get(f"action_{action.pk}", action.status)
    return body


def test_a_due_review_is_on_my_work_and_recording_it_schedules_the_next(client, vcc_user):
    case = supported_case(vcc_user, allocated_to=vcc_user)
    item = ScheduledItem.objects.get(case=case, kind=ItemKind.PLAN_REVIEW)
    item.due_at = timezone.now() - timedelta(hours=1)
    item.save()
    client.force_login(vcc_user)
    work = client.get(reverse("scheduling:my_work")).content.decode()
    assert "Recovery plan review" in work and case.reference in work

    action = PlanAction.objects.get(plan__case=case)
    next_on = in_days(28)
    response = client.post(
        reverse("support:review_new", args=[case.pk]),
        review_body(case, next_review_on=next_on, **{f"action_{action.pk}": "in_progress"}),
    )
    assert response.status_code == 302
    assert response["Location"] == f'{reverse("cases:detail", args=[case.pk])}#assessment-and-plan'

    review = Review.objects.get(case=case)
    assert (review.wellbeing, review.by, review.next_review_on) == ("better", vcc_user, next_on)
    item.refresh_from_db()
    assert (item.state, item.done_by) == (ItemState.DONE, vcc_user)
    following = ScheduledItem.objects.get(case=case, kind=ItemKind.PLAN_REVIEW, state="due")
    assert timezone.localdate(following.due_at) == next_on
    assert following.dedupe_key == f"plan_review:{case.pk}:review:{review.pk}"
    plan = RecoveryPlan.objects.get(case=case)
    assert (plan.next_review_on, plan.version) == (next_on, 2)
    action.refresh_from_db()
    assert action.status == "in_progress"
    update = ActionUpdate.objects.get(action=action)
    assert (update.review, update.from_status, update.to_status) == (review, "planned",
                                                                     "in_progress")

    work = client.get(reverse("scheduling:my_work")).content.decode()
    assert case.reference not in work
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    reviews = page[page.index('data-testid="reviews"'):]
    assert "Sleeping better" in reviews
    assert "planned → in progress" in reviews


def test_a_review_without_a_next_date_schedules_nothing(client, vcc_user):
    case = supported_case(vcc_user)
    client.force_login(vcc_user)
    client.post(reverse("support:review_new", args=[case.pk]), review_body(case))
    assert not ScheduledItem.objects.filter(case=case, kind=ItemKind.PLAN_REVIEW,
                                            state="due").exists()
    assert RecoveryPlan.objects.get(case=case).next_review_on is None


def test_a_review_can_call_for_a_reassessment(client, vcc_user):
    case = supported_case(vcc_user)
    client.force_login(vcc_user)
    response = client.post(
        reverse("support:review_new", args=[case.pk]),
        review_body(case, wellbeing="worse", reassess="yes", next_review_on=in_days(7)),
    )
    assert response["Location"] == reverse("dvna:new", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Reassessment: DVNA 2" in page
    assert "The answers from DVNA 1" in page
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Reassess needs (DVNA 2)" in case_page
    assert "Reassessment needed" in case_page
    assert Dvna.objects.filter(case=case).count() == 1


def test_bad_review_input_gets_errors_and_saves_nothing(client, vcc_user):
    case = supported_case(vcc_user)
    client.force_login(vcc_user)
    body = review_body(case, next_review_on=in_days(-2))
    del body["wellbeing"]
    response = client.post(reverse("support:review_new", args=[case.pk]), body)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select how the victim is" in page
    body["wellbeing"] = "same"
    page = client.post(reverse("support:review_new", args=[case.pk]), body).content.decode()
    assert "The next review must be after today" in page
    assert not Review.objects.exists()
    assert RecoveryPlan.objects.get(case=case).version == 1
    assert ScheduledItem.objects.get(case=case, kind=ItemKind.PLAN_REVIEW).state == "due"


def test_a_stale_review_is_refused(client, vcc_user):
    case = supported_case(vcc_user)
    client.force_login(vcc_user)
    client.post(reverse("support:review_new", args=[case.pk]), review_body(case))
    response = client.post(reverse("support:review_new", args=[case.pk]), review_body(case))
    assert "Someone else changed this recovery plan" in response.content.decode()
    assert Review.objects.count() == 1


def test_no_review_before_the_plan(client, vcc_user):
    from tests.assessments.builders import accepted_case

    case = accepted_case()
    client.force_login(vcc_user)
    response = client.get(reverse("support:review_new", args=[case.pk]), follow=True)
    assert "agree the recovery plan first" in response.content.decode()
