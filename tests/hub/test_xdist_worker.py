"""`make test` runs in several processes; each must have a Redis database of its own, or one
worker's `cache.clear()` empties another's rate-limit counts halfway through a test."""

import pytest

from tests.xdist_worker import worker_redis_url


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "gw0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/0", "gw1", "redis://127.0.0.1:6379/2"),
        ("redis://127.0.0.1:6379", "gw0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/14", "gw1", "redis://127.0.0.1:6379/0"),  # wraps at 16
        ("rediss://u:p@h:6380/2?ssl_cert_reqs=none", "gw0", "rediss://u:p@h:6380/3?ssl_cert_reqs=none"),
    ],
)
def test_each_worker_moves_to_a_redis_database_of_its_own(url, worker, expected):
    assert worker_redis_url(url, worker) == expected


def test_two_workers_never_share_a_database():
    urls = {worker_redis_url("redis://h:1/0", f"gw{n}") for n in range(8)}
    assert len(urls) == 8
    assert "redis://h:1/0" not in urls  # nor the one a run without workers uses


def test_a_url_it_cannot_read_is_refused_not_shared():
    with pytest.raises(ValueError, match="REDIS_URL"):
        worker_redis_url("unix:///run/redis.sock", "gw0")
    with pytest.raises(ValueError, match="REDIS_URL"):
        worker_redis_url("redis://h:1/cache", "gw0")


def test_under_make_test_this_worker_caches_in_its_own_database(settings):
    import os

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not settings.REDIS_URL:
        pytest.skip("not in a worker of a parallel run with Redis")
    expected = worker_redis_url(os.environ["HUB_TESTS_REDIS_URL_GIVEN"], worker)
    assert settings.REDIS_URL == expected
    assert settings.CACHES["default"]["LOCATION"] == expected
