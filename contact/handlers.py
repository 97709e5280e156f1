"""Scheduled-work handlers for contact: each runs with its item locked, inside the
transaction that marks the item done (see scheduling.services.run_item)."""

from __future__ import annotations

from contact.models import Letter, LetterStatus
from scheduling.models import ItemKind, ScheduledItem
from scheduling.services import handler


@handler(ItemKind.SEND_LETTER)
@handler(ItemKind.FOLLOW_UP_LETTER)
def send_letter_item(item: ScheduledItem) -> None:
    from contact.letters import send_letter

    letter = Letter.objects.select_for_update().filter(pk=item.target_id).first()
    if letter is None or letter.status in (LetterStatus.SENT,):
        return  # deleted, or already sent: sending twice is what we must never do
    send_letter(letter)
