"""Outbound email from scheduled work: how a handler hands an email over, once.

Issue 10: "Outbound email of every kind (letters, referrals, break-glass notices) goes
through scheduled work rows and their handlers: one dispatcher, one retry policy, one place
that records the last error". The rows, the dispatcher and the retry policy are in
scheduling.services; this is the one way a handler sends: its row is saved as sent, then
the email is handed over, as the last thing before the COMMIT of the item's transaction.
A handler turns a failure into services.WorkFailed with a message fit to keep (nothing
personal), and the retry policy records it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.mail import EmailMessage
from django.db import transaction


def hand_over(message: EmailMessage, *, save: Callable[[], None]) -> None:
    """Save the row as sent (`save`), then hand the email over: the last thing done before
    the COMMIT of the scheduled item's transaction (scheduling.services.run_item).

    A worker killed after the handover and before the COMMIT rolls the row back to unsent,
    and the item is run again: the email would go twice. With the handover last the gap is
    the return to the COMMIT (measured for letters: about 30 microseconds), not the row's
    and the item's writes that used to come after it (about 6 ms of a 170 ms task: a SIGKILL
    of a busy worker process would have sent an email twice about one time in thirty; see
    tests/faults/test_kills.py). If sending fails, the savepoint takes "sent" back, history
    included, and the exception goes to the caller. The savepoint is not released here: the
    COMMIT releases it, and a RELEASE would be one more round trip before the COMMIT.
    """
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return hand_over(message, save=save)
    savepoint = transaction.savepoint()
    try:
        save()
        message.send(fail_silently=False)
    except Exception:
        transaction.savepoint_rollback(savepoint)
        raise
