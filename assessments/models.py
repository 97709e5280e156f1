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


class NeedArea(models.TextChoices):
    """The eight areas of need (Strategic Vision, section 8.2; DOMAIN.md "DVNA")."""

    HEALTH = "health", "Mental and physical health"
    ACCOMMODATION = "accommodation", "Shelter and accommodation"
    FAMILY = "family", "Family, friends and children"
    EDUCATION_EMPLOYMENT = "education_employment", "Education, skills and employment"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs and alcohol"
    FINANCE = "finance", "Finance and benefits"
    OUTLOOK = "outlook", "Outlook and attitudes"
    SOCIAL = "social", "Social interaction"


class Level(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


LEVEL_ORDER = {Level.NONE: 0, Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}
# A significant need: medium or high. The recovery plan should say how each is met, and the
# OPCC return counts them by area (service specification: support "in accordance with the
# victim's needs").
SIGNIFICANT_LEVELS = frozenset({Level.MEDIUM, Level.HIGH})


@pghistory.track()
class Dvna(models.Model):
    """A Detailed Victim Needs Assessment: a structured conversation in one sitting.

    A reassessment is a new version; earlier versions stay, so the case can show each
    area's level over time ("distance travelled").
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="dvnas")
    number = models.PositiveSmallIntegerField(help_text="1 for the first DVNA, 2 for the next.")
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dvnas_done"
    )
    # Risk
    risk_from_offender = models.CharField(max_length=10, choices=Level.choices)
    risk_of_self_harm = models.CharField(max_length=10, choices=Level.choices)
    risk_of_harming_others = models.CharField(max_length=10, choices=Level.choices)
    risk_of_wellbeing_deteriorating = models.CharField(max_length=10, choices=Level.choices)
    risk_notes = models.TextField(blank=True)
    # Communication (pre-filled from what the IVNA and the person's record hold)
    first_language = models.CharField(max_length=10, default="en")
    interpreter_needed = models.BooleanField(default=False)
    communication_needs = models.TextField(
        blank=True, help_text="E.g. hearing or sight, literacy, a preferred contact method."
    )
    summary = models.TextField(blank=True)
    # Optimistic locking: a save based on an older version is refused, not silently lost.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_dvna_number_per_case")
        ]
        ordering = ["case", "number"]
        verbose_name = "DVNA"

    def __str__(self) -> str:
        return f"DVNA {self.number} for case {self.case_id}"


@pghistory.track()
class DvnaNeed(models.Model):
    dvna = models.ForeignKey(Dvna, on_delete=models.CASCADE, related_name="needs")
    area = models.CharField(max_length=30, choices=NeedArea.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dvna", "area"], name="one_level_per_area")]
        ordering = ["dvna", "area"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_level_display()}"

    @property
    def significant(self) -> bool:
        return self.level in SIGNIFICANT_LEVELS


@pghistory.track()
class ConsentToShare(models.Model):
    """The victim's consent to share their details with one named service."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    service = models.ForeignKey(
        "referrals.SupportService", on_delete=models.PROTECT, related_name="consents"
    )
    given = models.BooleanField()
    # What may be shared; a referral document carries only these.
    share_contact_details = models.BooleanField(default=True)
    share_crime_details = models.BooleanField(default=False)
    share_needs = models.BooleanField(default=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dvna = models.ForeignKey(
        Dvna, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "service"], name="one_consent_per_service")
        ]

    def __str__(self) -> str:
        return f"Consent for case {self.case_id} to {self.service_id}: {self.given}"
