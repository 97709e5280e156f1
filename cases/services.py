"""Writes to cases. Every state change of a case goes through `transition_case`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case, CaseTransition
from cases.selectors import earlier_cases, has_restricted_case
from cases.signals import case_moved, cases_opened
from cases.workflow import ENDED_STATUSES, TRANSITIONS, CaseStatus, allowed_moves
from core.bulk import insert_rows
from core.errors import ILLEGAL_TRANSITION, DomainError
from core.references import new_reference


@transaction.atomic
def transition_case(*, case: Case, to: str, by: User | None, reason: str = "") -> Case:
    """Move a case to another status, if the state machine allows it, and record the move.

    Rule: statuses and their allowed moves are one table (cases.workflow.TRANSITIONS); every
    move is stored with who, when, from, to and why (STYLE: "every change is a row"); the
    apps above hear of it in the same transaction (cases.signals.case_moved).
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if to not in TRANSITIONS.get(locked.status, {}):
        allowed = ", ".join(CaseStatus(s).label for s in allowed_moves(locked.status)) or "none"
        raise DomainError(
            f"A case that is '{CaseStatus(locked.status).label}' cannot move to "
            f"'{CaseStatus(to).label}'. Allowed: {allowed}.",
            code=ILLEGAL_TRANSITION,
        )
    now, frm = timezone.now(), locked.status
    CaseTransition.objects.create(
        case=locked,
        from_status=frm,
        to_status=to,
        by=by,
        at=now,
        reason=reason or TRANSITIONS[locked.status][to],
    )
    locked.status = to
    update = ["status", "updated_at"]
    if to in ENDED_STATUSES:
        locked.closed_at = now
        update.append("closed_at")
    elif locked.closed_at is not None:
        locked.closed_at = None
        update.append("closed_at")
    locked.save(update_fields=update)
    case.status, case.closed_at = locked.status, locked.closed_at
    case_moved.send(sender=Case, case=locked, from_status=frm, to_status=to, transitions=None)
    return case


RESTRICTED_FROM_START = (
    "Restricted from the start: this person has a restricted case, so their details are "
    "shown only to those who may open it."
)


def unused_reference() -> str:
    """A random case reference no case has (core.references.new_reference): one indexed
    lookup, so a clash (about one in three million at 300,000 cases) never reaches the
    unique constraint as an error."""
    while True:
        reference = new_reference()
        if not Case.objects.filter(reference=reference).exists():
            return reference


def open_case(
    *, to: str, by: User | None, received: str, reason: str, new_person: bool = False,
    **fields: Any,
) -> Case:
    """Create a new case already in its first status, with both rows of its timeline: how
    the referral reached the hub ("received") and the move out of it (the triage).

    Rule: every case's timeline starts with how the referral reached the hub, then the
    move the state machine allows out of "received" (cases.workflow.TRANSITIONS). A case
    that exists only in this transaction needs no lock and no second write for that move
    (transition_case): one INSERT of the case in its first status, one of both rows.

    Rule (issue 11): a person with any restricted case has every new case restricted from
    the start, or the new case would show the restricted case's address and phone to every
    VCC; the timeline's first row says why. Every way in (IVNA, transfer in, self-referral)
    opens its case here, so none can miss it. `new_person`: the person was created in this
    transaction (intake.matching.match_person), so has no other case and nothing is asked.
    """
    person = fields.get("person")
    if (
        person is not None
        and not new_person
        and not fields.get("restricted")
        and has_restricted_case(person)
    ):
        fields["restricted"] = True
        received = f"{received} {RESTRICTED_FROM_START}"
    fields.setdefault("reference", unused_reference())
    case, timeline = new_case_rows(to=to, by=by, received=received, reason=reason, **fields)
    case.save(force_insert=True)
    CaseTransition.objects.bulk_create(timeline)
    case_moved.send(sender=Case, case=case, from_status=CaseStatus.RECEIVED, to_status=to,
                    transitions=2)
    return case


def new_case_rows(
    *, to: str, by: User | None, received: str, reason: str, **fields: Any
) -> tuple[Case, list[CaseTransition]]:
    """A new case in its first status and both rows of its timeline, not yet saved (open_case
    and open_cases save them). Rule: see open_case."""
    if to not in TRANSITIONS[CaseStatus.RECEIVED]:
        raise DomainError(
            f"A new case cannot start as '{CaseStatus(to).label}'.", code=ILLEGAL_TRANSITION
        )
    now = fields.setdefault("referred_at", timezone.now())
    if to in ENDED_STATUSES:
        fields.setdefault("closed_at", now)
    case = Case(status=to, **fields)
    return case, [
        CaseTransition(case=case, from_status="", to_status=CaseStatus.RECEIVED, by=by, at=now,
                       reason=received),
        CaseTransition(case=case, from_status=CaseStatus.RECEIVED, to_status=to, by=by, at=now,
                       reason=reason or TRANSITIONS[CaseStatus.RECEIVED][to]),
    ]


