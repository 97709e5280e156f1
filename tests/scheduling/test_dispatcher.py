"""The dispatcher and the claim, in-process (eager Celery): which items are offered, when
they are offered again, and that running an item twice does its work once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from contact.models import Letter, LetterStatus
from contact.services import queue_letter
from scheduling import services
from scheduling.models import ItemKind, ItemRun, ItemState, ScheduledItem
from scheduling.services import DISPATCH_LEASE, dispatch_due_items, run_item, schedule
from scheduling.tasks import run_scheduled_item
from tests.factories import CaseFactory, queued_email_letter

pytestmark = pytest.mark.django_db


def offered() -> list[int]:
    """Run the dispatcher with a recording send: what it offers, without running anything."""
    sent: list[int] = []
    dispatch_due_items(send=sent.append)
    return sent


def test_schedule_with_a_dedupe_key_returns_the_first_row():
    case = CaseFactory()
    due = timezone.now() + timedelta(days=1)
    first = schedule(kind=ItemKind.FOLLOW_UP_LETTER, case=case, due_at=due, dedupe_key="k:1")
    again = schedule(
        kind=ItemKind.FOLLOW_UP_LETTER,
        case=case,
        due_at=due + timedelta(days=3),
        dedupe_key="k:1",
    )
    assert again.pk == first.pk
    assert again.due_at == first.due_at
    assert ScheduledItem.objects.filter(dedupe_key="k:1").count() == 1
    # Without a key, each call is a new action.
    schedule(kind=ItemKind.FOLLOW_UP_LETTER, case=case, due_at=due)
    schedule(kind=ItemKind.FOLLOW_UP_LETTER, case=case, due_at=due)
    assert ScheduledItem.objects.filter(case=case).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_transactions_scheduling_the_same_key_make_one_row():
    """The second waits for the first's commit, then gets its row: no error, no duplicate
    (INSERT ... ON CONFLICT DO NOTHING, then the row that won)."""
    import threading

    from django.db import connection, transaction

    case = CaseFactory()
    due = timezone.now() + timedelta(days=1)
    inserted, results, errors = threading.Event(), [], []

    def first():
        try:
            with transaction.atomic():
                item = schedule(kind=ItemKind.SURVEY, case=case, due_at=due, dedupe_key="k:race")
                inserted.set()
                threading.Event().wait(0.5)  # hold the row uncommitted while the other tries
                results.append(("first", item.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
            inserted.set()
        finally:
            connection.close()

    def second():
        try:
            inserted.wait(5)
            later = due + timedelta(days=3)
            item = schedule(kind=ItemKind.SURVEY, case=case, due_at=later, dedupe_key="k:race")
            results.append(("second", item.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert [who for who, _ in results] == ["first", "second"]  # the second waited
    assert {pk for _, pk in results} == set(
        ScheduledItem.objects.filter(dedupe_key="k:race").values_list("pk", flat=True)
    )
    assert ScheduledItem.objects.get(dedupe_key="k:race").due_at == due


def test_queue_letter_schedules_one_send_however_often_it_is_called():
    letter, item = queued_email_letter()
    assert queue_letter(case=letter.case, kind="introductory").pk == letter.pk
    assert ScheduledItem.objects.filter(target_id=letter.pk).count() == 1
    assert item.state == ItemState.DUE
    assert item.due_at <= timezone.now()


def test_dispatch_offers_only_due_machine_items():
    now = timezone.now()
    _, due_letter = queued_email_letter()
    case = due_letter.case
    due_follow_up = schedule(
        kind=ItemKind.FOLLOW_UP_LETTER, case=case, due_at=now - timedelta(minutes=1)
    )
    schedule(kind=ItemKind.SEND_LETTER, case=case, due_at=now + timedelta(minutes=5))
    for human in (ItemKind.FIRST_CONTACT, ItemKind.NEXT_ATTEMPT, ItemKind.PLAN_REVIEW):
        schedule(kind=human, case=case, due_at=now - timedelta(hours=1))
    for state in (ItemState.DONE, ItemState.CANCELLED, ItemState.FAILED):
        ScheduledItem.objects.create(
            kind=ItemKind.SEND_LETTER, case=case, due_at=now - timedelta(hours=1), state=state
        )

    assert sorted(offered()) == sorted([due_letter.pk, due_follow_up.pk])
    assert set(
        ScheduledItem.objects.filter(dispatched_at__isnull=False).values_list("pk", flat=True)
    ) == {due_letter.pk, due_follow_up.pk}


def test_an_offered_item_is_offered_again_only_after_the_lease():
    _, item = queued_email_letter()
    assert offered() == [item.pk]
    assert offered() == []  # offered, not yet run: the lease holds it back

    ScheduledItem.objects.filter(pk=item.pk).update(
        dispatched_at=timezone.now() - DISPATCH_LEASE + timedelta(minutes=1)
    )
    assert offered() == []  # still inside the lease

    # The message was lost or the worker died: after the lease it is offered again.
    ScheduledItem.objects.filter(pk=item.pk).update(
        dispatched_at=timezone.now() - DISPATCH_LEASE - timedelta(seconds=1)
    )
    assert offered() == [item.pk]
    assert offered() == []


def test_running_an_item_twice_sends_one_letter():
    letter, item = queued_email_letter()
    mail.outbox.clear()

    assert run_item(item.pk) is True
    assert run_item(item.pk) is False

    item.refresh_from_db()
    letter.refresh_from_db()
    assert item.state == ItemState.DONE
    assert item.runs == 1
    assert item.done_at is not None
    assert ItemRun.objects.filter(item=item).count() == 1
    assert letter.status == LetterStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["victim0@example.org"]


def test_dispatching_and_delivering_twice_sends_one_letter():
    letters = [queued_email_letter(n)[0] for n in range(3)]
    mail.outbox.clear()

    assert dispatch_due_items() == 3  # eager: each task runs as it is offered
    assert dispatch_due_items() == 0
    for item in ScheduledItem.objects.all():
        run_scheduled_item.delay(item.pk)  # a duplicated message
    # A lost lease (e.g. the worker died after the work): offered again, and it is done.
    ScheduledItem.objects.update(dispatched_at=timezone.now() - 2 * DISPATCH_LEASE)
    assert dispatch_due_items() == 0

    assert ItemRun.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        letter.case.person.email for letter in letters
    )
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.SENT}


def test_a_letter_already_sent_is_not_sent_again():
    letter, item = queued_email_letter()
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.SENT)
    mail.outbox.clear()

    assert run_item(item.pk) is True
    item.refresh_from_db()
    assert item.state == ItemState.DONE
    assert mail.outbox == []


def test_a_failing_run_leaves_the_item_due_with_its_error(monkeypatch):
    _, item = queued_email_letter()

    def broken(item):
        ScheduledItem.objects.filter(pk=item.pk).update(runs=99)  # rolled back with the run
        raise RuntimeError("renderer crashed")

    monkeypatch.setitem(services.HANDLERS, ItemKind.SEND_LETTER, broken)
    assert dispatch_due_items() == 1  # offered; the eager task fails

    item.refresh_from_db()
    assert item.state == ItemState.DUE
    assert item.runs == 0
    assert "renderer crashed" in item.last_error
    assert not ItemRun.objects.exists()
    assert offered() == []  # retried after the lease, not in a tight loop


def test_an_item_without_a_handler_fails_without_a_run(monkeypatch):
    _, item = queued_email_letter()
    monkeypatch.delitem(services.HANDLERS, ItemKind.SEND_LETTER)

    assert run_item(item.pk) is False
    item.refresh_from_db()
    assert item.state == ItemState.FAILED
    assert "No handler" in item.last_error
    assert offered() == []


def test_broker_down_withdraws_the_offer_and_the_next_dispatch_retries():
    items = [queued_email_letter(n)[1] for n in range(3)]
    sent: list[int] = []

    def broker_down_after_one(item_id):
        if sent:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")
        sent.append(item_id)

    assert dispatch_due_items(send=broker_down_after_one) == 1
    first, *rest = items
    assert sent == [first.pk]
    dispatched = dict(ScheduledItem.objects.values_list("pk", "dispatched_at"))
    assert dispatched[first.pk] is not None
    assert all(dispatched[item.pk] is None for item in rest)  # the offer is withdrawn

    # The broker is back: the next run offers the rest at once, not after the lease.
    assert sorted(offered()) == sorted(item.pk for item in rest)
    assert set(ScheduledItem.objects.values_list("state", flat=True)) == {ItemState.DUE}


def test_broker_down_for_every_send_leaves_all_items_due():
    items = [queued_email_letter(n)[1] for n in range(2)]

    def broker_down(item_id):
        raise OperationalError("Connection refused")

    assert dispatch_due_items(send=broker_down) == 0
    assert list(ScheduledItem.objects.values_list("dispatched_at", flat=True)) == [None, None]
    assert sorted(offered()) == sorted(item.pk for item in items)


# The command closes stale connections each round, which needs real commits (autocommit).
@pytest.mark.django_db(transaction=True)
def test_run_scheduler_once_runs_due_items():
    letter, item = queued_email_letter()
    future = schedule(
        kind=ItemKind.SEND_LETTER,
        case=letter.case,
        target_id=letter.pk,
        due_at=timezone.now() + timedelta(hours=1),
    )
    mail.outbox.clear()
    out = StringIO()

    call_command("run_scheduler", "--once", stdout=out)

    item.refresh_from_db()
    future.refresh_from_db()
    letter.refresh_from_db()
    assert item.state == ItemState.DONE
    assert future.state == ItemState.DUE and future.dispatched_at is None
    assert letter.status == LetterStatus.SENT
    assert len(mail.outbox) == 1
    assert "ran 1 due item" in out.getvalue()
    assert ItemRun.objects.count() == 1
