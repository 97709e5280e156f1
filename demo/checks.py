"""`manage.py check --deploy` fails while any active account still has the published demo
password (issue 13): a hub that was once run as a demo must not go live with its logins."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def no_demo_passwords(app_configs=None, **kwargs) -> list[Error]:
    from accounts.models import User
    from demo.seed import DEMO_PASSWORD

    try:
        users = list(User.objects.filter(is_active=True).exclude(password="")
                     .only("pk", "username", "password"))
    except DatabaseError:
        return []  # no database to look in (e.g. a build step): nothing to check
    # hashers.check_password, not User.check_password: a check never re-saves a hash.
    found = sorted(u.username for u in users if check_password(DEMO_PASSWORD, u.password))
    if not found:
        return []
    return [Error(
        f"{len(found)} active account(s) have the published demo password: "
        + ", ".join(found),
        hint="Deactivate them or set new passwords before going live.",
        id="demo.E001",
    )]