def unused_references(count: int) -> list[str]:
    """`count` random case references, different from each other and from every case's
    (unused_reference for many cases): one query, and one more in the rare clash."""
    chosen: set[str] = set()
    while len(chosen) < count:
        fresh = {new_reference() for _ in range(count - len(chosen))} - chosen
        taken = set(Case.objects.filter(reference__in=fresh).values_list("reference", flat=True))
        chosen |= fresh - taken
    return list(chosen)


def open_cases(rows: list[tuple[Case, list[CaseTransition]]]) -> list[Case]:
    """open_case for many new cases of new people (new_case_rows's rows, each case with its
    reference, person and crime saved): two INSERTs, then cases.signals.cases_opened, whose
    receivers do what a new case's post_save and case_moved receivers do. A new person has no
    restricted case, so none is restricted from the start."""
    cases = [case for case, _ in rows]
    insert_rows(cases)
    insert_rows([row for _, timeline in rows for row in timeline])
    cases_opened.send(sender=Case, cases=cases)
    return cases


def _can_hold_casework(user: User) -> bool:
    return user.is_active and user.has_perm("cases.work_case")


@transaction.atomic
def allocate_case(*, case: Case, to: User | None, by: User) -> Case:
    """Give a case to a VCC (or back to the unallocated queue).

    Rule: a VCC may take an unallocated case for themselves; a hub manager allocates and
    reallocates any case (allocation is a manager's job, DOMAIN.md "Who uses it").
    """
    from accounts.roles import is_manager

    locked = Case.objects.select_for_update().get(pk=case.pk)
    manager = is_manager(by)
    if to is not None and not _can_hold_casework(to):
        raise DomainError(f"{to} does not work cases: choose a Victim Care Co-ordinator.")
    if not manager:
        taking = to == by and locked.allocated_to_id in (None, by.pk)
        if not taking:
            raise DomainError("Only a hub manager can allocate a case to someone else.")
    locked.allocated_to = to
    locked.save(update_fields=["allocated_to", "updated_at"])
    case.allocated_to = to
    return case


@transaction.atomic
def _check_reallocation(*, from_user: User, to_user: User | None, by: User) -> None:
    from accounts.roles import is_manager

    if not is_manager(by):
        raise DomainError("Only a hub manager can reallocate cases.")
    if to_user is not None and not _can_hold_casework(to_user):
        raise DomainError(f"{to_user} does not work cases: choose a Victim Care Co-ordinator.")
    if to_user is not None and to_user.pk == from_user.pk:
        raise DomainError("Choose someone else to cover these cases.")


def reallocate_open_cases(*, from_user: User, to_user: User | None, by: User) -> int:
    """Every open case of one member of staff to another (or to the queue): when they are
    deactivated (casework.team). A bulk update: the audit triggers still record each case's
    change."""
    from cases.workflow import OPEN_STATUSES

    _check_reallocation(from_user=from_user, to_user=to_user, by=by)
    return Case.objects.filter(allocated_to=from_user, status__in=OPEN_STATUSES).update(
        allocated_to=to_user, updated_at=timezone.now()
    )


@dataclass(frozen=True)
class Reallocation:
    """What a confirmed move did: the references moved, and each case shown that was not
    moved with why (reference, reason)."""

    moved: list[str]
    not_moved: list[tuple[str, str]]


@transaction.atomic
def reallocate_cases(
    *, case_ids: Collection[int], from_user: User, to_user: User | None, by: User
) -> Reallocation:
    """Cover for absence, confirmed: move exactly the cases the manager was shown and
    confirmed (issue 16), each only if it is still open and still allocated to `from_user`.
    A case that was closed or given to someone else since is left where it is and reported;
    a case given to `from_user` since the manager looked is not in `case_ids` and stays.
    The rows are locked, so a move made at the same moment waits and is then seen."""
    from cases.workflow import OPEN_STATUSES

    _check_reallocation(from_user=from_user, to_user=to_user, by=by)
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=case_ids)
        .select_related("allocated_to")
        .order_by("pk")
    )
    moved, not_moved = [], []
    for case in cases:
        if case.status not in OPEN_STATUSES:
            not_moved.append((case.reference, f"it is now '{case.get_status_display()}'"))
        elif case.allocated_to_id != from_user.pk:
            holder = case.allocated_to or "the unallocated queue"
            not_moved.append((case.reference, f"it is now with {holder}"))
        else:
            moved.append(case)
    Case.objects.filter(pk__in=[c.pk for c in moved]).update(
        allocated_to=to_user, updated_at=timezone.now()
    )
    return Reallocation([c.reference for c in moved], not_moved)


def flag_repeat_victim(*, case: Case) -> bool:
    """Flag a new case whose person had any other case, whatever its status, referred in the
    12 months before it (cases.selectors.earlier_cases), so nobody has to tell their story
    twice (2012 needs assessment, section 8; repeat victimisation is common, most of all in
    domestic abuse; issue 11: an open case counts as much as a closed one)."""
    repeat = earlier_cases(case).exists()
    if repeat and not case.repeat_victim:
        case.repeat_victim = True
        case.save(update_fields=["repeat_victim", "updated_at"])
    return repeat
