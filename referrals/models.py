from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
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
        "support.PlanAction", on_delete=models.PROTECT, related_name="referrals"
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


class TransferDirection(models.TextChoices):
    IN = "in", "Transferred in"
    OUT = "out", "Transferred out"


class Organisation(models.TextChoices):
    """Who sends victims to the hub, or receives them from it (service specification,
    interoperability: "Action Fraud the British Transport Police and other area Victim
    Referral Services")."""

    OTHER_FORCE = "other_force", "Another police force"
    ACTION_FRAUD = "action_fraud", "Action Fraud"
    BRITISH_TRANSPORT_POLICE = "british_transport_police", "British Transport Police"
    VICTIM_SERVICE = "victim_service", "Another area's victim service"


class SharedItem(models.TextChoices):
    """What was passed to another area with a transfer out."""

    IDENTITY = "identity", "Name and date of birth"
    CONTACT_DETAILS = "contact_details", "Contact details (phone, email, address)"
    SAFE_CONTACT = "safe_contact", "Safe-contact information"
    CRIME_DETAILS = "crime_details", "Crime details"
    IVNA = "ivna", "The Initial Victim Needs Assessment"
    NEEDS = "needs", "Needs assessed by the hub (DVNA)"
    CONTACT_HISTORY = "contact_history", "The hub's contact history"


class TransferVia(models.TextChoices):
    WEB = "web", "Web form"
    API = "api", "API"


@pghistory.track()
class Transfer(models.Model):
    """A victim's details passed between police areas: in (the victim lives here and
    reported elsewhere) or out (the victim lives in another area).

    Service specification, interoperability: "victims who report crime in another PCC area
    but who reside in Cambridgeshire can have their personal data transferred to the
    Victims' Hub", and the other way round to "the support arrangements in place in their
    area of residence".
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="transfers")
    direction = models.CharField(max_length=3, choices=TransferDirection.choices)
    organisation = models.CharField(max_length=30, choices=Organisation.choices)
    organisation_name = models.CharField(max_length=200)
    # Who the transfer is matched on when it arrives again (retries): the kind, and for
    # another force its name, normalised.
    organisation_key = models.CharField(max_length=230, editable=False)
    area = models.CharField(
        max_length=100, blank=True, help_text="The police area the victim lives in (out)."
    )
    their_reference = models.CharField(max_length=50, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    shared = ArrayField(
        models.CharField(max_length=30, choices=SharedItem.choices), default=list, blank=True
    )
    notes = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=5, choices=TransferVia.choices, default=TransferVia.WEB)

    class Meta:
        ordering = ["case", "at", "pk"]
        constraints = [
            # The same sending organisation and reference is the same transfer (retries).
            models.UniqueConstraint(
                fields=["organisation_key", "their_reference"],
                condition=models.Q(direction="in"),
                name="one_inbound_transfer_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.direction} of case {self.case_id}"

    @property
    def shared_labels(self) -> list[str]:
        return [SharedItem(s).label for s in self.shared if s in SharedItem.values]

    @property
    def contact_lines(self) -> list[str]:
        return [v for v in (self.contact_name, self.contact_email, self.contact_phone) if v]
