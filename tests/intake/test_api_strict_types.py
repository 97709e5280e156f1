"""Strict JSON types on every request body (issue 14): a number where text is expected, or
"yes", "true", 1 or 0 where a boolean is, is refused with a message on that field, and
nothing is saved. Dates stay text in ISO 8601."""

from __future__ import annotations

import pytest

from cases.models import Case, Person
from tests.factories import ivna_payload
from tests.referrals.test_transfers import transfer_payload

IVNAS = "/api/v1/ivnas/"
TRANSFERS = "/api/v1/transfers/"
TEXT, BOOLEAN, WHOLE = "Must be text.", "Must be true or false.", "Must be a whole number."


@pytest.fixture
def nothing_saved(db):
    before = (Case.objects.count(), Person.objects.count())
    yield
    assert (Case.objects.count(), Person.objects.count()) == before


def _at(errors: dict, path: tuple[str, ...]):
    node = errors
    for key in path:
        assert isinstance(node, dict) and key in node, errors
        node = node[key]
    return node


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        # Numbers (and other JSON types) for text, choices and dates.
        ({"crime__reference": 12345}, ("crime", "reference"), TEXT),
        ({"victim__first_name": 42}, ("victim", "first_name"), TEXT),
        ({"victim__police_person_id": 123}, ("victim", "police_person_id"), TEXT),
        ({"victim__phone": 7700900123}, ("victim", "phone"), TEXT),
        ({"victim__district": 1}, ("victim", "district"), TEXT),
        ({"crime__crime_type": True}, ("crime", "crime_type"), TEXT),
        ({"crime__offence_date": 20250301}, ("crime", "offence_date"), TEXT),
        ({"assessment__notes": ["a", "b"]}, ("assessment", "notes"), TEXT),
        ({"assessment__dash_risk": {"level": "high"}}, ("assessment", "dash_risk"), TEXT),
        ({"crime__markers": ["domestic_abuse", 3]}, ("crime", "markers", "1"), TEXT),
        # Booleans are JSON true or false, nothing else.
        ({"assessment__needs_support": "yes"}, ("assessment", "needs_support"), BOOLEAN),
        ({"assessment__needs_support": "true"}, ("assessment", "needs_support"), BOOLEAN),
        ({"assessment__needs_support": 1}, ("assessment", "needs_support"), BOOLEAN),
        ({"assessment__mash_referral": 0}, ("assessment", "mash_referral"), BOOLEAN),
        ({"assessment__safe_to_write": "no"}, ("assessment", "safe_to_write"), BOOLEAN),
        ({"victim__interpreter_needed": "false"}, ("victim", "interpreter_needed"), BOOLEAN),
        # Whole numbers are JSON integers.
        ({"assessment__dash_yes_count": "14"}, ("assessment", "dash_yes_count"), WHOLE),
        ({"assessment__dash_yes_count": 14.5}, ("assessment", "dash_yes_count"), WHOLE),
        ({"assessment__dash_yes_count": True}, ("assessment", "dash_yes_count"), WHOLE),
    ],
)
def test_an_ivna_value_of_the_wrong_json_type_is_refused_on_its_field(
    police_api, nothing_saved, overrides, path, message
):
    response = police_api.post(IVNAS, ivna_payload(**overrides), format="json")

    assert response.status_code == 400, response.content
    assert _at(response.json(), path) == [message]


def test_every_field_at_fault_is_named_at_once(police_api, nothing_saved):
    body = ivna_payload(victim__first_name=42, assessment__needs_support="yes")
    del body["victim"]["last_name"]

    response = police_api.post(IVNAS, body, format="json")

    assert response.status_code == 400
    victim = response.json()["victim"]
    assert victim["first_name"] == [TEXT]
    assert "last_name" in victim  # required, reported alongside
    assert response.json()["assessment"] == {"needs_support": [BOOLEAN]}


def test_true_false_null_and_iso_dates_are_still_accepted(police_api):
    body = ivna_payload(
        victim__interpreter_needed=True, victim__date_of_birth=None,
        assessment__dash_yes_count=3, assessment__needs_support=False,
    )

    response = police_api.post(IVNAS, body, format="json")

    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"reference": 250312345}, ("reference",), TEXT),
        ({"sending_organisation__kind": 2}, ("sending_organisation", "kind"), TEXT),
        ({"victim__last_name": 7}, ("victim", "last_name"), TEXT),
        ({"contact__email": 1}, ("contact", "email"), TEXT),
        ({"victim__safe_to_call": "yes"}, ("victim", "safe_to_call"), BOOLEAN),
        ({"victim__may_leave_message": 1}, ("victim", "may_leave_message"), BOOLEAN),
        ({"victim__safe_to_write": "true"}, ("victim", "safe_to_write"), BOOLEAN),
    ],
)
def test_a_transfer_value_of_the_wrong_json_type_is_refused_on_its_field(
    transfer_api, nothing_saved, overrides, path, message
):
    response = transfer_api.post(TRANSFERS, transfer_payload(**overrides), format="json")

    assert response.status_code == 400, response.content
    assert _at(response.json(), path) == [message]


def test_query_parameters_are_text_by_nature(opcc_api):
    """Query strings carry no JSON types: `?year=2025` is read as the number it names."""
    response = opcc_api.get("/api/v1/returns/quarterly/", {"year": "2025", "quarter": "1"})

    assert response.status_code == 200
