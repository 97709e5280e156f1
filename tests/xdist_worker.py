"""Each pytest-xdist worker its own Redis database (loaded with ``-p``, before Django's settings).

`make test` runs the suite in parallel processes (pytest-xdist). pytest-django already gives
each worker a database of its own (``test_<name>_gw0``, ``..._gw1``). The cache is Redis where
REDIS_URL is set (as in CI), and tests count rate limits in it and clear it: one worker's
``cache.clear()`` must not empty another's counts halfway through a test. So worker N uses the
Redis database after the one REDIS_URL names, plus N (``/0`` becomes ``/1``, ``/2``...).

This module is a plugin so that it runs before pytest-django reads the settings; a conftest
would be too late.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # Redis's default number of databases


def worker_redis_url(url: str, worker: str) -> str:
    """The URL with the database moved on by the worker's number (gw0 -> +1)."""
    number = int(worker.removeprefix("gw")) + 1
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if parts.scheme not in ("redis", "rediss") or not (path == "" or path.isdigit()):
        raise ValueError(f"REDIS_URL is not redis://host:port/database: {parts.scheme}://...")
    database = (int(path or 0) + number) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{database}"))


_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.environ.get("REDIS_URL"):
    # The URL given, kept for tests/hub/test_xdist_worker.py; set once (a worker restarted
    # by xdist imports this again).
    os.environ.setdefault("HUB_TESTS_REDIS_URL_GIVEN", os.environ["REDIS_URL"])
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["HUB_TESTS_REDIS_URL_GIVEN"], _worker)
