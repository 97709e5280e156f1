"""The OpenAPI 3 schema of the API: valid, complete for IVNA intake, and not public."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

IVNA_PATH = "/api/v1/ivnas/"


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    if len(node.get("allOf", [])) == 1:  # a $ref with a description beside it
        node = node["allOf"][0]
    ref = node.get("$ref")
    if ref is None:
        return node
    name = ref.removeprefix("#/components/schemas/")
    return schema["components"]["schemas"][name]


def test_schema_is_valid_openapi_3(schema):
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Victims' Hub API"


def test_ivna_post_is_documented_with_the_token_scheme(schema):
    assert IVNA_PATH in schema["paths"]
    operation = schema["paths"][IVNA_PATH]["post"]
    assert set(schema["paths"][IVNA_PATH]) == {"post"}

    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["ApiToken"]["description"],
    }
    assert {"ApiToken": []} in operation["security"]

    assert {"200", "201", "400"} <= set(operation["responses"])
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]
    result = _resolve(schema, created)
    # `amended` is there only on a 200 for an amendment (issue 11).
    assert set(result["properties"]) == {"case_id", "victim_id", "route", "amended"}
    assert set(result["required"]) == {"case_id", "victim_id", "route"}


def test_ivna_request_body_follows_the_contract(schema):
    operation = schema["paths"][IVNA_PATH]["post"]
    body = _resolve(schema, operation["requestBody"]["content"]["application/json"]["schema"])
    assert operation["requestBody"]["required"] is True
    assert set(body["properties"]) == {"crime", "victim", "assessment"}
    assert set(body["required"]) == {"crime", "victim", "assessment"}

    crime = _resolve(schema, body["properties"]["crime"])
    assert {"reference", "crime_type", "offence_date", "reported_at", "markers"} <= set(
        crime["properties"]
    )
    crime_type = _resolve(schema, crime["properties"]["crime_type"])
    assert {"burglary", "violence_against_the_person", "anti_social_behaviour"} <= set(
        crime_type["enum"]
    )
    victim = _resolve(schema, body["properties"]["victim"])
    assert {"police_person_id", "first_name", "last_name", "district"} <= set(victim["required"])
    assessment = _resolve(schema, body["properties"]["assessment"])
    dash = _resolve(schema, assessment["properties"]["dash_risk"])
    assert set(dash["enum"]) == {"standard", "medium", "high"}


@pytest.mark.django_db
def test_the_schema_and_docs_are_readable_without_a_token_but_the_api_is_not():
    """Issue 14: an integrator reads the contract before they are given a token; the schema
    holds no personal data. Every operation it describes still refuses them."""
    anonymous = APIClient()
    response = anonymous.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert IVNA_PATH in response.json()["paths"]
    assert anonymous.get("/api/docs/").status_code == 200
    # A wrong token does not stop anyone reading it either.
    wrong = APIClient(HTTP_AUTHORIZATION="Token not-a-token")
    assert wrong.get("/api/schema/", {"format": "json"}).status_code == 200
    assert anonymous.post(IVNA_PATH, {}, format="json").status_code == 401


@pytest.mark.django_db
def test_schema_endpoint_serves_the_document_to_a_client(police_api):
    response = police_api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    document = response.json()
    validate_schema(document)
    assert IVNA_PATH in document["paths"]


@pytest.mark.django_db
def test_a_post_without_its_trailing_slash_is_sent_on_with_a_308(police_api, settings):
    """Issue 14: a 301 makes most clients repeat a POST as a GET, and the IVNA is lost."""
    for debug in (False, True):  # Django refuses such a redirect in DEBUG: the hub does not
        settings.DEBUG = debug
        response = police_api.post(IVNA_PATH.rstrip("/"), {}, format="json")
        assert response.status_code == 308
        assert response["Location"] == IVNA_PATH
    assert APIClient().get("/cases").status_code == 308  # pages too, whatever the method
