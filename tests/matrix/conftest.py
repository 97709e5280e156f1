"""The permission matrix's world, built once per test module, and each test rolled back to it.

`matrix_world` opens a transaction around the module and builds the world in it; pytest-django's
`db` then wraps each test in a savepoint inside it, rolled back after the test, so every test
starts from the same world without rebuilding it (as Django's `TestCase.setUpTestData` does for
a class). The role fixtures of tests/conftest.py are overridden here to be the world's users.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from tests.matrix.world import build_world


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # As tests/conftest.py's autouse fixtures set them for each test.
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                CELERY_TASK_ALWAYS_EAGER=True,
            ):
                world = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _metrics_token(settings):
    """/metrics is on, as in production: a scraper's token is set (nobody in the matrix has it)."""
    settings.METRICS_TOKEN = "matrix-metrics-token"


@pytest.fixture(autouse=True)
def _no_worker_waited_for(monkeypatch):
    """/health/ pings the Celery workers and waits a second for answers; the matrix starts
    none and asks only who may open the page, so it waits a tenth (nine actors, 9 s)."""
    monkeypatch.setattr("scheduling.health.TIMEOUT", 0.1)


@pytest.fixture
def world(matrix_world, db) -> SimpleNamespace:
    """The objects the URLs are built from (tests/matrix/world.py), as they were built: the
    rows by the rollback after each test, the Python objects by a copy for each test (a
    service may change the instance it is given, as `close_case` does)."""
    return copy.deepcopy(matrix_world)


@pytest.fixture
def police_user(world):
    return world.police_user


@pytest.fixture
def vcc_user(world):
    return world.vcc_user


@pytest.fixture
def manager_user(world):
    return world.manager_user


@pytest.fixture
def volunteer_user(world):
    return world.volunteer_user


@pytest.fixture
def opcc_user(world):
    return world.opcc_user


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def police_api(world) -> APIClient:
    """The force's crime system."""
    return _token_client(world.police_api_key)


@pytest.fixture
def opcc_api(world) -> APIClient:
    return _token_client(world.opcc_api_key)
