"""The only code that makes or changes a victim's entitlement rows and justice events.

- `sync_entitlements(case)` makes the rows for the rights that now apply (rights.rules) and
  moves the due time of those not yet recorded; it is idempotent and runs whenever something
  that makes a right apply happens (a justice event, a complaint, a changed due time);
  `open_entitlements` makes a new case's rows in one INSERT.
- `record_evidence` records that a right was met, declined, missed or does not apply, by hub
  staff or the police; `record_hub_evidence` is the hub's own work evidencing a right.
- `record_justice_event` adds a step of the justice process (a retry records nothing new).

Each decides in memory and then saves: `starts_of` and `entitlement_changes` (the rows a
case's events call for), `check_evidence` and `evidence_change`, `hub_evidence_change`,
`new_justice_event` decide; the functions above save. rights.bulk asks the deciding ones the
same questions for many cases at once (the demo year), so each rule has this one home.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiClient, User
from cases.models import Case
from core.bulk import insert_rows
from core.errors import DomainError
from core.working_days import end_of_working_day
from rights.models import (
    Entitlement,
    EvidenceSource,
    EvidenceStatus,
    JusticeEvent,
    JusticeStage,
)
from rights.rules import COMPLAINT, REFERRAL, REPORTED, RULES, Rule, rule_for


def _stage_time(day: date) -> datetime:
    """A justice event is known by its date: the clock starts at noon that day."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def starts_of(
    case: Case,
    justice: Iterable[tuple[str, date]] = (),
    first_complaint: tuple[datetime, datetime] | None = None,
) -> dict[str, datetime]:
    """When each thing that can make a right apply first happened on this case: its referral,
    the crime reported, the steps of the justice process (`justice`, (stage, day) in date
    order) and the first complaint ((received at, answer due at))."""
    starts: dict[str, datetime] = {REFERRAL: case.referred_at}
    if case.crime_id is not None:
        starts[REPORTED] = case.referred_at
    for stage, day in justice:
        starts.setdefault(stage, _stage_time(day))
    if first_complaint is not None:
        starts[COMPLAINT] = first_complaint[0]
        starts[f"{COMPLAINT}_due"] = first_complaint[1]
    return starts


def _starts(case: Case, *, new: bool = False) -> dict[str, datetime]:
    """`starts_of` the case as the database has it (`new`: the case was created in this
    transaction, so it has no justice event or complaint yet)."""
    if new:
        return starts_of(case)
    justice = case.justice_events.order_by("occurred_on").values_list("stage", "occurred_on")
    first_complaint = (
        case.complaints.order_by("received_at").values_list("received_at", "answer_due_at")
        .first()
    )
    return starts_of(case, justice, first_complaint)


def due_at(rule: Rule, case: Case, start: datetime, starts: dict[str, datetime]) -> datetime | None:
    """When a right is due for this case (None: the Code sets no time limit)."""
    days = rule.working_days
    if days is None:
        return starts.get(f"{COMPLAINT}_due") if COMPLAINT in rule.starts else None
    if isinstance(days, str):  # CONTACT_DEADLINE
        return case.contact_due_at
    enhanced, standard = days
    return end_of_working_day(start, enhanced if case.enhanced_entitlement else standard)


def entitlement_changes(
    case: Case, starts: dict[str, datetime], existing: dict[int, Entitlement]
) -> tuple[list[Entitlement], list[Entitlement]]:
    """Decided in memory, saved by the caller: the rows to make for the rights that apply to
    the case now (`starts`, `starts_of`), and those of `existing` (by right) still to be
    recorded whose start or due time moves (moved on the instances). Rows already recorded
    are left as they are."""
    new: list[Entitlement] = []
    moved: list[Entitlement] = []
    for right, rule in RULES.items():
        begun = [starts[s] for s in rule.starts if s in starts]
        if not begun:
            continue
        start = min(begun)
        due = due_at(rule, case, start, starts)
        row = existing.get(right)
        if row is None:
            new.append(Entitlement(case=case, right=right, applies_from=start, due_at=due))
        elif row.status == EvidenceStatus.DUE and (row.applies_from, row.due_at) != (start, due):
            row.applies_from, row.due_at = start, due
            moved.append(row)
    return new, moved


@transaction.atomic
def sync_entitlements(case: Case) -> list[Entitlement]:
    """Make the rows for the rights that apply to the case now, and set the start and due
    time of those still to be recorded. Rows already recorded are left as they are."""
    existing = {row.right: row for row in case.entitlements.all()}
    new, moved = entitlement_changes(case, _starts(case), existing)
    for row in moved:
        row.save(update_fields=["applies_from", "due_at", "updated_at"])
    Entitlement.objects.bulk_create(new)
    return sorted([*existing.values(), *new], key=lambda row: row.right)


class KnownEvidence(Protocol):
    right: int
    at: datetime
    status: str
    how: str
    reason: str
    source: str


