"""Fixtures for the fault runs: real Redis and Celery worker processes (tests.processes).

``redis_server`` is overridden here: the broker runs as production runs it
(docker-compose.yml): an append-only file fsynced every second and ``noeviction``
(``RedisServer`` with a ``data_dir``). A SIGKILL can still lose the last second of queued
messages (and every message a killed worker had taken but not acknowledged stays in Redis
until the visibility timeout); the design must not care, because the dispatcher offers an
item again once its lease runs out and the task claims the item in PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.processes import (  # noqa: F401 - fixtures
    RedisServer,
    celery_on_redis,
    email_dir,
    start_worker,
)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    """Overrides tests.processes.redis_server (start_worker and celery_on_redis use it)."""
    server = RedisServer(log_dir=tmp_path, data_dir=tmp_path / "redis-data")
    server.start()
    try:
        yield server
    finally:
        server.stop()
