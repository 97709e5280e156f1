"""A case's timeline in the demo year: status changes as the state machine allows them, and
work left due at the "as of" moment as the services schedule it."""

from __future__ import annotations

from datetime import datetime

from accounts.models import User
from cases.models import CaseTransition
from cases.workflow import CaseStatus, is_allowed
from demo.year.clock import Clock
from demo.year.plans import CasePlan, Staff
from demo.year.rows import Rows
from scheduling.models import ItemRun, ItemState, ScheduledItem

S = CaseStatus


class IllegalDemoMove(RuntimeError):
    """The demo tried a move the state machine does not allow (a bug in the demo)."""


class Timeline(Clock):
    """Status changes and due work (a mixin of demo.year.engine.Generator)."""

    staff: Staff

    def move(self, rows: Rows, cp: CasePlan, to: str, at: datetime, by: User | None,
             reason: str) -> None:
        """A status change as cases.services.transition_case (or open_case, for the first
        two rows) writes it: only a move cases.workflow.TRANSITIONS allows, with the reason
        the service that makes the move gives (passed in from that service's own text)."""
        frm = cp.status
        if frm == "" and to != S.RECEIVED:
            raise IllegalDemoMove(f"A case starts as received, not {to}")
        if frm != "" and not is_allowed(frm, to):
            raise IllegalDemoMove(f"Illegal move {frm} -> {to}")
        rows.add(CaseTransition(case=cp.case, from_status=frm, to_status=to, by=by, at=at,
                                reason=reason))
        cp.n_transitions += 1
        cp.status = to
        cp.case.status = to
        cp.case.updated_at = max(cp.case.updated_at, at)
        if to in (S.CLOSED, S.TRANSFERRED_OUT):
            cp.case.closed_at = at
        else:
            cp.case.closed_at = None

    def vcc(self) -> User:
        return self.rng.choice(self.staff.vccs)

    def due(self, rows: Rows, cp: CasePlan, kind: str, due_at: datetime, key: str,
            deadline_at: datetime | None = None, target: int | None = None,
            created_at: datetime | None = None, payload: dict | None = None) -> None:
        """Work still due at the "as of" moment, as scheduling.services.schedule leaves it
        (the key from the scheduling service's own key function)."""
        rows.add(ScheduledItem(kind=kind, case=cp.case, target_id=target, due_at=due_at,
                               deadline_at=deadline_at, dedupe_key=key, payload=payload or {},
                               created_at=created_at or min(due_at, self.as_of)))

    def ran(self, rows: Rows, cp: CasePlan, kind: str, due_at: datetime, key: str, *,
            done_at: datetime, target: int | None = None) -> None:
        """Machine work the dispatcher ran before the "as of" moment (scheduling.services.
        run_item): done, so nothing of the past fires when the scheduler starts."""
        item = rows.add(ScheduledItem(kind=kind, case=cp.case, target_id=target, due_at=due_at,
                                      dedupe_key=key, state=ItemState.DONE,
                                      dispatched_at=due_at, runs=1, done_at=done_at,
                                      created_at=due_at))
        rows.add(ItemRun(item=item, ran_at=done_at, worker="generate_demo_data"))
