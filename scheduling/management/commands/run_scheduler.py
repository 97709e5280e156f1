import time

from celery import current_app
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections

from scheduling.services import dispatch_due_items
from scheduling.tasks import record_dispatcher_run

# The daily jobs Celery beat runs in production (hub/celery.py), run here when this process
# starts and every 24 hours after, by task name (scheduling imports no app above it).
DAILY_TASKS = (
    "contact.tasks.check_for_stalled_cases",
    "reporting.tasks.update_quarterly_returns_daily",
)
DAY = 24 * 60 * 60


class Command(BaseCommand):
    help = (
        "Run the scheduled-work dispatcher every minute in this process (the embedded run, "
        "without Redis or Celery beat). Tasks run in-process when CELERY_TASK_ALWAYS_EAGER."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval, once, **options):
        last_daily: float | None = None
        while True:
            close_old_connections()
            try:
                if last_daily is None or time.monotonic() - last_daily >= DAY:
                    current_app.loader.import_default_modules()  # the apps' tasks modules
                    for name in DAILY_TASKS:
                        current_app.tasks[name].apply()
                    last_daily = time.monotonic()
                offered = dispatch_due_items()
                record_dispatcher_run()
            except (OperationalError, InterfaceError) as error:
                # PostgreSQL down or restarting: nothing was claimed (each run is one
                # transaction); try again next time round rather than stop the scheduler.
                self.stderr.write(f"scheduler: database unavailable ({type(error).__name__})")
                offered = 0
            if offered:
                self.stdout.write(f"scheduler: ran {offered} due item(s)")
            if once:
                return
            time.sleep(interval)
