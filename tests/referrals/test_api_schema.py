"""The transfers endpoint in the OpenAPI schema: documented, with the token scheme."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

PATH = "/api/v1/transfers/"


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    if len(node.get("allOf", [])) == 1:  # a $ref with a description beside it
        node = node["allOf"][0]
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.split("/")[-1]] if ref else node


def test_transfers_are_documented(schema):
    validate_schema(schema)
    assert set(schema["paths"][PATH]) == {"post"}
    operation = schema["paths"][PATH]["post"]
    assert {"ApiToken": []} in operation["security"]
    assert {"200", "201", "400"} <= set(operation["responses"])
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert set(_resolve(schema, created)["properties"]) == {"case_id", "victim_id"}

    body = _resolve(schema, operation["requestBody"]["content"]["application/json"]["schema"])
    assert {"sending_organisation", "reference", "crime", "victim"} <= set(body["required"])
    sender = _resolve(schema, body["properties"]["sending_organisation"])
    kind = _resolve(schema, sender["properties"]["kind"])
    assert set(kind["enum"]) == {"other_force", "action_fraud", "british_transport_police"}
    victim = _resolve(schema, body["properties"]["victim"])
    assert "police_person_id" not in victim["properties"]
    assert {"first_name", "last_name", "district"} <= set(victim["required"])
    crime = _resolve(schema, body["properties"]["crime"])
    assert {"crime_type", "offence_date"} <= set(crime["required"])
