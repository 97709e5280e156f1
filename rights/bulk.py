"""One case's entitlement rows and justice events decided in memory, for a writer of many
cases at once (the demo year, demo.year.rights): what rights.services and rights.backfill
would make of the same calls, by their own deciding functions (no rule is restated here),
without a query.

A `CaseRights` starts from a case with no rows and no justice events (a case written in
bulk, which no event has seen), and its past read beforehand (rights.backfill.histories).
Each call changes the rows as the service of the same name would, and keeps every row's
successive states (`versions`): the first is the row as the service INSERTs it, each later
one an UPDATE it makes, so a writer that replays them has the audit triggers (pghistory)
record the same history as the services would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from operator import attrgetter

from django.db import models
from django.utils import timezone

from accounts.models import ApiClient, User
from cases.models import Case
from rights.backfill import CaseHistory, evidence_in
from rights.models import Entitlement, EvidenceSource, EvidenceStatus, JusticeEvent
from rights.services import (
    check_evidence,
    entitlement_changes,
    evidence_change,
    hub_evidence_change,
    new_justice_event,
    not_applying_yet,
    starts_of,
)

# The columns of a row, in the table's order: its id and case, then its state (`versions`).
COLUMNS = tuple(f.attname for f in Entitlement._meta.concrete_fields)
assert COLUMNS[:2] == ("id", "case_id")  # noqa: S101 - what `row_values` relies on
STATE = COLUMNS[2:]
# Its moments, which the database gives back in UTC (whatever zone they were saved in).
MOMENTS = tuple(
    f.attname for f in Entitlement._meta.concrete_fields if isinstance(f, models.DateTimeField)
)


def as_stored(row: Entitlement) -> Entitlement:
    """The row as the services read it back (what the next step of a story reads): its
    moments in UTC, so that arithmetic across a change of the clocks gives the same answer."""
    for name in MOMENTS:
        value = getattr(row, name)
        if value is not None:
            setattr(row, name, value.astimezone(UTC))
    return row


state_of = attrgetter(*STATE)  # a row's state, as a tuple


def row_values(row: Entitlement, state: tuple) -> tuple:
    """The row as it was in one of its states, column by column (COLUMNS), to write."""
    return (row.pk, row.case_id, *state)


class CaseRights:
    """A case's rights as the services would leave them, in memory. `now` stands for the
    moment of each service call (the time they stamp on what they record)."""

    def __init__(self, case: Case, history: CaseHistory, *, now: datetime | None = None):
        self.case = case
        self.history = history
        first = history.complaints[0] if history.complaints else None
        self.first_complaint = (first.received_at, first.answer_due_at) if first else None
        self.now = now or timezone.now()
        self.rows: dict[int, Entitlement] = {}  # by right
        self.created: list[Entitlement] = []  # in the order the services INSERT them
        self.versions: dict[int, list[tuple]] = {}  # by right: the row's states, in order
        self.events: list[JusticeEvent] = []
        self._synced: tuple | None = None  # the justice steps the rows were last synced to

    def _changed(self, row: Entitlement) -> None:
        row.updated_at = self.now
        as_stored(row)
        self.versions[row.right].append(state_of(row))

    def sync_entitlements(self) -> list[Entitlement]:
        """rights.services.sync_entitlements. What it decides depends on the case and its
        complaints (which a story does not change), its justice steps and its rows' start
        and due times, which only it sets: with the same steps as the last time, it has
        nothing to change."""
        justice = tuple(sorted(((e.stage, e.occurred_on) for e in self.events),
                               key=lambda step: step[1]))
        if justice != self._synced:
            self._synced = justice
            starts = starts_of(self.case, justice, self.first_complaint)
            new, moved = entitlement_changes(self.case, starts, self.rows)
            for row in moved:
                self._changed(row)
            for row in new:
                row.updated_at = self.now
                as_stored(row)
                self.rows[row.right] = row
                self.created.append(row)
                self.versions[row.right] = [state_of(row)]
        return sorted(self.rows.values(), key=lambda row: row.right)

    def record_hub_evidence_for(self, right: int, *, at: datetime, how: str = "",
                                status: str = EvidenceStatus.MET, reason: str = "",
                                source: str = EvidenceSource.HUB) -> bool:
        """rights.services.record_hub_evidence_for, for this case: True if it moved."""
        row = self.rows.get(int(right))
        if row is None or not hub_evidence_change(row, at=at, how=how, status=status,
                                                  reason=reason, source=source, now=self.now):
            return False
        self._changed(row)
        return True

    def record_hub_evidence(self, right: int, *, at: datetime, how: str = "",
                            status: str = EvidenceStatus.MET, reason: str = "",
                            source: str = EvidenceSource.HUB) -> Entitlement | None:
        """rights.services.record_hub_evidence: the row, None when it was not due."""
        self.sync_entitlements()
        done = self.record_hub_evidence_for(right, at=at, how=how, status=status,
                                            reason=reason, source=source)
        return self.rows[int(right)] if done else None

    def backfill_case(self) -> None:
        """rights.backfill.backfill_case."""
        self.sync_entitlements()
        for item in evidence_in(self.case, self.history):
            self.record_hub_evidence_for(item.right, at=item.at, how=item.how,
                                         status=item.status, reason=item.reason,
                                         source=item.source)

    def record_justice_event(self, stage: str, occurred_on: date, *, detail: str = "",
                             by: User | None = None,
                             client: ApiClient | None = None) -> tuple[JusticeEvent, bool]:
        """rights.services.record_justice_event."""
        made = new_justice_event(self.case, stage, occurred_on, detail=detail, by=by,
                                 client=client)
        for event in self.events:
            if (event.stage, event.occurred_on) == (stage, occurred_on):
                return event, False
        made.recorded_at = self.now
        self.events.append(made)
        self.sync_entitlements()
        return made, True

    def record_evidence(self, right: int, *, status: str, at: datetime | None = None,
                        how: str = "", reason: str = "", by: User | None = None,
                        client: ApiClient | None = None) -> Entitlement:
        """rights.services.record_evidence."""
        if (by is None) == (client is None):
            raise ValueError("record_evidence needs exactly one of by= or client=")
        at_given = at is not None
        at = at or self.now
        check_evidence(right, status=status, at=at, how=how, reason=reason, now=self.now)
        self.sync_entitlements()
        row = self.rows.get(int(right))
        if row is None:
            raise not_applying_yet(right)
        if evidence_change(row, status=status, at=at, at_given=at_given, how=how,
                           reason=reason, by=by, client=client, now=self.now):
            self._changed(row)
        return row
