"""The events of other apps that make a right apply (rights.services.sync_entitlements).
Connected in RightsConfig.ready; they run inside the saving transaction, so a case is never
open without its entitlement rows."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import Case
from complaints.models import Complaint
from rights.services import sync_entitlements

# A save that may move a due time: the case opened, or its route, enhanced entitlement or
# contact deadline changed (an IVNA amendment); a save naming other fields cannot.
DUE_FIELDS = frozenset({"route", "enhanced_entitlement", "contact_due_at", "referred_at"})


@receiver(post_save, sender=Case, dispatch_uid="rights_case_saved")
def case_saved(sender: type[Case], instance: Case, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (not created and fields is not None and not DUE_FIELDS & fields):
        return
    sync_entitlements(instance)


@receiver(post_save, sender=Complaint, dispatch_uid="rights_complaint")
def complaint_saved(sender: type[Complaint], instance: Complaint, **kwargs: Any) -> None:
    if instance.case_id is not None and not kwargs.get("raw"):
        sync_entitlements(instance.case)
