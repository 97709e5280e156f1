"""`manage.py run_retention`: what the daily job does, on demand (or `--dry-run` to count)."""

from django.core.management.base import BaseCommand

from privacy import selectors, services


class Command(BaseCommand):
    help = "Anonymise every case past its retention period and not under a legal hold."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what is due; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            due = selectors.due_for_retention().count()
            held = selectors.held_past_retention().count()
            self.stdout.write(f"{due} cases due for anonymisation; {held} past retention but held.")
            return
        run = services.run_retention()
        self.stdout.write(
            self.style.SUCCESS(
                f"Retention run {run.pk}: {run.due} due, {run.cases_anonymised} cases and "
                f"{run.people_anonymised} people anonymised, {run.skipped} skipped, "
                f"{run.held} held."
            )
        )
