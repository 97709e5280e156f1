"""Real processes for tests that must prove behaviour across process and broker failures.

- ``RedisServer``: a private ``redis-server`` on a free port (never the system one on 6379),
  with no persistence, so a kill loses every queued message, as a crashed broker would; or,
  given a ``data_dir``, with the production persistence (the fault runs, tests/faults).
  ``stop()`` / ``start()`` / ``restart()`` keep the same port. It is the only code in the
  tests that starts a redis-server; ``CeleryWorker`` the only one that starts a worker.
- ``CeleryWorker``: ``celery -A hub worker`` in its own process group, pointed at the
  pytest-django test database, a broker URL and a directory for the file email backend.
  ``stop()`` kills the whole group (prefork children too); ``start()`` starts it again.
- ``emails_in(path)``: every message the file email backend wrote, parsed.
- fixtures: ``redis_server``, ``email_dir``, ``start_worker`` (a factory), and
  ``celery_on_redis`` (points this process's Celery app at the test Redis, not eager).

Use them from a conftest with ``from tests.processes import redis_server, ...``.
"""

from __future__ import annotations

import ctypes
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_SERVER = os.environ.get("HUB_TEST_REDIS_SERVER", "/usr/bin/redis-server")
CELERY = str(Path(sys.executable).with_name("celery"))


class ProcessError(RuntimeError):
    pass


def require_redis_server() -> str:
    """The redis-server binary. Missing: skip locally, fail in CI (CI=true)."""
    if os.path.exists(REDIS_SERVER) and os.access(REDIS_SERVER, os.X_OK):
        return REDIS_SERVER
    found = shutil.which("redis-server")
    if found:
        return found
    reason = f"redis-server not found at {REDIS_SERVER} or on PATH"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason}: the Redis tests must run in CI (apt-get install redis-server)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    predicate: Callable[[], object], *, timeout: float, interval: float = 0.1, what: str = ""
):
    """Poll until predicate() is truthy; return its value or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what or predicate}")
        time.sleep(interval)


try:  # resolved here, not in the forked child, which must only call into C
    _prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None
except (OSError, AttributeError):
    _prctl = None


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL it if the test process dies (Linux), so a killed
    pytest leaves no redis-server or worker behind."""
    if _prctl is not None:
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _kill_group(process: subprocess.Popen, sig: int, timeout: float = 10.0) -> None:
    """Send sig to the process group of process and reap it (SIGKILL if it lingers)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=timeout)
    # Prefork children may outlive the parent for a moment: make sure the group is gone.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class RedisServer:
    """A throwaway redis-server.

    Without ``data_dir`` data lives in memory only: a kill loses every message. With one, the
    broker runs as production runs it (docker-compose.yml): an append-only file fsynced every
    second and ``noeviction``, so a restart on the same port reloads what it had written (a
    SIGKILL can still lose the last second), and two runs never share an append-only file.
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        binary: str | None = None,
        log_dir: Path | str | None = None,
        data_dir: Path | str | None = None,
    ):
        self.binary = binary or require_redis_server()
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        log_dir = Path(log_dir or tempfile.gettempdir())
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.data_dir = Path(data_dir) if data_dir is not None else None
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _arguments(self) -> list[str]:
        if self.data_dir is None:
            persistence = ["--appendonly", "no", "--dir", tempfile.gettempdir()]
        else:
            persistence = [
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--aof-load-truncated", "yes",  # the default; a SIGKILL may cut the last write
                "--dir", str(self.data_dir),
            ]
        return [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--maxmemory-policy", "noeviction",
            "--daemonize", "no",
            "--protected-mode", "yes",
            *persistence,
        ]

    def start(self, timeout: float = 20.0) -> RedisServer:
        if self.running:
            return self
        args = self._arguments()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        try:
            # PING answers -LOADING until an append-only file is read back: wait for +PONG.
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

    def stop(self, sig: int = signal.SIGKILL) -> None:
        """Kill the server (SIGKILL by default: a crash; SIGTERM: a clean shutdown)."""
        if self.process is not None:
            _kill_group(self.process, sig)
            self.process = None

    def restart(self, sig: int = signal.SIGKILL) -> RedisServer:
        self.stop(sig)
        return self.start()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def test_database_url() -> str:
    """A DATABASE_URL for the database this test process uses (pytest-django's test DB)."""
    from django.db import connection

    conf = connection.settings_dict
    user = quote(conf.get("USER") or "", safe="")
    password = conf.get("PASSWORD") or ""
    auth = user + (f":{quote(password, safe='')}" if password else "")
    host = conf.get("HOST") or ""
    # The embedded PostgreSQL listens on a Unix socket: its directory is the host.
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    netloc = f"{auth}@{host}{port}" if auth else f"{host}{port}"
    return f"postgres://{netloc}/{quote(conf['NAME'], safe='')}"


test_database_url.__test__ = False  # not a test, whatever pytest thinks of the name


