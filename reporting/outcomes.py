"""Outcomes on show (issue 14): what came of the hub's work, for a period.

Each figure is one aggregate query, whatever the number of rows, and is given as a breakdown
like the return's (`title`, `counts`, `total`, `cells`), its cells a partition of the total:

- `closure_outcomes`: did the support help the victim cope and recover, per area of need,
  for support closed in the period (by closure date);
- `distance_travelled`: per area of need, how the level of need moved from the first to the
  last DVNA of a support episode, for episodes closed in the period (by closure date);
- `survey_helped_to_cope`, `survey_treated_with_respect`, `survey_would_recommend`: the
  satisfaction survey, one breakdown per question, by the date of the answers;
- `referral_outcomes`: referrals on to services in the directory, by service and where the
  referral stands now, by the date it was sent;
- `first_contact`: first contact within the Victims' Code timescale, enhanced entitlement
  or not, for the referrals of the period (by referral date);
- `report_to_referral`: days from the crime's report to the police to the hub's referral,
  for the referrals of the period (by referral date).

`exact_outcomes` gives the exact counts (the managers' dashboard); `published_outcomes`
gives them as the return publishes them: every breakdown through `reporting.returns.
suppress`, and each rate worked out only from counts that are shown (else null).

The rules are asked of their homes, never restated: the Victims' Code deadline is
`Case.contact_due_at` (cases.deadlines), the population the hub contacts is the flow's
(reporting.flow), the order of levels is `assessments.models.LEVEL_ORDER`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    Case as SqlCase,
)
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Least, TruncDate
from django.utils import timezone

from assessments.models import (
    LEVEL_ORDER,
    Closure,
    ClosureOutcome,
    Dvna,
    DvnaNeed,
    HelpedToCope,
    NeedArea,
    Outcome,
    SurveyResponse,
)
from cases.models import Case
from contact.models import ContactAttempt, Letter, LetterKind, LetterStatus
from referrals.models import Referral, ReferralStatus
from reporting.flow import Period, leaf_filter, referrals

OUTCOME_KEYS = (
    "closure_outcomes",
    "distance_travelled",
    "survey_helped_to_cope",
    "survey_treated_with_respect",
    "survey_would_recommend",
    "referral_outcomes",
    "first_contact",
    "report_to_referral",
)

RATES_RULE = (
    "Each rate is worked out from the counts shown in its breakdown; it is null where a "
    "count it needs is suppressed, or where there is nothing to divide by."
)


@dataclass(frozen=True)
class Rate:
    """A share of the figure's cells: sum(numerator) / sum(denominator)."""

    category: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    counts: str  # what the cells count, and by which date the period is taken
    values: dict[str, int]  # exact, in order
    labels: dict[str, str]
    rates: list[Rate] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.values.values())

    def cells(self, published: Mapping[str, int | str] | None = None) -> list[dict]:
        shown = published if published is not None else self.values
        return [
            {"category": key, "label": self.labels.get(key, key), "value": shown[key]}
            for key in self.values
        ]

    def rate_values(self, published: Mapping[str, int | str] | None = None) -> list[dict]:
        shown = published if published is not None else self.values
        out = []
        for rate in self.rates:
            needed = [shown[key] for key in (*rate.numerator, *rate.denominator)]
            value: float | None = None
            if all(isinstance(n, int) for n in needed):
                top = sum(int(shown[key]) for key in rate.numerator)
                bottom = sum(int(shown[key]) for key in rate.denominator)
                value = round(top / bottom, 4) if bottom else None
            out.append({"category": rate.category, "label": rate.label, "value": value})
        return out

    def as_dict(self, suppress: Callable[[Mapping[str, int]], Mapping[str, int | str]] | None
                = None) -> dict:
        published = suppress(self.values) if suppress is not None else None
        return {
            "title": self.title,
            "counts": self.counts,
            "total": self.total,
            "cells": self.cells(published),
            "rates": self.rate_values(published),
        }


def _in_order(found: Mapping[str, int], order: Iterable[str]) -> dict[str, int]:
    values = {key: found.get(key, 0) for key in order}
    for key in sorted(set(found) - set(values)):
        values[key] = found[key]
    return values


def _between(field_name: str, period: Period) -> Q:
    start, end = period.bounds()
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _in_district(prefix: str, district: str | None) -> Q:
    return Q(**{f"{prefix}person__district": district}) if district else Q()


