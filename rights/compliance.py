"""Victims' Code compliance for a period, exact (issue 15, "The compliance return"): the one
home of what counts as met on time, met late, declined, missed or not recorded, and of what
the victims' own feedback says about which right. reporting.compliance_return publishes it,
suppressed, to the OPCC (docs/compliance-return.md).

The unit is the victim's referral (a case), as the flow's headline counts (reporting.
flow_rules): a right applies once per case (rights.models.Entitlement is one row per right
per case), so the parts of every count add up exactly; a victim with two referrals whose
right began in the quarter is counted for each, as the flow counts their referrals.

- A right is counted in the quarter in which it began to apply (`applies_from`); a right
  that does not apply (`not_applicable`) is not counted at all.
- applied = on_time + late + declined + missed + not_recorded, exactly: met on time is met
  by the due time (or met, where the Code sets no time limit), met late is met after it,
  not recorded is still due (nothing recorded yet, whether or not the time has passed).
- Breakdowns by the case's crime type, enhanced entitlement and the victim's protected
  characteristics as the hub records them: gender, age band on the day of referral and
  ethnicity (the person's record), disability, religion and sexual orientation (the latest
  DVNA of the case that answered the question). Every breakdown has a not recorded
  category, so each adds up to the right's total.
Bounded: one aggregate query per breakdown, one for the survey, two for the complaints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, Protocol

from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from assessments.dvna_services import PROTECTED_CHARACTERISTICS
from assessments.models import Dvna, HelpedToCope, SurveyResponse
from cases.age_bands import age_band_at_referral, with_age_at_referral
from cases.victims_code import VictimsCodeRight
from complaints.selectors import ComplaintCounts, complaints_counts
from rights.models import Entitlement, EvidenceStatus

# The outcome of a right that applied, in the order of the return; they partition `applied`.
ON_TIME, LATE, DECLINED, MISSED, NOT_RECORDED = (
    "on_time", "late", "declined", "missed", "not_recorded",
)
OUTCOMES = (ON_TIME, LATE, DECLINED, MISSED, NOT_RECORDED)
APPLIED = "applied"
OUTCOME_LABELS = {
    ON_TIME: "Met on time",
    LATE: "Met late",
    DECLINED: "Declined by the victim",
    MISSED: "Missed",
    NOT_RECORDED: "Not recorded (still due)",
}
# A category of a breakdown that the hub has no answer for.
NONE = "none"
ENHANCED, STANDARD = "enhanced", "standard"

MET = Q(status=EvidenceStatus.MET)
ON_TIME_Q = MET & (Q(due_at__isnull=True) | Q(met_at__lte=F("due_at")))
OUTCOME_CONDITIONS: dict[str, Q] = {
    ON_TIME: ON_TIME_Q,
    LATE: MET & ~ON_TIME_Q,
    DECLINED: Q(status=EvidenceStatus.DECLINED),
    MISSED: Q(status=EvidenceStatus.MISSED),
    NOT_RECORDED: Q(status=EvidenceStatus.DUE),
}


class _Period(Protocol):
    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...  # inclusive


def _bounds(period: _Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(period.start, time.min, tzinfo=tz),
            datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=tz))


def entitlements_in(period: _Period) -> QuerySet[Entitlement]:
    """The rights that began to apply in the period (not those that do not apply)."""
    start, end = _bounds(period)
    return Entitlement.objects.filter(
        applies_from__gte=start, applies_from__lt=end
    ).exclude(status=EvidenceStatus.NOT_APPLICABLE)


def _recorded(expression: Combinable | F) -> Coalesce:
    """The expression, NONE where null or blank."""
    return Coalesce(NullIf(expression, Value("")), Value(NONE), output_field=CharField())


def _latest_dvna_answer(name: str) -> Coalesce:
    """The latest answer the case's DVNAs give to an optional question (NONE if none did)."""
    answered = (
        Dvna.objects.filter(case=OuterRef("case")).exclude(**{name: ""})
        .order_by("-number").values(name)[:1]
    )
    return _recorded(Subquery(answered, output_field=CharField()))


def _enhanced() -> SqlCase:
    return SqlCase(When(case__enhanced_entitlement=True, then=Value(ENHANCED)),
                   default=Value(STANDARD), output_field=CharField())


# The breakdowns, in the order of the return: name -> the category of each entitlement.
BREAKDOWNS: dict[str, Callable[[], Any]] = {
    "crime_type": lambda: _recorded(F("case__crime__crime_type")),
    "enhanced": _enhanced,
    "gender": lambda: _recorded(F("case__person__gender")),
    "age_band": lambda: age_band_at_referral("case__"),
    "ethnicity": lambda: _recorded(F("case__person__ethnicity")),
    **{name: partial(_latest_dvna_answer, name) for name in PROTECTED_CHARACTERISTICS},
}
# Categories that mean "the hub does not know", folded into NONE so that each breakdown
# has one not recorded category (gender and ethnicity default to "unknown").
UNKNOWN_CATEGORIES = frozenset({"unknown"})

