from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ItemKind(models.TextChoices):
    # Work the machine does when it falls due (the dispatcher hands these to Celery).
    SEND_LETTER = "send_letter", "Render and send a letter"
    FOLLOW_UP_LETTER = "follow_up_letter", "Follow-up letter after no contact"
    REFERRAL_EMAIL = "referral_email", "Email a referral to its service"
    BREAK_GLASS_NOTICE = "break_glass_notice", "Email a manager of a break-glass access"
    # The public self-referral page reached its hourly ceiling: the managers are told once.
    SELF_REFERRAL_CEILING = (
        "self_referral_ceiling",
        "Tell the managers the self-referral page is full",
    )
    # A victim invited by letter to call has not, within the working days allowed.
    INVITE_EXPIRED = "invite_expired", "No contact after the letter inviting a call"
    # A case the hub did not support (letter only, no contact, declined...) closes after a
    # set number of working days in that status (contact.closures).
    CLOSE_CASE = "close_case", "Close a case the hub did not support, after a set period"
    # Work a person does: shown on "My work" from its due time until it is done.
    FIRST_CONTACT = "first_contact", "First call"
    NEXT_ATTEMPT = "next_attempt", "Next call attempt"
    FOLLOW_UP = "follow_up", "Follow-up call"
    PLAN_REVIEW = "plan_review", "Recovery plan review"
    REFERRAL_CHASE = "referral_chase", "Chase a referral"
    SURVEY = "survey", "Satisfaction survey"
    CHECK_POLICE_CHANGES = "check_police_changes", "Check changes from the police"
    # The victim was reached on a call: what they decided is recorded next (issue 12).
    RECORD_DECISION = "record_decision", "Record the victim's decision"
    # The victim accepted support: the DVNA and the recovery plan are due (issue 12).
    DVNA = "dvna", "Needs assessment (DVNA) and recovery plan"


# Kinds that a person works from "My work"; the rest are run by the dispatcher.
HUMAN_KINDS = frozenset(
    {
        ItemKind.FIRST_CONTACT,
        ItemKind.NEXT_ATTEMPT,
        ItemKind.FOLLOW_UP,
        ItemKind.PLAN_REVIEW,
        ItemKind.REFERRAL_CHASE,
        ItemKind.SURVEY,
        ItemKind.CHECK_POLICE_CHANGES,
        ItemKind.RECORD_DECISION,
        ItemKind.DVNA,
    }
)


# The person-work of support under a recovery plan: cancelled when support ends, by closure
# (assessments.support_services.close_case) or by escalation to MASH / Public Protection
# (contact.lifecycle). Chases of referrals already sent are not in it: escalation leaves them
# owed (the service has the victim's details and should answer), closure cancels them.
SUPPORT_WORK = (ItemKind.PLAN_REVIEW, ItemKind.FOLLOW_UP)


# Emails telling a service or a manager of something already done (a referral made, the
# glass broken): owed whatever becomes of the case, so moving it on does not cancel them.
OWED_KINDS = frozenset({ItemKind.REFERRAL_EMAIL, ItemKind.BREAK_GLASS_NOTICE})


class ItemState(models.TextChoices):
    DUE = "due", "Due"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ScheduledItem(models.Model):
    """A future action as a row: nothing scheduled lives only in a queue or in memory.

    Machine items are claimed by the worker that runs them, in the transaction that does
    the work, so a crash leaves them due and a second run finds them done.
    """

    kind = models.CharField(max_length=30, choices=ItemKind.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="scheduled"
    )
    target_id = models.BigIntegerField(
        null=True, blank=True, help_text="The letter, referral, ... the item acts on."
    )
    # What the handler needs beyond its target, as JSON (e.g. the link a break-glass notice
    # carries, which only the request that broke the glass knows). Never personal data.
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    deadline_at = models.DateTimeField(
        null=True, blank=True, help_text="When the work becomes overdue (Victims' Code)."
    )
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.DUE)
    # Stops the same action being scheduled twice (e.g. "follow_up_letter:case:12").
    dedupe_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(state="due"),
                name="scheduled_due_idx",
            ),
            models.Index(fields=["case", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_human(self) -> bool:
        return self.kind in HUMAN_KINDS

    @property
    def overdue(self) -> bool:
        limit = self.deadline_at or self.due_at
        return self.state == ItemState.DUE and limit < timezone.now()


class ItemRun(models.Model):
    """One row per successful run of a machine item: the proof it ran once."""

    item = models.OneToOneField(ScheduledItem, on_delete=models.CASCADE, related_name="run")
    ran_at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"run of item {self.item_id} at {self.ran_at:%Y-%m-%d %H:%M:%S}"


class StallCheck(models.Model):
    """One run of the daily check that every case not closed has a next step on someone's
    list (docs/invariant.md; contact.invariant). It should find none; the team page shows
    the latest run and the cases it found. Case ids only: nothing personal."""

    ran_at = models.DateTimeField(default=timezone.now)
    open_cases = models.PositiveIntegerField()
    stalled_case_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-ran_at"]
        get_latest_by = "ran_at"

    def __str__(self) -> str:
        return f"stall check {self.ran_at:%Y-%m-%d %H:%M}: {len(self.stalled_case_ids)} stalled"
