"""The checks every way in makes on the answers it is given, written once: the dates of a
crime and of a victim (a refusal is the one DomainError, naming the fields at fault)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

# Nothing the hub handles happened before 1900: an earlier year is a typing slip (and a year
# such as 0001 made the repeat-victim rule, a year before the offence, overflow).
EARLIEST_DATE = date(1900, 1, 1)
# A crime system's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)


def date_errors(
    *,
    offence_date: date,
    reported_at: datetime | None,
    date_of_birth: date | None,
    today: date | None = None,
) -> dict[str, str]:
    """The dates of a referral, checked against each other and the clock.

    Rules: an offence cannot be in the future; a report cannot be in the future nor before
    the offence; a victim is born before the offence and after 1900. Returns the errors by
    field path (empty when the dates hold together).
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if offence_date > today:
        errors["crime.offence_date"] = "The offence date cannot be in the future."
    if reported_at is not None:
        if reported_at > timezone.now() + CLOCK_SKEW:
            errors["crime.reported_at"] = "The time reported cannot be in the future."
        elif timezone.localtime(reported_at).date() < offence_date:
            errors["crime.reported_at"] = "The crime cannot be reported before the offence date."
    if date_of_birth is not None:
        if date_of_birth > offence_date:
            errors["victim.date_of_birth"] = "The date of birth must be before the offence date."
        elif date_of_birth < EARLIEST_DATE:
            errors["victim.date_of_birth"] = "Enter a real date of birth."
    return errors
