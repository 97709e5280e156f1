from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.choices import ContactBand


class LetterKind(models.TextChoices):
    INTRODUCTORY = "introductory", "Introductory letter"
    NO_CONTACT = "no_contact", "Follow-up letter (no contact made)"
    INVITE_TO_CALL = "invite_to_call", "Letter inviting the victim to call"


class Channel(models.TextChoices):
    POST = "post", "Post"
    EMAIL = "email", "Email"


class LetterStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    # Made (the PDF exists) but not yet posted or emailed: "Rendered" meant nothing to a VCC.
    RENDERED = "rendered", "Not sent yet"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    HELD = "held", "Held: not safe to write"
    # A VCC stopped it at the safety check, with a reason (contact.letter_checks): never sent.
    STOPPED = "stopped", "Stopped at the safety check"


# The PDF and text are not copied into the history on every status change.
@pghistory.track(exclude=["pdf", "text"])
class Letter(models.Model):
    """A letter or email to a victim, rendered to PDF by WeasyPrint and kept with the case."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=10, default="en")
    # The victim's first language when the hub had no letters in it and the letter went in
    # English (contact.letter_languages): shown to the VCC on the case and the check page.
    no_letters_in = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        max_length=10, choices=LetterStatus.choices, default=LetterStatus.QUEUED
    )
    error = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    text = models.TextField(blank=True, help_text="The plain-text version (for email).")
    rendered_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # The safety check (issue 12): who stopped the letter, when and why.
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stop_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One letter of each kind per case: a retried task cannot write a second.
            models.UniqueConstraint(fields=["case", "kind"], name="one_letter_per_kind"),
        ]
        indexes = [
            # Letters rendered and not yet sent: the postal ones waiting for a VCC's check
            # ("My work") and, once approved, for the post room. A handful of rows among
            # every letter ever sent, which both queries otherwise scan (bench/RESULTS.md).
            models.Index(
                fields=["created_at"],
                condition=Q(status="rendered"),
                name="letters_rendered_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for case {self.case_id}"

    # Set on the case's letters list and the check page: does it wait for the safety check?
    # (contact.letter_checks.waiting_for_check; not stored, the rule may change its answer)
    awaiting_check = False

    @property
    def language_label(self) -> str:
        """The letter's language by name ("Lithuanian"), for the VCC."""
        from contact.letter_languages import language_name

        return language_name(self.language)

    @property
    def language_fallback(self) -> str:
        """ "Letter in English: no letters in <language> yet", or "" (for the VCC)."""
        from contact.letter_languages import fallback_note

        return fallback_note(self.no_letters_in)

    @property
    def filename(self) -> str:
        return f"letter-{self.pk}-{self.kind}.pdf"


class ContactOutcome(models.TextChoices):
    """What came of contacting the victim (`Case.contact_outcome`, blank until there is one):
    their decision once contacted, or no contact after three attempts at differing times and
    days (service specification). Each decision is a case status
    (cases.workflow.CONTACT_DECISION_STATUSES; contact.services.DECISION_STATUS)."""

    ACCEPTED = "accepted", "Accepted support"
    SIGNPOSTED = "signposted", "Signposted"
    DECLINED = "declined", "Declined support"
    NO_CONTACT = "no_contact", "No contact made"


# What the victim may decide once contacted (the outcome form offers these).
CONTACT_DECISIONS = (ContactOutcome.ACCEPTED, ContactOutcome.SIGNPOSTED, ContactOutcome.DECLINED)


class AttemptOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Voicemail left"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    NOT_SAFE_TO_TALK = "not_safe_to_talk", "Not safe to talk"
    CONTACTED = "contacted", "Contacted"


FAILED_OUTCOMES = frozenset(
    {
        AttemptOutcome.NO_ANSWER,
        AttemptOutcome.VOICEMAIL,
        AttemptOutcome.WRONG_NUMBER,
        AttemptOutcome.NOT_SAFE_TO_TALK,
    }
)


@pghistory.track()
class ContactAttempt(models.Model):
    """A phone call to a victim: when, by whom, on which number, and what happened."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="attempts")
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contact_attempts"
    )
    number_used = models.CharField(max_length=30)
    band = models.CharField(max_length=10, choices=ContactBand.choices)
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    notes = models.TextField(blank=True)
    # Victims' Code right 1: a call with an interpreter, for a victim who needs one, is the
    # evidence that they could understand and be understood (rights.evidence).
    with_interpreter = models.BooleanField(default=False)
    override_reason = models.TextField(
        blank=True, help_text="Why a manager allowed an attempt outside the rules."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"Attempt on case {self.case_id} at {self.made_at:%Y-%m-%d %H:%M}"

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED_OUTCOMES


@pghistory.track()
class ContactNote(models.Model):
    """A note on the case's contact log. Restricted notes are for managers only."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    restricted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Note on case {self.case_id}"
