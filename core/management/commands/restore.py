"""Restore a backup: `manage.py restore FILE` (`make restore BACKUP=FILE`), `latest` for the
newest in BACKUP_DIR; `--rehearse` restores into a scratch database, checks it against the
figures taken with the backup and drops it (docs/operations.md)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backups import (
    BackupError,
    backup_at,
    create_database,
    find_backups,
    rehearsal_report,
    restore_backup,
)


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup file, or `latest` (in BACKUP_DIR).")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--database", default=None,
                            help="Restore into this new database (created on the same server).")
        target.add_argument("--rehearse", action="store_true",
                            help="Restore into a scratch database, compare, drop it.")
        parser.add_argument("--replace", action="store_true",
                            help="Restore over the hub's own database: drop and remake "
                                 "what the backup holds.")

    def handle(self, *args, backup, database, rehearse: bool, replace: bool, **options):
        try:
            chosen = self._backup(backup)
            if rehearse:
                return self._rehearse(chosen)
            target = database or connection.settings_dict["NAME"]
            if database:
                create_database(database)
            connection.close()  # --replace: no session of ours holds its tables
            started = time.monotonic()
            restore_backup(backup=chosen, database=target, key=settings.BACKUP_KEY,
                           replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {chosen.path.name} into {target} in "
                          f"{time.monotonic() - started:.1f}s.")

    def _backup(self, name: str):
        if name == "latest":
            found = find_backups(settings.BACKUP_DIR)
            if not found:
                raise BackupError(f"No backup in {settings.BACKUP_DIR}.")
            return found[-1]
        return backup_at(Path(name))

    def _rehearse(self, chosen) -> None:
        self.stdout.write(rehearsal_report(backup=chosen, key=settings.BACKUP_KEY))
