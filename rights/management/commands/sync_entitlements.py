from django.core.management.base import BaseCommand

from rights.backfill import backfill


class Command(BaseCommand):
    help = (
        "Make the Victims' Code entitlement rows of every case and record the evidence its "
        "past events give (cases opened before the rights app). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, **options):
        count = backfill(batch=options["batch"])
        self.stdout.write(f"Entitlements made or checked for {count} cases.")
