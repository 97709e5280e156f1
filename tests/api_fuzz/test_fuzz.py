"""Hostile input, proved: every operation in the OpenAPI schema gets at least 100 generated
requests from schemathesis (valid and invalid data), sent with a token of the right role, and
every response must be no server error and exactly what the schema documents: its status
code, content type, body and headers.

Per operation schemathesis runs three phases: the schema's examples, coverage (boundary
values, missing and wrong-typed fields, unexpected methods) and fuzzing, which Hypothesis
drives for `max_examples` examples, derandomized so that CI runs the same requests each time.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
import schemathesis
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from tests.api_fuzz.conftest import APP, CHECKS, OPERATION_ROLES, auth_header, build_schema

MAX_EXAMPLES = 100
# And on the first success of each operation, the same request again without the token and
# with a made-up one must be refused (tests/api_fuzz/test_auth.py goes much further); and
# every request the schema forbids (a field it does not have, a number for text, "yes" for a
# boolean, ...) must be refused with a 4xx: the server is as strict as its schema (issue 14).
BATCH = "POST /api/v1/ivnas/batch/"


@schemathesis.check
def strict_per_item(ctx, response, case):
    """negative_data_rejection, where the IVNA batch answers a schema-violating item with
    that item's 400 inside its 200 (one bad item never fails the others, issue 17): a
    violating batch must have at least one item refused, or be refused whole."""
    if case.operation.label == BATCH and case.method.upper() == "POST" and (
        response.status_code == 200
    ):
        results = response.json()
        if isinstance(results, list) and any(item["status"] == 400 for item in results):
            return None
    return negative_data_rejection(ctx, response, case)


FUZZ_CHECKS = [*CHECKS, ignored_auth, strict_per_item]
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # `tokens` (and the database under it) is made once per operation, not per example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

schema = schemathesis.openapi.from_dict(build_schema())
schema.app = APP


@pytest.fixture
def sent(request):
    """Requests sent for one operation, by phase; at least MAX_EXAMPLES must be fuzzing."""
    counts: Counter[str] = Counter()
    yield counts
    if getattr(request.node, "rep_call_passed", False):
        print(f"{request.node.name}: {dict(counts)}")  # noqa: T201 (shown with -rP)
        assert counts["fuzzing"] >= MAX_EXAMPLES, f"only {counts['fuzzing']} fuzzed requests"


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_conforms_to_its_schema_under_hostile_input(case, tokens, sent):
    role = OPERATION_ROLES[case.operation.label]
    case.call_and_validate(headers=auth_header(tokens.for_role(role)), checks=FUZZ_CHECKS)
    sent[case.meta.phase.name.value if case.meta else "explicit"] += 1


@pytest.mark.django_db
def test_the_fuzzed_schema_is_the_one_the_api_serves(police_api):
    served = police_api.get("/api/schema/", {"format": "json"})

    assert served.status_code == 200
    assert served.json() == json.loads(OpenApiJsonRenderer().render(build_schema()))
