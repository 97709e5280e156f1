"""The quarterly return for the OPCC (DOMAIN.md, API contract): the flow counts for a calendar
quarter and breakdowns of its referrals, with small counts suppressed so that no person can be
picked out.

- The headline `flow` is `reporting.flow.compute_flow` for the quarter (the counting rules live
  there and only there), suppressed family by family as the OPCC gets it from the flow API
  (`reporting.suppression.published_flow`): the same figures, so the return never shows
  exactly what its breakdowns hide.
- Every breakdown counts the same referrals (`reporting.flow.referrals`): by crime type,
  district, age band at referral, gender, ethnicity, need area, referral destination, closure
  outcome and contact outcome. Each is one aggregate query (the contact outcomes come from
  the flow itself, so they need none): ten queries, whatever the size of the data.
- The outcomes (`reporting.outcomes`), suppressed the same way: six more queries.
- Breakdown cells are suppressed by `reporting.suppression.suppress` (the rule is
  `SUPPRESSION_RULE`, stated in the output too; docs/suppression.md); the contact outcomes are
  the published flow's own cells.
- This module computes; `reporting.versions` publishes: a quarter is provisional (computed
  live) until the finalisation job stores it as version 1, then revised (docs/returns.md).

Nothing person-level is ever read into the output: only category slugs, their labels, the
names of directory services and counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from assessments.models import (
    SIGNIFICANT_LEVELS,
    Closure,
    ClosureOutcome,
    DvnaNeed,
    NeedArea,
    Outcome,
)
from cases.age_bands import (  # noqa: F401 (re-exported: the return's age bands)
    AGE_BAND_LABELS,
    AGE_BANDS,
    AgeInYears,
    age_band_at_referral,
    with_age_at_referral,
)
from cases.choices import CrimeType, Ethnicity, Gender
from cases.models import Case
from contact.models import ContactOutcome
from core.choices import District
from referrals.models import Referral
from reporting.flow import COUNTING_RULES_VERSION, Period, referrals
from reporting.flow_rules import OTHER_WAYS_IN
from reporting.outcomes import published_outcomes
from reporting.selectors import FLOW_LABELS
from reporting.suppression import (  # noqa: F401 (suppress: its home is reporting.suppression)
    SMALLEST_SHOWN,
    SUPPRESSED,
    SUPPRESSION_RULE,
    published_flow,
    suppress,
    suppress_total,
)

# return-2026.1: the outcomes, and suppression that holds everywhere (issue 14;
# reporting.suppression).
RETURN_RULES_VERSION = "return-2026.1"
# Both sets of rules that made the figures: the flow's and the return's own.
RULES_VERSION = f"{COUNTING_RULES_VERSION}+{RETURN_RULES_VERSION}"

NOT_RECORDED = "none"
UNKNOWN = "unknown"  # as cases.age_bands.UNKNOWN

# The order of the breakdowns in the return and in the CSV.
BREAKDOWN_KEYS = (
    "crime_type",
    "district",
    "age_band",
    "gender",
    "ethnicity",
    "need_area",
    "referral_destination",
    "outcome",
    "contact_outcome",
)
# The flow's leaves named after each contact outcome, in the return's order: first the
# victims who declined contact at the IVNA (the hub never contacted them).
CONTACT_OUTCOMES = (
    "declined_at_ivna",
    ContactOutcome.NO_CONTACT.value,
    ContactOutcome.DECLINED.value,
    ContactOutcome.SIGNPOSTED.value,
    ContactOutcome.ACCEPTED.value,
)


# -- Periods -----------------------------------------------------------------------------------


def quarter_period(year: int, quarter: int) -> Period:
    """The calendar quarter: Q1 is January to March."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"There is no quarter {quarter}.")
    start = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(start, following - timedelta(days=1))


def has_ended(period: Period, today: date | None = None) -> bool:
    return period.end < (today or timezone.localdate())


