"""Scheduled-work handlers for audit: each runs with its item locked, inside the
transaction that marks the item done (see scheduling.services.run_item)."""

from __future__ import annotations

from django.utils import timezone

from audit.models import Notification
from audit.services import break_glass_email
from scheduling.models import ItemKind, ScheduledItem
from scheduling.outbound import hand_over
from scheduling.services import WorkFailed, handler

NO_ADDRESS = "The manager has no email address."


def _locked(item: ScheduledItem) -> Notification | None:
    return (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient", "grant", "grant__user")
        .filter(pk=item.target_id)
        .first()
    )


def record_notice_failure(item: ScheduledItem, error: str, gave_up: bool) -> None:
    """The notice row shows the last error (the exception's type only: see below)."""
    notice = _locked(item)
    if notice is None or notice.emailed_at is not None:
        return
    notice.email_error = error[:200]
    notice.save(update_fields=["email_error"])


@handler(ItemKind.BREAK_GLASS_NOTICE, on_failure=record_notice_failure)
def send_break_glass_notice(item: ScheduledItem) -> None:
    """Email one manager of a break-glass grant, once: the notice row is locked and stamped
    `emailed_at` as the email is handed over. The email names no victim (break_glass_email);
    a failure keeps only the exception's type, since an SMTP refusal can quote the message.
    """
    notice = _locked(item)
    if notice is None or notice.emailed_at is not None:
        return
    if not notice.recipient.email:
        raise WorkFailed(NO_ADDRESS, retry=False)
    notice.emailed_at, notice.email_error = timezone.now(), ""
    try:
        hand_over(
            break_glass_email(notice, audit_url=item.payload.get("audit_url", "")),
            save=lambda: notice.save(update_fields=["emailed_at", "email_error"]),
        )
    except Exception as error:
        raise WorkFailed(type(error).__name__) from error