# -- Closure outcomes: cope and recover -------------------------------------------------------

AREA_LABELS = dict(NeedArea.choices)


def _area_cells(kinds: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    keys = [f"{area}:{kind}" for area in NeedArea.values for kind in kinds]
    labels = {
        f"{area}:{kind}": f"{AREA_LABELS[area]}: {label}"
        for area in NeedArea.values
        for kind, label in kinds.items()
    }
    return keys, labels


CLOSURE_OUTCOME_KEYS, CLOSURE_OUTCOME_LABELS = _area_cells(dict(Outcome.choices))


def closure_outcomes(period: Period, district: str | None = None) -> Figure:
    """One count per area of need assessed at closure (assessments.support_services.
    close_case), for the closures of the period; a case supported twice and closed twice in
    the period counts at each closure."""
    rows = (
        ClosureOutcome.objects.filter(
            _between("closure__closed_at", period), _in_district("closure__case__", district)
        )
        .values("area", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {f"{row['area']}:{row['outcome']}": row["n"] for row in rows}
    rates = [
        Rate(
            area,
            f"{label}: better able to cope",
            (f"{area}:{Outcome.BETTER}",),
            tuple(f"{area}:{outcome}" for outcome in Outcome.values),
        )
        for area, label in NeedArea.choices
    ]
    return Figure(
        "closure_outcomes",
        "Outcomes at closure (cope and recover)",
        "Areas of need assessed when support closed, by whether the victim is better able to "
        "cope and recover, for support closed in the period (by closure date): one count per "
        "area per closure.",
        _in_order(found, CLOSURE_OUTCOME_KEYS),
        CLOSURE_OUTCOME_LABELS,
        rates,
    )


# -- Distance travelled: first to last DVNA of a support episode ----------------------------

MOVES = {"lower": "Need lower", "same": "No change", "higher": "Need higher"}
DISTANCE_KEYS, DISTANCE_LABELS = _area_cells(MOVES)


def _rank(expression: str) -> SqlCase:
    """The level's place in LEVEL_ORDER (none 0 … high 3), in SQL."""
    return SqlCase(
        *[When(**{expression: level}, then=Value(rank)) for level, rank in LEVEL_ORDER.items()],
        output_field=IntegerField(),
    )


def distance_travelled(period: Period, district: str | None = None) -> Figure:
    """Per area, the level of need at the last DVNA of a support episode against its first,
    for the episodes closed in the period (by closure date), so each episode counts once.
    An episode assessed only once has no distance and is not counted; nor is an area with
    no need at either DVNA."""
    closed = Closure.objects.filter(
        _between("closed_at", period),
        case=OuterRef("dvna__case"),
        episode=OuterRef("dvna__episode"),
    )
    episode_dvnas = Dvna.objects.filter(case=OuterRef("dvna__case"),
                                        episode=OuterRef("dvna__episode"))
    first_level = DvnaNeed.objects.filter(
        dvna__case=OuterRef("dvna__case"),
        dvna__episode=OuterRef("dvna__episode"),
        dvna__number=OuterRef("first_number"),
        area=OuterRef("area"),
    ).values("level")[:1]
    rows = (
        DvnaNeed.objects.filter(Exists(closed), _in_district("dvna__case__", district))
        .annotate(
            first_number=Subquery(episode_dvnas.order_by("number").values("number")[:1]),
            last_number=Subquery(episode_dvnas.order_by("-number").values("number")[:1]),
        )
        .filter(dvna__number=F("last_number"))
        .exclude(first_number=F("last_number"))
        .annotate(first_level=Subquery(first_level))
        .annotate(first_rank=_rank("first_level"), last_rank=_rank("level"))
        .filter(Q(first_rank__gt=0) | Q(last_rank__gt=0))
        .values("area")
        .annotate(
            n_lower=Count("pk", filter=Q(last_rank__lt=F("first_rank"))),
            n_same=Count("pk", filter=Q(last_rank=F("first_rank"))),
            n_higher=Count("pk", filter=Q(last_rank__gt=F("first_rank"))),
        )
        .order_by()
    )
    # Rows as plain mappings: the counts are named by the loop, unknown to the plugin.
    counted: Iterable[Mapping[str, Any]] = rows
    found = {f"{row['area']}:{move}": row[f"n_{move}"] for row in counted for move in MOVES}
    rates = [
        Rate(area, f"{label}: need lower", (f"{area}:lower",),
             tuple(f"{area}:{move}" for move in MOVES))
        for area, label in NeedArea.choices
    ]
    return Figure(
        "distance_travelled",
        "Distance travelled (first to last DVNA)",
        "Areas of need by how the level of need (none, low, medium, high) moved from the first "
        "to the last DVNA of a support episode, for support closed in the period (by closure "
        "date); episodes assessed once, and areas with no need at either DVNA, are not "
        "counted.",
        _in_order(found, DISTANCE_KEYS),
        DISTANCE_LABELS,
        rates,
    )


# -- The satisfaction survey ---------------------------------------------------------------

DECLINED = "declined"
RESPECT_LABELS = {
    **{str(n): f"{n} of 5" for n in range(1, 6)},
    DECLINED: "Declined the survey",
}
COPE_LABELS = {**dict(HelpedToCope.choices), DECLINED: "Declined the survey"}
RECOMMEND_LABELS = {"yes": "Yes", "no": "No", DECLINED: "Declined the survey"}
SURVEY_COUNTS = (
    "Satisfaction surveys recorded in the period (by the date of the answers), by the answer "
    "to: {question} Victims who declined the survey are counted on their own."
)


def survey_results(period: Period, district: str | None = None) -> list[Figure]:
    """The three questions of the survey (assessments.models.SurveyResponse): one query."""
    responses = SurveyResponse.objects.filter(
        _between("answered_at", period), _in_district("case__", district)
    )
    answered = Q(declined=False)
    # Aliases are prefixed: an aggregate may not share a name with a model field.
    raw = responses.aggregate(
        n_declined=Count("pk", filter=Q(declined=True)),
        **{f"n_cope_{v}": Count("pk", filter=answered & Q(helped_to_cope=v))
           for v in HelpedToCope.values},
        **{f"n_respect_{n}": Count("pk", filter=answered & Q(treated_with_respect=n))
           for n in range(1, 6)},
        n_recommend_yes=Count("pk", filter=answered & Q(would_recommend=True)),
        n_recommend_no=Count("pk", filter=answered & Q(would_recommend=False)),
    )
    declined = {DECLINED: raw["n_declined"]}
    cope = {v: raw[f"n_cope_{v}"] for v in HelpedToCope.values} | declined
    respect = {str(n): raw[f"n_respect_{n}"] for n in range(1, 6)} | declined
    recommend = {"yes": raw["n_recommend_yes"], "no": raw["n_recommend_no"]} | declined
    return [
        Figure(
            "survey_helped_to_cope",
            "Survey: did the support help you cope and recover?",
            SURVEY_COUNTS.format(question="did the support help you cope and recover?"),
            cope, COPE_LABELS,
            [Rate("yes", "Yes, of those who answered", ("yes",), tuple(HelpedToCope.values))],
        ),
        Figure(
            "survey_treated_with_respect",
            "Survey: were you treated with respect?",
            SURVEY_COUNTS.format(
                question="were you treated with respect (1 not at all, 5 completely)?"
            ),
            respect, RESPECT_LABELS,
            [Rate("4_or_5", "4 or 5, of those who answered", ("4", "5"),
                  tuple(str(n) for n in range(1, 6)))],
        ),
        Figure(
            "survey_would_recommend",
            "Survey: would you recommend the hub?",
            SURVEY_COUNTS.format(question="would you recommend the hub?"),
            recommend, RECOMMEND_LABELS,
            [Rate("yes", "Yes, of those who answered", ("yes",), ("yes", "no"))],
        ),
    ]


# -- Referral outcomes per service ----------------------------------------------------------

REFERRAL_STATUS_LABELS = {
    ReferralStatus.SENT: "Awaiting an answer",
    ReferralStatus.ACCEPTED: "Accepted",
    ReferralStatus.DECLINED: "Declined",
    ReferralStatus.COMPLETED: "Completed",
}


def referral_outcomes(period: Period, district: str | None = None) -> Figure:
    """Referrals on to services (referrals.models.Referral) sent in the period, by service
    and where each stands now (its status: referrals.services moves it)."""
    rows = (
        Referral.objects.filter(_between("sent_at", period), _in_district("case__", district))
        .values("service__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[str, int] = {}
    names: set[str] = set()
    for row in rows:
        names.add(row["service__name"])
        found[f"{row['service__name']}:{row['status']}"] = row["n"]
    keys = [f"{name}:{status}" for name in sorted(names) for status in REFERRAL_STATUS_LABELS]
    labels = {
        f"{name}:{status}": f"{name}: {label}"
        for name in names
        for status, label in REFERRAL_STATUS_LABELS.items()
    }
    return Figure(
        "referral_outcomes",
        "Referral outcomes by service",
        "Referrals on to services in the directory sent in the period (by the date sent), by "
        "service and where the referral stands now: awaiting an answer, accepted (and not "
        "yet completed), declined by the service, or completed.",
        _in_order(found, keys),
        labels,
    )


# -- First contact within the Victims' Code timescale ---------------------------------------

ENTITLEMENTS = {"enhanced": "Enhanced entitlement", "standard": "Standard"}
CONTACT_STATES = {
    "met": "first contact by the deadline",
    "late": "first contact after the deadline",
    "overdue": "no contact yet, deadline passed",
    "not_yet_due": "no contact yet, deadline to come",
}
FIRST_CONTACT_KEYS = [f"{e}:{s}" for e in ENTITLEMENTS for s in CONTACT_STATES]
FIRST_CONTACT_LABELS = {
    f"{e}:{s}": f"{e_label}: {s_label}"
    for e, e_label in ENTITLEMENTS.items()
    for s, s_label in CONTACT_STATES.items()
}


def with_first_contact(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases the hub was to contact (a Victims' Code deadline, `Case.contact_due_at` from
    cases.deadlines, and not supported elsewhere: the flow's leaf), each with
    `first_contact_at`: the first call to the victim (whatever its outcome: the hub's
    first-contact work is done by it, contact.services) or, for a victim the hub may not
    phone, the letter inviting them to call, once sent; whichever came first."""
    first_call = (
        ContactAttempt.objects.filter(case=OuterRef("pk")).order_by("made_at").values("made_at")
    )[:1]
    invite_sent = Letter.objects.filter(
        case=OuterRef("pk"), kind=LetterKind.INVITE_TO_CALL, status=LetterStatus.SENT
    ).values("sent_at")[:1]
    return (
        cases.filter(contact_due_at__isnull=False)
        .exclude(leaf_filter("supported_elsewhere"))
        .annotate(
            first_contact_at=Least(
                Subquery(first_call, output_field=DateTimeField()),
                Subquery(invite_sent, output_field=DateTimeField()),
            )
        )
    )


def contact_states(now: datetime) -> dict[str, Q]:
    """Where each case of `with_first_contact` stands against its deadline (CONTACT_STATES)."""
    return {
        "met": Q(first_contact_at__lte=F("contact_due_at")),
        "late": Q(first_contact_at__gt=F("contact_due_at")),
        "overdue": Q(first_contact_at__isnull=True, contact_due_at__lt=now),
        "not_yet_due": Q(first_contact_at__isnull=True, contact_due_at__gte=now),
    }


def missed_first_contacts(*, since: datetime, now: datetime | None = None) -> QuerySet[Case]:
    """The cases whose first-contact deadline fell between `since` and now and was missed:
    no first contact by the deadline (none yet, or one after it). For the operators' metrics
    (casework/metrics.py: "missed today", since midnight), counted in one query that reads
    only the window's cases (the index case_contact_due_idx)."""
    now = now or timezone.now()
    states = contact_states(now)
    return with_first_contact(
        Case.objects.filter(contact_due_at__gte=since, contact_due_at__lt=now)
    ).filter(states["overdue"] | states["late"])


def first_contact(
    period: Period, district: str | None = None, *, now: datetime | None = None
) -> Figure:
    """For the referrals of the period the hub was to contact (`with_first_contact`),
    whether the hub's first contact came by the Victims' Code deadline."""
    now = now or timezone.now()
    cases = with_first_contact(referrals(period, district))
    states = contact_states(now)
    entitled = {"enhanced": Q(enhanced_entitlement=True),
                "standard": Q(enhanced_entitlement=False)}
    raw = cases.aggregate(
        **{f"n_{e}__{s}": Count("pk", filter=entitled[e] & states[s])
           for e in ENTITLEMENTS for s in CONTACT_STATES}
    )
    values = {f"{e}:{s}": raw[f"n_{e}__{s}"] for e in ENTITLEMENTS for s in CONTACT_STATES}
    rates = [
        Rate(e, f"{label}: % met", (f"{e}:met",), (f"{e}:met", f"{e}:late", f"{e}:overdue"))
        for e, label in ENTITLEMENTS.items()
    ]
    return Figure(
        "first_contact",
        "First contact within the Victims' Code timescale",
        "Referrals in the period (by referral date) the hub was to contact, by Victims' Code "
        "entitlement (enhanced: within one working day; standard: within five) and whether "
        "the first contact (the first call, or the letter inviting a victim the hub may not "
        "phone to call) came by the deadline. The % met is of those whose deadline has "
        "passed or who were contacted.",
        values,
        FIRST_CONTACT_LABELS,
        rates,
    )


# -- Time from report to referral -----------------------------------------------------------

DAY_BANDS = (  # (key, label, most days in it); the last band has no upper bound
    ("same_day", "Same day", 0),
    ("1_day", "Next day", 1),
    ("2_days", "2 days", 2),
    ("3_to_7_days", "3 to 7 days", 7),
    ("8_to_30_days", "8 to 30 days", 30),
    ("over_30_days", "Over 30 days", None),
)
NO_REPORT = "no_report"
REPORTED_AFTER = "reported_after"
REPORT_LABELS = {
    **{key: label for key, label, _ in DAY_BANDS},
    REPORTED_AFTER: "Reported to the police after the referral",
    NO_REPORT: "No crime reported (e.g. self-referral)",
}


class DaysBetween(Func):
    """later - earlier, both dates: whole days (PostgreSQL date subtraction)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def report_to_referral(period: Period, district: str | None = None) -> Figure:
    """Calendar days (local time) from the crime's report to the police
    (`Crime.reported_at`) to the hub's referral (`Case.referred_at`), for the referrals of
    the period (by referral date)."""
    tz = timezone.get_current_timezone()
    days = DaysBetween(TruncDate("referred_at", tzinfo=tz), TruncDate("crime__reported_at",
                                                                     tzinfo=tz))
    whens = [When(crime__isnull=True, then=Value(NO_REPORT)),
             When(days__lt=0, then=Value(REPORTED_AFTER))]
    whens += [When(days__lte=most, then=Value(key)) for key, _, most in DAY_BANDS
              if most is not None]
    band = SqlCase(*whens, default=Value(DAY_BANDS[-1][0]))
    rows = (
        referrals(period, district)
        .annotate(days=days)
        .values(band=band)
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {row["band"]: row["n"] for row in rows}
    order = [key for key, _, _ in DAY_BANDS] + [REPORTED_AFTER, NO_REPORT]
    return Figure(
        "report_to_referral",
        "Time from report to referral",
        "Referrals in the period (by referral date) by the calendar days from the crime's "
        "report to the police to the hub's referral.",
        _in_order(found, order),
        REPORT_LABELS,
    )


# -- All of them -----------------------------------------------------------------------------


def outcome_figures(period: Period, district: str | None = None) -> list[Figure]:
    """Every figure, in OUTCOME_KEYS order: six queries whatever the rows (the
    survey's three breakdowns share one)."""
    figures = [
        closure_outcomes(period, district),
        distance_travelled(period, district),
        *survey_results(period, district),
        referral_outcomes(period, district),
        first_contact(period, district),
        report_to_referral(period, district),
    ]
    assert [f.key for f in figures] == list(OUTCOME_KEYS)  # noqa: S101
    return figures


def exact_outcomes(period: Period, district: str | None = None) -> dict[str, dict]:
    """The figures with exact counts (the managers' dashboard)."""
    return {f.key: f.as_dict() for f in outcome_figures(period, district)}


def published_outcomes(
    period: Period, suppress: Callable[[Mapping[str, int]], Mapping[str, int | str]]
) -> dict[str, dict]:
    """The figures as the return publishes them: each breakdown's cells through `suppress`
    (reporting.returns), rates only from counts shown."""
    return {f.key: f.as_dict(suppress) for f in outcome_figures(period)}
