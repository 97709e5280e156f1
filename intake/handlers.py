"""Scheduled-work handlers for intake: each runs with its item locked, inside the
transaction that marks the item done (see scheduling.services.run_item)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from audit.services import active_managers
from scheduling.models import ItemKind, ScheduledItem
from scheduling.outbound import hand_over
from scheduling.services import WorkFailed, handler

NO_ADDRESS = "No manager has an email address."


def page_full_email(item: ScheduledItem, recipients: list[str]) -> EmailMessage:
    """The hour and the ceiling only: nothing about anyone who asked (issue 13)."""
    hour = timezone.localtime(datetime.fromisoformat(item.payload["hour"]))
    ceiling = item.payload.get("ceiling", settings.HUB_SELF_REFERRAL_HOURLY_CEILING)
    return EmailMessage(
        subject=f"{settings.HUB_NAME}: the self-referral page is full this hour",
        body=(
            f"The public self-referral page took {ceiling} requests in the hour from "
            f"{hour:%H:%M on %d %B %Y}, its ceiling. Until the hour ends it asks people to "
            f"phone the hub on {settings.HUB_PHONE}, or 999 in an emergency.\n\n"
            "If this is not expected, the page may be being abused: check the new "
            "self-referrals in the unallocated queue.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        bcc=recipients,
    )


@handler(ItemKind.SELF_REFERRAL_CEILING)
def send_page_full_alert(item: ScheduledItem) -> None:
    """Email the active managers once (the item is done when the email is handed over)."""
    recipients = [m.email for m in active_managers() if m.email]
    if not recipients:
        raise WorkFailed(NO_ADDRESS, retry=False)
    try:
        hand_over(page_full_email(item, recipients), save=lambda: None)
    except Exception as error:
        raise WorkFailed(type(error).__name__) from error
