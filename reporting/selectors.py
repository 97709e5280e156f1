"""Reads for the managers' dashboard: the flow, the monthly trend and the breakdowns by
district, crime type and marker.

The flow is `reporting.flow.compute_flow` (the one place the counting rules live); the other
figures count the same referrals (`reporting.flow.referrals`) with the same conditions
(`reporting.flow.leaf_filter`), so a row of a breakdown and a box of the flow always agree.
Everything is aggregated in the database: six queries whatever the size of the data
(two for the flow, one each for the months, districts, crime types and markers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from cases.choices import CrimeType, Marker
from cases.models import Case
from core.choices import District
from reporting.flow import (
    FLOW_KEYS,
    Flow,
    Period,
    compute_flow,
    leaf_filter,
    referrals,
    supported_rate,
)
from reporting.flow_rules import OTHER_WAYS_IN, OUTCOMES

# What the boxes of the flow are called on the dashboard, in the CSV and on the case list.
FLOW_LABELS: dict[str, str] = {
    "referred": "Referred",
    "unique_victims": "Unique victims",
    "police_ivna": "Police IVNA referrals",
    "letter_only": "Letter only",
    "responded_to_letter": "Responded to the letter",
    "high_risk": "High risk (MASH / Public Protection)",
    "declined_at_ivna": "Declined contact at the IVNA",
    "vulnerable": "Vulnerable (hub contact)",
    "supported_elsewhere": "Supported elsewhere",
    "awaiting_contact": "Awaiting contact",
    "no_contact": "No contact",
    "transferred_out": "Transferred out",
    "contacted": "Contacted",
    "declined": "Declined",
    "signposted": "Signposted",
    "accepted": "Accepted support",
    "assessed_vulnerable": "Assessed vulnerable (high risk + vulnerable)",
    "self_referred": "Self-referred",
    "transferred_in": "Transferred in",
    "supported": "Supported (accepted support, every way in)",
    "written_to": "Written to",
    "not_written_to": "Not written to",
    "letter_pending": "Letter pending",
    "letters_sent": "Introductory letters sent",
    "follow_up_letters": "Follow-up letters sent",
    "supported_rate": "Supported rate (accepted / assessed vulnerable)",
}
# The outcomes under the other ways in are named after the way in and the outcome.
for _way in OTHER_WAYS_IN:
    for _leaf in (*OUTCOMES, "contacted"):
        FLOW_LABELS[f"{_way}_{_leaf}"] = f"{FLOW_LABELS[_way]}: {FLOW_LABELS[_leaf].lower()}"


def _has_case_list(key: str) -> bool:
    try:
        leaf_filter(key)
    except KeyError:
        return False
    return True


# The counts that are a set of cases, so the case list can show the cases behind them
# (unique victims are people, letters are letters and the rate is a ratio).
CASE_LIST_KEYS: tuple[str, ...] = tuple(key for key in FLOW_KEYS if _has_case_list(key))
CASE_LIST_FLOW_CHOICES = [(key, FLOW_LABELS[key]) for key in CASE_LIST_KEYS]

# The value that stands for "not recorded" (a blank district, a case with no crime) in a
# breakdown and in the case-list filter behind it.
NOT_RECORDED = "none"

# The names of the rows of the breakdowns.
DISTRICT_LABELS = {**dict(District.choices), NOT_RECORDED: "Not recorded"}
CRIME_TYPE_LABELS = {**dict(CrimeType.choices), NOT_RECORDED: "No crime recorded"}
MARKER_LABELS = dict(Marker.choices)

# The counts in each month of the trend and each row of a breakdown.
MONTH_KEYS = ("referred", "letter_only", "high_risk", "vulnerable", "accepted")
ROW_KEYS = ("referred", "high_risk", "vulnerable", "accepted")


def _count(key: str) -> Count:
    """A COUNT … FILTER (WHERE …) for the cases behind one flow key."""
    condition = leaf_filter(key)
    return Count("pk", filter=condition) if condition else Count("pk")


@dataclass(frozen=True)
class Month:
    start: date  # the first day of the month
    end: date  # the last day of the month
    counts: dict[str, int]

    def within(self, period: Period) -> Period:
        """The part of the month inside the period (the first and last may be partial)."""
        return Period(max(self.start, period.start), min(self.end, period.end))


@dataclass(frozen=True)
class Row:
    key: str  # the slug, or NOT_RECORDED
    label: str
    counts: dict[str, int]

    @property
    def supported_rate(self) -> float | None:
        # The flow's rule: accepted / assessed vulnerable (high risk + vulnerable).
        return supported_rate(
            self.counts["accepted"], self.counts["high_risk"] + self.counts["vulnerable"]
        )


@dataclass(frozen=True)
class Breakdown:
    name: str  # the case-list filter that picks a row's cases: district, crime_type, marker
    title: str
    rows: list[Row]
    note: str = ""


@dataclass(frozen=True)
class Dashboard:
    period: Period
    district: str | None
    flow: Flow
    months: list[Month]
    breakdowns: list[Breakdown]


def _months(period: Period) -> list[tuple[date, date]]:
    first = period.start.replace(day=1)
    months = []
    while first <= period.end:
        following = (first + timedelta(days=32)).replace(day=1)
        months.append((first, following - timedelta(days=1)))
        first = following
    return months


def monthly_counts(cases: QuerySet[Case], period: Period) -> list[Month]:
    """Referrals per month (local time, like the period) by route, and accepted: one query.
    Months with no referrals are shown as zeros."""
    # Rows as plain mappings: the plugin knows only "month", not the counts named below.
    rows: Iterable[Mapping[str, Any]] = (
        cases.annotate(month=TruncMonth("referred_at"))
        .values("month")
        .annotate(**{f"n_{key}": _count(key) for key in MONTH_KEYS})
        .order_by("month")
    )
    found = {
        row["month"].date(): {key: row[f"n_{key}"] for key in MONTH_KEYS} for row in rows
    }
    zeros = dict.fromkeys(MONTH_KEYS, 0)
    return [Month(start, end, found.get(start, zeros)) for start, end in _months(period)]


def _grouped(cases: QuerySet[Case], field: str) -> dict[str, dict[str, int]]:
    """Counts per value of `field`, one GROUP BY query; a blank or missing value is
    NOT_RECORDED."""
    rows: Iterable[Mapping[str, Any]] = (  # the counts are named below, unknown to the plugin
        cases.values(value=F(field))
        .annotate(**{f"n_{key}": _count(key) for key in ROW_KEYS})
        .order_by("value")
    )
    grouped: dict[str, dict[str, int]] = {}
    for row in rows:
        key = row["value"] or NOT_RECORDED
        counts = grouped.setdefault(key, dict.fromkeys(ROW_KEYS, 0))
        for name in ROW_KEYS:
            counts[name] += row[f"n_{name}"]
    return grouped


def by_district(cases: QuerySet[Case]) -> Breakdown:
    grouped = _grouped(cases, "person__district")
    # Districts in their usual order, not by size: a manager looks for their own.
    order = [*DISTRICT_LABELS, *sorted(set(grouped) - set(DISTRICT_LABELS))]
    rows = [Row(key, DISTRICT_LABELS.get(key, key), grouped[key]) for key in order
            if key in grouped]
    return Breakdown("district", "By district", rows, "By the victim's home district.")


def by_crime_type(cases: QuerySet[Case]) -> Breakdown:
    grouped = _grouped(cases, "crime__crime_type")
    rows = [Row(key, CRIME_TYPE_LABELS.get(key, key), counts) for key, counts in grouped.items()]
    rows.sort(key=lambda row: (-row.counts["referred"], row.label))
    return Breakdown(
        "crime_type",
        "By crime type",
        rows,
        "Home Office main codes; self-referrals may have no crime recorded.",
    )


def by_marker(cases: QuerySet[Case]) -> Breakdown:
    """A case counts once under each of its crime's markers (a crime may have several, so
    the rows add up to more than the referrals). One aggregate over the cases with a
    FILTER per marker and count: no row is multiplied by a join."""
    raw = cases.aggregate(
        **{
            f"{marker}__{key}": Count(
                "pk", filter=Q(crime__markers__contains=[marker]) & leaf_filter(key)
            )
            for marker in Marker.values
            for key in ROW_KEYS
        }
    )
    rows = [
        Row(marker, MARKER_LABELS[marker], {key: raw[f"{marker}__{key}"] for key in ROW_KEYS})
        for marker in Marker.values
    ]
    rows = [row for row in rows if row.counts["referred"]]
    rows.sort(key=lambda row: (-row.counts["referred"], row.label))
    return Breakdown(
        "marker",
        "By marker",
        rows,
        "A case counts once under each marker on its crime, so the rows can add up to more "
        "than the referrals.",
    )


def dashboard_figures(*, period: Period, district: str | None = None) -> Dashboard:
    """Everything the dashboard shows, for a period (by referral date) and optional
    district: six queries whatever the size of the data."""
    cases = referrals(period, district)
    return Dashboard(
        period=period,
        district=district or None,
        flow=compute_flow(period, district),
        months=monthly_counts(cases, period),
        breakdowns=[by_district(cases), by_crime_type(cases), by_marker(cases)],
    )


def last_full_months(today: date, months: int = 12) -> Period:
    """The last `months` whole calendar months before `today`'s month."""
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return Period(start, end)
