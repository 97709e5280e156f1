from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from assessments.models import NeedArea


class ActionKind(models.TextChoices):
    """The kinds of support in a recovery plan (service specification, Appendix 2)."""

    PHONE_SUPPORT = "phone_support", "Phone support from a Victim Care Co-ordinator"
    VOLUNTEER_SUPPORT = "volunteer_support", "Face-to-face support from a volunteer"
    SPECIALIST_REFERRAL = "specialist_referral", "Referral or supported signposting to a service"
    RESTORATIVE_JUSTICE = "restorative_justice", "Restorative Justice information or referral"
    COMMUNITY_SIGNPOSTING = "community_signposting", "Signposting to community services"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


@pghistory.track()
class RecoveryPlan(models.Model):
    """The plan agreed with the victim: tailored to the person, not the crime type."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="recovery_plan"
    )
    agreed_at = models.DateTimeField(default=timezone.now)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    next_review_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Recovery plan for case {self.case_id}"


@pghistory.track()
class PlanAction(models.Model):
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=30, choices=ActionKind.choices)
    need_areas = ArrayField(
        models.CharField(max_length=30, choices=NeedArea.choices), default=list, blank=True
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    service = models.ForeignKey(
        "referrals.SupportService", null=True, blank=True, on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    review_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (plan {self.plan_id})"
