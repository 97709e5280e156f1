"""A victim's age band on the day of referral (`cases.choices.age_band`), computed in SQL, so
that every count by age band (the quarterly return, the compliance return) buckets ages by
the same rule. `prefix` is the path from the queryset's model to the case ("" for cases,
"case__" for a case's records)."""

from __future__ import annotations

from django.db.models import Case as SqlCase
from django.db.models import F, Func, IntegerField, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.choices import age_band

UNKNOWN = "unknown"


def _age_bands() -> list[tuple[str, int | None]]:
    """(band, oldest age in it) in order, read off `age_band` itself so that the SQL buckets
    follow the same rule; the last band has no upper bound."""
    bands: list[tuple[str, int | None]] = []
    for age in range(0, 131):
        band = age_band(age)
        if bands and bands[-1][0] == band:
            bands[-1] = (band, age)
        else:
            bands.append((band, age))
    last, _ = bands[-1]
    bands[-1] = (last, None)
    return bands


AGE_BANDS = _age_bands()


def _age_band_label(band: str) -> str:
    if band.startswith("under_"):
        return f"Under {band.removeprefix('under_')}"
    if band.endswith("_plus"):
        return f"{band.removesuffix('_plus')} and over"
    low, _, high = band.partition("_")
    return f"{low} to {high}"


AGE_BAND_LABELS = {
    **{band: _age_band_label(band) for band, _ in AGE_BANDS},
    UNKNOWN: "Not known",
}


class AgeInYears(Func):
    """EXTRACT(YEAR FROM AGE(on, born)): whole years, as `Person.age_on` counts them."""

    template = "CAST(EXTRACT(YEAR FROM AGE(%(expressions)s)) AS integer)"
    output_field = IntegerField()


def age_band_at_referral(prefix: str = "") -> SqlCase:
    """The victim's age band on the (local) day of referral, as `cases.choices.age_band`
    gives it, computed in SQL; needs `age_at_referral` (`with_age_at_referral`)."""
    # An anonymised case has lost the date of birth but kept its band (privacy app).
    whens = [
        When(**{f"{prefix}anonymisation__isnull": False},
             then=F(f"{prefix}anonymisation__age_band_at_referral")),
        When(**{f"{prefix}person__date_of_birth__isnull": True}, then=Value(UNKNOWN)),
    ]
    whens += [
        When(age_at_referral__lte=oldest, then=Value(band))
        for band, oldest in AGE_BANDS
        if oldest is not None
    ]
    last, _ = AGE_BANDS[-1]
    return SqlCase(*whens, default=Value(last))


def with_age_at_referral(queryset: QuerySet, prefix: str = "") -> QuerySet:
    referral_day = TruncDate(f"{prefix}referred_at", tzinfo=timezone.get_current_timezone())
    return queryset.annotate(
        age_at_referral=AgeInYears(referral_day, F(f"{prefix}person__date_of_birth"))
    )
