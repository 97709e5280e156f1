"""Volunteers: the profile, matching a volunteer to a victim, allocation, hours, and the pool
measured against the service specification.

Service specification (seed 000, Appendix 2, "Volunteer provision"): "a minimum of 15
volunteers who are representative of the community of Cambridgeshire, with a range of language
and cultural knowledge, to provide face to face support to victims across the county ... a
minimum of four hours a week ... recruited, trained, and accredited in-house by Hub staff."
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, role_of
from cases.choices import LANGUAGES
from cases.models import Case
from cases.workflow import SUPPORT_STATUSES, CaseStatus
from core.choices import District
from core.errors import DomainError
from volunteers.models import (
    ACCREDITATION_WARNING_DAYS,
    MAX_HOURS_PER_DAY,
    MINIMUM_HOURS_PER_WEEK,
    MINIMUM_VOLUNTEERS,
    Volunteer,
    VolunteerAllocation,
    VolunteerHours,
)
from volunteers.selectors import current_load

# The districts of the county a volunteer can cover ("across the county").
COUNTY_DISTRICTS = [d for d in District if d != District.OUT_OF_AREA]
LANGUAGE_LABELS = dict(LANGUAGES)


def hours_text(hours: Decimal) -> str:
    """Hours as people write them: 8, 1.5, 0.25."""
    return f"{hours.normalize():f}"


# --- The profile --------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerDetails:
    """What a manager records about a volunteer."""

    languages: list[str]
    districts: list[str]
    hours_per_week: Decimal
    trained_on: date | None = None
    accredited_on: date | None = None
    accreditation_expires_on: date | None = None
    available: bool = True
    availability_notes: str = ""
    active: bool = True


def _check_details(details: VolunteerDetails) -> None:
    if not details.languages:
        raise DomainError(
            "Select at least one language the volunteer can support a victim in",
            field="languages",
        )
    unknown = [d for d in details.districts if d not in District.values]
    if not details.districts or unknown:
        raise DomainError("Select the districts the volunteer can visit", field="districts")
    if not Decimal("0") <= details.hours_per_week <= Decimal("40"):
        raise DomainError("Enter the hours a week as a number from 0 to 40",
                          field="hours_per_week")
    if details.accredited_on and details.trained_on and details.accredited_on < details.trained_on:
        raise DomainError("A volunteer is accredited after their training: check the dates",
                          field="accredited_on")
    if details.accreditation_expires_on and not details.accredited_on:
        raise DomainError("Enter the date of accreditation as well as its expiry",
                          field="accredited_on")
    if details.accredited_on and not details.accreditation_expires_on:
        raise DomainError("Enter when the accreditation expires (accreditation is renewed)",
                          field="accreditation_expires_on")
    if (
        details.accredited_on
        and details.accreditation_expires_on
        and details.accreditation_expires_on <= details.accredited_on
    ):
        raise DomainError("The accreditation must expire after the date it was given",
                          field="accreditation_expires_on")


def _require_manager(by: User) -> None:
    if not by.has_perm("cases.allocate_case"):
        raise DomainError("Only a hub manager can manage volunteers.")


@transaction.atomic
def create_volunteer(
    *,
    details: VolunteerDetails,
    by: User,
    user: User | None = None,
    username: str = "",
    password: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Volunteer:
    """Record a volunteer recruited by the hub: either for an existing login with the volunteer
    role, or with a new login (created with the volunteer role).

    Rule: volunteers are recruited, trained and accredited in-house by hub staff (service
    specification, "Volunteer provision"), so only a hub manager records them.
    """
    from accounts.services import create_staff_user

    _require_manager(by)
    _check_details(details)
    if user is None:
        if not username:
            raise DomainError("Enter a username for the volunteer's login", field="username")
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError(f"The username {username!r} is taken", field="username")
        user = create_staff_user(
            username=username,
            password=password,
            role=Role.VOLUNTEER,
            first_name=first_name,
            last_name=last_name,
        )
    else:
        if role_of(user) != Role.VOLUNTEER:
            raise DomainError(f"{user} does not have the volunteer role", field="user")
        if Volunteer.objects.filter(user=user).exists():
            raise DomainError(f"{user} already has a volunteer profile", field="user")
    return Volunteer.objects.create(user=user, **asdict(details))


@transaction.atomic
def update_volunteer(*, volunteer: Volunteer, details: VolunteerDetails, by: User) -> Volunteer:
    """Change a volunteer's profile.

    Rule: a volunteer who leaves (inactive) must first hand over the victims they visit, so
    no victim is left with a volunteer who will not come.
    """
    _require_manager(by)
    _check_details(details)
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if not details.active and locked.active:
        current = locked.allocations.filter(active=True).count()
        if current:
            raise DomainError(
                f"{locked} still supports {current} victim{'s' if current != 1 else ''}: "
                "end those allocations first",
                field="active",
            )
    for name, value in asdict(details).items():
        setattr(locked, name, value)
    locked.save()
    return locked


# --- Matching and allocation --------------------------------------------------------------


def suggest_volunteers(*, case: Case, on: date | None = None) -> QuerySet[Volunteer]:
    """Volunteers who could support this case's victim face to face, best first.

    Only active, available volunteers whose accreditation is current (trained and accredited
    in-house, service specification). Ranked: the victim's first language first ("a range of
    language and cultural knowledge"), then who covers the victim's district ("across the
    county"), then the fewest victims already allocated. One query: the ranking is annotated.
    """
    person = case.person
    language_match = models.Case(
        models.When(languages__contains=[person.first_language], then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    district_match = (
        models.Case(
            models.When(districts__contains=[person.district], then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        if person.district
        else Value(0, output_field=IntegerField())
    )
    return (
        Volunteer.objects.allocatable(on)
        .select_related("user")
        .annotate(
            language_match=language_match,
            district_match=district_match,
            current_load=current_load(),
        )
        .order_by(
            "-language_match",
            "-district_match",
            "current_load",
            "user__first_name",
            "user__last_name",
            "pk",
        )
    )


def _can_work_cases(user: User) -> bool:
    return user.is_active and user.has_perm("cases.work_case")


@transaction.atomic
def allocate_volunteer(*, case: Case, volunteer: Volunteer, by: User) -> VolunteerAllocation:
    """Give a victim a volunteer for face-to-face support (a recovery plan's volunteer action).

    Rules: a VCC or hub manager allocates; the case is open and has no volunteer already
    (one at a time); the volunteer is active, available and accredited, with the
    accreditation current (service specification: "trained, and accredited in-house").
    """
    if not _can_work_cases(by):
        raise DomainError("Only a Victim Care Co-ordinator or a hub manager can allocate "
                          "a volunteer.")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise DomainError(
            f"Case {locked.reference} is {CaseStatus(locked.status).label.lower()}: "
            "a volunteer can only be allocated to an open case."
        )
    current = (
        VolunteerAllocation.objects.filter(case=locked, active=True)
        .select_related("volunteer__user")
        .first()
    )
    if current is not None:
        raise DomainError(
            f"{current.volunteer} already supports this victim: end that allocation first."
        )
    vol = Volunteer.objects.select_related("user").get(pk=volunteer.pk)
    today = timezone.localdate()
    if not vol.active or not vol.user.is_active:
        raise DomainError(f"{vol} no longer volunteers with the hub.")
    if not vol.available:
        notes = f" ({vol.availability_notes})" if vol.availability_notes else ""
        raise DomainError(f"{vol} is not available for a new victim{notes}.")
    if not vol.accreditation_current(today):
        if vol.accredited_on is None or vol.accredited_on > today:
            raise DomainError(
                f"{vol} is not accredited yet: only accredited volunteers visit victims."
            )
        raise DomainError(
            f"{vol}'s accreditation expired on {vol.accreditation_expires_on:%-d %B %Y}: "
            "renew it before allocating a victim."
        )
    try:
        with transaction.atomic():
            return VolunteerAllocation.objects.create(case=locked, volunteer=vol, allocated_by=by)
    except IntegrityError as error:  # a concurrent allocation won the race
        raise DomainError(
            "Another volunteer was allocated to this victim a moment ago: reload the page."
        ) from error


@transaction.atomic
def end_allocation(
    *, allocation: VolunteerAllocation, by: User, reason: str = ""
) -> VolunteerAllocation:
    """End a volunteer's support of a victim; the row stays as the record of who visited.

    Rule: a VCC or hub manager ends it (the volunteer tells their VCC).
    """
    if not _can_work_cases(by):
        raise DomainError("Only a Victim Care Co-ordinator or a hub manager can end an "
                          "allocation.")
    locked = VolunteerAllocation.objects.select_for_update().get(pk=allocation.pk)
    if not locked.active:
        raise DomainError("This allocation has already ended.")
    locked.active = False
    locked.ended_at = timezone.now()
    locked.ended_by = by
    locked.end_reason = reason[:200]
    locked.save(update_fields=["active", "ended_at", "ended_by", "end_reason"])
    allocation.active, allocation.ended_at = locked.active, locked.ended_at
    return locked


def check_hours(
    allocation: VolunteerAllocation, *, on: date | None, hours: Decimal | None,
    instead_of: VolunteerHours | None = None,
) -> tuple[date, Decimal]:
    """The hours of one day on a (locked) allocation, as logged or corrected: more than 0
    and at most 12, no more than 12 a day in all for the volunteer (an entry being
    corrected counts at its new figure), not in the future, within the allocation. The
    date and hours, checked."""
    locked = allocation
    if hours is None:
        raise DomainError("Enter the hours you gave, for example 1.5", field="hours")
    if hours <= 0:
        raise DomainError("Enter hours of more than 0", field="hours")
    if hours > MAX_HOURS_PER_DAY:
        raise DomainError(
            f"Enter no more than {hours_text(MAX_HOURS_PER_DAY)} hours for one day", field="hours"
        )
    if on is None:
        raise DomainError("Enter the date of the visit", field="date")
    today = timezone.localdate()
    if on > today:
        raise DomainError("The date of the visit cannot be in the future", field="date")
    started = timezone.localdate(locked.allocated_at)
    if on < started:
        raise DomainError(
            f"The date is before the allocation began ({started:%-d %B %Y})", field="date"
        )
    if locked.ended_at is not None and on > timezone.localdate(locked.ended_at):
        raise DomainError(
            f"The date is after the allocation ended ({locked.ended_at:%-d %B %Y})", field="date"
        )
    others = VolunteerHours.objects.counted().filter(
        allocation__volunteer_id=locked.volunteer_id, date=on
    )
    if instead_of is not None:
        others = others.exclude(pk=instead_of.pk)
    that_day = others.aggregate(total=Sum("hours"))["total"] or Decimal("0")
    if that_day + hours > MAX_HOURS_PER_DAY:
        raise DomainError(
            f"{hours_text(that_day)} hours are already logged on {on:%-d %B %Y}: no more than "
            f"{hours_text(MAX_HOURS_PER_DAY)} hours a day in all",
            field="hours",
        )
    return on, hours


@transaction.atomic
def log_hours(
    *,
    allocation: VolunteerAllocation,
    by: User,
    on: date | None,
    hours: Decimal | None,
    notes: str = "",
) -> VolunteerHours:
    """Record hours a volunteer gave a victim on one day.

    Rules: more than 0 and at most 12 hours, and no more than 12 hours a day in all for the
    volunteer; not in the future, not before the allocation began or after it ended. The
    volunteer logs their own hours on their own current allocations; a VCC or hub manager may
    log them on the volunteer's behalf. The pool's hours are checked against the "minimum of
    four hours a week" of the service specification.
    """
    # Locks the allocation and the volunteer: two entries for one day cannot both pass the
    # daily check.
    locked = (
        VolunteerAllocation.objects.select_for_update()
        .select_related("volunteer")
        .get(pk=allocation.pk)
    )
    own = locked.volunteer.user_id == by.pk
    if own:
        if not locked.active or not locked.volunteer.active:
            raise DomainError("This allocation has ended: ask your VCC to log the hours.")
    elif not _can_work_cases(by):
        raise DomainError("You can log hours only on your own visits.")

    day, given = check_hours(locked, on=on, hours=hours)
    return VolunteerHours.objects.create(
        allocation=locked, date=day, hours=given, notes=notes[:1000], logged_by=by
    )


# --- The pool against the service specification -------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One line of the specification check: the rule, the figure, met or not."""

    rule: str
    figure: str
    met: bool
    warning: bool = False  # not a breach, but needs attention soon


@dataclass(frozen=True)
class PoolFigures:
    active: int
    offering_minimum_hours: int
    accredited: int
    expiring_soon: int
    available: int
    hours_offered_per_week: Decimal
    hours_logged_4_weeks: Decimal
    languages: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    uncovered_victim_languages: list[str] = field(default_factory=list)
    minimum_volunteers: int = MINIMUM_VOLUNTEERS
    minimum_hours: Decimal = MINIMUM_HOURS_PER_WEEK

    @property
    def language_labels(self) -> list[str]:
        return [LANGUAGE_LABELS.get(code, code) for code in self.languages]

    @property
    def district_labels(self) -> list[str]:
        return [District(d).label for d in self.districts if d in District.values]

    @property
    def uncovered_districts(self) -> list[str]:
        return [d.label for d in COUNTY_DISTRICTS if d.value not in self.districts]

    @property
    def rules(self) -> list[Rule]:
        n = self.active
        uncovered_languages = [LANGUAGE_LABELS.get(c, c) for c in self.uncovered_victim_languages]
        return [
            Rule(
                f"A minimum of {self.minimum_volunteers} volunteers",
                f"{n} active volunteer{'s' if n != 1 else ''}",
                n >= self.minimum_volunteers,
            ),
            Rule(
                f"Each gives a minimum of {self.minimum_hours:g} hours a week",
                f"{self.offering_minimum_hours} of {n} offer {self.minimum_hours:g} hours or more",
                n > 0 and self.offering_minimum_hours == n,
            ),
            Rule(
                "Trained and accredited in-house, accreditation current",
                f"{self.accredited} of {n} accredited",
                n > 0 and self.accredited == n,
            ),
            Rule(
                f"Accreditations due for renewal in the next {ACCREDITATION_WARNING_DAYS} days",
                f"{self.expiring_soon} expire{'s' if self.expiring_soon == 1 else ''}",
                True,
                warning=self.expiring_soon > 0,
            ),
            Rule(
                "Face-to-face support across the county",
                "All districts covered"
                if not self.uncovered_districts
                else "Not covered: " + ", ".join(self.uncovered_districts),
                not self.uncovered_districts,
            ),
            Rule(
                "A range of language knowledge: victims in support can be supported in their "
                "first language",
                f"{len(self.languages)} language{'s' if len(self.languages) != 1 else ''}"
                + (
                    "; not covered: " + ", ".join(uncovered_languages)
                    if uncovered_languages
                    else ""
                ),
                n > 0 and not uncovered_languages,
            ),
        ]

    @property
    def all_met(self) -> bool:
        return all(rule.met for rule in self.rules)


def _accredited_q(on: date) -> Q:
    return Q(accredited_on__isnull=False, accredited_on__lte=on) & (
        Q(accreditation_expires_on__isnull=True) | Q(accreditation_expires_on__gt=on)
    )


def _unnest(queryset: QuerySet[Volunteer], column: str) -> list[str]:
    return list(
        queryset.annotate(code=Func(F(column), function="unnest"))
        .order_by("code")
        .values_list("code", flat=True)
        .distinct()
    )


def pool_against_specification(*, on: date | None = None) -> PoolFigures:
    """The volunteer pool measured against "Volunteer provision" (service specification): at
    least 15 volunteers, each offering at least four hours a week, all accredited with the
    accreditation current, covering the county's districts and the victims' languages; with
    the accreditations that expire within 60 days and the hours logged in the last 4 weeks.
    Five queries, whatever the size of the pool."""
    on = on or timezone.localdate()
    active = Volunteer.objects.active()
    soon = on + timedelta(days=ACCREDITATION_WARNING_DAYS)
    counts = active.aggregate(
        active=Count("pk"),
        offering=Count("pk", filter=Q(hours_per_week__gte=MINIMUM_HOURS_PER_WEEK)),
        accredited=Count("pk", filter=_accredited_q(on)),
        expiring=Count(
            "pk",
            filter=_accredited_q(on)
            & Q(accreditation_expires_on__gt=on, accreditation_expires_on__lte=soon),
        ),
        available=Count("pk", filter=Q(available=True) & _accredited_q(on)),
        offered=Coalesce(
            Sum("hours_per_week"), Value(Decimal("0")), output_field=DecimalField()
        ),
    )
    languages = _unnest(active, "languages")
    districts = _unnest(active, "districts")
    logged = VolunteerHours.objects.counted().filter(
        date__gt=on - timedelta(weeks=4), date__lte=on
    ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    # Victims in support (accepted or with a recovery plan) whose first language nobody
    # covers: aggregates only, no names.
    uncovered = list(
        Case.objects.filter(status__in=SUPPORT_STATUSES)
        .exclude(person__first_language__in=[*languages, "other", ""])
        .order_by("person__first_language")
        .values_list("person__first_language", flat=True)
        .distinct()
    )
    return PoolFigures(
        active=counts["active"],
        offering_minimum_hours=counts["offering"],
        accredited=counts["accredited"],
        expiring_soon=counts["expiring"],
        available=counts["available"],
        hours_offered_per_week=counts["offered"],
        hours_logged_4_weeks=logged,
        languages=languages,
        districts=districts,
        uncovered_victim_languages=uncovered,
    )
