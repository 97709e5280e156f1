from django.core.management.base import BaseCommand, CommandError

from accounts.services import API_CLIENT_ROLES, create_api_client
from core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API client (a force's crime system or the OPCC) and print its token."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--role", required=True, choices=[str(r) for r in API_CLIENT_ROLES])
        parser.add_argument(
            "--expires-days", type=int, default=365, help="0 for a token that never expires"
        )

    def handle(self, *args, name, role, expires_days, **options):
        try:
            client, key = create_api_client(
                name=name, role=role, expires_in_days=expires_days or None
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        expiry = client.expires_at.date().isoformat() if client.expires_at else "never"
        self.stderr.write(f"Created API client {client.name} ({role}), expires {expiry}.")
        # The token alone on the last line, so scripts can take it with `tail -n 1`.
        self.stdout.write(key)
