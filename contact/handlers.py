"""Scheduled-work handlers for contact: each runs with its item locked, inside the
transaction that marks the item done (see scheduling.services.run_item)."""

from __future__ import annotations

from contact.models import Letter, LetterStatus
from scheduling.models import ItemKind, ScheduledItem
from scheduling.services import handler


def record_letter_failure(item: ScheduledItem, error: str, gave_up: bool) -> None:
    """The letter shows its last error (already free of personal data: contact.letters);
    once the retry policy gives up it is failed, for a VCC to send again."""
    letter = Letter.objects.select_for_update().filter(pk=item.target_id).first()
    if letter is None or letter.status in (LetterStatus.SENT, LetterStatus.STOPPED):
        return
    letter.error = error
    if gave_up:
        letter.status = LetterStatus.FAILED
    letter.save(update_fields=["error", "status"])


@handler(ItemKind.SEND_LETTER, on_failure=record_letter_failure)
@handler(ItemKind.FOLLOW_UP_LETTER, on_failure=record_letter_failure)
def send_letter_item(item: ScheduledItem) -> None:
    from contact.letters import send_letter

    letter = Letter.objects.select_for_update().filter(pk=item.target_id).first()
    if letter is None or letter.status in (
        LetterStatus.SENT, LetterStatus.HELD, LetterStatus.STOPPED
    ):
        # deleted, or already sent (sending twice is what we must never do), or held
        # because writing stopped being safe (contact.services.hold_letters), or stopped by a
        # VCC at the safety check (contact.letter_checks.stop_letter)
        return
    send_letter(letter)


@handler(ItemKind.INVITE_EXPIRED)
def invite_expired_item(item: ScheduledItem) -> None:
    """A victim invited by letter to call has not: no contact, with the follow-up letter
    (contact.services.close_unanswered_invite decides whether it still applies)."""
    from contact.services import close_unanswered_invite

    if item.case_id is not None:
        close_unanswered_invite(case_pk=item.case_id, invited_at=item.created_at)


@handler(ItemKind.CLOSE_CASE)
def close_case_item(item: ScheduledItem) -> None:
    """A case the hub did not support has waited its set period: it closes if it is still
    where the row found it (contact.closures.close_if_still_there decides)."""
    from contact.closures import close_if_still_there

    close_if_still_there(item)