class CeleryWorker:
    """``celery -A hub worker`` as a separate process, in its own process group."""

    def __init__(
        self,
        *,
        broker_url: str,
        email_dir: Path | str,
        database_url: str | None = None,
        pool: str = "solo",
        concurrency: int = 1,
        loglevel: str = "info",
        name: str | None = None,
        extra_env: dict[str, str] | None = None,
        log_dir: Path | str | None = None,
    ):
        self.broker_url = broker_url
        self.email_dir = Path(email_dir)
        self.database_url = database_url or test_database_url()
        self.pool = pool
        self.concurrency = concurrency
        self.loglevel = loglevel
        self.name = name or f"test-{uuid.uuid4().hex[:8]}@%h"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log_path = Path(
            tempfile.mkstemp(prefix="celery-worker-", suffix=".log", dir=log_dir)[1]
        )
        self._log_offset = 0

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "hub.settings",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.broker_url,
                "CELERY_BROKER_URL": self.broker_url,
                "CELERY_TASK_ALWAYS_EAGER": "0",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.email_dir),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def start(self, *, wait: bool = True, timeout: float = 30.0) -> CeleryWorker:
        if self.running:
            return self
        self.email_dir.mkdir(parents=True, exist_ok=True)
        args = [
            CELERY, "-A", "hub", "worker",
            f"--pool={self.pool}",
            f"--concurrency={self.concurrency}",
            f"--loglevel={self.loglevel}",
            "-n", self.name,
            # One worker on a private broker: nothing to synchronise with, start at once.
            "--without-mingle", "--without-gossip",
        ]
        self._log_offset = self.log_path.stat().st_size
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                args,
                cwd=BASE_DIR,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        if wait:
            self.wait_ready(timeout=timeout)
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait for the worker's "ready." line (logged at INFO: needs loglevel info/debug)."""
        if self.loglevel.lower() not in {"info", "debug"}:
            time.sleep(2)
            return

        def ready():
            if not self.running:
                raise ProcessError(f"celery worker exited:\n{self.log()[-4000:]}")
            return " ready." in self.log()[self._log_offset :]

        try:
            wait_for(ready, timeout=timeout, interval=0.1, what="the celery worker")
        except TimeoutError as error:
            raise ProcessError(f"{error}\n{self.log()[-4000:]}") from None

    def stop(self, sig: int = signal.SIGKILL, timeout: float = 10.0) -> None:
        """Kill the worker and its pool children (SIGKILL: a crash; SIGTERM: warm shutdown)."""
        if self.process is not None:
            _kill_group(self.process, sig, timeout=timeout)
            self.process = None

    def restart(self, sig: int = signal.SIGKILL) -> CeleryWorker:
        self.stop(sig)
        return self.start()

    def __enter__(self) -> CeleryWorker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- Figures in the run's log ------------------------------------------------------------


def write_report(request, lines: list[str]) -> None:
    """Into the run's log, passed or failed, whatever pytest captures (-q, no -s)."""
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for line in lines:
            reporter.write_line(line)


# -- Emails written by the file backend -------------------------------------------------

_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def emails_in(path: Path | str) -> list[Message]:
    """Every message in the file email backend's directory (one file may hold several)."""
    messages = []
    for file in sorted(Path(path).glob("*.log")):
        for chunk in file.read_bytes().split(_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk))
    return messages


# -- Fixtures -----------------------------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    """A private, empty redis-server on a free port; killed at the end of the test."""
    server = RedisServer(log_dir=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def email_dir(tmp_path) -> Path:
    path = tmp_path / "outbox"
    path.mkdir()
    return path


@pytest.fixture
def start_worker(
    redis_server, email_dir, tmp_path, transactional_db
) -> Iterator[Callable[..., CeleryWorker]]:
    """A factory: ``start_worker(pool="prefork", concurrency=2)`` starts a worker on
    redis_server and waits until it is ready; every worker is killed at the end of the test
    (before the test database is flushed). Needs committed data: transaction=True."""
    workers: list[CeleryWorker] = []

    def start(**options) -> CeleryWorker:
        options.setdefault("broker_url", redis_server.url)
        options.setdefault("email_dir", email_dir)
        options.setdefault("log_dir", tmp_path)
        worker = CeleryWorker(**options)
        workers.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        # Their database sessions end with them, so none holds a lock on the flush.
        for worker in workers:
            worker.stop()


@pytest.fixture
def celery_on_redis(redis_server, settings) -> Iterator[object]:
    """This process publishes real messages to redis_server (not eager), failing fast when
    Redis is down: one quick connection attempt and no publish retries, so the dispatcher
    withdraws its offer at once instead of hanging."""
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
    _reset_producer_pool(app)
    try:
        yield app
    finally:
        _reset_producer_pool(app)


def _reset_producer_pool(app) -> None:
    """Forget pooled broker connections so the next publish uses the current settings.

    Forgotten, not closed: kombu keeps one pool per broker URL for the whole process, and a
    closed pool found again later would fail every `.delay()` ("Acquire on closed pool")."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
