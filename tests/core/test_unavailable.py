"""PostgreSQL down: pages answer the hub's "try again in a minute" page and the API a JSON
503 with Retry-After, never a traceback (core/unavailable.py). The database is made to
refuse every statement with an execute wrapper, as a dead server refuses them; the fault
run (tests/faults/test_postgres.py) kills a real one."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.unavailable import server_error
from tests.factories import ivna_payload

pytestmark = pytest.mark.django_db
TRACE_WORDS = ("Traceback", "OperationalError", "InterfaceError", "psycopg2", 'File "')


def database_down(error_class):
    def refuse(execute, sql, params, many, context):
        raise error_class("server closed the connection unexpectedly")

    return connection.execute_wrapper(refuse)


def assert_no_trace(text: str) -> None:
    for word in TRACE_WORDS:
        assert word not in text, f"{word!r} in the answer"


def operator_lines(caplog):
    """The log lines about the failure: all but the one "request answered" line every
    request has (core.middleware.RequestIdMiddleware, at INFO)."""
    return [r for r in caplog.records if r.name != "hub.request"]


@pytest.mark.parametrize("error_class", [OperationalError, InterfaceError])
def test_a_signed_in_page_answers_try_again_in_a_minute(
    vcc_user, settings, error_class, caplog
):
    client = Client(raise_request_exception=False)
    client.force_login(vcc_user)
    with database_down(error_class):  # the session and the user are read in middleware
        response = client.get(reverse("cases:list"))

    # A line in the log for the operator (one for the session read, one for its save), no
    # traceback.
    records = operator_lines(caplog)
    assert records and {r.levelname for r in records} == {"WARNING"}
    assert all(r.exc_info is None for r in records)

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.HUB_RETRY_AFTER_SECONDS) == "60"
    page = response.content.decode()
    assert "Sorry, the service is unavailable for a moment" in page
    assert "Try again in a minute" in page
    assert "govuk-template" in page or "govuk-header" in page  # the hub's own layout
    assert_no_trace(page)


def test_the_page_when_the_view_meets_the_database_down(vcc_user, settings):
    """Middleware passes (the session is already read): the view's own transaction fails."""
    settings.HUB_RETRY_AFTER_SECONDS = 30
    client = Client(raise_request_exception=False)
    client.force_login(vcc_user)
    client.get(reverse("cases:list"))
    calls = []

    def refuse_after_session(execute, sql, params, many, context):
        calls.append(sql)
        if "SAVEPOINT" in sql or len(calls) > 4:
            raise OperationalError("could not connect to server: Connection refused")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_after_session):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Try again in a minute" in response.content.decode()
    assert_no_trace(response.content.decode())


@pytest.mark.parametrize("error_class", [OperationalError, InterfaceError])
def test_the_api_answers_json_503_with_retry_after(police_api, settings, error_class):
    police_api.raise_request_exception = False
    with database_down(error_class):  # the token is looked up in the view (DRF)
        response = police_api.post("/api/v1/ivnas/", ivna_payload(), format="json")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "60"
    body = response.json()
    assert body["retry_after"] == 60
    assert "same crime reference" in body["detail"]
    assert_no_trace(response.content.decode())


def test_the_api_answers_json_when_middleware_meets_the_database_down(vcc_user):
    """A signed-in session calling the API: the session is read before the view."""
    client = APIClient(raise_request_exception=False)
    client.force_login(vcc_user)
    with database_down(OperationalError):
        response = client.get("/api/v1/performance/flow/?from=2025-01-01&to=2025-01-31")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["retry_after"] == 60


def test_a_session_save_that_meets_the_database_down_is_503_not_400(vcc_user, caplog):
    """The page was read with the database up; saving the session after it was not."""
    client = Client(raise_request_exception=False)
    client.force_login(vcc_user)

    def refuse_session_save(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "django_session" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_session_save):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 503
    assert "Try again in a minute" in response.content.decode()
    assert all(r.levelname == "WARNING" and r.exc_info is None for r in operator_lines(caplog))


def test_any_other_error_is_still_the_500_page(rf):
    request = rf.get("/cases/")
    try:
        raise ValueError("a bug, not the database")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
