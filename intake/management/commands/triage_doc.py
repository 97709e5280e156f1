from django.core.management.base import BaseCommand, CommandError

from intake.triage_doc import DOC_PATH, render


class Command(BaseCommand):
    help = "Write docs/triage.md from the triage rule table (--check: fail if it differs)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only compare, write nothing")

    def handle(self, *args, check, **options):
        text = render()
        if check:
            if not DOC_PATH.exists() or DOC_PATH.read_text() != text:
                raise CommandError(f"{DOC_PATH} is out of date: run `manage.py triage_doc`.")
            return
        DOC_PATH.write_text(text)
        self.stdout.write(f"Wrote {DOC_PATH}.")
