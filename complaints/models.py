"""The hub's complaints log (Victims' Code right 12): a complaint about the hub's own
service, when and how it came in, when it was acknowledged and answered, the outcome and
what the hub learnt. The rules are in complaints.services."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case
from cases.victims_code import VictimsCodeRight


class ReceivedBy(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    WEB = "web", "Web form"


class ComplainantKind(models.TextChoices):
    VICTIM = "victim", "The victim"
    ON_BEHALF = "on_behalf", "Someone on the victim's behalf"
    OTHER = "other", "Someone else"


class HubService(models.TextChoices):
    """What part of the hub's own service a complaint is about, where no right says it."""

    CONTACT = "contact", "Contact: calls, letters and emails"
    ASSESSMENT = "assessment", "Needs assessment and recovery plan"
    REFERRAL = "referral", "Referral to another service"
    VOLUNTEER = "volunteer", "Volunteer support"
    PERSONAL_DATA = "personal_data", "Handling of personal information"
    STAFF = "staff", "How a member of staff behaved"
    OTHER = "other", "Something else"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"


@pghistory.track()
class Complaint(models.Model):
    """One complaint about the hub. The due times are set from the settings when it is
    recorded (complaints.services.record_complaint), so a later change of the settings does
    not move the deadline of a complaint already received."""

    received_at = models.DateTimeField()
    how = models.CharField(max_length=20, choices=ReceivedBy.choices)
    from_whom = models.CharField(max_length=20, choices=ComplainantKind.choices)
    # The complainant's name and how to reach them: personal data, blanked with the case by
    # privacy.services (anonymisation and erasure).
    complainant_name = models.CharField(max_length=200, blank=True)
    complainant_contact = models.CharField(max_length=300, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    about_right = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=VictimsCodeRight.choices
    )
    about_service = models.CharField(max_length=20, choices=HubService.choices, blank=True)
    summary = models.TextField(max_length=4000)
    acknowledge_due_at = models.DateTimeField()
    answer_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # What the hub will do differently: written about the service, without names.
    learning = models.TextField(max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answer_due_at"]
        indexes = [models.Index(fields=["answered_at", "answer_due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(about_right__isnull=True, about_service=""),
                name="complaint_is_about_something",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True, outcome="")
                | models.Q(answered_at__isnull=False) & ~models.Q(outcome=""),
                name="complaint_answer_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Complaint {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