def open_entitlements(case: Case, known: Iterable[KnownEvidence] = ()) -> list[Entitlement]:
    """The rows of a case created in this transaction (the case's post_save, inside the
    transaction that opens it): one INSERT, with what the case already evidences (`known`,
    rights.evidence.from_case: its route, the IVNA's answers) recorded in it. A new case has
    no justice event, complaint or row to read."""
    return Entitlement.objects.bulk_create(entitlement_rows(case, known))


def open_entitlements_for(cases: Iterable[tuple[Case, Iterable[KnownEvidence]]]) -> None:
    """open_entitlements for many cases created in this transaction: one INSERT."""
    insert_rows([row for case, known in cases for row in entitlement_rows(case, known)])


def entitlement_rows(case: Case, known: Iterable[KnownEvidence] = ()) -> list[Entitlement]:
    """The rows open_entitlements writes for a new case, not yet saved."""
    rows, _ = entitlement_changes(case, _starts(case, new=True), {})
    evidence = {int(item.right): item for item in known}
    now = timezone.now()
    for row in rows:
        item = evidence.get(row.right)
        if item is not None:
            row.status, row.recorded_at, row.source = item.status, now, item.source
            row.met_at = item.at if item.status == EvidenceStatus.MET else None
            row.how, row.reason = item.how[:200], item.reason[:300]
    return rows


RECORDABLE = (
    EvidenceStatus.MET,
    EvidenceStatus.DECLINED,
    EvidenceStatus.MISSED,
    EvidenceStatus.NOT_APPLICABLE,
)


def check_evidence(
    right: int, *, status: str, at: datetime, how: str, reason: str, now: datetime
) -> None:
    """What `record_evidence` refuses (DomainError), whichever way the evidence comes."""
    if int(right) not in RULES:
        raise DomainError("There is no such right in the Victims' Code.", field="right")
    if status not in RECORDABLE:
        raise DomainError("Choose what happened.", field="status")
    if at > now:
        raise DomainError("The date cannot be in the future.", field="at")
    if status in (EvidenceStatus.MISSED, EvidenceStatus.NOT_APPLICABLE) and not reason.strip():
        raise DomainError("Say why.", field="reason")
    if status == EvidenceStatus.MET and not how.strip():
        raise DomainError("Say how the right was met.", field="how")


def not_applying_yet(right: int) -> DomainError:
    return DomainError(
        f"{rule_for(right).right.label} does not apply to this case yet: record the step "
        "of the justice process that makes it apply first.",
        field="right",
    )


def evidence_change(
    row: Entitlement,
    *,
    status: str,
    at: datetime,
    at_given: bool,
    how: str,
    reason: str,
    by: User | None,
    client: ApiClient | None,
    now: datetime,
) -> bool:
    """Put the evidence on the row in memory (the caller saves it); False, and the row left
    as it is, when it is a retry of the evidence the row already holds."""
    met_at = at if status == EvidenceStatus.MET else None
    source = EvidenceSource.STAFF if by is not None else EvidenceSource.POLICE_API
    # Without a time "now" is meant: a retry of it is the same evidence, a moment later.
    same = (
        (row.status, row.how, row.reason, row.source)
        == (status, how.strip(), reason.strip(), source)
        and (row.met_at == met_at or not at_given)
        and (row.recorded_by_id, row.recorded_by_client_id)
        == (by.pk if by else None, client.pk if client else None)
    )
    if same:  # a retry of the same evidence (the police API): nothing new to record
        return False
    row.status = status
    row.recorded_at = now
    row.met_at = met_at
    row.how = how.strip()
    row.reason = reason.strip()
    row.source = source
    row.recorded_by = by
    row.recorded_by_client = client
    return True


@transaction.atomic
def record_evidence(
    case: Case,
    right: int,
    *,
    status: str,
    at: datetime | None = None,
    how: str = "",
    reason: str = "",
    by: User | None = None,
    client: ApiClient | None = None,
) -> Entitlement:
    """Record a right as met (when and how), declined by the victim, missed (why) or not
    applying (why), by a member of staff (`by`) or the police through the API (`client`).
    A later record replaces an earlier one; the history keeps both."""
    if (by is None) == (client is None):
        raise ValueError("record_evidence needs exactly one of by= or client=")
    now = timezone.now()
    at_given = at is not None
    at = at or now
    check_evidence(right, status=status, at=at, how=how, reason=reason, now=now)
    sync_entitlements(case)
    row = (
        Entitlement.objects.select_for_update().filter(case=case, right=int(right)).first()
    )
    if row is None:
        raise not_applying_yet(right)
    if evidence_change(row, status=status, at=at, at_given=at_given, how=how, reason=reason,
                       by=by, client=client, now=now):
        row.save()
    return row


