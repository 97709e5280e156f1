"""The reporting reads on a read replica (issue 17): when REPORTING_DATABASE_URL is set, the
figures of the dashboard, the flow API, the quarterly return and the performance page are
read from the "reporting" database alias; everything else, and every write, stays on
"default".

A router, not `.using()` in each query: the figures are many aggregate queries spread over
flow.py, selectors.py, returns.py, outcomes.py and versions.py, with subqueries over other
models; one `with replica_reads():` around each view's figures covers them all, and the
router answers "default" for every write whatever the context, so nothing can write to the
replica. The daily job that stores the quarterly returns (reporting.services) runs outside
the context: it reads the primary, so a version is never stored from a lagging copy.

A replica is seconds behind at most in normal running: a figure of the dashboard may miss a
referral made in the last seconds; a return finalised at 05:30 may be served as provisional
for those seconds. Nothing else reads from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "reporting"
PRIMARY = "default"

_reading_figures: ContextVar[bool] = ContextVar("reporting_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica (when one is configured); writes still go to the
    primary. Also a decorator."""
    token = _reading_figures.set(True)
    try:
        yield
    finally:
        _reading_figures.reset(token)


class ReportingReplicaRouter:
    """Reads inside `replica_reads()` to the "reporting" alias when HUB_REPORTING_REPLICA is
    on; every write to "default"; migrations on "default" only."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading_figures.get() and settings.HUB_REPORTING_REPLICA:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
