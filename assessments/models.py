from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
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


LEVEL_ORDER: dict[str, int] = {Level.NONE: 0, Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}
# A significant need: medium or high. The recovery plan should say how each is met, and the
# OPCC return counts them by area (service specification: support "in accordance with the
# victim's needs").
SIGNIFICANT_LEVELS = frozenset({Level.MEDIUM, Level.HIGH})


# Protected characteristics the DVNA may ask about (Equality Act 2010, s. 4), each optional
# and never required: blank is "not asked or not answered", which the compliance return
# counts as not recorded (rights.compliance). Categories as the ONS Census 2021 asks them.
class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Religion(models.TextChoices):
    NO_RELIGION = "no_religion", "No religion"
    CHRISTIAN = "christian", "Christian"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", "Straight or heterosexual"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Another sexual orientation"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


@pghistory.track()
class Dvna(models.Model):
    """A Detailed Victim Needs Assessment: a structured conversation in one sitting.

    A reassessment is a new version; earlier versions stay, so the case can show each
    area's level over time ("distance travelled").
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="dvnas")
    number = models.PositiveSmallIntegerField(help_text="1 for the first DVNA, 2 for the next.")
    # The support episode (assessments.episodes): 1 for the first time the victim accepted
    # support on the case, 2 after they came back and accepted again.
    episode = models.PositiveSmallIntegerField(default=1)
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
    # About the victim, optional (special category data: blanked on anonymisation).
    disability = models.CharField(
        max_length=20, choices=Disability.choices, blank=True,
        help_text="Do they consider themselves disabled? Blank: not asked or not answered.",
    )
    religion = models.CharField(
        max_length=20, choices=Religion.choices, blank=True,
        help_text="Blank: not asked or not answered.",
    )
    sexual_orientation = models.CharField(
        max_length=20, choices=SexualOrientation.choices, blank=True,
        help_text="Blank: not asked or not answered.",
    )
    # Optimistic locking: a save based on an older version is refused, not silently lost.
    version = models.PositiveIntegerField(default=1)

    # Not stored: support_selectors.dvnas_with_needs sets them, the needs in the order of the
    # eight areas (None where an area has no level) and by area.
    need_list: list[DvnaNeed | None]
    need_by_area: dict[str, DvnaNeed]

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


class ConsentRecordedIn(models.TextChoices):
    # The DVNA's table of every service, as it was before issue 16: its answers are kept and
    # pre-fill the questions at the referral.
    DVNA = "dvna", "the DVNA"
    REFERRAL = "referral", "the referral"


@pghistory.track()
class ConsentToShare(models.Model):
    """The victim's consent to share their details with one named service: asked at the
    referral to it (referrals.consent holds the rule), one row per case and service, with who
    asked and when; its history keeps every earlier answer."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    service = models.ForeignKey(
        "directory.SupportService", on_delete=models.PROTECT, related_name="consents"
    )
    given = models.BooleanField()
    # What may be shared; a referral document carries only these.
    share_contact_details = models.BooleanField(default=False)
    share_crime_details = models.BooleanField(default=False)
    share_needs = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_in = models.CharField(
        max_length=10, choices=ConsentRecordedIn.choices, default=ConsentRecordedIn.REFERRAL
    )
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


# -- The recovery plan the DVNA feeds, its reviews, closure and the survey ----------------


class ActionKind(models.TextChoices):
    """The kinds of support in a recovery plan (service specification, Appendix 2)."""

    PHONE_SUPPORT = "phone_support", "Phone support from a Victim Care Co-ordinator"
    VOLUNTEER_SUPPORT = "volunteer_support", "Face-to-face support from a volunteer"
    SPECIALIST_REFERRAL = "specialist_referral", "Referral or supported signposting to a service"
    RESTORATIVE_JUSTICE = "restorative_justice", "Restorative Justice information or referral"
    COMMUNITY_SIGNPOSTING = "community_signposting", "Signposting to community services"
    # Victims' Code right 5: once done, the evidence that the victim was told about
    # compensation (rights.evidence).
    COMPENSATION_INFORMATION = "compensation_information", "Compensation information given"
    CICA_SUPPORT = "cica_support", "CICA application supported"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


