"""The demo run delivers mail to the console whatever database it uses, and says where
(issue 13: `make run` with a DATABASE_URL of one's own tried SMTP on localhost and every
email letter failed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from demo.management.commands.runhub import mail_destination

BASE_DIR = Path(__file__).resolve().parents[2]


def _backend(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("HUB_EMBEDDED", "EMAIL_HOST", "EMAIL_BACKEND")}
    environment.update(env)
    result = subprocess.run(  # noqa: S603 - our own settings
        [sys.executable, "-c", "import django, os; os.environ.setdefault("
         "'DJANGO_SETTINGS_MODULE', 'hub.settings'); django.setup(); "
         "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60, check=True,
    )
    return result.stdout.strip()


def test_make_run_is_the_demo_run_whatever_the_database():
    dry = subprocess.run(["make", "-n", "run"], cwd=BASE_DIR, capture_output=True,  # noqa: S607
                         text=True, timeout=60, check=True).stdout
    [command] = [line for line in dry.splitlines() if "runhub" in line]
    assert command.startswith("HUB_EMBEDDED=1 ")


def test_the_demo_run_prints_email_with_its_own_database_and_says_so(settings):
    own_database = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/anything"}
    assert _backend(HUB_EMBEDDED="1", **own_database).endswith("console.EmailBackend")
    # Outside the demo run an unset mail server still fails loudly rather than print letters.
    assert _backend(**own_database).endswith("smtp.EmailBackend")
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert mail_destination() == (
        "Email is not sent: each email the hub sends is printed in this terminal."
    )
