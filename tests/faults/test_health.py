"""GET /health/ (scheduling/health.py): database, Redis, worker and beat, for monitoring.

Not a fault run: these run in `make test`. Each test says which mode it is in (REDIS_URL set
or not) rather than inheriting the machine's, and keeps its cache in memory.
"""

from __future__ import annotations

import json
import socket
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from scheduling.tasks import LAST_DISPATCH_KEY, dispatch_due_items
from tests.factories import CaseFactory, PersonFactory
from tests.processes import free_port, wait_for

URL = "/health/"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "health-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def embedded(settings):
    """The embedded run: no Redis, tasks in-process."""
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = "memory://localhost/"


@pytest.fixture
def redis_closed(settings) -> int:
    """REDIS_URL and the broker point at a port nobody listens on."""
    port = free_port()
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    return port


def get(client: Client | None = None):
    response = (client or Client()).get(URL)
    return response, json.loads(response.content)


def test_the_url_is_named_health():
    assert reverse("health") == URL


def test_anonymous_may_ask_and_the_database_answers(db, embedded):
    response, body = get()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "worker", "beat"}
    database = body["checks"]["database"]
    assert database["ok"] is True and database["status"] == "ok"
    assert isinstance(database["ms"], float) and database["ms"] >= 0
    assert body["checks"]["redis"] == {"ok": True, "status": "not used (embedded run)"}
    assert body["checks"]["worker"] == {"ok": True, "status": "in-process"}
    assert body["checks"]["beat"] == {"ok": True, "status": "not checked (embedded run)"}


def test_signed_in_users_get_the_same_answer(db, embedded, vcc_user):
    client = Client()
    client.force_login(vcc_user)

    response, body = get(client)

    assert response.status_code == 200
    assert body["status"] == "ok"


def test_only_safe_methods(db, embedded):
    assert Client().post(URL).status_code == 405


def test_redis_down_is_503_with_redis_failing(db, redis_closed):
    started = time.monotonic()
    response, body = get()

    assert time.monotonic() - started < 5  # one quick try, no retries
    assert response.status_code == 503
    assert response["Cache-Control"] == "no-store"
    assert body["status"] == "down"
    assert body["checks"]["database"]["ok"] is True
    redis_check = body["checks"]["redis"]
    assert redis_check["ok"] is False
    assert redis_check["status"] == "failing"
    assert redis_check["error"] == "ConnectionError"
    # The worker cannot be asked without the broker.
    assert body["checks"]["worker"] == {"ok": False, "status": "not checked (Redis is failing)"}


def test_a_database_that_fails_is_503(db, embedded, monkeypatch):
    from scheduling import health

    def broken():
        raise OperationalError("could not connect to server on db:5432")

    monkeypatch.setattr(health, "check_database", broken)

    response, body = get()

    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["checks"]["database"] == {
        "ok": False, "status": "failing", "error": "OperationalError"
    }
    assert "5432" not in response.content.decode()


def test_beat_is_late_when_the_last_dispatch_is_old(db, embedded):
    cache.set(LAST_DISPATCH_KEY, time.time() - 600, timeout=None)

    response, body = get()

    beat = body["checks"]["beat"]
    assert beat["ok"] is False and beat["status"] == "late"
    assert 600 <= beat["age_seconds"] < 660
    # The pages still work: degraded, not down.
    assert body["status"] == "degraded"
    assert response.status_code == 200


def test_beat_is_ok_within_three_minutes(db, embedded):
    cache.set(LAST_DISPATCH_KEY, time.time() - 120, timeout=None)

    _, body = get()

    assert body["checks"]["beat"]["ok"] is True
    assert body["checks"]["beat"]["status"] == "ok"
    assert body["status"] == "ok"


def test_with_redis_no_recorded_dispatch_is_not_ok(db, redis_closed):
    _, body = get()

    assert body["checks"]["beat"] == {"ok": False, "status": "no dispatcher run recorded"}


def test_the_beat_task_records_each_run(db):
    assert cache.get(LAST_DISPATCH_KEY) is None
    dispatch_due_items()  # the beat task, run in this process
    assert abs(time.time() - cache.get(LAST_DISPATCH_KEY)) < 5


# The command closes old database connections: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_the_run_scheduler_command_records_each_run():
    assert cache.get(LAST_DISPATCH_KEY) is None
    call_command("run_scheduler", "--once")  # the embedded run's scheduler
    assert abs(time.time() - cache.get(LAST_DISPATCH_KEY)) < 5


def test_no_personal_data_secrets_or_host_names(db, settings, redis_closed):
    person = PersonFactory(
        first_name="Zuzanna", last_name="Wiśniewska", email="zuzanna.w@example.org",
        phone="07700900777",
    )
    CaseFactory(person=person)
    cache.set(LAST_DISPATCH_KEY, time.time(), timeout=None)

    response, body = get()
    text = response.content.decode()

    database = settings.DATABASES["default"]
    never = [
        person.first_name, person.last_name, person.email, person.phone,
        settings.SECRET_KEY, str(redis_closed), "127.0.0.1", "localhost", "redis://",
        socket.gethostname(), database["NAME"], database.get("USER") or "postgres",
    ]
    if database.get("HOST"):
        never.append(database["HOST"])
    if database.get("PASSWORD"):
        never.append(database["PASSWORD"])
    for value in never:
        assert str(value) not in text, f"/health/ shows {value!r}"
    # Only the expected keys: nothing else can creep in.
    for check in body["checks"].values():
        assert set(check) <= {"ok", "status", "ms", "error", "workers", "age_seconds"}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_answers_the_ping_and_its_loss_is_degraded(
    settings, redis_server, celery_on_redis, start_worker
):
    settings.REDIS_URL = redis_server.url  # celery_on_redis has set CELERY_BROKER_URL
    cache.set(LAST_DISPATCH_KEY, time.time(), timeout=None)
    worker = start_worker()

    # The control ping waits one second; a worker just started (or a busy machine) may
    # miss one, so ask again for a while.
    def answered():
        response, body = get()
        return (response, body) if body["status"] == "ok" else None

    response, body = wait_for(answered, timeout=20, interval=0.5, what="an ok /health/")

    assert response.status_code == 200, body
    assert body["status"] == "ok", body
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["worker"]["workers"] == 1
    assert worker.name.split("@")[0] not in response.content.decode()

    worker.stop()
    response, body = get()

    assert response.status_code == 200  # the pages still work
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["status"] == "no worker answered"
