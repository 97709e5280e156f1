"""What follows triage in the demo year, route by route.

A letter-only victim may come back after the letter (contact.services.
record_victim_got_in_touch); a case for hub contact is called (demo.year.contact). A case
the hub did not support (letter only, high risk, supported elsewhere, no contact, declined,
signposted) closes by itself after the working days its status allows (contact.closures,
`close_by_itself`): closed by nobody with the service's reason if that fell before the
"as of" moment, else with its CLOSE_CASE row still due. No service steps a high-risk case
down to the hub in the demo yet.

So that the rest of the year comes out draw for draw as before (and its figures can be
compared), the random draws the closing and step-down of earlier demo years took are still
taken and thrown away (`unsupported_case_left_open`, `_step_down_draws`).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from cases.workflow import CaseStatus
from contact.closures import automatic_closure_reason, closes_at, closure_key, closure_payload
from contact.services import got_in_touch_reason
from demo.year.contact import ACCEPT_BASE
from demo.year.history import Timeline
from demo.year.plans import CasePlan
from demo.year.rows import Rows
from scheduling.models import ItemKind

S = CaseStatus

LETTER_RESPONSE = 0.015
# The draws of moves no service makes yet (see the module's docstring).
HIGH_RISK_STEP_DOWN = 0.06
LETTER_ONLY_CLOSED_AFTER = timedelta(days=28, hours=2)


class ScratchIds:
    """Ids for rows that are built only for their draws and never written."""

    n = 0

    def take(self, model: type) -> int:
        self.n -= 1
        return self.n


class Triaged(Timeline):
    """After triage, route by route (a mixin of demo.year.engine.Generator)."""

    def after_triage(self, rows: Rows, cp: CasePlan) -> None:
        case = cp.case
        t = case.referred_at
        if cp.status == S.LETTER_ONLY:
            if self.rng.random() < LETTER_RESPONSE:
                back = self.later(t, 3, 25)
                if back < self.as_of:
                    case.responded_to_letter = True
                    case.allocated_to = self.vcc()
                    self.move(rows, cp, S.AWAITING_CONTACT, back, case.allocated_to,
                              got_in_touch_reason(S.LETTER_ONLY))
                    self.contact(rows, cp, back, accept=0.45, got_in_touch=True)
                    return
            self.unsupported_case_left_open(cp, closes_at=t + LETTER_ONLY_CLOSED_AFTER)
            self.close_by_itself(rows, cp, t)
        elif cp.status == S.HIGH_RISK:
            if self.rng.random() < HIGH_RISK_STEP_DOWN:
                down = self.later(t, 14, 60)
                if down < self.as_of:
                    self._step_down_draws(cp, down)
                    self.close_by_itself(rows, cp, t)
                    return
            self.unsupported_case_left_open(cp, at=t, lo_days=60, hi_days=120)
            self.close_by_itself(rows, cp, t)
        elif cp.status == S.SUPPORTED_ELSEWHERE:
            case.allocated_to = self.vcc()
            self.unsupported_case_left_open(cp, at=t, lo_days=7, hi_days=21)
            self.close_by_itself(rows, cp, t)
        elif cp.status == S.AWAITING_CONTACT:
            accept = ACCEPT_BASE + (0.05 if case.enhanced_entitlement else -0.05)
            self.contact(rows, cp, t, accept=accept)

    def close_by_itself(self, rows: Rows, cp: CasePlan, entered: datetime) -> None:
        """A case that entered a status the hub closes by itself at `entered`, as
        contact.closures leaves it: closed (by nobody, with its reason) once the working
        days have passed before the "as of" moment; else with its CLOSE_CASE row due."""
        status, when = cp.status, closes_at(cp.status, entered)
        if when < self.as_of:
            self.move(rows, cp, S.CLOSED, when, None, automatic_closure_reason(status))
        else:
            self.due(rows, cp, ItemKind.CLOSE_CASE, when,
                     closure_key(cp.case.pk, cp.n_transitions),
                     payload=closure_payload(status, cp.n_transitions), created_at=entered)

    def unsupported_case_left_open(self, cp: CasePlan | None = None, *,
                                   at: datetime | None = None, lo_days: int = 0,
                                   hi_days: int = 0, closes_at: datetime | None = None) -> None:
        """The draws the closing of a case the hub did not support took in earlier demo
        years, thrown away (close_by_itself closes it now): when it fell `lo_days` to
        `hi_days` after `at`, or at `closes_at`; by a VCC drawn when nobody held the case."""
        if closes_at is None and at is not None:
            closes_at = self.later(at, lo_days, hi_days)
        if cp is not None and closes_at is not None and closes_at < self.as_of \
                and cp.case.allocated_to is None:
            self.vcc()

    def _step_down_draws(self, cp: CasePlan, down: datetime) -> None:
        """The draws of a step-down from MASH / Public Protection to the hub and the contact
        that followed it, made on a copy of the case into rows that are never written: no
        service steps a case down yet, so the case stays high risk."""
        scratch_case = copy.copy(cp.case)
        scratch_case.allocated_to = self.vcc()
        self.rng.choice(self.staff.managers)
        scratch = CasePlan(owner=cp.owner, case=scratch_case, crime=cp.crime,
                           markers=cp.markers, crime_type=cp.crime_type, answers=cp.answers,
                           status=S.AWAITING_CONTACT, safe_to_write=cp.safe_to_write,
                           n_transitions=cp.n_transitions + 1)
        self.contact(Rows(ScratchIds()), scratch, down, accept=0.6)
