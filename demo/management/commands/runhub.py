import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def mail_destination() -> str:
    """Where this run's email goes (letters by email, referrals, notices), in plain words."""
    backend = settings.EMAIL_BACKEND.split(".")[-2]  # django.core.mail.backends.<name>.EmailBackend
    if backend == "console":
        return "Email is not sent: each email the hub sends is printed in this terminal."
    if backend == "smtp":
        return f"Email is sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}."
    return f"Email goes to Django's {backend} email backend."


def demo_enrolment_links(base_url: str) -> str:
    """A one-time enrolment link for each demo login without an authenticator app yet (a
    password alone shows no key: accounts/enrolment.py)."""
    from accounts.enrolment import has_authenticator, issue_link
    from accounts.models import User
    from demo.seed import DEMO_USERS

    lines = []
    for username, *_ in DEMO_USERS:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is not None and not has_authenticator(user):
            lines.append(f"  {username}: {base_url}{issue_link(user=user, by=None)}")
    if not lines:
        return ""
    return ("Sign in, then open your enrolment link to set up the authenticator app:\n"
            + "\n".join(lines) + "\n")


class Command(BaseCommand):
    help = "Migrate, collect static files, load demo data, print logins and serve the hub."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo data.")

    def handle(self, *args, port, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("seed_demo")
            # Demo casework at the 2015 profile over the twelve months up to today, as the
            # hub stands at the start of today, once (about fifteen seconds).
            from demo.year import has_generated_data

            if not has_generated_data():
                call_command("generate_demo_data", victims=3000)
        # Scheduled work (letters, follow-up letters) still fires without Redis or beat: the
        # same dispatcher runs every minute in a process beside the server.
        scheduler = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "run_scheduler"], env=os.environ.copy()
        )
        self.stdout.write(f"\nThe Victims' Hub is at http://127.0.0.1:{port}/ (Ctrl-C stops it)\n")
        self.stdout.write(mail_destination() + "\n")
        if not no_demo:
            self.stdout.write(demo_enrolment_links(f"http://127.0.0.1:{port}"))
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            scheduler.terminate()
            scheduler.wait(timeout=10)
