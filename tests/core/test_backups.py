"""Backups that restore (core/backups.py, docs/operations.md; issue 17).

A working hub (a year of demo cases made through the services: letters, phone attempts,
assessments, plans, history; IVNAs over the API; a VCC opening a case, which the access log
records) is backed up encrypted, restored into a fresh database, and read there by a fresh
process of the hub: every table's row count, every trigger (the append-only logs and the
pghistory triggers, from pg_trigger), every sequence and the hub flow are identical. A wrong
key fails clearly, before anything is restored.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from core.backups import (
    Backup,
    BackupError,
    create_database,
    differences,
    drop_database,
    figures_of,
    next_run,
    restore_backup,
    table_names,
    take_backup,
    to_keep,
)
from demo.year.engine import generate
from tests.factories import ivna_payload
from tests.processes import write_report

KEY = "correct horse battery staple"


@pytest.fixture
def scratch_databases():
    """Names for new databases on the test server, dropped at the end."""
    made: list[str] = []

    def new() -> str:
        name = f"test_restore_{uuid.uuid4().hex[:10]}"
        create_database(name)
        made.append(name)
        return name

    yield new
    for name in made:
        drop_database(name)


def working_hub(police_api, client, vcc_user) -> None:
    generate(victims=30, year=timezone.localdate().year - 1, seed=17)
    for n in range(3):
        response = police_api.post("/api/v1/ivnas/", ivna_payload(
            crime__reference=f"CF/{n}/26", victim__police_person_id=f"N-9{n}",
        ), format="json")
        assert response.status_code == 201, response.content
    client.force_login(vcc_user)
    case = Case.objects.order_by("pk").last()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_every_row_trigger_and_flow_figure(
    request, police_api, client, vcc_user, tmp_path, scratch_databases
):
    working_hub(police_api, client, vcc_user)

    started = time.monotonic()
    backup, figures = take_backup(directory=tmp_path, key=KEY)
    backed_up_in = time.monotonic() - started
    raw = backup.path.read_bytes()
    assert backup.encrypted and not raw.startswith(b"PGDMP"), "stored unencrypted"
    assert (backup.path.stat().st_mode & 0o777) == 0o600

    # The figures are those of a working hub: rows everywhere, both kinds of trigger.
    tables = figures["tables"]
    assert tables["cases_case"] >= 33 and tables["contact_letter"] > 0
    assert tables["audit_accesslog"] > 0
    assert sum(n for name, n in tables.items() if name.endswith("event")) > 0  # history
    names = {trigger["name"] for trigger in figures["triggers"]}
    assert any("append_only" in name for name in names)
    assert any(name.startswith("pgtrigger_insert_insert") for name in names)  # pghistory
    assert figures["flow"]["counts"]["referred"] >= 33

    target = scratch_databases()
    started = time.monotonic()
    restore_backup(backup=backup, database=target, key=KEY)
    restored_in = time.monotonic() - started
    found = figures_of(target)

    expected = {key: value for key, value in figures.items() if key != "backup"}
    assert differences(expected, found) == []
    assert found == expected
    write_report(request, [
        f"BACKUP: {len(figures['tables'])} tables, {sum(tables.values()):,} rows, "
        f"{len(names)} triggers; {len(raw):,} bytes encrypted in {backed_up_in:.1f}s; "
        f"restored in {restored_in:.1f}s",
    ])


@pytest.mark.django_db(transaction=True)
def test_a_wrong_or_missing_key_fails_clearly_and_restores_nothing_nor_over_a_database(
    tmp_path, scratch_databases
):
    backup, _ = take_backup(directory=tmp_path, key=KEY)
    target = scratch_databases()

    with pytest.raises(BackupError, match="The backup key does not open .*Nothing was restored"):
        restore_backup(backup=backup, database=target, key="the wrong key")
    assert table_names(target) == []

    with pytest.raises(BackupError, match="is encrypted: set BACKUP_KEY"):
        restore_backup(backup=backup, database=target, key="")
    assert table_names(target) == []

    # The right key restores it; a second restore never lands on a database in use.
    restore_backup(backup=backup, database=target, key=KEY)
    assert "cases_case" in table_names(target)
    with pytest.raises(BackupError, match="already has .* tables"):
        restore_backup(backup=backup, database=target, key=KEY)


def test_retention_keeps_the_newest_of_each_recent_day_week_and_month():
    now = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    # Two a day (the scheduled one and a manual one) for 400 days.
    backups = [
        Backup(Path(f"/b/{n}-{k}"), now - timedelta(days=n, hours=k))
        for n in range(400) for k in range(2)
    ]
    kept = to_keep(backups, daily=7, weekly=5, monthly=12)
    by_path = {b.path: b.taken_at for b in backups}
    days = {by_path[path].date() for path in kept}
    assert {(now - timedelta(days=n)).date() for n in range(7)} <= days
    assert len({by_path[path].isocalendar()[:2] for path in kept}) >= 5
    assert len({(by_path[p].year, by_path[p].month) for p in kept}) == 12
    assert Path("/b/0-0") in kept and Path("/b/0-1") not in kept  # the newest of the day
    assert len(kept) <= 7 + 5 + 12
    assert to_keep(backups[-1:], daily=0, weekly=0, monthly=0) == {backups[-1].path}


def test_the_scheduled_backup_runs_next_at_the_given_time():
    assert next_run(datetime(2026, 12, 3, 1, 0, tzinfo=UTC), "02:00") == datetime(
        2026, 12, 3, 2, 0, tzinfo=UTC)
    assert next_run(datetime(2026, 12, 3, 2, 0, tzinfo=UTC), "02:00") == datetime(
        2026, 12, 4, 2, 0, tzinfo=UTC)
