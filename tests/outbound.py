"""Helpers for the tests of outbound email as scheduled work (letters, referrals, break-glass
notices): run the due items as the worker does, make the mail server refuse, let the lease
run out. Not a test module: the tests of each kind import it."""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone

from scheduling.models import ItemState, ScheduledItem
from scheduling.services import DISPATCH_LEASE, dispatch_due_items


def items(kind: str, **filters):
    return ScheduledItem.objects.filter(kind=kind, **filters).order_by("pk")


def dispatch() -> int:
    """What beat does every minute; Celery is eager in the tests, so the offered items run
    (through scheduling.tasks.run_scheduled_item, failures recorded) before it returns."""
    return dispatch_due_items()


def after_the_lease() -> None:
    """Move time on past the lease: an item offered (and failed) is offered again."""
    ScheduledItem.objects.filter(state=ItemState.DUE, dispatched_at__isnull=False).update(
        dispatched_at=timezone.now() - DISPATCH_LEASE - timedelta(seconds=1)
    )


class Refusing:
    """The mail server refuses every message while `on` (monkeypatched EmailMessage.send)."""

    def __init__(self, monkeypatch, error: Exception | None = None):
        self.on, self.tries = True, 0
        self.error = error or ConnectionRefusedError("smtp down")
        original = EmailMessage.send

        def send(message, fail_silently=False):
            if self.on:
                self.tries += 1
                raise self.error
            return original(message, fail_silently=fail_silently)

        monkeypatch.setattr(EmailMessage, "send", send)
