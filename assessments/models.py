from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone


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
        return self.level in (Level.MEDIUM, Level.HIGH)


@pghistory.track()
class ConsentToShare(models.Model):
    """The victim's consent to share their details with one named service."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    service = models.ForeignKey(
        "directory.SupportService", on_delete=models.PROTECT, related_name="consents"
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
