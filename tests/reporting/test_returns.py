"""GET /api/v1/returns/quarterly/ per the contract: the quarterly return for the OPCC.

The flow for the quarter (suppressed as the flow API gives it to the OPCC), breakdowns with
small counts suppressed, the counting rules that made it. Aggregates only: no person can be
picked out. Versions (provisional, final, revised) are in test_return_versions.py, the CSV in
test_return_csv.py.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from assessments.models import (
    Closure,
    ClosureOutcome,
    ConsentToShare,
    PlanAction,
    RecoveryPlan,
)
from cases.choices import age_band
from cases.models import Case
from contact.models import ContactOutcome
from referrals.models import Referral
from reporting import suppression
from reporting.flow import COUNTING_RULES_VERSION, compute_flow
from reporting.returns import (
    BREAKDOWN_KEYS,
    RETURN_RULES_VERSION,
    SUPPRESSION_RULE,
    age_band_at_referral,
    quarter_period,
    quarterly_return,
    suppress,
    with_age_at_referral,
)
from tests.factories import (
    CaseFactory,
    CrimeFactory,
    DvnaFactory,
    PersonFactory,
    SupportServiceFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/returns/quarterly/"
LONDON = ZoneInfo("Europe/London")
PAST = {"year": 2025, "quarter": 1}
IN_PAST_QUARTER = datetime(2025, 2, 10, 12, tzinfo=LONDON)


def cases(n: int, *, at: datetime = IN_PAST_QUARTER, crime_type="theft_and_handling", **kw):
    return [
        CaseFactory(referred_at=at, crime=CrimeFactory(crime_type=crime_type), **kw)
        for _ in range(n)
    ]


def cells(body: dict, breakdown: str) -> dict:
    return {c["category"]: c["value"] for c in body["breakdowns"][breakdown]["cells"]}


def current_quarter() -> dict:
    today = timezone.localdate()
    return {"year": today.year, "quarter": (today.month - 1) // 3 + 1}


def in_current_quarter() -> datetime:
    today = timezone.localdate()
    return datetime(today.year, today.month, today.day, 0, 30, tzinfo=LONDON)


# -- Suppression ---------------------------------------------------------------------------


def test_the_rule_lives_in_reporting_suppression():
    """Other helpers import `reporting.returns.suppress`; it is the one rule
    (tests/reporting/test_suppression.py tests it)."""
    assert suppress is suppression.suppress
    assert SUPPRESSION_RULE is suppression.SUPPRESSION_RULE


# -- The return ----------------------------------------------------------------------------


def test_headline_flow_is_suppressed_as_its_breakdown(opcc_api):
    """Issue 14: the headline flow was exact while the contact outcomes hid the same leaves."""
    cases(2, route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED)
    cases(1, route="letter_only")
    body = quarterly_return(**PAST)
    assert body["flow"] == suppression.suppress_flow(
        compute_flow(quarter_period(**PAST)).as_dict()
    )
    assert body["flow"]["referred"] == 3  # the total, exact
    # 1 letter only and 2 vulnerable: both hidden, and so is all of vulnerable's family.
    assert body["flow"]["letter_only"] == body["flow"]["vulnerable"] == "*"
    assert body["flow"]["accepted"] == "*"
    assert body["flow"]["supported_rate"] is None  # 2 / 2 would give both away
    contact = body["breakdowns"]["contact_outcome"]
    assert {c["category"]: c["value"] for c in contact["cells"]}["accepted"] == "*"
    assert contact["total"] == "*"
    # The same figures as the flow API gives the OPCC for the quarter.
    api = opcc_api.get("/api/v1/performance/flow/", {"from": "2025-01-01", "to": "2025-03-31"})
    assert {key: api.json()[key] for key in body["flow"]} == body["flow"]


def test_the_headline_flow_reaches_the_api_and_csv_in_both_units(opcc_api):
    person = PersonFactory()
    cases(6, route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED, person=person)
    cases(6, route="hub_contact", source="self_referral")
    flow = opcc_api.get(URL, PAST).json()["flow"]
    assert (flow["referred"], flow["unique_victims"]) == (12, 7)
    assert (flow["accepted"], flow["victims"]["accepted"]) == (6, "*")  # one victim: hidden
    assert (flow["self_referred"], flow["self_referred_awaiting_contact"]) == (6, 6)
    assert flow["assessed_vulnerable"] == 6
    body = opcc_api.get(URL, {**PAST, "format": "csv"}).content.decode()
    rows = [row[3:8] for row in csv.reader(io.StringIO(body)) if row and row[0][:1] != "#"]
    assert ["flow", "all", "accepted", "6", "false"] in rows
    assert ["flow", "victims", "accepted", "", "true"] in rows


def test_small_cells_are_suppressed_and_others_shown():
    cases(5, crime_type="burglary")
    cases(3, crime_type="robbery")
    cases(2, crime_type="fraud")
    body = quarterly_return(**PAST)
    crime = cells(body, "crime_type")
    assert crime["burglary"] == 5
    assert crime["robbery"] == "*"
    assert crime["fraud"] == "*"
    assert crime["vehicle_offences"] == 0  # zero stays 0
    assert body["breakdowns"]["crime_type"]["total"] == 10 == body["flow"]["referred"]


def test_secondary_suppression_hides_the_next_smallest():
    cases(7, crime_type="burglary")
    cases(6, crime_type="theft_and_handling")
    cases(3, crime_type="robbery")
    crime = cells(quarterly_return(**PAST), "crime_type")
    assert crime["robbery"] == "*"
    assert crime["theft_and_handling"] == "*"  # else 16 - 7 - 6 would give the 3 away
    assert crime["burglary"] == 7
    assert crime["fraud"] == 0


def test_the_rule_and_the_rules_version_are_stated():
    body = quarterly_return(**PAST)
    assert body["suppression_rule"] == SUPPRESSION_RULE
    assert "1 to 4" in body["suppression_rule"] and "*" in body["suppression_rule"]
    assert "referred, unique_victims and letters_sent are exact" in body["suppression_rule"]
    assert COUNTING_RULES_VERSION in body["counting_rules_version"]
    assert RETURN_RULES_VERSION in body["counting_rules_version"]
    assert (body["period_from"], body["period_to"]) == ("2025-01-01", "2025-03-31")
    assert list(body["breakdowns"]) == list(BREAKDOWN_KEYS)


def test_each_breakdown_counts_the_quarters_referrals():
    for _ in range(5):
        CaseFactory(
            referred_at=IN_PAST_QUARTER,
            crime=None,
            source="self_referral",
            person=PersonFactory(district="", gender="male", ethnicity="asian"),
        )
    # Outside the quarter: not counted anywhere.
    cases(4, at=datetime(2025, 4, 1, 0, 30, tzinfo=LONDON), crime_type="burglary")
    body = quarterly_return(**PAST)
    assert cells(body, "crime_type")["none"] == 5
    assert cells(body, "crime_type")["burglary"] == 0
    assert cells(body, "district")["none"] == 5
    assert cells(body, "gender")["male"] == 5
    assert cells(body, "ethnicity")["asian"] == 5
    assert cells(body, "age_band")["30_39"] == 5  # born 1985-06-01
    assert body["flow"]["self_referred"] == 5


@pytest.mark.parametrize(
    ("born", "referred_at"),
    [
        (date(2009, 3, 15), datetime(2025, 3, 14, 12, tzinfo=LONDON)),  # the day before 16
        (date(2009, 3, 15), datetime(2025, 3, 15, 0, 5, tzinfo=LONDON)),  # 16 that day
        # 23:30 UTC on 14 June is 00:30 on 15 June in London: the birthday counts.
        (date(2007, 6, 15), datetime(2025, 6, 14, 23, 30, tzinfo=ZoneInfo("UTC"))),
        (date(2008, 2, 29), datetime(2025, 2, 28, 12, tzinfo=LONDON)),
        (date(1935, 1, 1), datetime(2025, 1, 1, 12, tzinfo=LONDON)),  # 90
        (date(1935, 1, 2), datetime(2025, 1, 1, 12, tzinfo=LONDON)),  # 89
        (None, datetime(2025, 1, 1, 12, tzinfo=LONDON)),
    ],
)
def test_age_band_in_sql_follows_age_band(born, referred_at):
    case = CaseFactory(referred_at=referred_at, person=PersonFactory(date_of_birth=born))
    band = (
        with_age_at_referral(Case.objects.filter(pk=case.pk))
        .values_list(age_band_at_referral(), flat=True)
        .get()
    )
    day = timezone.localtime(case.referred_at).date()
    assert band == age_band(case.person.age_on(day))


def dvna(case, user, number=1, **levels):
    return DvnaFactory(case=case, number=number, assessed_by=user, levels=levels)


def test_need_areas_count_each_case_once_at_medium_or_high(vcc_user):
    for case in cases(5):
        dvna(case, vcc_user, 1, health="high", finance="low")
        dvna(case, vcc_user, 2, health="medium", accommodation="high")  # health again
    needs = cells(quarterly_return(**PAST), "need_area")
    assert needs["health"] == 5
    assert needs["accommodation"] == 5
    assert needs["finance"] == 0


def refer(case, service, user):
    plan, _ = RecoveryPlan.objects.get_or_create(case=case, defaults={"agreed_by": user})
    action = PlanAction.objects.create(
        plan=plan, kind="specialist_referral", description="Refer", service=service
    )
    consent, _ = ConsentToShare.objects.get_or_create(
        case=case, service=service, defaults={"given": True, "recorded_by": user}
    )
    return Referral.objects.create(
        case=case, action=action, service=service, consent=consent,
        shared_contact_details=True, shared_crime_details=False, shared_needs=True,
        sent_by=user, document=b"%PDF",
    )


def test_referral_destinations_by_service_name(vcc_user):
    advocacy = SupportServiceFactory(name="Fenland Advocacy")
    housing = SupportServiceFactory(name="Housing Help")
    for case in cases(6):
        refer(case, advocacy, vcc_user)
    refer(cases(1)[0], housing, vcc_user)
    destinations = cells(quarterly_return(**PAST), "referral_destination")
    # 1 is hidden, and so is the 6 that would give it away.
    assert destinations == {"Fenland Advocacy": "*", "Housing Help": "*"}
    for case in cases(5):
        refer(case, housing, vcc_user)
    destinations = cells(quarterly_return(**PAST), "referral_destination")
    assert destinations == {"Fenland Advocacy": 6, "Housing Help": 6}


def test_outcomes_at_closure_by_area_and_contact_outcomes(vcc_user):
    closed = cases(6, route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED)
    for case in closed:
        closure = Closure.objects.create(case=case, by=vcc_user, reason="support_complete")
        ClosureOutcome.objects.create(closure=closure, area="health", outcome="better")
        ClosureOutcome.objects.create(closure=closure, area="finance", outcome="same")
    cases(5, route="hub_contact", contact_outcome=ContactOutcome.DECLINED)
    cases(5, route="letter_only", status="closed", declined_contact_at_ivna=True)
    body = quarterly_return(**PAST)
    outcome = cells(body, "outcome")
    assert outcome["health:better"] == 6
    assert outcome["finance:same"] == 6
    assert outcome["health:worse"] == 0
    # A self-referral's outcome counts too (its own way in, the same outcome).
    cases(6, route="hub_contact", source="self_referral",
          contact_outcome=ContactOutcome.DECLINED)
    body = quarterly_return(**PAST)
    contact = cells(body, "contact_outcome")
    assert contact == {"declined_at_ivna": 5, "no_contact": 0, "declined": 11,
                       "signposted": 0, "accepted": 6}
    assert body["flow"]["self_referred_declined"] == 6
    assert contact["declined"] == body["flow"]["declined"] + 6
    assert contact["declined_at_ivna"] == body["flow"]["declined_at_ivna"]


def _count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_a_fixed_number_of_queries_whatever_the_size(vcc_user, django_assert_num_queries):
    service = SupportServiceFactory(name="Victim Support")
    # Ten for the flow and the breakdowns, six for the outcomes (reporting.outcomes).
    with django_assert_num_queries(16):
        quarterly_return(**PAST)
    accepted = cases(30, route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED)
    for i, case in enumerate(accepted):
        dvna(case, vcc_user, health="high", family="medium")
        refer(case, service, vcc_user)
        if i % 2:
            closure = Closure.objects.create(case=case, by=vcc_user, reason="support_complete")
            ClosureOutcome.objects.create(closure=closure, area="health", outcome="better")
    # Ten for the flow and the breakdowns, six for the outcomes (reporting.outcomes).
    with django_assert_num_queries(16):
        quarterly_return(**PAST)


def test_the_api_takes_the_same_queries_whatever_the_size(opcc_api):
    params = current_quarter()
    opcc_api.get(URL, params)  # warm up the token's first-use bookkeeping
    small = _count_queries(lambda: opcc_api.get(URL, params))
    cases(25, at=in_current_quarter())
    large = _count_queries(lambda: opcc_api.get(URL, params))
    assert small == large


# -- Bad queries and who may ask -----------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"quarter": 1}, "year"),
        ({"year": 2025}, "quarter"),
        ({"year": "twenty", "quarter": 1}, "year"),
        ({"year": 1999, "quarter": 1}, "year"),
        ({"year": 2025, "quarter": 0}, "quarter"),
        ({"year": 2025, "quarter": 5}, "quarter"),
        ({"year": 2025, "quarter": "Q1"}, "quarter"),
    ],
)
def test_bad_queries_name_the_field(opcc_api, params, field):
    response = opcc_api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_only_performance_readers(police_api, opcc_api, client, vcc_user, manager_user):
    assert APIClient().get(URL, PAST).status_code == 401
    assert police_api.get(URL, PAST).status_code == 403
    assert police_api.get(URL, {**PAST, "format": "csv"}).status_code == 403
    client.force_login(vcc_user)
    assert client.get(URL, PAST).status_code == 403
    client.force_login(manager_user)
    assert client.get(URL, PAST).status_code == 200
    assert opcc_api.get(URL, PAST).status_code == 200


def test_no_person_can_be_picked_out(opcc_api, vcc_user):
    person = PersonFactory(
        first_name="Zebulon", last_name="Quixotically", police_person_id="N-424242",
        postcode="PE13 9ZZ", phone="07700900999", date_of_birth=date(1990, 1, 2),
    )
    case = CaseFactory(
        person=person, referred_at=IN_PAST_QUARTER,
        crime=CrimeFactory(reference="CF/98765/25", crime_type="burglary"),
    )
    closure = Closure.objects.create(case=case, by=vcc_user, reason="support_complete",
                                     notes="Zebulon is doing well")
    ClosureOutcome.objects.create(closure=closure, area="health", outcome="better")
    dvna(case, vcc_user, health="high")
    outputs = [
        opcc_api.get(URL, PAST).content.decode(),
        opcc_api.get(URL, {**PAST, "format": "csv"}).content.decode(),
        opcc_api.get(URL, current_quarter()).content.decode(),
    ]
    for text in outputs:
        for secret in ("Zebulon", "Quixotically", "N-424242", "PE13 9ZZ", "07700900999",
                       "CF/98765/25", case.reference, "1990-01-02"):
            assert secret not in text
    body = json.loads(outputs[0])
    assert set(body) == {
        "year", "quarter", "period_from", "period_to", "provisional", "status", "version",
        "versions", "changes", "finalised_from",
        "counting_rules_version", "suppression_rule", "generated_at", "flow", "breakdowns",
        "outcomes",
    }
    for breakdown in body["breakdowns"].values():
        assert set(breakdown) == {"title", "counts", "total", "cells"}
        for cell in breakdown["cells"]:
            assert set(cell) == {"category", "label", "value"}
    for figure in body["outcomes"].values():  # reporting.outcomes: counts and rates only
        assert set(figure) == {"title", "counts", "total", "cells", "rates"}
        for cell in figure["cells"]:
            assert set(cell) == {"category", "label", "value"}
            assert isinstance(cell["value"], int) or cell["value"] == "*"


def test_documented_in_the_schema_with_both_media_types():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert {p["name"] for p in operation["parameters"]} >= {"year", "quarter"}


def test_quarters_are_calendar_quarters():
    assert quarter_period(2025, 1).start == date(2025, 1, 1)
    assert quarter_period(2025, 1).end == date(2025, 3, 31)
    assert quarter_period(2024, 4).end == date(2024, 12, 31)
    assert quarter_period(2024, 1).end + timedelta(days=1) == quarter_period(2024, 2).start


@pytest.mark.django_db
def test_the_return_refuses_an_unknown_query_parameter(opcc_api):
    response = opcc_api.get(URL, {"year": 2025, "quarter": 1, "district": "fenland"})
    assert response.status_code == 400
    assert response.json() == {"district": ["This query parameter is not part of the API."]}
