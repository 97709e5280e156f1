"""Reads for the volunteer pages.

A volunteer sees only the victims allocated to them, and of each only what a visit needs
(DOMAIN.md, "Who uses it"): the rows are built from `.values()` over the fields listed in
VISIT_FIELDS, so nothing else of the victim's record (crime, assessments, notes, date of
birth, other cases) is even read from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.choices import LANGUAGES, ContactBand
from cases.models import Case
from cases.workflow import OPEN_STATUSES
from core.choices import District
from volunteers.models import (
    ACCREDITATION_WARNING_DAYS,
    Volunteer,
    VolunteerAllocation,
    VolunteerHours,
)

# ORM path -> Visit attribute. This list IS what a volunteer may see of a victim.
VISIT_FIELDS = {
    "pk": "allocation_id",
    "allocated_at": "allocated_at",
    "case__person__first_name": "first_name",
    "case__person__last_name": "last_name",
    "case__person__phone": "phone",
    "case__person__address_line1": "address_line1",
    "case__person__address_line2": "address_line2",
    "case__person__town": "town",
    "case__person__postcode": "postcode",
    "case__person__district": "district",
    "case__person__first_language": "first_language",
    "case__person__interpreter_needed": "interpreter_needed",
    "case__person__safe_to_call": "safe_to_call",
    "case__person__may_leave_message": "may_leave_message",
    "case__person__safe_contact_bands": "safe_contact_bands",
    # The VCC to contact: the case's VCC, or whoever allocated the volunteer.
    "case__allocated_to__first_name": "vcc_first_name",
    "case__allocated_to__last_name": "vcc_last_name",
    "case__allocated_to__email": "vcc_email",
    "allocated_by__first_name": "allocator_first_name",
    "allocated_by__last_name": "allocator_last_name",
    "allocated_by__email": "allocator_email",
}


@dataclass(frozen=True)
class Visit:
    """One victim a volunteer visits: only what the visits need."""

    allocation_id: int
    allocated_at: datetime
    first_name: str
    last_name: str
    phone: str
    address_line1: str
    address_line2: str
    town: str
    postcode: str
    district: str
    first_language: str
    interpreter_needed: bool
    safe_to_call: bool
    may_leave_message: bool
    safe_contact_bands: list[str]
    vcc_first_name: str | None
    vcc_last_name: str | None
    vcc_email: str | None
    allocator_first_name: str
    allocator_last_name: str
    allocator_email: str
    hours_logged: Decimal

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def address_lines(self) -> list[str]:
        return [
            line
            for line in (self.address_line1, self.address_line2, self.town, self.postcode)
            if line
        ]

    @property
    def district_label(self) -> str:
        return District(self.district).label if self.district in District.values else ""

    @property
    def language_label(self) -> str:
        return dict(LANGUAGES).get(self.first_language, self.first_language)

    @property
    def safe_times(self) -> list[str]:
        labels = dict(ContactBand.choices)
        return [labels.get(band, band) for band in self.safe_contact_bands]

    @property
    def vcc_name(self) -> str:
        if self.vcc_first_name is not None:
            return f"{self.vcc_first_name} {self.vcc_last_name}".strip()
        return f"{self.allocator_first_name} {self.allocator_last_name}".strip()

    @property
    def vcc_contact_email(self) -> str:
        return (self.vcc_email if self.vcc_first_name is not None else self.allocator_email) or ""

    @property
    def hub_phone(self) -> str:
        return settings.HUB_PHONE


def _hours_logged() -> Coalesce:
    return Coalesce(
        Subquery(
            VolunteerHours.objects.counted().filter(allocation=OuterRef("pk"))
            .order_by()
            .values("allocation")
            .annotate(total=Sum("hours"))
            .values("total")[:1],
            output_field=DecimalField(),
        ),
        Decimal("0"),
        output_field=DecimalField(),
    )


def _visits_of(user: User) -> QuerySet[VolunteerAllocation]:
    """The volunteer's current allocations on open cases (and nobody else's)."""
    return VolunteerAllocation.objects.filter(
        volunteer__user=user,
        volunteer__active=True,
        active=True,
        case__status__in=OPEN_STATUSES,
    )


def _rows(allocations: QuerySet[VolunteerAllocation]) -> list[tuple[Visit, int, int]]:
    """(visit, case id, person id): the ids are for the access log, not for the page."""
    rows = allocations.annotate(hours_logged=_hours_logged()).values(
        *VISIT_FIELDS, "hours_logged", "case_id", "case__person_id"
    )
    result = []
    for row in rows.order_by("allocated_at", "pk"):
        visit = Visit(
            **{name: row[path] for path, name in VISIT_FIELDS.items()},
            hours_logged=row["hours_logged"],
        )
        result.append((visit, row["case_id"], row["case__person_id"]))
    return result


def visits_for(user: User) -> list[tuple[Visit, int, int]]:
    """The victims allocated to this volunteer, oldest allocation first. One query."""
    return _rows(_visits_of(user))


def visit_for(user: User, allocation_id: int) -> tuple[Visit, int, int] | None:
    """One of this volunteer's current allocations, or None (the page answers 404)."""
    rows = _rows(_visits_of(user).filter(pk=allocation_id))
    return rows[0] if rows else None


def case_volunteer_allocations(case: Case) -> list[VolunteerAllocation]:
    """Every volunteer allocation of the case, the active one first, with the hours logged on
    each. One query."""
    return list(
        VolunteerAllocation.objects.filter(case_id=case.pk)
        .select_related("volunteer__user")
        .annotate(hours_logged=_hours_logged())
        .order_by("-active", "-allocated_at", "-pk")
    )


def current_load() -> Coalesce:
    """How many victims the volunteer supports now (a subquery on the volunteer row)."""
    return Coalesce(
        Subquery(
            VolunteerAllocation.objects.filter(volunteer=OuterRef("pk"), active=True)
            .order_by()
            .values("volunteer")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def pool_rows(on: date | None = None) -> list[Volunteer]:
    """The manager's table of the pool: every volunteer, with their current allocations and
    the hours logged in the last four weeks. One query."""
    on = on or timezone.localdate()
    hours_4_weeks = Coalesce(
        Subquery(
            VolunteerHours.objects.counted().filter(
                allocation__volunteer=OuterRef("pk"),
                date__gt=on - timedelta(weeks=4),
                date__lte=on,
            )
            .order_by()
            .values("allocation__volunteer")
            .annotate(total=Sum("hours"))
            .values("total")[:1],
            output_field=DecimalField(),
        ),
        Decimal("0"),
        output_field=DecimalField(),
    )
    volunteers: list[Volunteer] = list(
        Volunteer.objects.select_related("user")
        .annotate(current_load=current_load(), hours_4_weeks=hours_4_weeks)
        .order_by("-active", "user__first_name", "user__last_name", "pk")
    )
    soon = on + timedelta(days=ACCREDITATION_WARNING_DAYS)
    for volunteer in volunteers:
        volunteer.accredited_now = volunteer.accreditation_current(on)
        volunteer.expires_soon = bool(
            volunteer.accredited_now
            and volunteer.accreditation_expires_on
            and volunteer.accreditation_expires_on <= soon
        )
    return volunteers


def volunteer_users_without_profile() -> QuerySet[User]:
    """Logins with the volunteer role that have no volunteer profile yet."""
    return (
        User.objects.filter(
            is_active=True, groups__name=Role.VOLUNTEER.label, volunteer_profile__isnull=True
        )
        .order_by("first_name", "last_name", "username")
        .distinct()
    )
