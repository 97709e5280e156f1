"""Closure with an outcome per area of need, and the satisfaction survey after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Closure, ClosureOutcome, SurveyResponse
from assessments.support_services import close_case
from cases.models import CaseTransition
from scheduling.models import ItemKind, ItemState, ScheduledItem
from tests.assessments.builders import levels, supported_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(vcc_user):
    # Needs found: health high, finance medium, social low; the rest none.
    return supported_case(
        vcc_user, levels_by_area=levels(health="high", finance="medium", social="low"),
        allocated_to=vcc_user,
    )


def close_body(**extra) -> dict:
    body = {
        "reason": "support_complete",
        "outcome_health": "better",
        "outcome_finance": "same",
        "outcome_social": "better",
        "notes": "Plan complete.",
    }
    body.update(extra)
    return body


def test_closing_records_an_outcome_per_area_closes_the_case_and_schedules_the_survey(
    client, vcc_user, case
):
    client.force_login(vcc_user)
    page = client.get(reverse("support:close", args=[case.pk])).content.decode()
    assert "Mental and physical health (need found: high)" in page
    assert "Outlook and attitudes" not in page  # no need found there
    assert "These actions are still open" in page

    response = client.post(reverse("support:close", args=[case.pk]), close_body())
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    transition = CaseTransition.objects.filter(case=case).last()
    assert (transition.to_status, transition.reason) == ("closed",
                                                         "Support ended: support complete")
    closure = Closure.objects.get(case=case)
    assert (closure.reason, closure.by) == ("support_complete", vcc_user)
    outcomes = dict(ClosureOutcome.objects.filter(closure=closure).values_list("area", "outcome"))
    assert outcomes == {"health": "better", "finance": "same", "social": "better"}
    # The plan's review is no longer due; the survey is, a fortnight on.
    review = ScheduledItem.objects.get(case=case, kind=ItemKind.PLAN_REVIEW)
    assert review.state == ItemState.CANCELLED
    survey = ScheduledItem.objects.get(case=case, kind=ItemKind.SURVEY)
    assert survey.state == ItemState.DUE
    assert timezone.localdate(survey.due_at) == timezone.localdate() + timedelta(days=14)

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    closure_html = page[page.index('data-testid="closure"'):]
    assert "Support complete" in closure_html and "Better able to cope" in closure_html
    assert "Record the survey answers" in page


def test_closing_without_every_outcome_is_refused_and_saves_nothing(client, vcc_user, case):
    client.force_login(vcc_user)
    body = close_body(reason="other")
    del body["outcome_finance"]
    response = client.post(reverse("support:close", args=[case.pk]), body)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select the outcome for finance and benefits" in page
    body["outcome_finance"] = "worse"
    page = client.post(reverse("support:close", args=[case.pk]), body).content.decode()
    assert "Say why the case is closing" in page
    assert not Closure.objects.exists()
    assert not ClosureOutcome.objects.exists()
    case.refresh_from_db()
    assert case.status == "in_support"
    assert not ScheduledItem.objects.filter(kind=ItemKind.SURVEY).exists()


def test_no_survey_for_a_victim_who_asked_the_hub_to_stop(client, vcc_user, case):
    client.force_login(vcc_user)
    client.post(reverse("support:close", args=[case.pk]),
                close_body(reason="victim_asked_to_stop"))
    assert Closure.objects.filter(case=case).exists()
    assert not ScheduledItem.objects.filter(kind=ItemKind.SURVEY).exists()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Record the survey answers" not in page
    assert "Not asked (the victim asked to stop)" in page


def test_the_survey_falls_due_on_my_work_and_its_answers_are_recorded(
    client, vcc_user, case
):
    close_case(case=case, reason="support_complete",
               outcomes={"health": "better", "finance": "better", "social": "same"}, by=vcc_user)
    item = ScheduledItem.objects.get(case=case, kind=ItemKind.SURVEY)
    item.due_at = timezone.now() - timedelta(minutes=5)
    item.save()
    client.force_login(vcc_user)
    work = client.get(reverse("scheduling:my_work")).content.decode()
    assert "Satisfaction survey" in work and case.reference in work

    response = client.post(
        reverse("support:survey", args=[case.pk]),
        {"answered": "yes", "treated_with_respect": "5", "helped_to_cope": "partly",
         "would_recommend": "yes", "comments": "Kind and quick."},
    )
    assert response.status_code == 302
    answer = SurveyResponse.objects.get(case=case)
    assert (answer.declined, answer.treated_with_respect, answer.helped_to_cope,
            answer.would_recommend, answer.comments, answer.recorded_by) == (
        False, 5, "partly", True, "Kind and quick.", vcc_user)
    item.refresh_from_db()
    assert item.state == ItemState.DONE
    assert case.reference not in client.get(reverse("scheduling:my_work")).content.decode()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Treated with respect: 5 out of 5" in page
    assert "Record the survey answers" not in page

    # Asked once.
    response = client.get(reverse("support:survey", args=[case.pk]), follow=True)
    assert "The survey answers have been recorded already" in response.content.decode()


def test_a_declined_survey_is_recorded_without_answers(client, vcc_user, case):
    close_case(case=case, reason="moved_away",
               outcomes={"health": "not_known", "finance": "not_known", "social": "same"},
               by=vcc_user)
    client.force_login(vcc_user)
    client.post(reverse("support:survey", args=[case.pk]),
                {"answered": "declined", "treated_with_respect": "3"})
    answer = SurveyResponse.objects.get(case=case)
    assert answer.declined and answer.treated_with_respect is None


def test_incomplete_survey_answers_get_errors_and_save_nothing(client, vcc_user, case):
    close_case(case=case, reason="support_complete",
               outcomes={"health": "better", "finance": "better", "social": "same"}, by=vcc_user)
    client.force_login(vcc_user)
    response = client.post(reverse("support:survey", args=[case.pk]),
                           {"answered": "yes", "treated_with_respect": "9"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    page = client.post(reverse("support:survey", args=[case.pk]),
                       {"answered": "yes", "treated_with_respect": "4"}).content.decode()
    assert "Select whether the support helped them cope and recover" in page
    assert "Select whether they would recommend the hub" in page
    assert not SurveyResponse.objects.exists()
    assert ScheduledItem.objects.get(case=case, kind=ItemKind.SURVEY).state == ItemState.DUE


def test_no_survey_before_closure(client, vcc_user, case):
    client.force_login(vcc_user)
    response = client.get(reverse("support:survey", args=[case.pk]), follow=True)
    assert "The survey is asked once support has been closed" in response.content.decode()
    response = client.post(reverse("support:survey", args=[case.pk]),
                           {"answered": "declined"})
    assert response.status_code == 302
    assert not SurveyResponse.objects.exists()


def test_closing_ends_the_volunteer_allocation(vcc_user):
    from assessments.support_services import close_case
    from tests.assessments.builders import supported_case
    from tests.factories import AllocationFactory
    from volunteers.models import VolunteerAllocation

    case = supported_case(vcc_user)
    allocation = AllocationFactory(case=case)
    areas = {n.area for n in case.dvnas.last().needs.exclude(level="none")}
    close_case(case=case, by=vcc_user, reason="support_complete",
               outcomes={area: "better" for area in areas})
    allocation.refresh_from_db()
    assert allocation.active is False
    assert not VolunteerAllocation.objects.filter(case=case, active=True).exists()
