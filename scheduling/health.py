"""GET /health/: can the hub do its work? For monitoring; open without signing in.

    {"status": "ok" | "degraded" | "down",
     "checks": {"database": {...}, "redis": {...}, "worker": {...}, "beat": {...}}}

- database: ``SELECT 1``, with its time in milliseconds.
- redis: PING to the broker (with REDIS_URL set); the embedded run has no Redis.
- worker: a Celery control ping (one second) answered by at least one worker; the embedded
  run runs tasks in-process.
- beat: the age of the last scheduled-work dispatcher run, which the beat task and the
  run_scheduler command note in the cache (scheduling.tasks.LAST_DISPATCH_KEY); "late" after
  three minutes (it runs every minute).

The database and Redis are required: without either nothing works, and the answer is
"down" with HTTP 503. Without a worker or beat the pages still work but scheduled letters
wait: "degraded", HTTP 200, so a load balancer keeps sending people to the hub while
monitoring alerts on any status but "ok". The container healthcheck (docker-compose.yml)
stays on the landing page: the web server's health must not depend on the worker's.

The body never carries personal data, secrets or host names: each check says ok or not, a
word for why, a time, and at most an exception's class name and a worker count.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

BEAT_LATE_AFTER = 180  # seconds: the dispatcher runs every minute
REQUIRED = ("database", "redis")
TIMEOUT = 1.0  # seconds for each network check


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _failed(error: Exception) -> dict:
    # The class name only: messages name hosts and ports ("Error 111 connecting to ...").
    return {"ok": False, "status": "failing", "error": type(error).__name__}


def check_database() -> dict:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "status": "ok", "ms": _ms(started)}


def broker_url() -> str | None:
    """The Redis the hub uses: the Celery broker if it is Redis, else REDIS_URL."""
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if broker.startswith(("redis://", "rediss://", "unix://")):
        return broker
    return getattr(settings, "REDIS_URL", "") or None


def check_redis() -> dict:
    if not getattr(settings, "REDIS_URL", ""):
        return {"ok": True, "status": "not used (embedded run)"}
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    started = time.perf_counter()
    client = redis.Redis.from_url(
        broker_url(), socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT,
        retry=Retry(NoBackoff(), 0),  # one try: a health check must answer within seconds
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True, "status": "ok", "ms": _ms(started)}


def check_worker(redis_ok: bool) -> dict:
    if not getattr(settings, "REDIS_URL", ""):
        return {"ok": True, "status": "in-process"}
    if not redis_ok:
        # A control ping needs the broker; without it the answer would only be a timeout.
        return {"ok": False, "status": "not checked (Redis is failing)"}
    from celery import current_app as app

    started = time.perf_counter()
    # The app's own broker (CELERY_BROKER_URL): the ping is published through its producer
    # pool whatever connection is given, and the replies must come back on the same Redis.
    with app.connection_for_write(
        connect_timeout=TIMEOUT,
        transport_options={"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT)
        replies = app.control.ping(timeout=TIMEOUT, connection=conn)
    workers = sum(1 for reply in replies for answer in reply.values() if answer.get("ok"))
    if not workers:
        return {"ok": False, "status": "no worker answered", "workers": 0, "ms": _ms(started)}
    return {"ok": True, "status": "ok", "workers": workers, "ms": _ms(started)}


def check_beat() -> dict:
    from scheduling.tasks import LAST_DISPATCH_KEY

    last = cache.get(LAST_DISPATCH_KEY)
    if last is None:
        if not getattr(settings, "REDIS_URL", ""):
            # The embedded run's scheduler is another process with its own in-memory cache.
            return {"ok": True, "status": "not checked (embedded run)"}
        return {"ok": False, "status": "no dispatcher run recorded"}
    age = max(0, int(time.time() - float(last)))
    if age > BEAT_LATE_AFTER:
        return {"ok": False, "status": "late", "age_seconds": age}
    return {"ok": True, "status": "ok", "age_seconds": age}


def _run(check: Callable[[], dict]) -> dict:
    try:
        return check()
    except Exception as error:  # noqa: BLE001 - a failing check is the answer, not a 500
        return _failed(error)


def health_report() -> tuple[dict, int]:
    """The body and the HTTP status of /health/."""
    checks = {"database": _run(check_database), "redis": _run(check_redis)}
    checks["worker"] = _run(lambda: check_worker(checks["redis"]["ok"]))
    checks["beat"] = _run(check_beat)
    if not all(checks[name]["ok"] for name in REQUIRED):
        status, code = "down", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return {"status": status, "checks": checks}, code


@login_not_required
@transaction.non_atomic_requests  # a database that is down must not turn this into a 500
@require_safe
def health(request):
    body, code = health_report()
    response = JsonResponse(body, status=code)
    response["Cache-Control"] = "no-store"
    return response


# Included from hub/urls.py as "health/".
urlpatterns = [path("", health, name="health")]
