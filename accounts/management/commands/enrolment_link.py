from django.core.management.base import BaseCommand, CommandError

from accounts.enrolment import has_authenticator, issue_link
from accounts.models import User
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue a one-time enrolment link for a user (at the server, e.g. for the first hub "
        "manager, who has nobody to issue one). Prints the link's path."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username}")
        if has_authenticator(user):
            raise CommandError(f"{username} has an authenticator app: a hub manager resets it")
        try:
            path = issue_link(user=user, by=None)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(f"Sign in as {username}, then open this link (once, in that browser):")
        self.stdout.write(path)
