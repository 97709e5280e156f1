"""A case supported twice is counted once by the flow and the return (the latest closure's
outcomes), and the subject access bundle and anonymisation cover every episode."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessments.dvna_services import record_dvna
from assessments.models import Closure, ClosureOutcome, SurveyResponse
from assessments.support_services import agree_plan, close_case, record_survey
from cases.models import Case
from privacy import services as privacy
from privacy.selectors import subject_access_bundle
from reporting.flow import Period, compute_flow
from reporting.returns import by_outcome
from tests.assessments.builders import (
    action,
    answers,
    in_days,
    levels,
    reaccept,
    supported_case,
)

pytestmark = pytest.mark.django_db


def twice_closed(vcc):
    """Episode 1 closed with health better and finance same; episode 2 (health only) closed
    with health worse; a survey answered after each closure."""
    case = supported_case(vcc)
    close_case(case=case, reason="support_complete", by=vcc, notes="First closure notes",
               outcomes={"health": "better", "finance": "same"})
    record_survey(case=case, by=vcc, treated_with_respect=5, helped_to_cope="yes",
                  would_recommend=True, comments="First survey comments")
    case.refresh_from_db()
    reaccept(case, vcc)
    record_dvna(case=case, answers=answers(levels(health="high")), by=vcc)
    agree_plan(case=case, actions=[action(vcc)], next_review_on=in_days(7), by=vcc)
    close_case(case=case, reason="support_complete", by=vcc, notes="Second closure notes",
               outcomes={"health": "worse"})
    record_survey(case=case, by=vcc, declined=True, comments="Second survey comments")
    case.refresh_from_db()
    return case


def test_the_return_counts_the_latest_closure_of_a_case_supported_twice(vcc_user, monkeypatch):
    # The counts before suppression (three 1s would all be *: docs/suppression.md).
    monkeypatch.setattr("reporting.returns.suppress", dict)
    twice = twice_closed(vcc_user)
    once = supported_case(vcc_user)
    close_case(case=once, reason="support_complete", by=vcc_user,
               outcomes={"health": "better", "finance": "better"})
    assert ClosureOutcome.objects.count() == 5  # 2 + 1 for the first case, 2 for the second

    table = by_outcome(Case.objects.filter(pk__in=[twice.pk, once.pk]))
    cells = {cell["category"]: cell["value"] for cell in table["cells"]}
    # The case supported twice adds its latest closure (health worse) only; the other case
    # both its areas. The total is the outcomes of one closure per case.
    assert table["total"] == 1 + 2
    assert {k for k, v in cells.items() if v} == {"health:worse", "health:better",
                                                  "finance:better"}


def test_the_flow_counts_a_case_supported_twice_once(vcc_user):
    case = twice_closed(vcc_user)
    today = timezone.localdate(case.referred_at)
    flow = compute_flow(Period(today.replace(day=1), today))
    assert (flow.referred, flow.accepted) == (1, 1)
    assert flow.leaves_add_up()


def test_the_subject_access_bundle_holds_every_episode(vcc_user):
    case = twice_closed(vcc_user)
    [item] = subject_access_bundle(case.person)["cases"]
    assert [p["episode"] for p in item["recovery_plans"]] == [1, 2]
    assert [c["notes"] for c in item["closures"]] == ["First closure notes",
                                                      "Second closure notes"]
    assert [len(c["outcomes"]) for c in item["closures"]] == [2, 1]
    assert [s["comments"] for s in item["surveys"]] == ["First survey comments",
                                                        "Second survey comments"]
    assert [r["episode"] for r in item["dvnas"]] == [1, 2]


def test_anonymisation_scrubs_every_episode(vcc_user, manager_user):
    case = twice_closed(vcc_user)
    privacy.anonymise_case(case=case, by=manager_user, reason="erasure")
    assert set(Closure.objects.filter(case=case).values_list("notes", flat=True)) == {""}
    assert set(SurveyResponse.objects.filter(case=case).values_list("comments",
                                                                     flat=True)) == {""}
    # The figures stay: both closures and their outcomes.
    assert ClosureOutcome.objects.filter(closure__case=case).count() == 3

