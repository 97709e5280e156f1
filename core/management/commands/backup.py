"""Back up the hub's database: `manage.py backup` (`make backup`); `--prune` applies the
retention; `--daily-at 02:00` keeps running and backs up every day at that time (UTC), the
docker-compose `backup` service, with `--rehearse-on sunday` to rehearse a restore of that
day's backup each week (docs/operations.md). core/backups.py says what is written and how
it is encrypted."""

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, next_run, prune, rehearsal_report, take_backup

logger = logging.getLogger("hub.backup")
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Command(BaseCommand):
    help = "Dump the hub's database (pg_dump custom format, encrypted when BACKUP_KEY is set)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None,
                            help="Where to write it (default: BACKUP_DIR).")
        parser.add_argument("--prune", action="store_true",
                            help="Then delete the backups the retention does not keep "
                                 "(BACKUP_KEEP_DAILY, _WEEKLY, _MONTHLY).")
        parser.add_argument("--daily-at", default=None, metavar="HH:MM",
                            help="Keep running: back up every day at this time (UTC).")
        parser.add_argument("--rehearse-on", choices=DAYS, default=None,
                            help="With --daily-at: on this day, restore the new backup into "
                                 "a scratch database and compare its figures.")

    def handle(self, *args, dir, prune, daily_at, rehearse_on, **options):  # noqa: A002
        directory = dir or settings.BACKUP_DIR
        if not daily_at:
            self.run_once(directory, prune=prune, rehearse_it=False)
            return
        next_run(datetime.now(UTC), daily_at)  # a malformed time fails now, not at 2am
        while True:
            when = next_run(datetime.now(UTC), daily_at)
            self.stdout.write(f"Next backup at {when:%Y-%m-%d %H:%M} UTC.")
            time.sleep(max(0.0, (when - datetime.now(UTC)).total_seconds()))
            try:
                self.run_once(directory, prune=prune,
                              rehearse_it=rehearse_on == DAYS[when.weekday()])
            except CommandError as error:
                # Logged for the operator's alerting; tomorrow's backup still runs.
                logger.error("scheduled backup failed: %s", error)

    def run_once(self, directory: Path, *, prune: bool, rehearse_it: bool) -> None:
        if not settings.BACKUP_KEY:
            self.stderr.write("BACKUP_KEY is not set: this backup is NOT encrypted.")
        started = time.monotonic()
        try:
            backup, figures = take_backup(directory=directory, key=settings.BACKUP_KEY)
        except BackupError as error:
            raise CommandError(f"No backup taken: {error}") from error
        rows = sum(figures["tables"].values())
        self.stdout.write(
            f"Backed up to {backup.path} ({backup.path.stat().st_size:,} bytes, "
            f"{'encrypted' if backup.encrypted else 'not encrypted'}) in "
            f"{time.monotonic() - started:.1f}s: {len(figures['tables'])} tables, "
            f"{rows:,} rows, {len(figures['triggers'])} triggers."
        )
        if prune:
            self.prune(directory)
        if rehearse_it:
            self.rehearse(backup)

    def prune(self, directory: Path) -> None:
        removed = prune(
            directory, daily=settings.BACKUP_KEEP_DAILY, weekly=settings.BACKUP_KEEP_WEEKLY,
            monthly=settings.BACKUP_KEEP_MONTHLY,
        )
        for path in removed:
            self.stdout.write(f"Removed {path.name} (retention)")

    def rehearse(self, backup) -> None:
        try:
            self.stdout.write(rehearsal_report(backup=backup, key=settings.BACKUP_KEY))
        except BackupError as error:
            raise CommandError(str(error)) from error
