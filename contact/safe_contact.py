"""Safe contact: how the hub may reach a victim without putting them at risk, and who may
change it.

Rules (issue 11): intake may only make contact safer (a "no" from the police wins at once);
making it less safe ("it is safe to call now") is a VCC's decision, recorded with a reason on
the case. When writing stops being safe, every letter not yet gone is held.
"""

from __future__ import annotations

from dataclasses import dataclass

import pghistory
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Person
from contact.invariant import awaiting_a_manager
from contact.models import Letter, LetterStatus
from contact.notes import add_note
from contact.services import ContactPath, contact_path, start_contact
from core.errors import DomainError
from scheduling.models import ItemKind, ItemState, ScheduledItem

# The yes-or-no answers of safe contact, in the words the case page uses.
SAFE_CONTACT_ANSWERS = {
    "safe_to_call": "Safe to phone",
    "may_leave_message": "May leave a message",
    "safe_to_write": "Safe to write",
}
LETTER_ITEM_KINDS = (ItemKind.SEND_LETTER, ItemKind.FOLLOW_UP_LETTER)


def yes_no(value: object) -> str:
    return "Yes" if value is True else "No" if value is False else "Not known"


@transaction.atomic
def hold_letters(*, person: Person, reason: str, case: Case | None = None) -> int:
    """Hold every letter to this person (on one case of theirs, if given) that has not gone
    yet, because writing is no longer safe or wanted: its sending is cancelled, and a VCC
    sends it again only once it is (contact.letter_checks.retry_letter). Returns how many."""
    letters = Letter.objects.select_for_update().filter(
        case__person=person,
        status__in=(LetterStatus.QUEUED, LetterStatus.RENDERED, LetterStatus.FAILED),
    )
    if case is not None:
        letters = letters.filter(case=case)
    ids = list(letters.values_list("pk", flat=True))
    if not ids:
        return 0
    Letter.objects.filter(pk__in=ids).update(status=LetterStatus.HELD, error=reason[:500])
    ScheduledItem.objects.filter(
        kind__in=LETTER_ITEM_KINDS, target_id__in=ids, state=ItemState.DUE
    ).update(state=ItemState.CANCELLED, done_at=timezone.now())
    return len(ids)


def safer(name: str, current: object, proposed: object) -> bool:
    """Whether moving a safe-contact answer from `current` to `proposed` makes contact
    safer (or leaves it as safe): "no" and "not known" are safer than "yes"."""
    del name  # every answer reads the same way: only a "yes" lets the hub do more
    return not (proposed is True and current is not True)


def lower_from_intake(*, person: Person, answers: dict[str, bool | None], reason: str) -> list[str]:
    """Apply what intake says of safe contact where it makes contact safer; return the
    names changed. Raising an answer is never done here (see change_safe_contact)."""
    changed = []
    for name, value in answers.items():
        # None: the question was not asked on this way in; the hub keeps what it has.
        if value is False and getattr(person, name) is True:
            setattr(person, name, False)
            changed.append(name)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
        if "safe_to_write" in changed:
            hold_letters(person=person, reason=reason)
    return changed


@dataclass(frozen=True)
class SafeContactChange:
    name: str
    before: bool
    after: bool

    def __str__(self) -> str:
        return f"{SAFE_CONTACT_ANSWERS[self.name]}: {yes_no(self.before)} → {yes_no(self.after)}"


@transaction.atomic
def change_safe_contact(
    *, case: Case, by: User, answers: dict[str, bool], reason: str
) -> list[SafeContactChange]:
    """A VCC changes the victim's safe-contact answers from their case, with a reason.

    Rule: the reason is required (making contact less safe is a decision someone owns);
    the change is a note on the case and in the person's history with who and why; writing
    made unsafe holds the letters not yet gone.
    """
    if not by.has_perm("cases.work_case"):
        raise DomainError("Only hub staff who work cases can change safe contact.")
    unknown = set(answers) - set(SAFE_CONTACT_ANSWERS)
    if unknown:
        raise ValueError(f"Not a safe-contact answer: {', '.join(sorted(unknown))}")
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason for the change.", field="reason")
    person = Person.objects.select_for_update().get(pk=case.person_id)
    changes = [
        SafeContactChange(name, getattr(person, name), value)
        for name, value in answers.items()
        if getattr(person, name) != value
    ]
    if not changes:
        raise DomainError("Nothing was changed: the answers are as the hub has them.")
    with pghistory.context(user=by.pk, via="safe contact", reason=reason):
        for change in changes:
            setattr(person, change.name, change.after)
        person.save(update_fields=[c.name for c in changes] + ["updated_at"])
        if any(c.name == "safe_to_write" and not c.after for c in changes):
            hold_letters(person=person, reason="It is no longer safe to write to the victim.")
        add_note(
            case=case,
            by=by,
            text="Safe contact changed. " + "; ".join(str(c) for c in changes)
            + f". Reason: {reason}",
        )
    case.person = person
    resume_contact(case)
    return changes


def resume_contact(case: Case) -> bool:
    """A victim on the manager's decision list (no call or invitation pending) whom the hub
    may now phone, or write to, gets their contact round started: the first call, or the
    letter inviting a call (issue 12: nobody left waiting on a list for a decision already
    made). True if it started."""
    if not awaiting_a_manager(Case.objects.filter(pk=case.pk)).exists():
        return False
    if contact_path(case) == ContactPath.MANAGER_DECISION:
        return False
    start_contact(case=case)
    return True