@pghistory.track()
class RecoveryPlan(models.Model):
    """The plan agreed with the victim: tailored to the person, not the crime type."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="recovery_plans"
    )
    # The support episode (assessments.episodes): 1 for the first time the victim accepted
    # support on the case, 2 after they came back and accepted again.
    episode = models.PositiveSmallIntegerField(default=1)
    agreed_at = models.DateTimeField(default=timezone.now)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    next_review_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "episode"], name="one_plan_per_episode")
        ]

    def __str__(self) -> str:
        return f"Recovery plan for case {self.case_id} (episode {self.episode})"


@pghistory.track()
class PlanAction(models.Model):
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=30, choices=ActionKind.choices)
    need_areas = ArrayField(
        models.CharField(max_length=30, choices=NeedArea.choices), default=list, blank=True
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    service = models.ForeignKey(
        "directory.SupportService", null=True, blank=True, on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    review_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (plan {self.plan_id})"


class Wellbeing(models.TextChoices):
    """How the victim is since the last contact, in their own words."""

    BETTER = "better", "Better"
    SAME = "same", "About the same"
    WORSE = "worse", "Worse"


@pghistory.track()
class Review(models.Model):
    """A follow-up review of the recovery plan: "the VCC checks on the victim at agreed dates
    and reviews the plan; needs are reassessed as they change" (DOMAIN.md, flow step 7)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reviews")
    # The support episode (assessments.episodes): 1 for the first time the victim accepted
    # support on the case, 2 after they came back and accepted again.
    episode = models.PositiveSmallIntegerField(default=1)
    reviewed_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    wellbeing = models.CharField(
        max_length=10, choices=Wellbeing.choices, help_text="How the victim is."
    )
    notes = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    reassessment_needed = models.BooleanField(default=False)

    class Meta:
        ordering = ["case", "reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"Review of case {self.case_id} on {self.reviewed_at:%Y-%m-%d}"


class ActionUpdate(models.Model):
    """A change of an action's status: who, when, from and to (and the review it came from).

    STYLE "every change is a row": the plan's history is built from these rows.
    """

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="action_updates"
    )
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Action {self.action_id}: {self.from_status} -> {self.to_status}"


class ClosureReason(models.TextChoices):
    SUPPORT_COMPLETE = "support_complete", "Support complete"
    VICTIM_ASKED_TO_STOP = "victim_asked_to_stop", "The victim asked to stop"
    MOVED_AWAY = "moved_away", "Moved away"
    NO_LONGER_CONTACTABLE = "no_longer_contactable", "No longer contactable"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    """Did the support help them cope and recover, per area of need (DOMAIN.md, step 8)."""

    BETTER = "better", "Better able to cope"
    SAME = "same", "The same"
    WORSE = "worse", "Worse"
    NOT_KNOWN = "not_known", "Not known"


@pghistory.track()
class Closure(models.Model):
    """The end of the hub's support on a case, with why and how the victim is."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="closures")
    # The support episode (assessments.episodes): 1 for the first time the victim accepted
    # support on the case, 2 after they came back and accepted again.
    episode = models.PositiveSmallIntegerField(default=1)
    closed_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=30, choices=ClosureReason.choices)
    reason_detail = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "episode"], name="one_closure_per_episode")
        ]

    def __str__(self) -> str:
        return f"Closure of case {self.case_id} (episode {self.episode})"


@pghistory.track()
class ClosureOutcome(models.Model):
    """One row per area of need at closure, so the OPCC return can count outcomes by area."""

    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="outcomes")
    area = models.CharField(max_length=30, choices=NeedArea.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["closure", "area"], name="one_outcome_per_area")
        ]
        ordering = ["closure", "area"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_outcome_display()}"


class HelpedToCope(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


@pghistory.track()
class SurveyResponse(models.Model):
    """The victim's answers to the satisfaction survey after closure ("proportionate victim
    satisfaction surveys", service specification), or that they declined to answer."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="survey_responses"
    )
    # The support episode (assessments.episodes): 1 for the first time the victim accepted
    # support on the case, 2 after they came back and accepted again.
    episode = models.PositiveSmallIntegerField(default=1)
    answered_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declined = models.BooleanField(default=False)
    treated_with_respect = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 (not at all) to 5 (completely)."
    )
    helped_to_cope = models.CharField(max_length=10, choices=HelpedToCope.choices, blank=True)
    would_recommend = models.BooleanField(null=True, blank=True)
    comments = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(declined=True)
                | models.Q(
                    treated_with_respect__gte=1,
                    treated_with_respect__lte=5,
                    would_recommend__isnull=False,
                )
                & ~models.Q(helped_to_cope=""),
                name="survey_answered_or_declined",
            ),
            models.UniqueConstraint(fields=["case", "episode"], name="one_survey_per_episode"),
        ]

    def __str__(self) -> str:
        return f"Survey for case {self.case_id}"
