"""Demo logins only in the demo (issue 13): the published password is made only by the local
demo run, and `check --deploy` fails while any active account still has it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from core.errors import DomainError
from demo.checks import no_demo_passwords
from demo.seed import DEMO_PASSWORD, ensure_demo_users
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_hub_that_is_not_the_demo_run_refuses_to_make_demo_logins(settings):
    settings.HUB_EMBEDDED = False
    with pytest.raises(DomainError, match="only by the local demo run"):
        ensure_demo_users()
    with pytest.raises(CommandError, match="only by the local demo run"):
        call_command("seed_demo")
    assert not User.objects.filter(username__in=["vcc", "manager", "police"]).exists()


def test_the_demo_run_makes_one_login_per_role(settings):
    settings.HUB_EMBEDDED = True
    logins = ensure_demo_users()
    assert {username for username, _, _ in logins} == {
        "police", "vcc", "manager", "volunteer", "opcc"}
    assert User.objects.get(username="vcc").check_password(DEMO_PASSWORD)


def test_the_deploy_check_fails_while_an_account_has_the_demo_password():
    user_with_role("vcc", username="ordinary")
    assert no_demo_passwords() == []
    left_over = user_with_role("manager", username="manager")
    left_over.set_password(DEMO_PASSWORD)
    left_over.save()
    [error] = no_demo_passwords()
    assert error.id == "demo.E001"
    assert "manager" in error.msg
    left_over.is_active = False
    left_over.save()
    assert no_demo_passwords() == []  # a deactivated account cannot sign in
