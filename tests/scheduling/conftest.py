"""Fixtures for the scheduling tests: real Redis and Celery worker processes (tests.processes)."""

from tests.processes import (  # noqa: F401 - fixtures
    celery_on_redis,
    email_dir,
    redis_server,
    start_worker,
)