def latest_ended_quarter(today: date) -> tuple[int, int]:
    """The last calendar quarter that ended before `today`."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    while not has_ended(quarter_period(year, quarter), today):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return year, quarter


def _breakdown(
    title: str,
    counts: str,
    values: Mapping[str, int],
    labels: Mapping[str, str],
) -> dict:
    published = suppress(values)
    return {
        "title": title,
        "counts": counts,
        "total": suppress_total(values, published),
        "cells": [
            {"category": key, "label": labels.get(key, key), "value": published[key]}
            for key in values
        ],
    }


def _in_order(found: Mapping[str, int], order: Iterable[str]) -> dict[str, int]:
    """Every category of `order` (zero when none were found), then any others found."""
    order = list(order)
    values = {key: found.get(key, 0) for key in order}
    for key in sorted(set(found) - set(order)):
        values[key] = found[key]
    return values


def _grouped(queryset: QuerySet, by: object, count: object = None) -> dict[str, int]:
    """One GROUP BY query: {value: count}; a null or blank value is NOT_RECORDED."""
    rows = (
        queryset.values(key=Coalesce(NullIf(by, Value("")), Value(NOT_RECORDED)))
        .annotate(n=count or Count("pk"))
        .order_by()
    )
    found: dict[str, int] = {}
    for row in rows:
        found[row["key"]] = found.get(row["key"], 0) + row["n"]
    return found


# -- The breakdowns ------------------------------------------------------------------------


def _choices(choices: Iterable[tuple[str, str]], **extra: str) -> dict[str, str]:
    return {**dict(choices), **extra}


CRIME_TYPE_LABELS = _choices(
    CrimeType.choices, **{NOT_RECORDED: "No crime recorded (self-referral)"}
)
DISTRICT_LABELS = _choices(District.choices, **{NOT_RECORDED: "Not recorded"})
GENDER_LABELS = _choices(Gender.choices)
ETHNICITY_LABELS = _choices(Ethnicity.choices)
NEED_AREA_LABELS = _choices(NeedArea.choices)
OUTCOME_KEYS = [f"{area}:{outcome}" for area in NeedArea.values for outcome in Outcome.values]
OUTCOME_LABELS = {
    f"{area}:{outcome}": f"{area_label}: {outcome_label}"
    for area, area_label in NeedArea.choices
    for outcome, outcome_label in Outcome.choices
}
CONTACT_OUTCOME_LABELS = {key: FLOW_LABELS[key] for key in CONTACT_OUTCOMES}


def by_crime_type(cases: QuerySet[Case]) -> dict:
    found = _grouped(cases, F("crime__crime_type"))
    return _breakdown(
        "By crime type",
        "Referrals in the quarter by the crime's Home Office main code; a case with no crime "
        "recorded (most self-referrals) is 'none'.",
        _in_order(found, CRIME_TYPE_LABELS),
        CRIME_TYPE_LABELS,
    )


def by_district(cases: QuerySet[Case]) -> dict:
    found = _grouped(cases, F("person__district"))
    return _breakdown(
        "By district",
        "Referrals in the quarter by the victim's home district.",
        _in_order(found, DISTRICT_LABELS),
        DISTRICT_LABELS,
    )


def by_age_band(cases: QuerySet[Case]) -> dict:
    found = _grouped(with_age_at_referral(cases), age_band_at_referral())
    return _breakdown(
        "By age band",
        "Referrals in the quarter by the victim's age on the day of referral.",
        _in_order(found, AGE_BAND_LABELS),
        AGE_BAND_LABELS,
    )


def by_gender(cases: QuerySet[Case]) -> dict:
    found = _grouped(cases, F("person__gender"))
    found[UNKNOWN] = found.get(UNKNOWN, 0) + found.pop(NOT_RECORDED, 0)
    return _breakdown(
        "By gender",
        "Referrals in the quarter by the victim's gender.",
        _in_order(found, GENDER_LABELS),
        GENDER_LABELS,
    )


def by_ethnicity(cases: QuerySet[Case]) -> dict:
    found = _grouped(cases, F("person__ethnicity"))
    found[UNKNOWN] = found.get(UNKNOWN, 0) + found.pop(NOT_RECORDED, 0)
    return _breakdown(
        "By ethnicity",
        "Referrals in the quarter by the victim's ethnicity (Table 1 categories).",
        _in_order(found, ETHNICITY_LABELS),
        ETHNICITY_LABELS,
    )


def by_need_area(cases: QuerySet[Case]) -> dict:
    needs = DvnaNeed.objects.filter(dvna__case__in=cases, level__in=SIGNIFICANT_LEVELS)
    found = _grouped(needs, F("area"), Count("dvna__case", distinct=True))
    return _breakdown(
        "By need area",
        "Referrals in the quarter whose DVNAs assessed the area of need at medium or high; a "
        "case counts once per area (at most once however many DVNAs), so the cells can add up "
        "to more than the referrals.",
        _in_order(found, NEED_AREA_LABELS),
        NEED_AREA_LABELS,
    )


def by_referral_destination(cases: QuerySet[Case]) -> dict:
    found = _grouped(Referral.objects.filter(case__in=cases), F("service__name"))
    names = {name: name for name in sorted(found)}
    return _breakdown(
        "By referral destination",
        "Referrals to services in the directory made for the quarter's referrals, by "
        "service (every referral counts, whatever its status).",
        _in_order(found, names),
        names,
    )


def by_outcome(cases: QuerySet[Case]) -> dict:
    """A case supported more than once (support episodes: assessments.episodes) counts once:
    the outcomes of its latest closure, how the victim was when the hub last closed support.
    Earlier closures' outcomes are superseded, not added."""
    later = Closure.objects.filter(case=OuterRef("closure__case"),
                                   episode__gt=OuterRef("closure__episode"))
    rows = (
        ClosureOutcome.objects.filter(closure__case__in=cases)
        .exclude(Exists(later))
        .values("area", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {f"{row['area']}:{row['outcome']}": row["n"] for row in rows}
    return _breakdown(
        "By outcome at closure",
        "Closed cases among the quarter's referrals: one count per area of need assessed at "
        "closure, by outcome (better able to cope, the same, worse, not known); a case "
        "supported again after closure counts its latest closure.",
        _in_order(found, OUTCOME_KEYS),
        OUTCOME_LABELS,
    )


def by_contact_outcome(flow: Mapping[str, Any]) -> dict:
    """The published (suppressed) flow's own leaves, no query: the counting rules stay in one
    place, and a leaf hidden in the flow is hidden here. Every way in: the police IVNA's leaf
    and the same outcome of the other ways in, hidden when any of them is hidden (else the
    sum less the parts shown would give a hidden part away). The leaves come from several
    families of the flow, so their total would be one more sum to work hidden leaves out
    from: it is shown only when no leaf is hidden (then it is only the sum of what is shown)."""
    cells: dict[str, int | str] = {}
    for key in CONTACT_OUTCOMES:
        parts = [flow.get(name, 0) for name in (key, *(f"{way}_{key}" for way in OTHER_WAYS_IN))]
        cells[key] = SUPPRESSED if SUPPRESSED in parts else sum(int(p) for p in parts)
    hidden = SUPPRESSED in cells.values()
    return {
        "title": "By contact outcome",
        "counts": "Referrals in the quarter who declined contact at the IVNA (not contacted, "
        "unless high risk), then hub-contact referrals (every way in) not supported elsewhere, "
        "by the outcome of contact (the flow's leaves, as suppressed in the flow; those still "
        "awaiting contact or transferred out are not shown).",
        "total": SUPPRESSED if hidden else sum(int(v) for v in cells.values()),
        "cells": [
            {"category": key, "label": CONTACT_OUTCOME_LABELS[key], "value": cells[key]}
            for key in CONTACT_OUTCOMES
        ],
    }


CASE_BREAKDOWNS: dict[str, Callable[[QuerySet[Case]], dict]] = {
    "crime_type": by_crime_type,
    "district": by_district,
    "age_band": by_age_band,
    "gender": by_gender,
    "ethnicity": by_ethnicity,
    "need_area": by_need_area,
    "referral_destination": by_referral_destination,
    "outcome": by_outcome,
}


# -- The return ----------------------------------------------------------------------------


def quarterly_return(year: int, quarter: int, *, today: date | None = None) -> dict:
    """The return for a calendar quarter, computed now: sixteen queries (two for the flow,
    one for each breakdown but the contact outcomes, six for the outcomes). Every value is
    plain JSON."""
    period = quarter_period(year, quarter)
    flow = published_flow(period)
    cases = referrals(period)
    breakdowns = {name: build(cases) for name, build in CASE_BREAKDOWNS.items()}
    breakdowns["contact_outcome"] = by_contact_outcome(flow)
    return {
        "year": year,
        "quarter": quarter,
        "period_from": period.start.isoformat(),
        "period_to": period.end.isoformat(),
        "provisional": not has_ended(period, today),
        "counting_rules_version": RULES_VERSION,
        "suppression_rule": SUPPRESSION_RULE,
        "generated_at": timezone.now().isoformat().replace("+00:00", "Z"),
        "flow": flow,
        "breakdowns": {name: breakdowns[name] for name in BREAKDOWN_KEYS},
        # What came of the hub's work (reporting.outcomes): six more queries.
        "outcomes": published_outcomes(period, suppress),
    }

