"""GET /api/v1/performance/flow/ per the contract: aggregates only, token-authenticated."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from contact.models import ContactOutcome
from reporting.flow import COUNTING_RULES_VERSION, FLOW_KEYS, VICTIM_KEYS
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/performance/flow/"
LONDON = ZoneInfo("Europe/London")


def test_flow_has_the_contract_keys_and_no_person(opcc_api):
    person = PersonFactory(first_name="Zelda", last_name="Unique", district="fenland")
    CaseFactory(person=person, route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED,
                referred_at=datetime(2025, 2, 1, 12, tzinfo=LONDON))
    CaseFactory(route="letter_only", referred_at=datetime(2025, 2, 2, 12, tzinfo=LONDON),
                person=PersonFactory(district="peterborough"))
    # A second referral of the same person: two referrals, one victim.
    CaseFactory(person=person, route="hub_contact", contact_outcome=ContactOutcome.ACCEPTED,
                referred_at=datetime(2025, 2, 3, 12, tzinfo=LONDON))
    response = opcc_api.get(URL, {"from": "2025-01-01", "to": "2025-03-31"})
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
    fenland = opcc_api.get(URL, {"from": "2025-01-01", "to": "2025-03-31",
                                 "district": "fenland"}).json()
    assert (fenland["referred"], fenland["unique_victims"]) == (2, 1)


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
    ok = opcc_api.get(URL, {"from": "2025-01-01", "to": "2025-03-31", "format": "json"})
    assert ok.status_code == 200  # DRF's own format override is known
