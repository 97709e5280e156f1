"""Retention and the data subject: how long the hub keeps a victim's records, what stops it
letting them go (a legal hold), and the requests a person makes about their data.

UK GDPR Art. 5(1)(e) (storage limitation), Art. 15 (access), Art. 16 (rectification) and
Art. 17 (erasure); DPA 2018 Part 3 where the hub acts for law-enforcement purposes. The
schedule is data, edited by hub managers; docs/retention.md explains the defaults.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.choices import CrimeType, Marker, Route

# -- The retention schedule ------------------------------------------------------------------


@pghistory.track()
class RetentionRule(models.Model):
    """One line of the retention schedule: which cases it covers and for how many years.

    A case is kept for `years` counted from its closure, or from its referral when it was
    never closed (a case still open: cases the hub did not support close by themselves,
    docs/lifecycle.md). Rules are tried in `priority` order and
    the first that matches a case sets its period, so the longer, more specific rules
    (domestic abuse, sexual offences, child victims) come before "letter only" and the
    catch-all. A rule with no criteria matches every case. Every edit is kept in the history.
    """

    key = models.SlugField(max_length=40, unique=True, help_text="A fixed name for the rule.")
    name = models.CharField(max_length=120)
    priority = models.PositiveSmallIntegerField(
        unique=True, help_text="Rules are tried lowest first; the first that matches applies."
    )
    years = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Years kept after closure (or after referral, for a case never closed).",
    )
    routes = ArrayField(
        models.CharField(max_length=20, choices=Route.choices),
        default=list,
        blank=True,
        help_text="Matches a case triaged to any of these routes.",
    )
    crime_types = ArrayField(
        models.CharField(max_length=40, choices=CrimeType.choices),
        default=list,
        blank=True,
        help_text="Matches a case whose crime is of any of these types.",
    )
    markers = ArrayField(
        models.CharField(max_length=40, choices=Marker.choices),
        default=list,
        blank=True,
        help_text="Matches a case whose crime carries any of these markers.",
    )
    child_victims = models.BooleanField(
        default=False,
        help_text="Matches a victim under 18 on the day of referral (by date of birth, or as "
        "the self-referral said).",
    )
    rationale = models.TextField(help_text="Why this period: the law or the need behind it.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["priority"]
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1, years__lte=100), name="retention_years_1_to_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.years} years"

    @property
    def matches_everything(self) -> bool:
        return not (self.routes or self.crime_types or self.markers or self.child_victims)

    @property
    def criteria_labels(self) -> list[str]:
        labels = [f"Route: {Route(r).label}" for r in self.routes if r in Route.values]
        labels += [
            f"Crime: {CrimeType(c).label}" for c in self.crime_types if c in CrimeType.values
        ]
        labels += [f"Marker: {Marker(m).label}" for m in self.markers if m in Marker.values]
        if self.child_victims:
            labels.append("Victim under 18 at referral")
        return labels or ["Every other case"]


class RetentionRun(models.Model):
    """One run of the retention job, with what it found and did (ids and counts only)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField(help_text="The moment retention was measured against.")
    due = models.PositiveIntegerField(default=0)
    cases_anonymised = models.PositiveIntegerField(default=0)
    people_anonymised = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(
        default=0, help_text="Due but put under a legal hold while the job ran."
    )
    held = models.PositiveIntegerField(default=0, help_text="Past retention but under a hold.")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M}: {self.cases_anonymised}"


# -- Legal holds ---------------------------------------------------------------------------


