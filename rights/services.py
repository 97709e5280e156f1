"""The only code that makes or changes a victim's entitlement rows and justice events.

- `sync_entitlements(case)` makes the rows for the rights that now apply (rights.rules) and
  moves the due time of those not yet recorded; it is idempotent and runs whenever something
  that makes a right apply happens (the case opens, a justice event, a complaint).
- `record_evidence` records that a right was met, declined, missed or does not apply, by hub
  staff or the police; `record_hub_evidence` is the hub's own work evidencing a right.
- `record_justice_event` adds a step of the justice process (a retry records nothing new).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiClient, User
from cases.models import Case
from core.errors import DomainError
from core.working_days import end_of_working_day
from rights.models import (
    Entitlement,
    EvidenceSource,
    EvidenceStatus,
    JusticeEvent,
    JusticeStage,
)
from rights.rules import COMPLAINT, REFERRAL, RULES, Rule, rule_for


def _stage_time(day: date) -> datetime:
    """A justice event is known by its date: the clock starts at noon that day."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _starts(case: Case) -> dict[str, datetime]:
    """When each thing that can make a right apply first happened on this case."""
    starts: dict[str, datetime] = {REFERRAL: case.referred_at}
    for stage, day in case.justice_events.order_by("occurred_on").values_list(
        "stage", "occurred_on"
    ):
        starts.setdefault(stage, _stage_time(day))
    first_complaint = (
        case.complaints.order_by("received_at").values_list("received_at", "answer_due_at")
        .first()
    )
    if first_complaint is not None:
        starts[COMPLAINT] = first_complaint[0]
        starts[f"{COMPLAINT}_due"] = first_complaint[1]
    return starts


def due_at(rule: Rule, case: Case, start: datetime, starts: dict[str, datetime]) -> datetime | None:
    """When a right is due for this case (None: the Code sets no time limit)."""
    days = rule.working_days
    if days is None:
        return starts.get(f"{COMPLAINT}_due") if COMPLAINT in rule.starts else None
    if isinstance(days, str):  # CONTACT_DEADLINE
        return case.contact_due_at
    enhanced, standard = days
    return end_of_working_day(start, enhanced if case.enhanced_entitlement else standard)


@transaction.atomic
def sync_entitlements(case: Case) -> list[Entitlement]:
    """Make the rows for the rights that apply to the case now, and set the start and due
    time of those still to be recorded. Rows already recorded are left as they are."""
    starts = _starts(case)
    existing = {row.right: row for row in case.entitlements.all()}
    new: list[Entitlement] = []
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
            row.save(update_fields=["applies_from", "due_at", "updated_at"])
    Entitlement.objects.bulk_create(new)
    return sorted([*existing.values(), *new], key=lambda row: row.right)


RECORDABLE = (
    EvidenceStatus.MET,
    EvidenceStatus.DECLINED,
    EvidenceStatus.MISSED,
    EvidenceStatus.NOT_APPLICABLE,
)


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
    if int(right) not in RULES:
        raise DomainError("There is no such right in the Victims' Code.", field="right")
    if status not in RECORDABLE:
        raise DomainError("Choose what happened.", field="status")
    now = timezone.now()
    at = at or now
    if at > now:
        raise DomainError("The date cannot be in the future.", field="at")
    if status in (EvidenceStatus.MISSED, EvidenceStatus.NOT_APPLICABLE) and not reason.strip():
        raise DomainError("Say why.", field="reason")
    if status == EvidenceStatus.MET and not how.strip():
        raise DomainError("Say how the right was met.", field="how")
    sync_entitlements(case)
    row = (
        Entitlement.objects.select_for_update().filter(case=case, right=int(right)).first()
    )
    if row is None:
        raise DomainError(
            f"{rule_for(right).right.label} does not apply to this case yet: record the step "
            "of the justice process that makes it apply first.",
            field="right",
        )
    row.status = status
    row.recorded_at = now
    row.met_at = at if status == EvidenceStatus.MET else None
    row.how = how.strip()
    row.reason = reason.strip()
    row.source = EvidenceSource.STAFF if by is not None else EvidenceSource.POLICE_API
    row.recorded_by = by
    row.recorded_by_client = client
    row.save()
    return row


def record_hub_evidence(case: Case, right: int, *, at: datetime, how: str) -> Entitlement | None:
    """The hub's own work met a right (a letter in the victim's language, the needs
    assessment, compensation information in the plan...). The first such event is the
    evidence; a right already recorded by anyone is left as it is."""
    sync_entitlements(case)
    row = Entitlement.objects.filter(
        case=case, right=int(right), status=EvidenceStatus.DUE
    ).first()
    if row is None:
        return None
    row.status = EvidenceStatus.MET
    row.recorded_at = timezone.now()
    row.met_at = at
    row.how = how
    row.source = EvidenceSource.HUB
    row.save()
    return row


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
    if (by is None) == (client is None):
        raise ValueError("record_justice_event needs exactly one of by= or client=")
    if stage not in JusticeStage.values:
        raise DomainError("Choose a step of the justice process.", field="stage")
    if occurred_on > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field="occurred_on")
    event, created = JusticeEvent.objects.get_or_create(
        case=case,
        stage=stage,
        occurred_on=occurred_on,
        defaults={
            "detail": detail.strip(),
            "source": EvidenceSource.STAFF if by is not None else EvidenceSource.POLICE_API,
            "recorded_by": by,
            "recorded_by_client": client,
        },
    )
    if created:
        sync_entitlements(case)
    return event, created
