"""Shared fixtures: one user per role, an API client per machine role, and eager Celery."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import create_api_client
from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    # Unit tests run tasks in-process; the Redis tests opt back into the real broker.
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _second_factor_passed(monkeypatch):
    """`client.force_login(user)` stands for a user who has passed both steps of signing in:
    the password and the TOTP code. (Tests of the two-factor flow sign in through the pages.)
    """
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if getattr(user, "is_api_client", False):
            return
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Factories make many users; the real hasher would make the suite take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def police_user(db):
    return user_with_role(Role.POLICE, username="officer")


@pytest.fixture
def vcc_user(db):
    return user_with_role(Role.VCC, username="vcc1")


@pytest.fixture
def manager_user(db):
    return user_with_role(Role.MANAGER, username="manager1")


@pytest.fixture
def volunteer_user(db):
    return user_with_role(Role.VOLUNTEER, username="volunteer1")


@pytest.fixture
def opcc_user(db):
    return user_with_role(Role.OPCC, username="opcc1")


def _token_client(role: str, name: str) -> APIClient:
    _, key = create_api_client(name=name, role=role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def police_api(db) -> APIClient:
    """The force's crime system."""
    return _token_client(Role.POLICE, "crime-system")


@pytest.fixture
def opcc_api(db) -> APIClient:
    return _token_client(Role.OPCC, "opcc-analyst")
