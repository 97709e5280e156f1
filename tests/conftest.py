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
