"""Reporting reads on a read replica (reporting/replica.py): with the "reporting" alias on
(in tests a mirror of the test database, settings.py), the figures of the dashboard, its CSV,
the flow API, the quarterly return and the performance page are read through it, the same
figures as from the primary; nothing is ever written through it.

Transactional: the replica is a second connection, which sees only committed rows."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from reporting.models import QuarterlyReturnVersion
from reporting.replica import replica_reads
from reporting.services import update_quarterly_returns
from reporting.versions import quarter_of
from tests.factories import CaseFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reporting"])
WRITES = ("INSERT", "UPDATE", "DELETE")


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end.fromordinal(end.toordinal() - 1)


def _signed_in(role: str) -> Client:
    client = Client()
    client.force_login(user_with_role(role, username=f"replica-{role}"))
    return client


def _reporting_requests(manager: Client, opcc: Client) -> list:
    year, quarter = quarter_of(timezone.localdate())
    start, end = _quarter_bounds(year, quarter)
    period = {"from": start.isoformat(), "to": end.isoformat()}
    return [
        manager.get(reverse("reporting:dashboard"), period),
        manager.get(reverse("reporting:export"), period),
        manager.get(reverse("api-performance-flow"), period),
        opcc.get(reverse("api-performance-flow"), period),
        opcc.get(reverse("api-returns-quarterly"), {"year": year, "quarter": quarter}),
        opcc.get(reverse("performance:return"), {"year": year, "quarter": quarter}),
    ]


def _sql(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def test_the_reporting_reads_use_the_replica_and_write_nothing_there(settings):
    for route in ("hub_contact", "hub_contact", "letter_only", "high_risk"):
        CaseFactory(route=route)
    manager, opcc = _signed_in(Role.MANAGER), _signed_in(Role.OPCC)
    settings.HUB_REPORTING_REPLICA = False
    on_primary = [response.content for response in _reporting_requests(manager, opcc)]

    settings.HUB_REPORTING_REPLICA = True
    with CaptureQueriesContext(connections["reporting"]) as replica, CaptureQueriesContext(
        connections["default"]
    ) as primary:
        responses = _reporting_requests(manager, opcc)

    assert [response.status_code for response in responses] == [200] * 6
    replica_sql, primary_sql = _sql(replica), _sql(primary)
    # The figures are read on the replica, and none of them on the primary.
    assert sum('FROM "cases_case"' in sql for sql in replica_sql) >= 6
    assert not [sql for sql in primary_sql if 'FROM "cases_case"' in sql]
    assert not [sql for sql in replica_sql if sql.lstrip().upper().startswith(WRITES)]
    # The export's read log is written, on the primary, in the request's transaction.
    assert any('INSERT INTO "audit_accesslog"' in sql for sql in primary_sql)
    # The same figures either way (the flow; the return but its time of making).
    assert [responses[i].content for i in (2, 3)] == [on_primary[i] for i in (2, 3)]
    returned, before = json.loads(responses[4].content), json.loads(on_primary[4])
    assert returned.pop("generated_at") and before.pop("generated_at")
    assert returned == before


def test_writes_go_to_the_primary_even_inside_replica_reads(settings):
    settings.HUB_REPORTING_REPLICA = True
    CaseFactory(referred_at=timezone.now().replace(year=2024, month=2, day=10))

    with CaptureQueriesContext(connections["reporting"]) as replica:
        # The daily job runs outside replica_reads: it reads the primary, so a version is
        # never stored from a lagging copy.
        stored = update_quarterly_returns(today=date(2024, 6, 30))
        with replica_reads():
            QuarterlyReturnVersion.objects.create(
                year=2023, quarter=1, version=1, rules_version="test", payload={}, changes=[]
            )
            assert QuarterlyReturnVersion.objects.filter(year=2023).count() == 1  # replica

    assert stored.stored == ["2024 Q1 v1"]
    assert QuarterlyReturnVersion.objects.using("default").count() == 2
    replica_sql = _sql(replica)
    assert len(replica_sql) == 1 and replica_sql[0].startswith("SELECT COUNT")
