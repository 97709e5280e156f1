from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from cases.choices import Route


class PriorityCategory(models.TextChoices):
    """Victims' Code priority categories: any one gives enhanced entitlement."""

    SERIOUS_CRIME = "serious_crime", "Victim of serious crime"
    PERSISTENTLY_TARGETED = "persistently_targeted", "Persistently targeted"
    VULNERABLE = "vulnerable", "Vulnerable"
    INTIMIDATED = "intimidated", "Intimidated"
    BEREAVED = "bereaved", "Bereaved close relative of a person killed by crime"


class DashRisk(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class SubmittedVia(models.TextChoices):
    WEB = "web", "Web form"
    API = "api", "Crime system (API)"


@pghistory.track()
class Ivna(models.Model):
    """An Initial Victim Needs Assessment: every answer the officer gave, and who gave them.

    Done by police at the point of report, not crime-specific (2016 update, section 5).
    """

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="ivna")
    priority_categories = ArrayField(
        models.CharField(max_length=30, choices=PriorityCategory.choices),
        default=list,
        blank=True,
    )
    dash_risk = models.CharField(max_length=10, choices=DashRisk.choices, blank=True)
    dash_yes_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Number of 'yes' answers on the DASH checklist."
    )
    needs_support = models.BooleanField(
        help_text="The officer's professional judgement: does this victim need support?"
    )
    supported_elsewhere = models.BooleanField(default=False)
    mash_referral = models.BooleanField(
        default=False, help_text="Referred to the MASH / Public Protection by the officer."
    )
    safe_to_write = models.BooleanField(default=True)
    consent_to_contact = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    # The triage outcome, kept with the answers it came from.
    route = models.CharField(max_length=20, choices=Route.choices)
    enhanced_entitlement = models.BooleanField(default=False)
    triage_rules = ArrayField(models.CharField(max_length=10), default=list)
    triage_rules_version = models.CharField(max_length=20)
    earlier_high_risk_referral = models.BooleanField(
        default=False,
        help_text="An earlier high-risk referral for this person within 12 months.",
    )

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ivnas_recorded"
    )
    submitted_via = models.CharField(max_length=10, choices=SubmittedVia.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        permissions = [("submit_ivna", "Can submit IVNAs and see their own submissions")]
        verbose_name = "IVNA"

    def __str__(self) -> str:
        return f"IVNA for case {self.case_id}"

    @property
    def priority_category_labels(self) -> list[str]:
        return [PriorityCategory(c).label for c in self.priority_categories]
