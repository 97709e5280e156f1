"""What contact tells the apps above it (they may not be imported here).

`letters_sent` is sent when letters go: an email handed over (contact.letters.send_letter,
inside the savepoint that takes "sent" back if the handover fails) or a print run taken by
the post room (contact.letters.take_print_run, which marks its letters sent in one UPDATE,
so no post_save is sent for them). Argument: letters, the letters now sent, each with its
case loaded. Receivers run in the same transaction (rights.receivers: Victims' Code rights
1 and 4 evidenced by the letter).
"""

from __future__ import annotations

from django.dispatch import Signal

letters_sent = Signal()
