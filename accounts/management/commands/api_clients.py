from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiClient
from accounts.services import api_clients, revoke_api_client, set_api_client_expiry
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "List API clients, revoke one, or change when its token expires "
        "(create one with create_api_client)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Every client: name, role, state, expiry, last use.")
        revoke = sub.add_parser("revoke", help="Refuse the client's token from now on.")
        revoke.add_argument("name")
        expire = sub.add_parser("expire", help="The token expires DAYS from now (0: never).")
        expire.add_argument("name")
        expire.add_argument("--days", type=int, required=True)

    def handle(self, *args, action, **options):
        if action == "list":
            for client in api_clients():
                expiry = client.expires_at.date().isoformat() if client.expires_at else "never"
                used = client.last_used_at.isoformat(timespec="minutes") if client.last_used_at \
                    else "never used"
                self.stdout.write(f"{client.name}\t{client.role}\t{client.state()}\t"
                                  f"expires {expiry}\t{used}")
            return
        client = ApiClient.objects.filter(name=options["name"]).first()
        if client is None:
            raise CommandError(f"No API client is called {options['name']!r}.")
        try:
            if action == "revoke":
                done = revoke_api_client(client=client)
                self.stdout.write(f"{client.name}: " + ("revoked." if done else
                                                        "was revoked already."))
            else:
                client = set_api_client_expiry(client=client, days=options["days"] or None)
                expiry = client.expires_at.date().isoformat() if client.expires_at else "never"
                self.stdout.write(f"{client.name}: expires {expiry}.")
        except DomainError as error:
            raise CommandError(error.message) from error
