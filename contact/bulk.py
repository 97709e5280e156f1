"""start_contact for many cases opened at once (intake.bulk, the IVNA batch of issue 17): the
same rows as contact.services builds for one case (letter_row, first_contact_work,
letter_item, no_letter_reason), in a few statements for the whole batch."""

from __future__ import annotations

from django.utils import timezone

from cases.models import Case
from contact.models import Letter, LetterKind
from contact.services import (
    can_call,
    first_contact_work,
    letter_item,
    letter_row,
    no_letter_reason,
)
from core.bulk import insert_rows
from scheduling.models import ScheduledItem
from scheduling.services import schedule_many


def start_contact_for_new_cases(cases: list[Case]) -> None:
    """start_contact(new=True) for many cases opened in this transaction (intake.bulk), from
    the same rows (letter_row, first_contact_item, invite_expiry_item), in a few statements
    for them all: the letters, their scheduled work and the calls, and the reasons no
    letter went."""
    letters: list[Letter] = []
    items: list[ScheduledItem] = []
    no_letter: dict[str, list[int]] = {}
    for case in cases:
        intro = letter_row(case=case, kind=LetterKind.INTRODUCTORY)
        if intro is None:
            case.no_letter_reason = no_letter_reason(case.person)
            no_letter.setdefault(case.no_letter_reason, []).append(case.pk)
        else:
            letters.append(intro)
        if not can_call(case):
            continue
        letter_kind, item = first_contact_work(case, 2)  # a new case: two timeline rows
        if letter_kind is not None and (letter := letter_row(case=case, kind=letter_kind)):
            letters.append(letter)
        if item is not None:
            items.append(item)
    insert_rows(letters)
    schedule_many([letter_item(letter) for letter in letters] + items)
    set_no_letter_reasons(no_letter)


def set_no_letter_reasons(reasons: dict[str, list[int]]) -> None:
    """Record on many cases why no introductory letter went: one UPDATE per reason."""
    now = timezone.now()
    for reason, case_ids in reasons.items():
        Case.objects.filter(pk__in=case_ids).update(no_letter_reason=reason, updated_at=now)
