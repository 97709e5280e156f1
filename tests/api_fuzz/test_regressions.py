"""The server errors and the authentication hole that fuzzing the API found, each pinned.

Each of these answered 500 (or, the last, 200) before its fix.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.roles import Role
from tests.factories import user_with_role

IVNAS = "/api/v1/ivnas/"
TRANSFERS = "/api/v1/transfers/"
FLOW = "/api/v1/performance/flow/"
RETURNS = "/api/v1/returns/quarterly/"
BOTH_POSTS = pytest.mark.parametrize("url", [IVNAS, TRANSFERS])

pytestmark = pytest.mark.django_db


def ivna(**crime) -> dict:
    return {
        "crime": {
            "reference": "CF/10001/25",
            "crime_type": "burglary",
            "offence_date": "2025-01-01",
            "reported_at": "2025-01-02T10:00:00Z",
            **crime,
        },
        "victim": {
            "police_person_id": "N-000777",
            "first_name": "Ann",
            "last_name": "Example",
            "district": "fenland",
        },
        "assessment": {"needs_support": True},
    }


def transfer() -> dict:
    return {
        "sending_organisation": {"kind": "action_fraud"},
        "reference": "AF-0001",
        "crime": {"crime_type": "fraud", "offence_date": "2025-01-01"},
        "victim": {"first_name": "Ann", "last_name": "Example", "district": "fenland"},
    }


def body_for(url: str) -> dict:
    return ivna() if url == IVNAS else transfer()


def post_raw(api, url: str, raw: str):
    return api.generic("POST", url, raw.encode(), content_type="application/json")


# -- IVNA: an offence in the year 1 (OverflowError in the repeat-victim rule) -------------


def test_a_known_victims_offence_in_year_one_is_a_message(police_api):
    assert police_api.post(IVNAS, ivna(), format="json").status_code == 201
    again = ivna(reference="CF/10002/25", offence_date="0001-06-01")

    response = police_api.post(IVNAS, again, format="json")

    assert response.status_code == 400
    assert "offence_date" in response.json()["crime"]


def test_a_transfer_offence_before_1900_is_a_message(transfer_api):
    body = transfer()
    body["crime"]["offence_date"] = "1899-12-31"

    response = transfer_api.post(TRANSFERS, body, format="json")

    assert response.status_code == 400
    assert "offence_date" in response.json()["crime"]


# -- Quarterly return: OPTIONS with ?format=csv (the CSV renderer given the description) ----


def test_options_on_the_return_as_csv_is_json(opcc_api):
    response = opcc_api.options(RETURNS + "?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["name"]


def test_the_return_as_csv_still_is_csv(opcc_api):
    response = opcc_api.get(RETURNS, {"year": 2025, "quarter": 1, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


# -- Flow: a period ending on 31 December 9999 (no midnight after it: OverflowError) -------


@pytest.mark.parametrize("period", [("9999-12-31", "9999-12-31"), ("9999-01-01", "9999-12-31")])
def test_a_period_ending_after_2100_is_a_message(opcc_api, period):
    response = opcc_api.get(FLOW, {"from": period[0], "to": period[1]})

    assert response.status_code == 400
    assert set(response.json()) == {"to"}


def test_a_period_ending_in_2100_is_answered(opcc_api):
    response = opcc_api.get(FLOW, {"from": "2100-10-01", "to": "2100-12-31"})  # a quarter

    assert response.status_code == 200


@pytest.fixture
def sender(police_api, transfer_api):
    """The client each POST is for: the crime system sends IVNAs, a transfer sender
    transfers (each is refused the other's)."""
    return lambda url: transfer_api if url == TRANSFERS else police_api


# -- Bodies Python's JSON parser or UTF-8 cannot take (RecursionError, UnicodeEncodeError) --


@BOTH_POSTS
def test_json_nested_too_deeply_is_malformed_json(sender, url):
    response = post_raw(sender(url), url, "[" * 30_000 + "]" * 30_000)

    assert response.status_code == 400
    assert set(response.json()) == {"body"}


@BOTH_POSTS
@pytest.mark.parametrize(
    "raw",
    [
        '{"\\ud800": 1}',  # echoed back as an unknown field
        '{"crime": {"crime_type": "\\ud800"}}',  # echoed back as an unknown choice
        '{"crime": {"reference": "\\udfff\\ud800"}}',  # reversed pair: two lone surrogates
    ],
)
def test_text_with_a_lone_surrogate_is_malformed_json(sender, url, raw):
    response = post_raw(sender(url), url, raw)

    assert response.status_code == 400
    assert set(response.json()) == {"body"}


@BOTH_POSTS
def test_a_surrogate_pair_is_unicode_and_welcome(sender, url):
    body = body_for(url)
    body["victim"]["first_name"] = "\U0001f600"

    response = post_raw(sender(url), url, json.dumps(body))  # as "\ud83d\ude00"

    assert response.status_code == 201


# -- Values that outgrow their column: upper-cased ("ß" is "SS") or longer than 254 --------


@pytest.mark.parametrize(
    "url,path,value",
    [
        (IVNAS, ("crime", "reference"), "ß" * 50),
        (IVNAS, ("crime", "reference"), "ﬃ" * 20),
        (IVNAS, ("victim", "address", "postcode"), "ß" * 10),
        (TRANSFERS, ("reference",), "ß" * 50),
        (TRANSFERS, ("victim", "address", "postcode"), "ß" * 6),
        (IVNAS, ("victim", "email"), "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "com"),
        (TRANSFERS, ("victim", "email"), "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "com"),
        (TRANSFERS, ("contact", "email"), "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "com"),
    ],
)
def test_a_value_too_long_for_its_column_is_a_message(sender, url, path, value):
    body = body_for(url)
    node = body
    for name in path[:-1]:
        node = node.setdefault(name, {})
    node[path[-1]] = value

    response = sender(url).post(url, body, format="json")

    assert response.status_code == 400
    errors = response.json()
    for name in path:
        errors = errors[name]
    assert errors


def test_a_reference_that_fits_in_capitals_is_taken(police_api):
    body = ivna(reference="ß" * 25)  # "SS" * 25: 50 characters

    response = police_api.post(IVNAS, body, format="json")

    assert response.status_code == 201


# -- A session that has passed the password but not the authenticator code ----------------


@pytest.mark.parametrize(
    "staff_role,method,url,data",
    [
        (Role.MANAGER, "get", FLOW, {"from": "2025-01-01", "to": "2025-01-31"}),
        (Role.MANAGER, "get", RETURNS, {"year": 2025, "quarter": 1}),
        (Role.POLICE, "post", IVNAS, ivna()),
        (Role.POLICE, "post", TRANSFERS, transfer()),
    ],
)
def test_the_api_needs_the_second_factor_too(staff_role, method, url, data):
    user_with_role(staff_role, username="halfway")
    browser = Client()
    signed_in = browser.post(
        "/sign-in/", {"username": "halfway", "password": "correct-horse-battery"}
    )
    assert signed_in.status_code == 302  # the password is right: the code comes next
    kwargs = {"content_type": "application/json"} if method == "post" else {}

    response = getattr(browser, method)(url, data, **kwargs)

    assert response.status_code == 403
    assert "authenticator" in response.json()["detail"]


def test_the_api_takes_a_fully_signed_in_session(manager_user):
    browser = Client()
    browser.force_login(manager_user)  # both steps (tests/conftest.py)

    response = browser.get(FLOW, {"from": "2025-01-01", "to": "2025-01-31"})

    assert response.status_code == 200


# -- The return: an empty `?format=` (accepted as JSON, though the schema lists json and csv) --


@pytest.mark.parametrize("url,query", [
    (RETURNS, {"year": 2025, "quarter": 1}),
    (FLOW, {"from": "2025-01-01", "to": "2025-01-31"}),
])
def test_an_empty_format_is_refused(opcc_api, url, query):
    response = opcc_api.get(url, {**query, "format": ""})

    assert response.status_code == 400
    assert list(response.json()) == ["format"]
