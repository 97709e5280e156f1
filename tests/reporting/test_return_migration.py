"""The returns stored before versions are carried over (reporting migration 0003): a
quarter's first snapshot is its final version, a later one (new counting rules) the next
version, saying so."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reporting", "0001_initial")]
# Migrated on to the latest (0004 removed the snapshots; later ones add to the versions).
def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("reporting")


@pytest.mark.django_db(transaction=True)
def test_snapshots_become_versions():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Snapshot = old.get_model("reporting", "QuarterlyReturnSnapshot")
        Snapshot.objects.create(year=2025, quarter=1, rules_version="flow-1",
                                payload={"flow": {"referred": 3}})
        Snapshot.objects.create(year=2025, quarter=1, rules_version="flow-2",
                                payload={"flow": {"referred": 4}})
        Snapshot.objects.create(year=2025, quarter=2, rules_version="flow-2",
                                payload={"flow": {"referred": 9}})
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(_latest())

    from reporting.models import QuarterlyReturnVersion

    rows = {(r.year, r.quarter, r.version): r for r in QuarterlyReturnVersion.objects.all()}
    assert set(rows) == {(2025, 1, 1), (2025, 1, 2), (2025, 2, 1)}
    assert rows[(2025, 1, 1)].payload == {"flow": {"referred": 3}}
    assert rows[(2025, 1, 1)].changes == []
    assert rows[(2025, 1, 2)].changes == [
        {"section": "rules", "breakdown": "all", "category": "counting_rules_version",
         "from": "flow-1", "to": "flow-2"},
        {"section": "flow", "breakdown": "all", "category": "referred", "from": 3, "to": 4},
    ]
