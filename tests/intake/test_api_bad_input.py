"""POST /api/v1/ivnas/ with bad input: a 4xx with a JSON message per field, nothing saved."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, CaseTransition, Crime, Person
from intake.models import Ivna
from tests.factories import DELETE, ivna_payload

URL = "/api/v1/ivnas/"
MODELS = (Person, Crime, Case, Ivna, CaseTransition)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def nothing_saved(db):
    """Asserts, after the test, that no person, crime, case, IVNA or transition was added."""
    before = counts()
    yield
    assert counts() == before


@pytest.fixture
def known_victim(police_api):
    """One earlier IVNA, so "nothing saved" also covers a person and crime that exist."""
    body = ivna_payload(crime__reference="CF/00001/25")
    assert police_api.post(URL, body, format="json").status_code == 201


def _today(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "expected_path"),
    [
        # Missing required fields.
        ({"victim__last_name": DELETE}, ("victim", "last_name")),
        ({"crime__reference": DELETE}, ("crime", "reference")),
        ({"assessment__needs_support": DELETE}, ("assessment", "needs_support")),
        ({"victim": DELETE}, ("victim",)),
        ({"victim__last_name": ""}, ("victim", "last_name")),
        ({"crime": None}, ("crime",)),
        # Values outside the contract's lists.
        ({"crime__crime_type": "shoplifting"}, ("crime", "crime_type")),
        ({"crime__markers": ["domestic_abuse", "very_bad"]}, ("crime", "markers")),
        ({"crime__markers": "domestic_abuse"}, ("crime", "markers")),
        ({"assessment__dash_risk": "extreme"}, ("assessment", "dash_risk")),
        ({"assessment__priority_categories": ["unlucky"]}, ("assessment", "priority_categories")),
        ({"victim__district": "norfolk"}, ("victim", "district")),
        ({"victim__email": "not-an-email"}, ("victim", "email")),
        ({"victim__first_language": "English"}, ("victim", "first_language")),
        ({"crime__offence_date": "01/03/2025"}, ("crime", "offence_date")),
        ({"assessment__needs_support": "perhaps"}, ("assessment", "needs_support")),
        # Answers that do not hold together.
        ({"crime__offence_date": _today(1)}, ("crime", "offence_date")),
        (
            {"crime__reported_at": (timezone.now() + timedelta(hours=2)).isoformat()},
            ("crime", "reported_at"),
        ),
        ({"victim__date_of_birth": _today(-1)}, ("victim", "date_of_birth")),
        (
            {"crime__reported_at": (timezone.now() - timedelta(days=10)).isoformat()},
            ("crime", "reported_at"),
        ),
        # Fields the API does not know: an error, not silently dropped.
        ({"priority": "high"}, ("priority",)),
        ({"victim__nickname": "Annie"}, ("victim", "nickname")),
        ({"assessment__dash_score": 3}, ("assessment", "dash_score")),
        (
            {"victim__address": {"line1": "1 High St", "county": "Cambs"}},
            ("victim", "address", "county"),
        ),
        # Wrong shapes.
        ({"victim": "Ann Example"}, ("victim",)),
        ({"victim__address": ["1 High St"]}, ("victim", "address")),
    ],
)
def test_invalid_field_answers_400_naming_it(
    police_api, known_victim, nothing_saved, overrides, expected_path
):
    response = police_api.post(URL, ivna_payload(**overrides), format="json")

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    node = errors
    for key in expected_path:
        assert isinstance(node, dict) and key in node, errors
        node = node[key]
    # Each message is readable text, not a stack trace or an internal code.
    messages = node if isinstance(node, list) else [m for v in node.values() for m in v]
    assert messages and all(isinstance(m, str) and m for m in messages), errors


def test_cross_field_errors_are_all_reported_at_once(police_api, nothing_saved):
    body = ivna_payload(crime__offence_date=_today(1), victim__date_of_birth=_today(2))

    response = police_api.post(URL, body, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"crime", "victim"}
    assert "offence_date" in errors["crime"]
    assert "date_of_birth" in errors["victim"]


def test_malformed_json_answers_400_on_body(police_api, known_victim, nothing_saved):
    text = json.dumps(ivna_payload())[:-20]

    response = police_api.post(URL, text, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["body"]
    assert "JSON" in response.json()["body"][0]


@pytest.mark.parametrize("text", ["[]", json.dumps([ivna_payload()]), '"IVNA"', "42", "null"])
def test_json_that_is_not_an_object_answers_400(police_api, nothing_saved, text):
    response = police_api.post(URL, text, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json() == {"body": ["Send one JSON object."]}


def test_empty_object_names_every_section(police_api, nothing_saved):
    response = police_api.post(URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"crime", "victim", "assessment"}


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "application/xml"],
)
def test_body_that_is_not_json_answers_415(police_api, nothing_saved, content_type):
    response = police_api.post(URL, "crime=CF/12345/25", content_type=content_type)

    assert response.status_code == 415
    assert "body" in response.json()


def test_multipart_form_answers_415(police_api, nothing_saved):
    response = police_api.post(URL, {"crime": "CF/12345/25"}, format="multipart")

    assert response.status_code == 415
    assert "body" in response.json()


def test_body_over_the_size_limit_answers_413(police_api, known_victim, nothing_saved):
    assert settings.API_MAX_BODY_BYTES == 64 * 1024
    body = ivna_payload(assessment__notes="x" * settings.API_MAX_BODY_BYTES)

    response = police_api.post(URL, body, format="json")

    assert response.status_code == 413
    assert list(response.json()) == ["body"]
    assert str(settings.API_MAX_BODY_BYTES) in response.json()["body"][0]


def test_body_just_under_the_size_limit_is_read(police_api, nothing_saved):
    # Padding in an unknown field: read and refused on the field, not on the size.
    body = ivna_payload()
    size = len(json.dumps(body).encode())
    body["padding"] = "x" * (settings.API_MAX_BODY_BYTES - size - 100)
    assert len(json.dumps(body).encode()) < settings.API_MAX_BODY_BYTES

    response = police_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert "padding" in response.json()


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Token not-a-real-token",
        "Token ",
        "Token two parts",
        "Bearer 0123456789abcdef",
        "Token \xe9t\xe9",
    ],
)
def test_missing_or_wrong_token_answers_401(db, nothing_saved, authorization):
    client = APIClient()
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.post(URL, ivna_payload(), format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_get_is_not_allowed(police_api, nothing_saved):
    response = police_api.get(URL)

    assert response.status_code == 405


def test_one_bodys_errors_never_carry_over_to_the_next(police_api):
    """The body checker is built once a thread and reused (intake.api.serializers._checker):
    each request is answered for its own body only."""
    first = police_api.post(URL, ivna_payload(crime__offence_date=_today(1)), format="json")
    assert set(first.json()) == {"crime"}
    second = police_api.post(URL, ivna_payload(victim__date_of_birth=_today(2)), format="json")
    assert set(second.json()) == {"victim"}
    assert police_api.post(URL, ivna_payload(), format="json").status_code == 201
    third = police_api.post(URL, {}, format="json")
    assert set(third.json()) == {"crime", "victim", "assessment"}
