"""Scheduled work on the real broker: a private redis-server and real Celery workers.

Issue "scheduled work is data": (a) an item dispatched twice acts once; (b) with Redis
stopped while items fall due, and started again, every item runs exactly once.

The worker is another process, so these tests commit (transaction=True) and count the
emails the worker wrote with the file backend. A missing redis-server skips them locally
and fails them in CI (tests.processes.require_redis_server).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from contact.models import Letter, LetterStatus
from scheduling.models import ItemRun, ItemState, ScheduledItem
from scheduling.services import DISPATCH_LEASE, dispatch_due_items
from scheduling.tasks import run_scheduled_item
from tests.factories import queued_email_letter
from tests.processes import emails_in, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

WAIT = 30  # seconds for the worker to finish every item
TASK_SUCCEEDED = re.compile(r"Task scheduling\.tasks\.run_scheduled_item\[\S+\] succeeded")


def email_letters(count: int, *, due_at=None) -> list[ScheduledItem]:
    """Real cases with email addresses and their queued introductory letters' items."""
    items = [queued_email_letter(n)[1] for n in range(count)]
    if due_at is not None:
        ScheduledItem.objects.filter(pk__in=[i.pk for i in items]).update(due_at=due_at)
    return items


def wait_until_done(items, worker) -> None:
    ids = [item.pk for item in items]

    def all_done():
        if not worker.running:
            pytest.fail(f"the worker died:\n{worker.log()[-4000:]}")
        return not ScheduledItem.objects.filter(pk__in=ids, state=ItemState.DUE).exists()

    try:
        wait_for(all_done, timeout=WAIT, interval=0.2, what="every item to be done")
    except TimeoutError:
        left = ScheduledItem.objects.filter(pk__in=ids, state=ItemState.DUE).count()
        pytest.fail(f"{left} of {len(ids)} items still due;\nworker log:\n{worker.log()[-4000:]}")


def assert_each_ran_once(items, email_dir) -> None:
    ids = [item.pk for item in items]
    states = Counter(ScheduledItem.objects.filter(pk__in=ids).values_list("state", flat=True))
    assert states == {ItemState.DONE: len(ids)}
    assert ItemRun.objects.filter(item__in=ids).count() == len(ids)
    assert set(ScheduledItem.objects.filter(pk__in=ids).values_list("runs", flat=True)) == {1}
    letters = Letter.objects.filter(pk__in=[item.target_id for item in items])
    assert Counter(letters.values_list("status", flat=True)) == {LetterStatus.SENT: len(ids)}
    # One email per letter, read back from what the worker's file backend wrote.
    sent = Counter(message["To"] for message in emails_in(email_dir))
    expected = Counter(letters.values_list("case__person__email", flat=True))
    assert sent == expected


def tasks_finished(worker) -> int:
    """How many task messages the worker has finished (its INFO log says so)."""
    return len(TASK_SUCCEEDED.findall(worker.log()))


def test_an_item_dispatched_twice_acts_once(
    redis_server, celery_on_redis, start_worker, email_dir
):
    items = email_letters(20)
    ids = [item.pk for item in items]

    # Every id reaches the broker four times, duplicates side by side so that the two
    # worker processes take the same item at the same moment.
    for item_id in ids:
        run_scheduled_item.delay(item_id)
        run_scheduled_item.delay(item_id)
    assert dispatch_due_items() == len(ids)
    assert dispatch_due_items() == 0  # inside the lease
    ScheduledItem.objects.filter(pk__in=ids).update(
        dispatched_at=timezone.now() - DISPATCH_LEASE - timedelta(seconds=1)
    )
    assert dispatch_due_items() == len(ids)  # the lease ran out: offered again
    published = 4 * len(ids)
    assert redis.Redis.from_url(redis_server.url).llen("celery") == published

    worker = start_worker(pool="prefork", concurrency=2)
    # And a dispatcher offering them again while the worker is busy with them.
    ScheduledItem.objects.filter(pk__in=ids, state=ItemState.DUE).update(
        dispatched_at=timezone.now() - DISPATCH_LEASE - timedelta(seconds=1)
    )
    published += dispatch_due_items()
    wait_until_done(items, worker)
    wait_for(
        lambda: tasks_finished(worker) >= published,
        timeout=WAIT,
        what=f"the worker to take all {published} messages",
    )

    assert_each_ran_once(items, email_dir)
    assert tasks_finished(worker) == published
    assert redis.Redis.from_url(redis_server.url).llen("celery") == 0


def test_items_falling_due_while_redis_is_down_run_once_when_it_is_back(
    redis_server, celery_on_redis, start_worker, email_dir
):
    worker = start_worker()
    due_at = timezone.now() + timedelta(seconds=1.5)
    items = email_letters(10, due_at=due_at)
    ids = [item.pk for item in items]
    assert dispatch_due_items() == 0  # not due yet

    redis_server.stop()  # SIGKILL: the broker crashes
    time.sleep(max(0.0, (due_at - timezone.now()).total_seconds()) + 0.1)

    started = time.monotonic()
    assert dispatch_due_items() == 0  # the broker refuses: nothing offered, nothing raised
    assert time.monotonic() - started < 5
    rows = ScheduledItem.objects.filter(pk__in=ids)
    assert set(rows.values_list("state", flat=True)) == {ItemState.DUE}
    assert set(rows.values_list("dispatched_at", flat=True)) == {None}  # offer withdrawn

    redis_server.start()  # same port, empty: the worker reconnects by itself
    assert dispatch_due_items() == len(ids)
    wait_until_done(items, worker)

    assert_each_ran_once(items, email_dir)
    assert not ScheduledItem.objects.filter(pk__in=ids, state=ItemState.FAILED).exists()
    assert dispatch_due_items() == 0


def test_messages_lost_with_redis_are_offered_again_after_the_lease(
    redis_server, celery_on_redis, start_worker, email_dir
):
    items = email_letters(5)
    ids = [item.pk for item in items]
    assert dispatch_due_items() == len(ids)  # published, but no worker is running yet

    redis_server.stop()  # the queued messages die with Redis (no persistence)
    redis_server.start()
    worker = start_worker()
    assert dispatch_due_items() == 0  # still inside the lease: nothing is run twice
    time.sleep(1)
    assert ScheduledItem.objects.filter(pk__in=ids, state=ItemState.DUE).count() == len(ids)

    # The lease runs out (moved back rather than waiting five minutes): offered again.
    ScheduledItem.objects.filter(pk__in=ids).update(
        dispatched_at=timezone.now() - DISPATCH_LEASE - timedelta(seconds=1)
    )
    assert dispatch_due_items() == len(ids)
    wait_until_done(items, worker)

    assert_each_ran_once(items, email_dir)
