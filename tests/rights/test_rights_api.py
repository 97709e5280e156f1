"""The police API on a case's rights (issue 15): only the crime system that submitted the
case's IVNA may read it or add to it (another client: 404); retries change nothing; bad
input is answered per field, nothing half-saved; wrong JSON types are refused."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import create_api_client
from audit.models import AccessLog
from rights.api.examples import EVIDENCE, JUSTICE_EVENT
from rights.models import Entitlement, EvidenceSource, JusticeEvent
from tests.factories import ivna_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_id(police_api) -> int:
    response = police_api.post("/api/v1/ivnas/", ivna_payload(), format="json")
    assert response.status_code == 201
    return response.json()["case_id"]


@pytest.fixture
def other_force() -> APIClient:
    _, key = create_api_client(name="another-crime-system", role=Role.POLICE)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def events(case_id):
    return list(JusticeEvent.objects.filter(case_id=case_id).values_list("stage", "source"))


def test_the_submitting_client_adds_a_step_and_a_retry_answers_the_first(police_api, case_id):
    url = f"/api/v1/cases/{case_id}/justice-events/"
    first = police_api.post(url, JUSTICE_EVENT, format="json")
    again = police_api.post(url, JUSTICE_EVENT, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["source"] == "police_api"
    assert events(case_id) == [("charged", "police_api")]
    # The charge makes Rights 6 (the decision, with its time limit) and 7 apply.
    rights = police_api.get(f"/api/v1/cases/{case_id}/rights/").json()["rights"]
    six = next(r for r in rights if r["right"] == 6)
    assert six["status"] == "due" and six["due_at"] and six["delivered_by"] == "police"


def test_the_submitting_client_records_evidence_and_a_retry_changes_nothing(
    police_api, case_id
):
    police_api.post(f"/api/v1/cases/{case_id}/justice-events/", JUSTICE_EVENT, format="json")
    url = f"/api/v1/cases/{case_id}/rights/7/"
    first = police_api.post(url, EVIDENCE, format="json")
    history = Entitlement.pgh_event_model.objects.filter(pgh_obj__case_id=case_id).count()
    again = police_api.post(url, EVIDENCE, format="json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json()
    assert first.json()["status"] == "met" and first.json()["source"] == "police_api"
    row = Entitlement.objects.get(case_id=case_id, right=7)
    assert (row.source, row.recorded_by_client.name) == (EvidenceSource.POLICE_API,
                                                         "crime-system")
    assert Entitlement.pgh_event_model.objects.filter(
        pgh_obj__case_id=case_id).count() == history


def test_the_rights_read_is_logged(police_api, case_id):
    response = police_api.get(f"/api/v1/cases/{case_id}/rights/")
    assert response.status_code == 200
    assert {r["right"] for r in response.json()["rights"]} == {1, 2, 3, 4, 5}
    log = AccessLog.objects.latest("at")
    assert (log.action, log.case_ids) == ("api_read", [case_id])


def test_another_client_learns_nothing_of_the_case(other_force, case_id):
    for method, url, body in [
        ("get", f"/api/v1/cases/{case_id}/rights/", None),
        ("post", f"/api/v1/cases/{case_id}/rights/7/", EVIDENCE),
        ("post", f"/api/v1/cases/{case_id}/justice-events/", JUSTICE_EVENT),
    ]:
        response = getattr(other_force, method)(url, body, format="json")
        missing = getattr(other_force, method)(
            url.replace(str(case_id), str(case_id + 999)), body, format="json")
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()
    assert events(case_id) == []


def test_bad_input_is_answered_per_field_and_nothing_is_saved(police_api, case_id):
    url = f"/api/v1/cases/{case_id}/justice-events/"
    response = police_api.post(url, {"stage": "arrested", "occurred_on": "2999-01-01"},
                               format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"stage"}
    response = police_api.post(url, {"stage": "charged", "occurred_on": "2999-01-01"},
                               format="json")
    assert response.status_code == 400 and set(response.json()) == {"occurred_on"}

    evidence = f"/api/v1/cases/{case_id}/rights/"
    response = police_api.post(f"{evidence}3/", {"status": "missed"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"reason"}
    response = police_api.post(f"{evidence}9/", EVIDENCE, format="json")  # no outcome yet
    assert response.status_code == 400 and "does not apply" in response.json()["right"][0]
    assert police_api.post(f"{evidence}13/", EVIDENCE, format="json").status_code == 404
    assert events(case_id) == []
    assert not Entitlement.objects.filter(case_id=case_id, right=3, status="missed").exists()


def test_wrong_json_types_and_unknown_fields_are_refused(police_api, case_id):
    response = police_api.post(
        f"/api/v1/cases/{case_id}/rights/3/",
        {"status": "met", "how": 42, "at": True, "colour": "red"}, format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["colour"] == ["This field is not part of the API."]
    response = police_api.post(
        f"/api/v1/cases/{case_id}/rights/3/", {"status": "met", "how": 42, "at": True},
        format="json",
    )
    assert response.json() == {"how": ["Must be text."], "at": ["Must be text."]}


def test_a_vcc_session_and_the_opcc_may_not_use_it(client, vcc_user, opcc_api, case_id):
    client.force_login(vcc_user)
    assert client.get(f"/api/v1/cases/{case_id}/rights/").status_code == 403
    assert opcc_api.get(f"/api/v1/cases/{case_id}/rights/").status_code == 403
