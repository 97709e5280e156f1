"""Print this database's figures as JSON (core.backups.hub_figures): every table's row count,
every trigger and sequence, and the hub flow. `restore --rehearse` reads a restored database
through it."""

import json

from django.core.management.base import BaseCommand
from django.db import transaction

from core.backups import hub_figures


class Command(BaseCommand):
    help = "Print the figures a backup is checked by (row counts, triggers, flow) as JSON."

    def handle(self, *args, **options):
        with transaction.atomic():  # one snapshot for every count
            figures = hub_figures()
        self.stdout.write(json.dumps(figures, sort_keys=True))
