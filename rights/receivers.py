"""The events of other apps that make a right apply (rights.services.sync_entitlements) or
evidence one (rights.evidence says what each event evidences). Connected in
RightsConfig.ready; they run inside the saving transaction, so a case is never open without
its entitlement rows, and a letter, call or assessment never without its evidence.

Each receiver costs at most one conditional UPDATE per right it evidences, and none for an
event that evidences nothing (a failed call, a letter not yet sent), so the intake, letter
and call paths stay bounded (tests/rights/test_hub_evidence.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from assessments.models import Dvna, PlanAction
from cases.choices import Route
from cases.models import Case
from cases.signals import case_moved
from complaints.models import Complaint
from contact.models import ContactAttempt, Letter
from contact.signals import letters_sent
from intake.models import Ivna
from rights import evidence
from rights.services import (
    open_entitlements,
    record_hub_evidence_for,
    reopen_hub_evidence,
    sync_entitlements,
)

# A save that may move a due time: the case opened, or its route, enhanced entitlement or
# contact deadline changed (an IVNA amendment); a save naming other fields cannot.
DUE_FIELDS = frozenset(
    {"route", "enhanced_entitlement", "contact_due_at", "referred_at", "crime"}
)
# A save that may change what the case itself says about Right 4 (rights.evidence.from_case).
ROUTE_FIELDS = frozenset({"route", "supported_elsewhere", "declined_contact_at_ivna"})


def _record(case_ids: list[int], found: list[evidence.Evidence]) -> None:
    for item in found:
        record_hub_evidence_for(
            case_ids, item.right, at=item.at, how=item.how, status=item.status,
            reason=item.reason, source=item.source,
        )


@receiver(post_save, sender=Case, dispatch_uid="rights_case_saved")
def case_saved(sender: type[Case], instance: Case, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw"):
        return
    if created:
        open_entitlements(instance, evidence.from_case(instance))
        return
    if fields is None or DUE_FIELDS & fields:
        sync_entitlements(instance)
    if fields is None or ROUTE_FIELDS & fields:
        if instance.route != Route.HIGH_RISK:
            # Stepped down from the MASH to the hub: Right 4 is the hub's again.
            reopen_hub_evidence(instance, 4, reason=evidence.MANAGED_BY_MASH)
        _record([instance.pk], evidence.from_case(instance))


@receiver(case_moved, dispatch_uid="rights_case_moved")
def case_moved_on(sender: Any, *, case: Case, to_status: str, **kwargs: Any) -> None:
    _record([case.pk], evidence.from_case_moved(case, to_status, timezone.now()))


@receiver(post_save, sender=Ivna, dispatch_uid="rights_ivna")
def ivna_saved(sender: type[Ivna], instance: Ivna, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        _record([instance.case_id], evidence.from_ivna(instance, instance.case))


@receiver(letters_sent, dispatch_uid="rights_letters_sent")
def letters_went(sender: Any, *, letters: list[Letter], **kwargs: Any) -> None:
    """One UPDATE per kind of evidence for the whole print run, not one per letter."""
    grouped: dict[tuple, list[int]] = {}
    for letter in letters:
        for item in evidence.from_letter(letter, letter.case.route):
            grouped.setdefault(
                (item.right, item.status, item.how, item.reason, item.source, item.at), []
            ).append(letter.case_id)
    for (right, status, how, reason, source, at), case_ids in grouped.items():
        record_hub_evidence_for(
            case_ids, right, at=at, how=how, status=status, reason=reason, source=source
        )


@receiver(post_save, sender=ContactAttempt, dispatch_uid="rights_attempt")
def attempt_saved(
    sender: type[ContactAttempt], instance: ContactAttempt, created: bool, **kwargs: Any
) -> None:
    if created and not kwargs.get("raw") and instance.outcome == "contacted":
        needed = instance.case.person.interpreter_needed
        _record([instance.case_id], evidence.from_attempt(instance, interpreter_needed=needed))


@receiver(post_save, sender=Dvna, dispatch_uid="rights_dvna")
def dvna_saved(sender: type[Dvna], instance: Dvna, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        _record([instance.case_id], evidence.from_dvna(instance))


@receiver(post_save, sender=PlanAction, dispatch_uid="rights_plan_action")
def plan_action_saved(
    sender: type[PlanAction], instance: PlanAction, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    found = evidence.from_plan_action(instance, timezone.now())
    if found:
        _record([instance.plan.case_id], found)


@receiver(post_save, sender=Complaint, dispatch_uid="rights_complaint")
def complaint_saved(sender: type[Complaint], instance: Complaint, **kwargs: Any) -> None:
    if instance.case_id is None or kwargs.get("raw"):
        return
    sync_entitlements(instance.case)
    _record([instance.case_id], evidence.from_complaint(instance))
