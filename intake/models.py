"""What intake keeps of every way a case came in: the police IVNA, a self-referral from the
public page, a transfer in from another area (and the record of a transfer out)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from cases.choices import Route
from cases.models import Case
from core.references import new_reference


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
    # None: the answer was not given (the API allows leaving these out). Unknown is treated
    # as no wherever it is acted on (issue 11): not safe to write, no consent to contact.
    safe_to_write = models.BooleanField(
        null=True, blank=True,
        help_text="Is it safe to write to the victim? None: not given, treated as no.",
    )
    consent_to_contact = models.BooleanField(
        null=True, blank=True,
        help_text="Does the victim agree to be contacted by the hub? None: not given, "
        "treated as no.",
    )
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
        indexes = [
            # An officer's submissions, newest first (intake.selectors.submissions_newest_first).
            models.Index(fields=["recorded_by", "-recorded_at", "-id"],
                         name="ivna_by_recorder_newest"),
        ]

    def __str__(self) -> str:
        return f"IVNA for case {self.case_id}"

    @property
    def priority_category_labels(self) -> list[str]:
        return [PriorityCategory(c).label for c in self.priority_categories]


class AskedBy(models.TextChoices):
    """Who filled in the public self-referral form (service specification: the hub is
    extended to family members, guardians and carers)."""

    VICTIM = "victim", "The victim"
    FAMILY = "family", "A family member"
    CARER = "carer", "A guardian or carer"


class ReportedToPolice(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


@pghistory.track()
class SelfReferral(models.Model):
    """What a person told the hub when they asked for support on the public page.

    Kept with the case so the VCC who calls back reads it first: nobody should have to tell
    their story twice (2012 needs assessment, section 8).
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="self_referral")
    asked_by = models.CharField(max_length=10, choices=AskedBy.choices)
    asker_name = models.CharField(
        max_length=200, blank=True, help_text="Who asked, when not the victim."
    )
    asker_relationship = models.CharField(max_length=100, blank=True)
    under_18 = models.BooleanField()
    reported_to_police = models.CharField(
        max_length=10, choices=ReportedToPolice.choices, blank=True
    )
    account = models.TextField(blank=True, help_text="What happened, in their own words.")
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The reference the person is shown (e.g. VH-7K3M-Q9XD): random, so it says nothing of
    # how many people ask the hub for support (issue 13); staff find the case by it.
    public_reference = models.CharField(
        max_length=14, unique=True, default=new_reference
    )

    def __str__(self) -> str:
        return f"Self-referral for case {self.case_id}"


class UsedFormToken(models.Model):
    """A self-referral form token already used: a replayed POST creates nothing (issue 13).

    Only a SHA-256 of the token is kept; rows older than the token's life are deleted as
    new ones are written, since an older token is refused anyway."""

    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"form token used {self.used_at:%Y-%m-%d %H:%M}"


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
    # Which victim of the sender's crime (a keyed digest of name and date of birth, never the
    # name itself): the same victim again is a retry, another victim under the same reference
    # is a new victim on the same transfer (issue 13). Blank on transfers out.
    victim_key = models.CharField(max_length=64, blank=True, editable=False)
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
        permissions = [
            ("send_transfers", "Can send victims transferred in from another area (API)"),
        ]
        constraints = [
            # The same sending organisation, reference and victim is the same transfer
            # (retries); a second victim under the reference is a transfer of their own.
            models.UniqueConstraint(
                fields=["organisation_key", "their_reference", "victim_key"],
                condition=models.Q(direction="in"),
                name="one_inbound_transfer_per_victim",
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


class IvnaVersion(models.Model):
    """Every IVNA the police sent for a case, as it was sent: version 1 opened the case, each
    later one with different answers is an amendment (intake.amendments).

    `answers` is the submission as the hub compares it (intake.amendments.snapshot);
    `changes` lists what differs from the version before, each with what the hub did with it
    (applied by itself, or waiting for a VCC: ProposedChange). Versions are never rewritten:
    what the police said stays readable beside what the hub decided.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ivna_versions")
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField()
    changes = models.JSONField(default=list, blank=True)
    route_before = models.CharField(max_length=20, choices=Route.choices, blank=True)
    route_after = models.CharField(max_length=20, choices=Route.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_via = models.CharField(max_length=10, choices=SubmittedVia.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_ivna_version_number"),
        ]

    def __str__(self) -> str:
        return f"IVNA version {self.number} for case {self.case_id}"

    @property
    def is_amendment(self) -> bool:
        return self.number > 1


class ChangeState(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class ProposedChange(models.Model):
    """A change the police sent that the hub does not make by itself: contact details, a
    safe-contact answer made less safe, a lower risk, anything that is not risk going up or
    contact getting safer. A VCC accepts or rejects it, with a reason (intake.amendments).
    Until then the hub keeps what it knew (letters go to the confirmed address)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="proposed_changes")
    version = models.ForeignKey(
        IvnaVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    key = models.CharField(max_length=60, help_text="e.g. victim.phone, assessment.dash_risk")
    label = models.CharField(max_length=120)
    current = models.JSONField(null=True, blank=True)
    proposed = models.JSONField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "created_at", "pk"]
        indexes = [models.Index(fields=["case", "state"])]

    def __str__(self) -> str:
        return f"{self.key} on case {self.case_id}: {self.state}"
