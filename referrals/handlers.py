"""Scheduled-work handlers for referrals: each runs with its item locked, inside the
transaction that marks the item done (see scheduling.services.run_item)."""

from __future__ import annotations

from django.utils import timezone

from referrals.models import Referral
from referrals.services import referral_email
from scheduling.models import ItemKind, ScheduledItem
from scheduling.outbound import hand_over
from scheduling.services import WorkFailed, handler


def _locked(item: ScheduledItem) -> Referral | None:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "service", "sent_by")
        .filter(pk=item.target_id)
        .first()
    )


def record_referral_email_failure(item: ScheduledItem, error: str, gave_up: bool) -> None:
    """The referral shows the last error of its email, for a VCC to see and send again.
    (The error names the service's address at most: nothing about the victim.)"""
    referral = _locked(item)
    if referral is None or referral.email_sent_at is not None:
        return
    referral.email_error = error[:500]
    referral.save(update_fields=["email_error"])


@handler(ItemKind.REFERRAL_EMAIL, on_failure=record_referral_email_failure)
def send_referral_email(item: ScheduledItem) -> None:
    """Email the referral document to the service, once: the referral row is locked and an
    email already sent is not sent again (a second item, a duplicated message)."""
    referral = _locked(item)
    if referral is None or referral.email_sent_at is not None or not referral.emailed_to:
        return
    referral.email_sent_at, referral.email_error = timezone.now(), ""
    try:
        hand_over(
            referral_email(referral),
            save=lambda: referral.save(update_fields=["email_sent_at", "email_error"]),
        )
    except Exception as error:
        raise WorkFailed(f"{type(error).__name__}: {error}"[:500]) from error
