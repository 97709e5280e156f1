"""The API under hostile input: schemathesis drives the real Django app in-process (WSGI).

Requests reach Django's WSGI handler in the test's own thread, so they share the test's
database connection and transaction (pytest-django's `db`): what one request stores the next
sees, everything is rolled back after the test, and `on_commit` work (letters, PDFs) never
runs, which keeps 100 examples per operation fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.roles import Role
from accounts.services import create_api_client

# Which machine role each operation is for. Every operation in the schema must be listed
# (tests/api_fuzz/test_auth.py fails on one that is not), so a new endpoint is fuzzed with
# the right token, and the other role's token is proved to be refused.
OPERATION_ROLES: dict[str, str] = {
    "POST /api/v1/ivnas/": Role.POLICE,
    "POST /api/v1/ivnas/batch/": Role.POLICE,
    "POST /api/v1/transfers/": Role.TRANSFER_SENDER,
    "GET /api/v1/performance/flow/": Role.OPCC,
    "GET /api/v1/returns/quarterly/": Role.OPCC,
    "GET /api/v1/returns/compliance/": Role.OPCC,
    "GET /api/v1/cases/{case_id}/rights/": Role.POLICE,
    "POST /api/v1/cases/{case_id}/rights/{right}/": Role.POLICE,
    "POST /api/v1/cases/{case_id}/justice-events/": Role.POLICE,
}
MACHINE_ROLES = (Role.POLICE, Role.TRANSFER_SENDER, Role.OPCC)

# Every answer: no server error, and exactly as the schema documents it.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def build_schema() -> dict:
    """The document `/api/schema/` serves (test_fuzz.py proves they are the same)."""
    return SchemaGenerator().get_schema(request=None, public=True)


class InTestWSGIApp:
    """Django's WSGI handler, run as Django's own test client runs it.

    A real WSGI request ends by closing "old" database connections; inside a test's
    transaction that would mark the transaction for rollback. The test client disconnects
    that handler for the length of a request, and so does this.
    """

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            # Read the body now, so that `request_finished` (sent on close) fires while the
            # handler is still disconnected.
            body = b"".join(response)
            response.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


APP = InTestWSGIApp()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets a fixture's teardown know whether the test itself passed.
    report = yield
    if report.when == "call":
        item.rep_call_passed = report.passed
    return report


@dataclass(frozen=True)
class Tokens:
    police: str
    transfer: str
    opcc: str

    def for_role(self, role: str) -> str:
        return {Role.POLICE: self.police, Role.TRANSFER_SENDER: self.transfer,
                Role.OPCC: self.opcc}[role]


@pytest.fixture
def tokens(db) -> Tokens:
    _, police = create_api_client(name="fuzz-crime-system", role=Role.POLICE)
    _, transfer = create_api_client(name="fuzz-transfer-sender", role=Role.TRANSFER_SENDER)
    _, opcc = create_api_client(name="fuzz-opcc", role=Role.OPCC)
    return Tokens(police=police, transfer=transfer, opcc=opcc)


def auth_header(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}
