from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from demo.seed import ensure_demo_users, load_demo_cases
from demo.volunteers import ensure_demo_volunteers


class Command(BaseCommand):
    help = "Create one demo login per role and a handful of demo cases (idempotent)."

    def handle(self, *args, **options):
        try:
            logins = ensure_demo_users()
        except DomainError as error:
            raise CommandError(error.message) from error
        created = load_demo_cases()
        ensure_demo_volunteers()
        self.stdout.write(f"Demo cases created: {created}")
        self.stdout.write("Demo logins (username / password / role):")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<10} {password:<18} {role}")
