"""Support episodes (issue 12): a victim whose supported case was closed comes back, accepts
support again and gets a new DVNA, a new plan, reviews and a new closure with its outcomes on
the same case; the earlier episode stays readable, read only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.dvna_services import record_dvna, update_dvna
from assessments.episodes import current_episode
from assessments.models import Closure, ClosureOutcome, Dvna, RecoveryPlan
from assessments.support_selectors import support_summary
from assessments.support_services import (
    agree_plan,
    change_review_date,
    close_case,
    record_review,
    record_survey,
)
from core.errors import DomainError
from referrals.selectors import actions_to_refer
from scheduling.models import ItemKind, ItemState, ScheduledItem
from tests.assessments.builders import (
    action,
    answers,
    in_days,
    levels,
    reaccept,
    second_episode,
    supported_case,
)
from tests.factories import SupportServiceFactory

pytestmark = pytest.mark.django_db


def episodes_of(model, case) -> list[int]:
    return list(model.objects.filter(case=case).order_by("episode").values_list("episode",
                                                                                flat=True))


def test_a_reopened_supported_case_gets_a_second_dvna_plan_and_closure(vcc_user):
    case = second_episode(vcc_user)
    assert case.status == "in_support"
    assert current_episode(case) == 2
    assert list(Dvna.objects.filter(case=case).values_list("number", "episode")) == [(1, 1),
                                                                                     (2, 2)]
    assert episodes_of(RecoveryPlan, case) == [1, 2]
    # The second plan's first review is on My work, under its own key.
    due = ScheduledItem.objects.get(case=case, kind=ItemKind.PLAN_REVIEW, state=ItemState.DUE)
    assert due.dedupe_key == f"plan_review:{case.pk}:episode:2:plan:1"

    review = record_review(case=case, version=1, wellbeing="better", by=vcc_user)
    assert review.episode == 2
    # The outcomes asked are those the second episode's DVNA found (health medium only).
    with pytest.raises(DomainError) as refused:
        close_case(case=case, reason="support_complete", outcomes={}, by=vcc_user)
    assert set(refused.value.fields) == {"outcome_health"}
    close_case(case=case, reason="support_complete", outcomes={"health": "better"},
               by=vcc_user)
    case.refresh_from_db()
    assert case.status == "closed"
    outcomes = {
        episode: dict(ClosureOutcome.objects.filter(closure__case=case, closure__episode=episode)
                      .values_list("area", "outcome"))
        for episode in (1, 2)
    }
    assert outcomes == {1: {"health": "better", "finance": "same"}, 2: {"health": "better"}}
    # A survey for each closure.
    record_survey(case=case, by=vcc_user, declined=True)
    assert case.survey_responses.get().episode == 2


def test_the_second_plan_waits_for_a_dvna_of_its_own(vcc_user):
    case = supported_case(vcc_user)
    close_case(case=case, reason="support_complete", by=vcc_user,
               outcomes={"health": "better", "finance": "same"})
    reaccept(case, vcc_user)
    with pytest.raises(DomainError, match="Record the DVNA first"):
        agree_plan(case=case, actions=[action(vcc_user)], next_review_on=in_days(7),
                   by=vcc_user)


def test_one_plan_and_one_closure_per_episode(vcc_user):
    case = second_episode(vcc_user)
    with pytest.raises(DomainError, match="Recovery plan in place"):
        agree_plan(case=case, actions=[action(vcc_user)], next_review_on=in_days(7),
                   by=vcc_user)
    with transaction.atomic(), pytest.raises(IntegrityError):
        RecoveryPlan.objects.create(case=case, agreed_by=vcc_user, episode=2)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Closure.objects.create(case=case, by=vcc_user, reason="other", episode=1)


def test_the_earlier_plan_is_a_record(vcc_user):
    case = second_episode(vcc_user)
    first = RecoveryPlan.objects.get(case=case, episode=1)
    with pytest.raises(DomainError, match="earlier support episode"):
        change_review_date(plan=first, version=first.version, next_review_on=in_days(9),
                           by=vcc_user)


def test_the_earlier_episode_is_readable_after_the_reopening(vcc_user):
    case = supported_case(vcc_user, levels_by_area=levels(health="high", finance="medium"))
    record_review(case=case, version=1, wellbeing="same", by=vcc_user)
    close_case(case=case, reason="support_complete", by=vcc_user,
               outcomes={"health": "better", "finance": "same"})
    reaccept(case, vcc_user)

    summary = support_summary(case)
    # Accepted again: the current episode is the second, with nothing in it yet.
    assert (summary.episode, summary.dvnas, summary.plan, summary.closure) == (2, [], None, None)
    [earlier] = summary.earlier
    assert earlier.episode == 1
    assert [d.number for d in earlier.dvnas] == [1]
    assert earlier.plan is not None and len(earlier.reviews) == 1
    assert [(o.area, o.outcome) for o in earlier.outcomes] == [("health", "better"),
                                                               ("finance", "same")]
    record_dvna(case=case, answers=answers(levels(social="high")), by=vcc_user)
    summary = support_summary(case)
    assert [d.number for d in summary.dvnas] == [2]
    # The second episode's needs are its own: only social is uncovered (no plan yet).
    assert [n.area for n in summary.uncovered] == ["social"]


def test_the_case_page_shows_the_earlier_episode_read_only(client, vcc_user):
    case = second_episode(vcc_user)
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "episode 2" in page
    assert 'data-testid="earlier-episode" data-episode="1"' in page
    assert "Support episode 1 (" in page
    assert "Better able to cope" in page  # episode 1's health outcome
    # The plan shown is the second one; its page edits that one only.
    plan_page = client.get(reverse("support:plan", args=[case.pk])).content.decode()
    assert "Trial support" in plan_page


def test_the_support_panel_costs_the_same_queries_however_many_episodes(vcc_user):
    once = supported_case(vcc_user)
    close_case(case=once, reason="support_complete", by=vcc_user,
               outcomes={"health": "better", "finance": "same"})
    twice = second_episode(vcc_user)
    close_case(case=twice, reason="support_complete", by=vcc_user,
               outcomes={"health": "same"})
    from django.db import connection

    counts = []
    for case in (once, twice):
        with CaptureQueriesContext(connection) as queries:
            support_summary(case)
        counts.append(len(queries))
    assert counts[0] == counts[1]



def test_an_earlier_episode_s_dvna_is_not_corrected(client, vcc_user):
    case = second_episode(vcc_user, allocated_to=vcc_user)
    first = Dvna.objects.get(case=case, number=1)
    with pytest.raises(DomainError, match="earlier support episode"):
        update_dvna(dvna=first, version=first.version, answers=answers(), by=vcc_user)
    client.force_login(vcc_user)
    page = client.get(reverse("dvna:detail", args=[case.pk, 1])).content.decode()
    assert reverse("dvna:edit", args=[case.pk, 1]) not in page
    assert reverse("dvna:edit", args=[case.pk, 2]) in client.get(
        reverse("dvna:detail", args=[case.pk, 2])).content.decode()


def test_an_earlier_plan_s_open_referral_actions_are_not_waiting_to_go(vcc_user):
    service = SupportServiceFactory(name="Advocacy")
    case = supported_case(vcc_user, actions=[
        action(vcc_user, kind="specialist_referral", service=service, description="ISVA")])
    assert [a.description for a in actions_to_refer(case)] == ["ISVA"]
    close_case(case=case, reason="support_complete", by=vcc_user,
               outcomes={"health": "better", "finance": "same"})
    assert list(actions_to_refer(case)) == []
    reaccept(case, vcc_user)
    assert list(actions_to_refer(case)) == []


def test_a_survey_still_due_is_cancelled_by_the_reopening_and_asked_after_the_next_closure(
    vcc_user
):
    case = supported_case(vcc_user)
    close_case(case=case, reason="support_complete", by=vcc_user,
               outcomes={"health": "better", "finance": "same"})
    first = ScheduledItem.objects.get(case=case, kind=ItemKind.SURVEY)
    assert first.state == ItemState.DUE
    reaccept(case, vcc_user)
    first.refresh_from_db()
    assert first.state == ItemState.CANCELLED
    record_dvna(case=case, answers=answers(levels(health="low")), by=vcc_user)
    agree_plan(case=case, actions=[action(vcc_user)], next_review_on=in_days(7), by=vcc_user)
    close_case(case=case, reason="support_complete", by=vcc_user, outcomes={"health": "same"})
    assert ScheduledItem.objects.filter(case=case, kind=ItemKind.SURVEY,
                                        state=ItemState.DUE).count() == 1