def record_hub_evidence(
    case: Case,
    right: int,
    *,
    at: datetime,
    how: str = "",
    status: str = EvidenceStatus.MET,
    reason: str = "",
    source: str = EvidenceSource.HUB,
) -> Entitlement | None:
    """The hub's own work met a right (a letter in the victim's language, the needs
    assessment, compensation information in the plan...), or showed the victim declined it
    or that it does not apply. The first such event is the evidence; a right already
    recorded by anyone is left as it is. Returns the row, None when it was not due."""
    sync_entitlements(case)
    done = record_hub_evidence_for(
        [case.pk], right, at=at, how=how, status=status, reason=reason, source=source
    )
    return case.entitlements.get(right=int(right)) if done else None


# The rows the hub's own evidence may fill: those nobody has recorded yet (the first event
# is the evidence).
OPEN_TO_HUB_EVIDENCE = EvidenceStatus.DUE


def hub_evidence_fields(
    *, at: datetime, how: str, status: str, reason: str, source: str, now: datetime
) -> dict[str, object]:
    """What the hub's own evidence writes on a row still open to it."""
    if status not in RECORDABLE:
        raise ValueError(f"not a recordable status: {status}")
    return {
        "status": status,
        "recorded_at": now,
        "met_at": at if status == EvidenceStatus.MET else None,
        "how": how[:200],
        "reason": reason[:300],
        "source": source,
        "recorded_by": None,
        "recorded_by_client": None,
        "updated_at": now,
    }


def hub_evidence_change(
    row: Entitlement,
    *,
    at: datetime,
    how: str = "",
    status: str = EvidenceStatus.MET,
    reason: str = "",
    source: str = EvidenceSource.HUB,
    now: datetime,
) -> bool:
    """`record_hub_evidence_for` on a row in memory (the caller saves it): False when the
    row is not open to it."""
    fields = hub_evidence_fields(at=at, how=how, status=status, reason=reason, source=source,
                                 now=now)
    if row.status != OPEN_TO_HUB_EVIDENCE:
        return False
    for name, value in fields.items():
        setattr(row, name, value)
    return True


def record_hub_evidence_for(
    case_ids: list[int],
    right: int,
    *,
    at: datetime,
    how: str = "",
    status: str = EvidenceStatus.MET,
    reason: str = "",
    source: str = EvidenceSource.HUB,
) -> int:
    """`record_hub_evidence` for the rows these cases already have (made when each case
    opened), in one conditional UPDATE of those still due: the form the hub's own events
    use (rights.receivers), so that a letter, a call or an assessment costs one query
    whatever the right's state, and a print run of many letters one for them all. The
    history (pghistory's triggers) keeps each row's change. Returns how many rows moved."""
    fields = hub_evidence_fields(at=at, how=how, status=status, reason=reason, source=source,
                                 now=timezone.now())
    if not case_ids:
        return 0
    return Entitlement.objects.filter(
        case_id__in=case_ids, right=int(right), status=OPEN_TO_HUB_EVIDENCE
    ).update(**fields)


def reopen_hub_evidence(case: Case, right: int, *, reason: str) -> int:
    """Take back what the hub's own records said (`reason`: the words they recorded), when
    what they said no longer holds: Right 4 did not apply to a case managed by the MASH, and
    the case has stepped down to the hub. Evidence recorded by staff or the police stays."""
    return Entitlement.objects.filter(
        case=case, right=int(right), source=EvidenceSource.HUB, reason=reason
    ).exclude(status=EvidenceStatus.DUE).update(
        status=EvidenceStatus.DUE, recorded_at=None, met_at=None, how="", reason="",
        source="", updated_at=timezone.now(),
    )


def new_justice_event(
    case: Case,
    stage: str,
    occurred_on: date,
    *,
    detail: str = "",
    by: User | None = None,
    client: ApiClient | None = None,
) -> JusticeEvent:
    """A step of the justice process as `record_justice_event` makes it, in memory (the
    caller saves it); DomainError for a step it refuses."""
    if (by is None) == (client is None):
        raise ValueError("record_justice_event needs exactly one of by= or client=")
    if stage not in JusticeStage.values:
        raise DomainError("Choose a step of the justice process.", field="stage")
    if occurred_on > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field="occurred_on")
    return JusticeEvent(
        case=case,
        stage=stage,
        occurred_on=occurred_on,
        detail=detail.strip(),
        source=EvidenceSource.STAFF if by is not None else EvidenceSource.POLICE_API,
        recorded_by=by,
        recorded_by_client=client,
    )


@transaction.atomic
def record_justice_event(
    case: Case,
    stage: str,
    occurred_on: date,
    *,
    detail: str = "",
    by: User | None = None,
    client: ApiClient | None = None,
) -> tuple[JusticeEvent, bool]:
    """Add a step of the justice process; (event, created). The same step on the same day
    again (a retry) returns the first."""
    made = new_justice_event(case, stage, occurred_on, detail=detail, by=by, client=client)
    event, created = JusticeEvent.objects.get_or_create(
        case=case,
        stage=stage,
        occurred_on=occurred_on,
        defaults={
            "detail": made.detail,
            "source": made.source,
            "recorded_by": by,
            "recorded_by_client": client,
        },
    )
    if created:
        sync_entitlements(case)
    return event, created
