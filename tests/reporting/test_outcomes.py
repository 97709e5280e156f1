"""Outcomes on show (issue 14): each figure adds up against records made as the hub makes
them (support closed through close_case, surveys through record_survey, referrals moved by
the referral services), counts only its period, and takes a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.dvna_services import record_dvna
from assessments.models import Closure, SurveyResponse
from assessments.support_services import close_case, record_survey
from referrals.models import Referral
from referrals.services import (
    record_referral_accepted,
    record_referral_completed,
    record_referral_declined,
)
from reporting.flow import Period
from reporting.outcomes import OUTCOME_KEYS, exact_outcomes, outcome_figures
from reporting.returns import quarterly_return, suppress
from tests.assessments.builders import answers, levels, supported_case
from tests.factories import (
    CaseFactory,
    ContactAttemptFactory,
    CrimeFactory,
    ReferralFactory,
    SupportServiceFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def today() -> Period:
    day = timezone.localdate()
    return Period(day, day)


def cells(figure: dict) -> dict:
    return {cell["category"]: cell["value"] for cell in figure["cells"]}


def rates(figure: dict) -> dict:
    return {rate["category"]: rate["value"] for rate in figure["rates"]}


def non_zero(figure: dict) -> dict:
    return {key: value for key, value in cells(figure).items() if value}


def move_out_of_period(closure: Closure) -> None:
    Closure.objects.filter(pk=closure.pk).update(closed_at=timezone.now() - timedelta(days=40))


# -- Closure outcomes --------------------------------------------------------------------------


def test_closure_outcomes_per_area_by_closure_date(vcc_user):
    for outcome in ("better", "better", "same"):
        case = supported_case(vcc_user)  # DVNA: health high, finance medium
        close_case(case=case, reason="support_complete", by=vcc_user,
                   outcomes={"health": outcome, "finance": "not_known"})
    earlier = supported_case(vcc_user)
    move_out_of_period(close_case(case=earlier, reason="support_complete", by=vcc_user,
                                  outcomes={"health": "worse", "finance": "worse"}))

    figure = exact_outcomes(today())["closure_outcomes"]

    assert non_zero(figure) == {"health:better": 2, "health:same": 1, "finance:not_known": 3}
    assert figure["total"] == 6 == sum(cells(figure).values())
    assert rates(figure)["health"] == round(2 / 3, 4)
    assert rates(figure)["family"] is None  # nothing to divide by
    assert "closure date" in figure["counts"]


# -- Distance travelled ------------------------------------------------------------------------


def test_distance_travelled_compares_the_first_and_last_dvna_of_the_episode(vcc_user):
    moved = supported_case(vcc_user, levels_by_area=levels(health="high", finance="medium"))
    record_dvna(case=moved, by=vcc_user,
                answers=answers(levels(health="medium", finance="medium", family="low")))
    record_dvna(case=moved, by=vcc_user,
                answers=answers(levels(health="low", finance="medium", family="medium")))
    close_case(case=moved, reason="support_complete", by=vcc_user,
               outcomes={"health": "better", "finance": "same", "family": "worse"})
    # Assessed once: no distance to measure.
    once = supported_case(vcc_user)
    close_case(case=once, reason="support_complete", by=vcc_user,
               outcomes={"health": "better", "finance": "same"})
    # Reassessed but still in support: counted when its support closes.
    open_case = supported_case(vcc_user)
    record_dvna(case=open_case, by=vcc_user, answers=answers(levels(health="low")))

    figure = exact_outcomes(today())["distance_travelled"]

    # First DVNA to the last (the middle one does not count); areas at none both times left out.
    assert non_zero(figure) == {"health:lower": 1, "finance:same": 1, "family:higher": 1}
    assert figure["total"] == 3
    assert rates(figure)["health"] == 1.0
    assert rates(figure)["finance"] == 0.0


# -- The satisfaction survey -------------------------------------------------------------------


def test_survey_results_by_question_and_response_date(vcc_user):
    answers_given = [
        {"treated_with_respect": 5, "helped_to_cope": "yes", "would_recommend": True},
        {"treated_with_respect": 4, "helped_to_cope": "partly", "would_recommend": True},
        {"treated_with_respect": 2, "helped_to_cope": "no", "would_recommend": False},
        {"declined": True},
        {"treated_with_respect": 5, "helped_to_cope": "yes", "would_recommend": True},
    ]
    for i, answered in enumerate(answers_given):
        case = supported_case(vcc_user)
        close_case(case=case, reason="support_complete", by=vcc_user,
                   outcomes={"health": "better", "finance": "same"})
        response = record_survey(case=case, by=vcc_user, **answered)
        if i == 4:  # answered last quarter: not this period's
            SurveyResponse.objects.filter(pk=response.pk).update(
                answered_at=timezone.now() - timedelta(days=100)
            )

    figures = exact_outcomes(today())

    cope = figures["survey_helped_to_cope"]
    assert cells(cope) == {"yes": 1, "partly": 1, "no": 1, "declined": 1}
    assert rates(cope)["yes"] == round(1 / 3, 4)  # of those who answered
    respect = figures["survey_treated_with_respect"]
    assert cells(respect) == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1, "declined": 1}
    assert rates(respect)["4_or_5"] == round(2 / 3, 4)
    recommend = figures["survey_would_recommend"]
    assert cells(recommend) == {"yes": 2, "no": 1, "declined": 1}
    for key in ("survey_helped_to_cope", "survey_treated_with_respect",
                "survey_would_recommend"):
        assert figures[key]["total"] == 4
        assert "date of the answers" in figures[key]["counts"]


# -- Referral outcomes per service -------------------------------------------------------------


def test_referral_outcomes_per_service_by_date_sent(vcc_user):
    advocacy = SupportServiceFactory(name="Advocacy")
    counselling = SupportServiceFactory(name="Counselling")
    made = {name: [ReferralFactory(service=service) for _ in range(n)]
            for name, service, n in (("advocacy", advocacy, 4), ("counselling", counselling, 2))}
    a = made["advocacy"]
    record_referral_accepted(referral=a[0], by=vcc_user)
    record_referral_accepted(referral=a[1], by=vcc_user)
    record_referral_completed(referral=a[1], by=vcc_user)
    record_referral_declined(referral=a[2], by=vcc_user, reason="Outside our area")
    record_referral_declined(referral=made["counselling"][0], by=vcc_user, reason="Full")
    # Sent last year: not this period's.
    Referral.objects.filter(pk=made["counselling"][1].pk).update(
        sent_at=timezone.now() - timedelta(days=365)
    )

    figure = exact_outcomes(today())["referral_outcomes"]

    assert non_zero(figure) == {
        "Advocacy:sent": 1,
        "Advocacy:accepted": 1,
        "Advocacy:completed": 1,
        "Advocacy:declined": 1,
        "Counselling:declined": 1,
    }
    assert cells(figure)["Counselling:completed"] == 0  # every status of a service shown
    assert figure["total"] == 5


# -- First contact within the Victims' Code timescale -----------------------------------------


def _to_contact(*, enhanced: bool, due_in_hours: float, called_after_hours: float | None,
                **kwargs):
    now = timezone.now()
    case = CaseFactory(route="hub_contact", enhanced_entitlement=enhanced,
                       referred_at=now - timedelta(hours=48),
                       contact_due_at=now + timedelta(hours=due_in_hours), **kwargs)
    if called_after_hours is not None:
        ContactAttemptFactory(case=case,
                              made_at=now - timedelta(hours=48 - called_after_hours))
    return case


def test_first_contact_by_the_victims_code_deadline_enhanced_or_not():
    with timezone.override(LONDON):
        # Enhanced: due 24 hours after referral (here: 24 hours ago).
        _to_contact(enhanced=True, due_in_hours=-24, called_after_hours=3)  # met
        _to_contact(enhanced=True, due_in_hours=-24, called_after_hours=2)  # met
        _to_contact(enhanced=True, due_in_hours=-24, called_after_hours=30)  # late
        _to_contact(enhanced=True, due_in_hours=-24, called_after_hours=None)  # overdue
        # Standard: due in three days' time.
        _to_contact(enhanced=False, due_in_hours=72, called_after_hours=40)  # met
        _to_contact(enhanced=False, due_in_hours=72, called_after_hours=None)  # not yet due
        # Not the hub's to contact: supported elsewhere, or letter only (no deadline).
        _to_contact(enhanced=True, due_in_hours=-24, called_after_hours=None,
                    supported_elsewhere=True)
        CaseFactory(route="letter_only", referred_at=timezone.now() - timedelta(hours=48))
        period = Period(timezone.localdate() - timedelta(days=3), timezone.localdate())
        figure = exact_outcomes(period)["first_contact"]

    assert non_zero(figure) == {
        "enhanced:met": 2,
        "enhanced:late": 1,
        "enhanced:overdue": 1,
        "standard:met": 1,
        "standard:not_yet_due": 1,
    }
    assert figure["total"] == 6
    assert rates(figure) == {"enhanced": 0.5, "standard": 1.0}


# -- Time from report to referral --------------------------------------------------------------


def test_time_from_report_to_referral_in_calendar_days():
    referred = datetime.combine(timezone.localdate(), datetime.min.time(), tzinfo=LONDON)
    referred += timedelta(hours=10)
    for days_before in (0, 0, 1, 2, 5, 12, 45):
        CaseFactory(referred_at=referred,
                    crime=CrimeFactory(reported_at=referred - timedelta(days=days_before)))
    CaseFactory(referred_at=referred, crime=None, source="self_referral")
    CaseFactory(referred_at=referred, crime=CrimeFactory(reported_at=referred + timedelta(days=1)))

    with timezone.override(LONDON):
        figure = exact_outcomes(today())["report_to_referral"]

    assert cells(figure) == {
        "same_day": 2, "1_day": 1, "2_days": 1, "3_to_7_days": 1, "8_to_30_days": 1,
        "over_30_days": 1, "reported_after": 1, "no_report": 1,
    }
    assert figure["total"] == 9


# -- Published: suppressed in the return, the same queries whatever the rows --------------------


def test_the_return_publishes_the_outcomes_suppressed(vcc_user):
    for _ in range(3):
        case = supported_case(vcc_user)
        close_case(case=case, reason="support_complete", by=vcc_user,
                   outcomes={"health": "better", "finance": "same"})
    day = timezone.localdate()
    body = quarterly_return(day.year, (day.month - 1) // 3 + 1)

    assert list(body["outcomes"]) == list(OUTCOME_KEYS)
    closure = body["outcomes"]["closure_outcomes"]
    exact = {key: value for key, value in cells(exact_outcomes(today())["closure_outcomes"])
             .items()}
    assert cells(closure) == suppress(exact)
    assert cells(closure)["health:better"] == "*"  # 3 victims: never shown
    assert closure["total"] == 6
    assert rates(closure)["health"] is None  # its counts are hidden: no rate either


def test_the_api_and_its_csv_carry_the_outcomes(opcc_api, vcc_user):
    day = timezone.localdate()
    params = {"year": day.year, "quarter": (day.month - 1) // 3 + 1}
    body = opcc_api.get("/api/v1/returns/quarterly/", params).json()
    assert set(body["outcomes"]) == set(OUTCOME_KEYS)
    assert set(body["outcomes"]["first_contact"]) == {"title", "counts", "total", "cells",
                                                      "rates"}
    csv = opcc_api.get("/api/v1/returns/quarterly/", {**params, "format": "csv"}).content
    assert b",outcomes,first_contact,enhanced:met," in csv
    assert b",rates_per_10000,outcomes.first_contact,enhanced," in csv


def test_the_schema_describes_the_outcomes():
    client = APIClient()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    outcomes = schema["components"]["schemas"]["Outcomes"]
    assert set(outcomes["properties"]) == set(OUTCOME_KEYS)
    assert "rates" in schema["components"]["schemas"]["OutcomeFigure"]["properties"]


def test_a_fixed_number_of_queries_whatever_the_rows(vcc_user, django_assert_num_queries):
    with django_assert_num_queries(6):
        outcome_figures(today())
    service = SupportServiceFactory(name="Advocacy")
    for _ in range(4):
        case = supported_case(vcc_user)
        record_dvna(case=case, by=vcc_user, answers=answers(levels(health="low")))
        close_case(case=case, reason="support_complete", by=vcc_user,
                   outcomes={"health": "better"})
        record_survey(case=case, by=vcc_user, declined=True)
        ReferralFactory(service=service)
        _to_contact(enhanced=True, due_in_hours=-24, called_after_hours=3)
    with django_assert_num_queries(6):
        figures = outcome_figures(today())
    assert sum(f.total for f in figures) > 0


def test_the_managers_dashboard_shows_the_outcomes_exact(client, manager_user, vcc_user):
    for _ in range(3):
        case = supported_case(vcc_user)
        close_case(case=case, reason="support_complete", by=vcc_user,
                   outcomes={"health": "better", "finance": "same"})
    client.force_login(manager_user)
    day = timezone.localdate().isoformat()

    page = client.get(reverse("reporting:dashboard"), {"from": day, "to": day}).content.decode()

    section = page[page.index('data-testid="outcome-closure_outcomes"'):]
    section = section[:section.index("</section>")]
    health = section[section.index('data-key="health"'):]
    health = health[:health.index("</tr>")]
    assert ">3<" in health and "*" not in health  # exact for managers
    assert ">100%<" in health  # better able to cope: 3 of 3
    assert 'data-testid="outcome-closure_outcomes-total">6<' in section
    for key in OUTCOME_KEYS:
        assert f'data-testid="outcome-{key}"' in page


def test_the_dashboards_district_narrows_the_outcomes(vcc_user):
    for district in ("fenland", "fenland", "peterborough"):
        case = supported_case(vcc_user)
        case.person.district = district
        case.person.save(update_fields=["district"])
        close_case(case=case, reason="support_complete", by=vcc_user,
                   outcomes={"health": "better", "finance": "same"})

    assert exact_outcomes(today(), "fenland")["closure_outcomes"]["total"] == 4
    assert exact_outcomes(today(), "peterborough")["closure_outcomes"]["total"] == 2
    assert exact_outcomes(today())["closure_outcomes"]["total"] == 6