class HoldReason(models.TextChoices):
    INVESTIGATION = "investigation", "Ongoing investigation or trial"
    DOMESTIC_HOMICIDE_REVIEW = "domestic_homicide_review", "Domestic homicide review"
    COMPLAINT_OR_CLAIM = "complaint_or_claim", "Complaint or claim"
    OTHER = "other", "Other"


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A reason the law needs a case (or everything about a person) kept past retention.

    While a hold is active nothing it covers is anonymised, by the daily job or by an
    erasure request. The row is the whole story: who placed it and when, who lifted it,
    when and why.
    """

    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds"
    )
    person = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.CharField(max_length=30, choices=HoldReason.choices)
    detail = models.TextField(help_text="E.g. the court and hearing date, or who asked.")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, person__isnull=True)
                | Q(case__isnull=True, person__isnull=False),
                name="legal_hold_on_a_case_or_a_person",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="legal_hold_lifted_by_and_at",
            ),
        ]
        indexes = [
            models.Index(fields=["case"], condition=Q(lifted_at__isnull=True),
                         name="legal_hold_active_case"),
            models.Index(fields=["person"], condition=Q(lifted_at__isnull=True),
                         name="legal_hold_active_person"),
        ]

    def __str__(self) -> str:
        on = f"case {self.case_id}" if self.case_id else f"person {self.person_id}"
        return f"Legal hold on {on}: {self.get_reason_display()}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


# -- What was anonymised -------------------------------------------------------------------


class AnonymisedBecause(models.TextChoices):
    RETENTION = "retention", "Past its retention period"
    ERASURE = "erasure", "Erasure request"


class AnonymisedCase(models.Model):
    """The mark that a case's personal data has gone (ids only), with the one figure the
    returns need that was worked out from what went: the victim's age band at referral."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="anonymisation"
    )
    anonymised_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="Empty when the daily retention job did it.",
    )
    because = models.CharField(max_length=20, choices=AnonymisedBecause.choices)
    rule = models.ForeignKey(
        RetentionRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    age_band_at_referral = models.CharField(
        max_length=20, help_text="cases.choices.age_band on the day of referral."
    )

    class Meta:
        ordering = ["-anonymised_at", "-pk"]

    def __str__(self) -> str:
        return f"Case {self.case_id} anonymised {self.anonymised_at:%Y-%m-%d}"


class AnonymisedPerson(models.Model):
    """The mark that a person's details have gone: set when their last case is anonymised."""

    person = models.OneToOneField(
        "cases.Person", on_delete=models.PROTECT, related_name="anonymisation"
    )
    anonymised_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    because = models.CharField(max_length=20, choices=AnonymisedBecause.choices)

    def __str__(self) -> str:
        return f"Person {self.person_id} anonymised {self.anonymised_at:%Y-%m-%d}"


# -- Requests from the data subject --------------------------------------------------------


class RequestKind(models.TextChoices):
    ACCESS = "access", "Subject access (a copy of their data)"
    RECTIFICATION = "rectification", "Rectification (a correction)"
    ERASURE = "erasure", "Erasure"


class ErasureDecision(models.TextChoices):
    ERASED = "erased", "Erased (anonymised)"
    REFUSED = "refused", "Refused"


class DataSubjectRequest(models.Model):
    """A request a person made about their data and what the hub did: a bundle downloaded,
    a correction made, an erasure done or refused. One row each, with who and when.

    Old and new values of a correction are in the person's history (pghistory), not here:
    this row names the fields only.
    """

    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="data_requests"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    detail = models.TextField(
        blank=True, help_text="The reason given: for a correction, or for the decision."
    )
    fields = ArrayField(
        models.CharField(max_length=50), default=list, blank=True,
        help_text="Rectification: the fields corrected.",
    )
    decision = models.CharField(max_length=10, choices=ErasureDecision.choices, blank=True)
    export_format = models.CharField(max_length=10, blank=True, help_text="Access: json or pdf.")
    case_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        permissions = [
            (
                "handle_requests",
                "Can handle data protection: subject access, rectification, erasure, legal "
                "holds and the retention schedule",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="erasure") | ~Q(decision=""),
                name="erasure_request_has_a_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for person {self.person_id} on {self.at:%Y-%m-%d}"


class SubjectAccessReview(models.Model):
    """A manager's review of a subject access bundle before disclosure (issue 13): for each
    item that may need redaction (a note, a grant's reason, a third party's details) whether
    it is included or redacted. Items by key only ("note:12": include), never their text.

    A bundle is produced under the person's latest review, and only while that review covers
    every such item the hub holds (privacy.redaction.redactions_for)."""

    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="access_reviews"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    decisions = models.JSONField(
        default=dict, help_text='Item key to "include" or "redact", e.g. {"note:12": "redact"}.'
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Subject access review {self.pk} of person {self.person_id}"

    @property
    def redacted(self) -> set[str]:
        return {key for key, choice in self.decisions.items() if choice == "redact"}
