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
from cases.signals import case_moved, cases_opened
from complaints.models import Complaint
from contact.models import ContactAttempt, Letter
from contact.signals import letters_sent
from intake.models import Ivna
from intake.signals import ivnas_recorded
from rights import evidence
from rights.services import (
    open_entitlements,
    open_entitlements_for,
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


def _record_many(found: list[tuple[int, evidence.Evidence]]) -> None:
    """The evidence of many cases (case id, evidence): one UPDATE per kind of evidence, not
    one per case (a print run of letters, a batch of IVNAs)."""
    grouped: dict[evidence.Evidence, list[int]] = {}
    for case_id, item in found:
        grouped.setdefault(item, []).append(case_id)
    for item, case_ids in grouped.items():
        _record(case_ids, [item])


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
    _record_many([(letter.case_id, item) for letter in letters
                  for item in evidence.from_letter(letter, letter.case.route)])


@receiver(cases_opened, dispatch_uid="rights_cases_opened")
def cases_opened_on(sender: Any, *, cases: list[Case], **kwargs: Any) -> None:
    """Many new cases (cases.services.open_cases): what case_saved (created) and
    case_moved_on do for each, in one INSERT and an UPDATE per kind of evidence."""
    open_entitlements_for([(case, evidence.from_case(case)) for case in cases])
    now = timezone.now()
    _record_many([(case.pk, item) for case in cases
                  for item in evidence.from_case_moved(case, case.status, now)])


@receiver(ivnas_recorded, dispatch_uid="rights_ivnas_recorded")
def ivnas_went_in(sender: Any, *, ivnas: list[Ivna], **kwargs: Any) -> None:
    """Many IVNAs stored at once (intake.bulk): what ivna_saved does for each."""
    _record_many([(ivna.case_id, item) for ivna in ivnas
                  for item in evidence.from_ivna(ivna, ivna.case)])


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