# The satisfaction survey's questions and the right each speaks to (docs/compliance-return.md):
# being treated with respect is being understood and taken seriously (Right 1); being helped
# to cope and whether they would recommend the hub say whether the support was tailored to
# their needs and worked (Right 4).
SURVEY_RIGHTS: dict[str, VictimsCodeRight] = {
    "treated_with_respect": VictimsCodeRight.UNDERSTAND,
    "helped_to_cope": VictimsCodeRight.REFERRAL_TO_SUPPORT,
    "would_recommend": VictimsCodeRight.REFERRAL_TO_SUPPORT,
}
SURVEY_ANSWERS: dict[str, dict[str, Q]] = {
    "treated_with_respect": {str(n): Q(treated_with_respect=n) for n in range(1, 6)},
    "helped_to_cope": {value: Q(helped_to_cope=value) for value in HelpedToCope.values},
    "would_recommend": {"yes": Q(would_recommend=True), "no": Q(would_recommend=False)},
}

Counts = dict[str, int]  # APPLIED and each outcome


@dataclass
class Compliance:
    """The exact counts of a period.

    - rights: right -> {applied, on_time, late, declined, missed, not_recorded}, every right;
    - breakdowns: breakdown -> right -> category -> the same counts (categories found only,
      NONE for not recorded);
    - survey: responses and declined, then question -> answer -> count of answers in the
      period (by the date answered);
    - complaints: complaints.selectors.complaints_counts (Right 12).
    """

    rights: dict[int, Counts]
    breakdowns: dict[str, dict[int, dict[str, Counts]]]
    survey: dict[str, dict[str, int]]
    complaints: ComplaintCounts

    def adds_up(self) -> bool:
        """applied = the sum of the outcomes, for every right and every category, and every
        breakdown adds up to the right's counts."""
        def parts_sum(counts: Mapping[str, int]) -> bool:
            return counts[APPLIED] == sum(counts[o] for o in OUTCOMES)

        for right, counts in self.rights.items():
            if not parts_sum(counts):
                return False
            for by_right in self.breakdowns.values():
                groups = by_right.get(right, {})
                if not all(parts_sum(c) for c in groups.values()):
                    return False
                for key in (APPLIED, *OUTCOMES):
                    if sum(c[key] for c in groups.values()) != counts[key]:
                        return False
        return True


def _zero() -> Counts:
    return dict.fromkeys((APPLIED, *OUTCOMES), 0)


def _grouped(rows: QuerySet[Entitlement], category: object) -> dict[int, dict[str, Counts]]:
    """One query: right -> category -> counts."""
    found: dict[int, dict[str, Counts]] = {}
    aggregates = {f"n_{o}": Count("pk", filter=q) for o, q in OUTCOME_CONDITIONS.items()}
    grouped: list[dict[str, Any]] = [
        dict(row) for row in rows.values("right", key=category).annotate(**aggregates).order_by()
    ]
    for row in grouped:
        key = NONE if row["key"] in UNKNOWN_CATEGORIES else row["key"]
        counts = found.setdefault(row["right"], {}).setdefault(key, _zero())
        for o in OUTCOMES:
            counts[o] += row[f"n_{o}"]
            counts[APPLIED] += row[f"n_{o}"]
    return found


def survey_counts(period: _Period) -> dict[str, dict[str, int]]:
    """The satisfaction survey's answers given in the period: one query."""
    start, end = _bounds(period)
    surveys = SurveyResponse.objects.filter(answered_at__gte=start, answered_at__lt=end)
    # Aliases are prefixed: an aggregate may not share a name with a model field.
    raw = surveys.aggregate(
        n_responses=Count("pk"),
        n_declined=Count("pk", filter=Q(declined=True)),
        **{f"{question}__{answer}": Count("pk", filter=Q(declined=False) & q)
           for question, answers in SURVEY_ANSWERS.items() for answer, q in answers.items()},
    )
    found = {"responses": {"responses": raw["n_responses"], "declined": raw["n_declined"],
                           "answered": raw["n_responses"] - raw["n_declined"]}}
    for question, answers in SURVEY_ANSWERS.items():
        found[question] = {answer: raw[f"{question}__{answer}"] for answer in answers}
    return found


def compliance(period: _Period) -> Compliance:
    """The compliance counts of a period, exact (the module docstring says what each means):
    one aggregate query per breakdown, one for the survey, two for the complaints."""
    rows = entitlements_in(period)
    breakdowns: dict[str, dict[int, dict[str, Counts]]] = {}
    for name, category in BREAKDOWNS.items():
        source = with_age_at_referral(rows, "case__") if name == "age_band" else rows
        breakdowns[name] = _grouped(source, category())
    rights: dict[int, Counts] = {}
    first = next(iter(breakdowns.values()))
    for right in VictimsCodeRight.values:
        counts = _zero()
        for group in first.get(right, {}).values():
            for key in counts:
                counts[key] += group[key]
        rights[right] = counts
    return Compliance(
        rights=rights,
        breakdowns=breakdowns,
        survey=survey_counts(period),
        # complaints.selectors types its period with settable attributes; ours is read-only.
        complaints=complaints_counts(period),  # type: ignore[arg-type]
    )
