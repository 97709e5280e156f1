import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from scheduling.services import dispatch_due_items
from scheduling.tasks import record_dispatcher_run


class Command(BaseCommand):
    help = (
        "Run the scheduled-work dispatcher every minute in this process (the embedded run, "
        "without Redis or Celery beat). Tasks run in-process when CELERY_TASK_ALWAYS_EAGER."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval, once, **options):
        while True:
            close_old_connections()
            offered = dispatch_due_items()
            record_dispatcher_run()
            if offered:
                self.stdout.write(f"scheduler: ran {offered} due item(s)")
            if once:
                return
            time.sleep(interval)
