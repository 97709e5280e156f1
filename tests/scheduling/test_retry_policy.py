"""The one retry policy of machine items (every outbound email goes through it): a failure
is kept on the item and handed to its kind's recorder, the item is offered again after the
lease until MAX_FAILURES, a WorkFailed(retry=False) fails it at once; and the offer made
when a transaction commits."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from scheduling import services
from scheduling.models import ItemKind, ItemState, ScheduledItem
from scheduling.services import MAX_FAILURES, WorkFailed, offer_on_commit, schedule
from tests.factories import CaseFactory
from tests.outbound import after_the_lease, dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(monkeypatch):
    """A kind whose handler raises `failing.error` and whose recorder notes each call."""

    class Failing:
        error: Exception = WorkFailed("refused by the server")
        recorded: list[tuple[int, str, bool]] = []

    def run(item):
        raise Failing.error

    def record(item, error, gave_up):
        Failing.recorded.append((item.pk, error, gave_up))

    monkeypatch.setitem(services.HANDLERS, ItemKind.REFERRAL_EMAIL, run)
    monkeypatch.setitem(services.FAILURE_RECORDERS, ItemKind.REFERRAL_EMAIL, record)
    return Failing


def due_item(**fields) -> ScheduledItem:
    return schedule(kind=ItemKind.REFERRAL_EMAIL, case=CaseFactory(), due_at=timezone.now(),
                    target_id=1, **fields)


def test_each_failure_is_recorded_until_the_policy_gives_up(failing):
    item = due_item()
    for _ in range(MAX_FAILURES):
        assert dispatch() == 1
        assert dispatch() == 0  # the lease is the wait before the next try
        after_the_lease()
    assert dispatch() == 0

    item.refresh_from_db()
    assert (item.state, item.failures, item.runs) == (ItemState.FAILED, MAX_FAILURES, 0)
    assert item.last_error == "refused by the server"  # a WorkFailed's own words
    assert failing.recorded == [(item.pk, "refused by the server", False)] * (
        MAX_FAILURES - 1
    ) + [(item.pk, "refused by the server", True)]


def test_work_that_cannot_succeed_fails_at_once(failing):
    failing.error = WorkFailed("The manager has no email address.", retry=False)
    item = due_item()
    assert dispatch() == 1
    item.refresh_from_db()
    assert (item.state, item.failures) == (ItemState.FAILED, 1)
    assert failing.recorded == [(item.pk, "The manager has no email address.", True)]


def test_any_other_exception_is_kept_with_its_type(failing):
    failing.error = KeyError("target")
    item = due_item()
    assert dispatch() == 1
    item.refresh_from_db()
    assert (item.state, item.last_error) == (ItemState.DUE, "KeyError: 'target'")


def test_an_item_offered_on_commit_runs_once_after_the_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    ran: list[int] = []
    monkeypatch.setitem(services.HANDLERS, ItemKind.REFERRAL_EMAIL, lambda i: ran.append(i.pk))
    with django_capture_on_commit_callbacks(execute=True):
        item = due_item(dedupe_key="k:1")
        offer_on_commit(item)
        assert ran == []  # nothing before the commit
    assert ran == [item.pk]
    assert dispatch() == 0  # the dispatcher finds it done


def test_an_offer_refused_by_the_broker_leaves_the_item_to_the_dispatcher(
    monkeypatch, django_capture_on_commit_callbacks
):
    from scheduling.tasks import run_scheduled_item

    def refuse(item_id):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(run_scheduled_item, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        item = due_item()
        offer_on_commit(item)
    item.refresh_from_db()
    assert (item.state, item.dispatched_at) == (ItemState.DUE, None)  # the offer withdrawn
    # The next dispatcher run offers it at once, not after the lease.
    assert services.due_machine_items() == [item.pk]


def test_no_offer_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            offer_on_commit(due_item())
            raise RuntimeError("rolled back")
    assert callbacks == [] and not ScheduledItem.objects.exists()
