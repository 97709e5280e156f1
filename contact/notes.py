"""Notes on a case: every contact is recorded (service specification: "maintain details of
all contact with victims")."""

from __future__ import annotations

from accounts.models import User
from cases.models import Case
from contact.models import ContactNote
from core.errors import DomainError


def add_note(*, case: Case, by: User, text: str, restricted: bool = False) -> ContactNote:
    """A note on the case, by whom and when. Restricted notes are shown to managers only."""
    text = text.strip()
    if not text:
        raise DomainError("Write the note.", field="text")
    return ContactNote.objects.create(case=case, author=by, text=text, restricted=restricted)
