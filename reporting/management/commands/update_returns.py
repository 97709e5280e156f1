"""`manage.py update_returns`: what the daily job does (beat, 05:30), on demand: finalise
every return that has reached its finalisation day and store a revision of any finalised
quarter whose figures changed (reporting.services.update_returns, docs/returns.md). Safe to
run twice: a second run stores nothing."""

from django.core.management.base import BaseCommand

from reporting.services import update_returns


class Command(BaseCommand):
    help = "Finalise and revise the quarterly and compliance returns, as the daily job does."

    def handle(self, *args, **options):
        update = update_returns()
        stored = ", ".join(update.stored) or "none"
        self.stdout.write(self.style.SUCCESS(
            f"Returns: {len(update.stored)} version(s) stored ({stored}); "
            f"{len(update.lost_race)} already stored by another run."))
