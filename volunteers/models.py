"""Community Support Volunteers, their allocation to victims and the hours they give.

Service specification (seed 000, Appendix 2, "Volunteer provision"): the hub keeps a minimum of
15 volunteers, representative of the community, with a range of language and cultural
knowledge, giving face-to-face support across the county; each is asked for a minimum of four
hours a week, and all are trained and accredited in-house.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.choices import District

# The service specification's figures, in one place.
MINIMUM_VOLUNTEERS = 15
MINIMUM_HOURS_PER_WEEK = Decimal("4")
MAX_HOURS_PER_DAY = Decimal("12")
ACCREDITATION_WARNING_DAYS = 60


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def active(self) -> VolunteerQuerySet:
        return self.filter(active=True, user__is_active=True)

    def accredited(self, on: date | None = None) -> VolunteerQuerySet:
        """Accreditation current on the day: accredited, and not yet at the expiry date."""
        on = on or timezone.localdate()
        return self.filter(accredited_on__isnull=False, accredited_on__lte=on).filter(
            Q(accreditation_expires_on__isnull=True) | Q(accreditation_expires_on__gt=on)
        )

    def allocatable(self, on: date | None = None) -> VolunteerQuerySet:
        """Who may be given a victim: active, available and with current accreditation."""
        return self.active().accredited(on).filter(available=True)


@pghistory.track()
class Volunteer(models.Model):
    """A Community Support Volunteer's profile: what they offer and whether they are accredited.

    The login is an ordinary user with the volunteer role; this row says what the hub needs to
    match them to a victim (languages, districts) and to check the pool against the
    specification (hours a week, training, accreditation).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_profile"
    )
    languages = ArrayField(
        models.CharField(max_length=10),
        default=list,
        blank=True,
        help_text="Languages the volunteer can support a victim in (ISO 639-1 codes).",
    )
    districts = ArrayField(
        models.CharField(max_length=30, choices=District.choices),
        default=list,
        blank=True,
        help_text="Districts the volunteer can travel to for visits.",
    )
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=MINIMUM_HOURS_PER_WEEK,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))],
    )
    trained_on = models.DateField(null=True, blank=True)
    accredited_on = models.DateField(null=True, blank=True)
    accreditation_expires_on = models.DateField(null=True, blank=True)
    available = models.BooleanField(
        default=True, help_text="Can take a new victim now (not on leave, not at capacity)."
    )
    availability_notes = models.TextField(
        blank=True, help_text="For example: weekday evenings only; away until 3 March."
    )
    active = models.BooleanField(default=True, help_text="Still volunteering with the hub.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    # Not stored: selectors.pool_rows sets them for the pool table.
    accredited_now: bool
    expires_soon: bool

    class Meta:
        ordering = ["user__first_name", "user__last_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=40),
                name="volunteer_hours_per_week_range",
            ),
            models.CheckConstraint(
                condition=Q(accreditation_expires_on__isnull=True)
                | Q(accredited_on__isnull=False, accreditation_expires_on__gt=models.F(
                    "accredited_on"
                )),
                name="volunteer_accreditation_expires_after_it_starts",
            ),
        ]
        permissions = [
            (
                "visit_victims",
                "Can see the victims allocated to them for face-to-face support and log visits",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def name(self) -> str:
        return str(self.user)

    def accreditation_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        if self.accredited_on is None or self.accredited_on > on:
            return False
        return self.accreditation_expires_on is None or self.accreditation_expires_on > on

    @property
    def language_labels(self) -> list[str]:
        from cases.choices import LANGUAGES

        labels = dict(LANGUAGES)
        return [labels.get(code, code) for code in self.languages]

    @property
    def district_labels(self) -> list[str]:
        labels = dict(District.choices)
        return [labels.get(slug, slug) for slug in self.districts]


@pghistory.track()
class VolunteerAllocation(models.Model):
    """A volunteer giving face-to-face support to the victim of one case.

    One active allocation per case (a partial unique index): a victim has one volunteer at a
    time; ending an allocation keeps the row, so the history of who visited stays.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="volunteer_allocations"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="allocations"
    )
    allocated_at = models.DateTimeField(default=timezone.now)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    end_reason = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-allocated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(active=True),
                name="one_active_volunteer_per_case",
            ),
            models.CheckConstraint(
                condition=Q(active=True, ended_at__isnull=True)
                | Q(active=False, ended_at__isnull=False),
                name="volunteer_allocation_ended_iff_inactive",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "active"])]

    def __str__(self) -> str:
        return f"{self.volunteer} for case {self.case_id}"


# How long a volunteer may correct or remove the hours they logged (issue 16: "within a
# week"); a hub manager may at any time.
HOURS_CHANGE_DAYS = 7


class VolunteerHoursQuerySet(models.QuerySet["VolunteerHours"]):
    def counted(self) -> VolunteerHoursQuerySet:
        """The hours that count in every total and report: not removed."""
        return self.filter(removed=False)


@pghistory.track()
class VolunteerHours(models.Model):
    """Hours a volunteer gave on one day for one allocation (visits, travel, calls).

    A correction changes the row and a removal marks it removed (it stays, out of every
    total); each is attributable on the row (changed_by, changed_at, change_reason), and the
    row's history (pghistory) keeps every version: who changed what, when and why."""

    allocation = models.ForeignKey(
        VolunteerAllocation, on_delete=models.PROTECT, related_name="hours"
    )
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    removed = models.BooleanField(default=False)
    # The last correction or removal (the history holds the earlier ones).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    change_reason = models.TextField(blank=True)

    objects = VolunteerHoursQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "volunteer hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS_PER_DAY),
                name="volunteer_hours_more_than_0_at_most_12",
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.hours}h on {self.date} (allocation {self.allocation_id})"
