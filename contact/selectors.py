"""The contact log of a case: every letter, email, call, note and move, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from accounts.roles import is_manager
from audit.selectors import casework_for
from cases.models import Case
from contact.invariant import awaiting_a_manager
from contact.letter_checks import waiting_for_check
from contact.models import Letter
from contact.services import ContactPath, contact_path
from core.phones import national
from scheduling.models import ItemKind, ItemState, StallCheck


@dataclass
class LogEntry:
    at: datetime
    kind: str  # letter, call, note, status
    title: str
    author: object | None
    text: str = ""
    restricted: bool = False
    letter: object | None = None


def contact_log(case: Case, user: User) -> list[LogEntry]:
    """One list built from four queries; restricted notes only for managers."""
    manager = is_manager(user)
    entries: list[LogEntry] = []
    for letter in case.letters.defer("pdf", "text").order_by("created_at"):
        status = letter.get_status_display().lower()
        when = letter.sent_at or letter.rendered_at or letter.created_at
        entries.append(
            LogEntry(
                at=when,
                kind="letter",
                title=f"{letter.get_kind_display()} by {letter.get_channel_display().lower()}: "
                f"{status}",
                author=None,
                text=letter.error,
                letter=letter,
            )
        )
    for attempt in case.attempts.select_related("made_by"):
        text = attempt.notes
        if attempt.override_reason:
            text = f"{text} Rules overridden: {attempt.override_reason}".strip()
        entries.append(
            LogEntry(
                at=attempt.made_at,
                kind="call",
                title=f"Call to {national(attempt.number_used)} ({attempt.band}): "
                f"{attempt.get_outcome_display().lower()}",
                author=attempt.made_by,
                text=text,
            )
        )
    notes = case.notes.select_related("author")
    if not manager:
        notes = notes.filter(restricted=False)
    for note in notes:
        entries.append(
            LogEntry(
                at=note.at,
                kind="note",
                title="Restricted note" if note.restricted else "Note",
                author=note.author,
                text=note.text,
                restricted=note.restricted,
            )
        )
    for move in case.transitions.select_related("by"):
        entries.append(
            LogEntry(
                at=move.at,
                kind="status",
                title=f"Status: {move.get_to_status_display()}",
                author=move.by,
                text=move.reason,
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


@dataclass(frozen=True)
class ManagerDecision:
    """A case on the manager's decision list, and what stopped its contact round."""

    case: Case
    why: str


def cases_a_manager_decides(user: User, limit: int = 200) -> list[ManagerDecision]:
    """Cases the hub is to contact with no call and no invitation pending
    (contact.invariant.awaiting_a_manager), oldest first: each waits for a manager's
    decision, with what stopped the round: a victim who can be neither phoned nor written
    to (contact.services.contact_path), or calling rules that leave no attempt."""
    cases = (
        awaiting_a_manager(casework_for(user))
        .select_related("person", "allocated_to")
        .order_by("created_at", "pk")[:limit]
    )
    return [
        ManagerDecision(
            case,
            "It is not safe or not possible to phone them, or to write to them."
            if contact_path(case) == ContactPath.MANAGER_DECISION
            else "The calling rules leave no further attempt.",
        )
        for case in cases
    ]


def invite_expires_at(case: Case) -> datetime | None:
    """When a victim invited by letter to call is taken to be no contact, if that is due."""
    return (
        case.scheduled.filter(kind=ItemKind.INVITE_EXPIRED, state=ItemState.DUE)
        .order_by("-due_at")
        .values_list("due_at", flat=True)
        .first()
    )


def letters_with_checks(case: Case) -> list[Letter]:
    """The case's letters, oldest first, each marked `awaiting_check` when it waits for a
    VCC's safety check (contact.letter_checks, issue 12), with who approved or stopped it."""
    letters = list(
        case.letters.defer("pdf", "text")
        .select_related("approved_by", "stopped_by")
        .order_by("created_at")
    )
    for letter in letters:
        letter.case = case
        letter.awaiting_check = waiting_for_check(letter)
    return letters


def stalled_in(check: StallCheck | None, user: User) -> list[Case]:
    """The cases the latest daily check found with no next step (contact.invariant) that
    this user may open, by reference and status only (the team page names nobody)."""
    if check is None or not check.stalled_case_ids:
        return []
    return list(
        casework_for(user)
        .filter(pk__in=check.stalled_case_ids)
        .select_related("allocated_to")
        .order_by("pk")
    )
