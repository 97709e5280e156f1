"""GET /api/v1/performance/flow/ per the contract: aggregates only, token-authenticated.

Hub managers get exact counts for any period and district; the OPCC gets one whole quarter of
the whole area, suppressed as the quarterly return (issue 14: "the flow API gives exact counts
for any district and any single day, so every * in the return can be read off it").
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from contact.models import ContactOutcome
from reporting.flow import COUNTING_RULES_VERSION, FLOW_KEYS, VICTIM_KEYS
from reporting.returns import quarterly_return
from reporting.suppression import SUPPRESSION_RULE
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/performance/flow/"
LONDON = ZoneInfo("Europe/London")


Q1 = {"from": "2025-01-01", "to": "2025-03-31"}


def small_quarter():
    person = PersonFactory(first_name="Zelda", last_name="Unique", district="fenland")
    CaseFactory(person=person, route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED,
                referred_at=datetime(2025, 2, 1, 12, tzinfo=LONDON))
    CaseFactory(route="letter_only", referred_at=datetime(2025, 2, 2, 12, tzinfo=LONDON),
                person=PersonFactory(district="peterborough"))
    # A second referral of the same person: two referrals, one victim.
    CaseFactory(person=person, route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED,
                referred_at=datetime(2025, 2, 3, 12, tzinfo=LONDON))


def test_managers_get_exact_counts_for_any_period_and_district(client, manager_user):
    small_quarter()
    client.force_login(manager_user)
    response = client.get(URL, Q1)
    assert response.status_code == 200
    body = response.json()
    assert set(FLOW_KEYS) <= set(body)
    assert (body["referred"], body["accepted"], body["letter_only"]) == (3, 2, 1)
    assert body["supported_rate"] == 1.0
    assert body["counting_rules_version"] == COUNTING_RULES_VERSION == "flow-2026.3"
    # Both units (issue 14): `victims` has every box, in unique victims.
    assert set(body["victims"]) == {*VICTIM_KEYS, "supported_rate"}
    assert body["victims"]["referred"] == body["unique_victims"] == 2
    assert (body["victims"]["accepted"], body["victims"]["police_ivna"]) == (1, 2)
    assert body["victims"]["supported_rate"] == 1.0
    assert "Zelda" not in response.content.decode()
    assert body["suppression_rule"] is None
    fenland = client.get(URL, {**Q1, "district": "fenland"}).json()
    assert (fenland["referred"], fenland["unique_victims"]) == (2, 1)
    one_day = client.get(URL, {"from": "2025-02-01", "to": "2025-02-01",
                               "district": "fenland"}).json()
    assert (one_day["referred"], one_day["accepted"]) == (1, 1)


def test_the_opcc_gets_the_quarter_suppressed_as_in_the_return(opcc_api):
    small_quarter()
    response = opcc_api.get(URL, Q1)
    assert response.status_code == 200
    body = response.json()
    assert set(FLOW_KEYS) <= set(body)
    assert body["referred"] == 3  # the total, exact
    # 1 letter only and 2 vulnerable (accepted): each could pick a person out.
    assert (body["letter_only"], body["vulnerable"], body["accepted"]) == ("*", "*", "*")
    assert body["supported_rate"] is None
    assert body["suppression_rule"] == SUPPRESSION_RULE
    assert "Zelda" not in response.content.decode()
    flow = quarterly_return(2025, 1)["flow"]
    assert {key: body[key] for key in flow} == flow  # the return's own headline flow


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        # One day (the issue: every * could be read off single days).
        ({"from": "2025-02-01", "to": "2025-02-01"}, {"from"}),
        # A district (the issue: four hidden districts were 2, 1, 1 and 6 by the flow API).
        ({**Q1, "district": "fenland"}, {"district"}),
        # Not ending with the quarter, or longer than one (differencing overlapping periods).
        ({"from": "2025-01-01", "to": "2025-03-30"}, {"to"}),
        ({"from": "2025-01-01", "to": "2025-06-30"}, {"to"}),
        ({"from": "2025-01-01", "to": "2025-12-31"}, {"to"}),
        ({"from": "2025-01-02", "to": "2025-03-31", "district": "fenland"}, {"from", "district"}),
    ],
)
def test_the_opcc_may_ask_only_for_one_whole_quarter_of_the_whole_area(opcc_api, params, errors):
    response = opcc_api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == errors
    if "from" in errors:
        assert "1 January, 1 April, 1 July or 1 October" in body["from"][0]
    if "to" in errors:
        assert "2025-03-31" in body["to"][0]
    if "district" in errors:
        assert "whole area" in body["district"][0]
    for quarter in (Q1, {"from": "2025-10-01", "to": "2025-12-31"},
                    {"from": "2024-04-01", "to": "2024-06-30"}):
        assert opcc_api.get(URL, quarter).status_code == 200


def test_the_schema_allows_a_star_for_a_suppressed_count():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    flow = schema["components"]["schemas"]["Flow"]["properties"]
    assert {"type": "string", "enum": ["*"]}.items() <= flow["accepted"]["oneOf"][1].items()
    assert flow["referred"]["type"] == "integer"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": "2025-03-31"}, "from"),
        ({"from": "2025-01-01"}, "to"),
        ({"from": "2025-13-01", "to": "2025-03-31"}, "from"),
        ({"from": "2025-04-01", "to": "2025-03-31"}, "to"),
        ({"from": "2025-01-01", "to": "2025-03-31", "district": "narnia"}, "district"),
    ],
)
def test_bad_queries_name_the_field(opcc_api, params, field):
    response = opcc_api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_only_performance_readers(police_api, client, vcc_user, manager_user):
    params = {"from": "2025-01-01", "to": "2025-03-31"}
    assert APIClient().get(URL, params).status_code == 401
    assert police_api.get(URL, params).status_code == 403
    client.force_login(vcc_user)
    assert client.get(URL, params).status_code == 403
    client.force_login(manager_user)
    assert client.get(URL, params).status_code == 200


@pytest.mark.django_db
def test_an_unknown_query_parameter_is_a_400_naming_it(opcc_api):
    """Issue 14: a misspelt `distrct` gave the whole area's figures as if for the district."""
    response = opcc_api.get(URL, {"from": "2025-01-01", "to": "2025-03-31",
                                  "distrct": "fenland"})
    assert response.status_code == 400
    assert response.json() == {"distrct": ["This query parameter is not part of the API."]}
    ok = opcc_api.get(URL, {**Q1, "format": "json"})
    assert ok.status_code == 200  # DRF's own format override is known
