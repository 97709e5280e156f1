"""A letter's email as scheduled work: scheduled once, sent once by its handler, a failed
send kept as the last error and tried again by the one retry policy, nothing sent for work
that rolled back."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from contact.letter_checks import retry_letter
from contact.models import Letter, LetterStatus
from contact.services import queue_letter
from scheduling.models import ItemKind, ItemState
from scheduling.services import MAX_FAILURES, run_item
from tests.factories import CaseFactory, PersonFactory
from tests.outbound import Refusing, after_the_lease, dispatch, items

pytestmark = pytest.mark.django_db


def email_letter() -> Letter:
    case = CaseFactory(person=PersonFactory(email="ann@example.org", first_name="Ann"))
    letter = queue_letter(case=case, kind="introductory")
    assert letter is not None
    return letter


def test_a_letter_is_scheduled_once_however_often_it_is_queued():
    letter = email_letter()
    assert queue_letter(case=letter.case, kind="introductory").pk == letter.pk
    assert items(ItemKind.SEND_LETTER, target_id=letter.pk).count() == 1


def test_the_handler_sends_exactly_one_email():
    letter = email_letter()
    item = items(ItemKind.SEND_LETTER).get()

    assert dispatch() == 1
    assert run_item(item.pk) is False  # a duplicated message
    assert dispatch() == 0

    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT


def test_a_failed_send_is_the_last_error_and_is_tried_again_after_the_lease(monkeypatch):
    letter = email_letter()
    server = Refusing(monkeypatch)

    assert dispatch() == 1
    item = items(ItemKind.SEND_LETTER).get()
    letter.refresh_from_db()
    assert (item.state, item.failures) == (ItemState.DUE, 1)
    assert item.last_error == "ConnectionRefusedError: smtp down"
    # The letter shows the same error and waits: queued, not failed, while it is retried.
    assert (letter.status, letter.error) == (LetterStatus.QUEUED, item.last_error)
    assert dispatch() == 0  # not in a tight loop: after the lease

    server.on = False
    after_the_lease()
    assert dispatch() == 1
    item.refresh_from_db()
    letter.refresh_from_db()
    assert (item.state, item.runs, item.failures) == (ItemState.DONE, 1, 1)
    assert (letter.status, letter.error) == (LetterStatus.SENT, "")
    assert len(mail.outbox) == 1


def test_the_policy_gives_up_and_a_vcc_sends_it_again(monkeypatch, vcc_user):
    letter = email_letter()
    server = Refusing(monkeypatch)
    for _ in range(MAX_FAILURES):
        after_the_lease()
        assert dispatch() == 1
    assert dispatch() == 0 and server.tries == MAX_FAILURES

    item = items(ItemKind.SEND_LETTER).get()
    letter.refresh_from_db()
    assert (item.state, item.failures) == (ItemState.FAILED, MAX_FAILURES)
    assert (letter.status, letter.error) == (LetterStatus.FAILED, item.last_error)

    server.on = False
    retry_letter(letter=letter, by=vcc_user)
    assert dispatch() == 1
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and len(mail.outbox) == 1


def test_a_letter_it_is_no_longer_safe_to_send_fails_at_once():
    letter = email_letter()
    letter.case.person.safe_to_write = False
    letter.case.person.save()

    assert dispatch() == 1
    item = items(ItemKind.SEND_LETTER).get()
    letter.refresh_from_db()
    assert (item.state, item.failures) == (ItemState.FAILED, 1)
    assert letter.status == LetterStatus.FAILED and "no longer safe" in letter.error
    assert mail.outbox == []


def test_no_email_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_letter()
        raise RuntimeError("the request failed after the letter was queued")

    assert dispatch() == 0
    assert not Letter.objects.exists() and not items(ItemKind.SEND_LETTER).exists()
    assert mail.outbox == []
