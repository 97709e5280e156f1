from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

from directory.models import SupportService

# -- Referrals to services --------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"


# A referral's lifecycle: sent, then the service accepts or declines it, then an accepted
# referral is completed. One table, enforced by referrals.services.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.COMPLETED}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
}
OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


# The document is not copied into the history on every status change.
@pghistory.track(exclude=["document"])
class Referral(models.Model):
    """A referral of a victim to a service in the directory, made from a recovery-plan action.

    Service specification: "a referral/supported signposting to an existing suitable
    specialist victim support service provider ... in accordance with the victim's needs",
    and only with the victim's consent to share with that service (the DVNA records it).
    The document carries only what the consent allowed; what that was is kept here, as it
    was when the referral went, even if the consent changes later.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    action = models.ForeignKey(
        "assessments.PlanAction", on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(SupportService, on_delete=models.PROTECT, related_name="referrals")
    consent = models.ForeignKey(
        "assessments.ConsentToShare", on_delete=models.PROTECT, related_name="referrals"
    )
    shared_contact_details = models.BooleanField()
    shared_crime_details = models.BooleanField()
    shared_needs = models.BooleanField()

    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    chases = models.PositiveSmallIntegerField(default=0)
    last_chased_at = models.DateTimeField(null=True, blank=True)

    # The referral document (PDF) and the email that carried it.
    document = models.BinaryField(editable=False)
    emailed_to = models.EmailField(blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["case", "sent_at", "pk"]
        constraints = [
            # A double-clicked "send" cannot refer the same action to the same service twice.
            models.UniqueConstraint(
                fields=["action", "service"],
                condition=models.Q(status__in=["sent", "accepted"]),
                name="one_open_referral_per_action_and_service",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} of case {self.case_id} to {self.service_id}"

    @property
    def filename(self) -> str:
        return f"referral-{self.pk}.pdf"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    @property
    def state_label(self) -> str:
        """What happened to the referral, in plain words (issue 16): "Sent" only once the
        email carrying it went; before that, whether it waits for the email, the email
        failed, or the VCC sends the document themselves (no referral email in the
        directory). Accepted, declined and completed say so."""
        if self.status != ReferralStatus.SENT:
            return self.get_status_display()
        if self.email_sent_at:
            return "Sent"
        if self.email_error:
            return "Not sent: the email failed"
        if self.emailed_to:
            return "Waiting to be emailed"
        return "Made: send the document yourself"

    @property
    def shared_labels(self) -> list[str]:
        return [
            label
            for shared, label in (
                (self.shared_contact_details, "contact details"),
                (self.shared_crime_details, "crime details"),
                (self.shared_needs, "needs"),
            )
            if shared
        ]


# -- Transfers between police areas ---------------------------------------------------------
