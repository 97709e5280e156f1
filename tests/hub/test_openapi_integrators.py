"""The schema as integrators meet it (issue 14): request objects closed as the server is,
every field described, an example for every request and every success answer, true to the
API, and the quarterly return's CSV declared beside its JSON."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from core.openapi import request_components
from intake.api.examples import IVNA, IVNA_BATCH_EXAMPLES, TRANSFER
from reporting.selectors import FLOW_LABELS

RETURNS = "/api/v1/returns/quarterly/"


@pytest.fixture(scope="module")
def schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(document)  # openapi-spec-validator: raises on an invalid document
    return document


def _operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def _resolve(schema: dict, node: dict) -> dict:
    if len(node.get("allOf", [])) == 1:  # a $ref with a description beside it
        node = node["allOf"][0]
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.split("/")[-1]] if ref else node


def _objects(node):
    """Every object schema in `node`, at any depth."""
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_every_request_object_is_closed_and_every_answer_open(schema):
    components = schema["components"]["schemas"]
    requests = request_components(schema)
    # The IVNA and the transfer, and every object nested in them.
    assert {"IvnaRequest", "VictimRequest", "AddressRequest", "TransferRequest"} <= requests
    for name in requests:
        for obj in _objects(components[name]):
            assert obj.get("additionalProperties") is False, name
    # Answers stay open: a client generated today keeps working when a field is added.
    for name in set(components) - requests:
        for obj in _objects(components[name]):
            assert obj.get("additionalProperties") is not False, name


def test_every_property_of_every_component_has_a_description(schema):
    missing = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for obj in _objects(component)
        for prop, definition in obj["properties"].items()
        if not definition.get("description", "").strip()
    ]
    assert missing == []


def test_flow_counts_are_described_by_their_labels(schema):
    """One home for what a flow key means: a key added to FLOW_LABELS is described."""
    for name in ("Flow", "ReturnFlow"):
        properties = schema["components"]["schemas"][name]["properties"]
        for key, definition in properties.items():
            if key in FLOW_LABELS:
                assert FLOW_LABELS[key] in definition["description"], (name, key)


def test_every_request_and_success_answer_has_an_example(schema):
    missing = []
    for label, operation in _operations(schema):
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            if not content.get("examples"):
                missing.append(f"{label} request {media}")
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            for media, content in response.get("content", {}).items():
                if not content.get("examples"):
                    missing.append(f"{label} {status} {media}")
    assert missing == []


def test_every_schema_has_an_example(schema):
    """The schemas in the docs show an example too: the part of an operation's example that
    is theirs (errors included), or an enum's first value."""
    components = schema["components"]["schemas"]
    assert [name for name, component in components.items() if "example" not in component] == []
    assert components["AddressRequest"]["example"]["postcode"] == "PE13 1AA"
    for status in ("400", "401", "403", "413", "415"):
        response = schema["paths"]["/api/v1/ivnas/"]["post"]["responses"][status]
        assert response["content"]["application/json"]["examples"], status


def test_the_answer_examples_have_the_fields_of_their_schema(schema):
    """An example with a field the schema does not have, or without one it requires, would
    teach an integrator the wrong API."""
    for label, operation in _operations(schema):
        for status, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json")
            if not status.startswith("2") or not content:
                continue
            body = _resolve(schema, content["schema"])
            for example in content["examples"].values():
                # A list answer (the IVNA batch's results): each item against the items' schema.
                if body.get("type") == "array":
                    item, values = _resolve(schema, body["items"]), example["value"]
                else:
                    item, values = body, [example["value"]]
                for value in values:
                    keys = set(value)
                    assert keys <= set(item["properties"]), (label, status)
                    assert set(item.get("required", [])) <= keys, (label, status)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "api", "example"),
    [("/api/v1/ivnas/", "police_api", IVNA), ("/api/v1/transfers/", "transfer_api", TRANSFER),
     ("/api/v1/ivnas/batch/", "police_api", [IVNA_BATCH_EXAMPLES[0].value])],
)
def test_the_request_examples_are_accepted_by_the_api(request, url, api, example):
    client = request.getfixturevalue(api)

    response = client.post(url, example, format="json")

    assert response.status_code == (200 if "batch" in url else 201), response.content
    if "batch" in url:
        assert {item["status"] for item in response.json()} == {201}


def test_the_quarterly_return_declares_its_json_and_its_csv(schema):
    ok = schema["paths"][RETURNS]["get"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/csv"}
    assert ok["text/csv"]["schema"]["type"] == "string"
    assert _resolve(schema, ok["application/json"]["schema"])["properties"]["flow"]
