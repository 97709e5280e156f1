"""Each victim's Victims' Code entitlements (issue 15): for one case, which of the twelve
rights apply, when each is due and the evidence that it was met, declined, missed or does
not apply; and where the case stands in the justice process (the events that make rights 6
to 11 apply). What applies and when it is due is decided in rights.rules; rows are made and
moved only by rights.services."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case
from cases.victims_code import VictimsCodeRight


class EvidenceStatus(models.TextChoices):
    DUE = "due", "Not yet recorded"
    MET = "met", "Met"
    DECLINED = "declined", "Declined by the victim"
    MISSED = "missed", "Missed"
    NOT_APPLICABLE = "not_applicable", "Does not apply"


class EvidenceSource(models.TextChoices):
    HUB = "hub", "The hub's own records"
    STAFF = "staff", "Recorded by hub staff"
    POLICE_API = "police_api", "Recorded by the police via the API"


class Deliverer(models.TextChoices):
    """Who delivers a right (Victims' Code 2020, "service providers")."""

    EVERY_SERVICE = "every_service", "Every service the victim deals with"
    HUB = "hub", "The Victims' Hub"
    POLICE = "police", "The police officer in the case"
    WITNESS_CARE = "witness_care", "The Witness Care Unit"
    CPS = "cps", "The Crown Prosecution Service"
    HMCTS = "hmcts", "HM Courts and Tribunals Service"
    PROBATION = "probation", "The Probation Service (Victim Contact Scheme)"


class JusticeStage(models.TextChoices):
    """Where a case stands in the criminal justice process, in the order it usually runs."""

    NO_SUSPECT = "no_suspect", "No suspect identified"
    UNDER_INVESTIGATION = "under_investigation", "Under investigation"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    CHARGED = "charged", "Suspect charged"
    TRIAL_DATE = "trial_date", "Trial date set"
    CONVICTED = "convicted", "Offender convicted"
    ACQUITTED = "acquitted", "Defendant acquitted"
    SENTENCED_CUSTODY = "sentenced_custody", (
        "Offender sentenced to 12 months or more in custody"
    )
    OFFENDER_RELEASED = "offender_released", "Offender released"


@pghistory.track()
class Entitlement(models.Model):
    """One right for one case. `due_at` is None where the Code sets no time limit."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entitlements")
    right = models.PositiveSmallIntegerField(choices=VictimsCodeRight.choices)
    status = models.CharField(
        max_length=20, choices=EvidenceStatus.choices, default=EvidenceStatus.DUE
    )
    applies_from = models.DateTimeField(help_text="When the right started to apply.")
    due_at = models.DateTimeField(null=True, blank=True)
    # The evidence: when it was met (or declined or missed), how, by whom, from where.
    recorded_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    how = models.CharField(max_length=200, blank=True)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was missed or does not apply."
    )
    source = models.CharField(max_length=20, choices=EvidenceSource.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_client = models.ForeignKey(
        "accounts.ApiClient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "right"], name="one_entitlement_per_right"),
            models.CheckConstraint(
                condition=~models.Q(status="met") | models.Q(met_at__isnull=False),
                name="met_entitlement_has_met_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]
        ordering = ["right"]

    def __str__(self) -> str:
        return f"{self.case} right {self.right}: {self.status}"

    @property
    def overdue(self) -> bool:
        return (
            self.status == EvidenceStatus.DUE
            and self.due_at is not None
            and self.due_at < timezone.now()
        )


@pghistory.track()
class JusticeEvent(models.Model):
    """A step of the case through the justice process, as the police or a VCC recorded it.
    A retry of the same step on the same day records nothing new."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="justice_events")
    stage = models.CharField(max_length=30, choices=JusticeStage.choices)
    occurred_on = models.DateField()
    detail = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, choices=EvidenceSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_client = models.ForeignKey(
        "accounts.ApiClient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage", "occurred_on"], name="one_justice_event_per_day"
            )
        ]
        ordering = ["occurred_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_stage_display()} on {self.occurred_on}"
