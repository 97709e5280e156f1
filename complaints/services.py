"""The complaints log's changes: record, acknowledge, answer. Each is one function in one
transaction; a bad move raises core.errors.DomainError and saves nothing.

Rule (Victims' Code 2020, right 12): a victim may complain if their rights under the Code
are not met, and the service complained about must acknowledge the complaint and answer
it. The hub acknowledges within HUB_COMPLAINT_ACKNOWLEDGE_WORKING_DAYS and answers within
HUB_COMPLAINT_ANSWER_WORKING_DAYS working days of receipt (bank holidays in England do not
count: core.working_days), by 17:00 on the last day.
"""

from __future__ import annotations

from datetime import datetime

import pghistory
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_manager
from cases.models import Case
from cases.victims_code import VictimsCodeRight
from complaints.models import ComplainantKind, Complaint, HubService, Outcome, ReceivedBy
from core.errors import ILLEGAL_TRANSITION, DomainError
from core.working_days import end_of_working_day


def due_times(received_at: datetime) -> tuple[datetime, datetime]:
    """(acknowledge by, answer by) for a complaint received at `received_at`."""
    return (
        end_of_working_day(received_at, settings.HUB_COMPLAINT_ACKNOWLEDGE_WORKING_DAYS),
        end_of_working_day(received_at, settings.HUB_COMPLAINT_ANSWER_WORKING_DAYS),
    )


def _not_in_future(when: datetime, field: str, words: str) -> None:
    if when > timezone.now():
        raise DomainError(f"The date {words} cannot be in the future.", field=field)


def _require_manager(by: User) -> None:
    """Only a hub manager acknowledges and answers a complaint: a complaint may be about a
    VCC's own work, so the answer comes from the person accountable for the service."""
    if not is_manager(by):
        raise DomainError("Only a hub manager can acknowledge or answer a complaint.")


@transaction.atomic
def record_complaint(
    *,
    by: User,
    received_at: datetime,
    how: str,
    from_whom: str,
    summary: str,
    about_right: int | None = None,
    about_service: str = "",
    complainant_name: str = "",
    complainant_contact: str = "",
    case: Case | None = None,
) -> Complaint:
    """Log a complaint as it was received, with its acknowledge-by and answer-by times.

    Any member of the hub's casework staff may record one (whoever takes the call); it must
    say what it is about (a Victims' Code right, a part of the hub's service, or both), and
    who made it: a complaint from someone other than the victim of a case named here needs
    their name, so the answer can reach them.
    """
    errors: dict[str, str] = {}
    if how not in ReceivedBy.values:
        errors["how"] = "Choose how the complaint was received."
    if from_whom not in ComplainantKind.values:
        errors["from_whom"] = "Choose who made the complaint."
    if about_right is not None and about_right not in VictimsCodeRight.values:
        errors["about_right"] = "Choose a right of the Victims' Code."
    if about_service and about_service not in HubService.values:
        errors["about_service"] = "Choose a part of the hub's service."
    if about_right is None and not about_service:
        errors["about_right"] = (
            "Say what the complaint is about: a right of the Victims' Code, a part of the "
            "hub's service, or both."
        )
    if not summary.strip():
        errors["summary"] = "Enter what the complaint is about."
    named_victim = from_whom == ComplainantKind.VICTIM and case is not None
    if not complainant_name.strip() and not named_victim:
        errors["complainant_name"] = "Enter the name of the person who complained."
    if received_at > timezone.now():
        errors["received_at"] = "The date received cannot be in the future."
    if errors:
        raise DomainError("; ".join(errors.values()), fields=errors)
    acknowledge_due_at, answer_due_at = due_times(received_at)
    with pghistory.context(user=by.pk, via="complaints:record"):
        return Complaint.objects.create(
            received_at=received_at,
            how=how,
            from_whom=from_whom,
            summary=summary.strip(),
            about_right=about_right,
            about_service=about_service,
            complainant_name=complainant_name.strip(),
            complainant_contact=complainant_contact.strip(),
            case=case,
            acknowledge_due_at=acknowledge_due_at,
            answer_due_at=answer_due_at,
            recorded_by=by,
        )


@transaction.atomic
def acknowledge_complaint(
    *, complaint: Complaint, by: User, acknowledged_at: datetime | None = None
) -> Complaint:
    """Record that the complainant was told their complaint was received (by a manager,
    once, not before it was received). The manager becomes its handler."""
    _require_manager(by)
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.acknowledged_at is not None:
        raise DomainError("This complaint has already been acknowledged.",
                          code=ILLEGAL_TRANSITION)
    when = acknowledged_at or timezone.now()
    _not_in_future(when, "acknowledged_at", "acknowledged")
    if when < locked.received_at:
        raise DomainError("A complaint cannot be acknowledged before it was received.",
                          field="acknowledged_at")
    with pghistory.context(user=by.pk, via="complaints:acknowledge"):
        locked.acknowledged_at = when
        locked.handled_by = locked.handled_by or by
        locked.save(update_fields=["acknowledged_at", "handled_by"])
    return locked


@transaction.atomic
def answer_complaint(
    *,
    complaint: Complaint,
    by: User,
    outcome: str,
    learning: str = "",
    answered_at: datetime | None = None,
) -> Complaint:
    """Record the hub's answer: the outcome and what the hub learnt (required when the
    complaint was upheld, even in part). Once only, by a manager.

    An answer sent before any acknowledgement is the acknowledgement too (the complainant
    heard from the hub at that moment), so it is recorded as acknowledged then: a full
    answer within the acknowledgement time meets both deadlines.
    """
    _require_manager(by)
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.answered_at is not None:
        raise DomainError("This complaint has already been answered.", code=ILLEGAL_TRANSITION)
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome."
    elif outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD) and not learning.strip():
        errors["learning"] = "Say what the hub will do differently: the complaint was upheld."
    when = answered_at or timezone.now()
    if when > timezone.now():
        errors["answered_at"] = "The date answered cannot be in the future."
    elif when < (locked.acknowledged_at or locked.received_at):
        errors["answered_at"] = (
            "A complaint cannot be answered before it was received or acknowledged."
        )
    if errors:
        raise DomainError("; ".join(errors.values()), fields=errors)
    with pghistory.context(user=by.pk, via="complaints:answer"):
        locked.answered_at = when
        locked.acknowledged_at = locked.acknowledged_at or when
        locked.outcome = outcome
        locked.learning = learning.strip()
        locked.handled_by = locked.handled_by or by
        locked.save(
            update_fields=["answered_at", "acknowledged_at", "outcome", "learning", "handled_by"]
        )
    return locked
