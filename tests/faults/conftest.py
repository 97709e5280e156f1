"""Fixtures for the fault runs: real Redis and Celery worker processes (tests.processes).

``celery_on_redis`` is overridden too; see there why.

``redis_server`` is overridden here: the broker runs as production runs it
(docker-compose.yml): an append-only file fsynced every second and ``noeviction``. A SIGKILL
can still lose the last second of queued messages (and every message a killed worker had
taken but not acknowledged stays in Redis until the visibility timeout); the design must
not care, because the dispatcher offers an item again once its lease runs out and the task
claims the item in PostgreSQL.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import (  # noqa: F401 - fixtures
    ProcessError,
    RedisServer,
    _die_with_parent,
    email_dir,
    start_worker,
    wait_for,
)


class DurableRedisServer(RedisServer):
    """A private redis-server with the production persistence: AOF, fsync every second.

    Its data directory is its own, so a restart on the same port reloads what it had written
    (and two runs never share an append-only file)."""

    def __init__(self, *, data_dir: Path | str | None = None, **options):
        super().__init__(**options)
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix=f"redis-{self.port}-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def start(self, timeout: float = 20.0) -> DurableRedisServer:
        if self.running:
            return self
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--aof-load-truncated", "yes",  # the default; a SIGKILL may cut the last write
            "--maxmemory-policy", "noeviction",
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--dir", str(self.data_dir),
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        try:
            # PING answers -LOADING until the append-only file is read back: wait for +PONG.
            wait_for(
                lambda: self.ping() or self.process.poll() is not None,
                timeout=timeout,
                interval=0.02,
                what=f"redis-server on port {self.port}",
            )
        except TimeoutError:
            self.stop()
            raise
        if not self.running:
            raise ProcessError(
                f"redis-server on port {self.port} exited: {self.log_path.read_text()[-2000:]}"
            )
        return self


@pytest.fixture
def redis_server(tmp_path) -> Iterator[DurableRedisServer]:
    """Overrides tests.processes.redis_server (start_worker and celery_on_redis use it)."""
    server = DurableRedisServer(log_dir=tmp_path, data_dir=tmp_path / "redis-data")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def celery_on_redis(redis_server, settings) -> Iterator[object]:
    """As tests.processes.celery_on_redis (this process publishes to redis_server, not eager,
    failing fast when Redis is down), but the app's pooled connections are forgotten, not
    closed: kombu keeps one connection pool per broker URL for the whole process, and the
    app would find the closed pool of its usual broker again after the test, so that every
    later `.delay()`, eager ones too, failed with "Acquire on closed pool"."""
    from hub.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CELERY_TASK_PUBLISH_RETRY = False
    settings.CELERY_BROKER_CONNECTION_RETRY = False
    settings.CELERY_BROKER_CONNECTION_MAX_RETRIES = 0
    settings.CELERY_BROKER_CONNECTION_TIMEOUT = 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "max_retries": 0,
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
    }
    _forget_pools(app)
    try:
        yield app
    finally:
        _forget_pools(app)


def _forget_pools(app) -> None:
    """Make the app look its connection and producer pools up again (for the broker URL the
    settings name now), leaving kombu's pools open for whoever uses them next."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
