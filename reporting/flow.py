"""The hub flow (docs/flow.md; DOMAIN.md "Performance counts"; Figure 3 of the 2016 update),
computed in the database in two queries whatever the size of the data: one aggregate over the
referrals, one over their letters (PostgreSQL FILTER clauses).

The counting rules (which referral is in which box) are in `reporting.flow_rules`; this
module counts them, in both units: referrals (cases) and unique victims (people). Every
referral is in exactly one leaf of the ways in, and in exactly one box of the letters;
`Flow.leaves_add_up` checks every family. A victim with several referrals is one victim in
each box their referrals are in, so the victims of the leaves need not add up to their
parent's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cases.models import Case
from contact.models import Letter
from reporting.flow_rules import (
    CONDITIONS,
    FLOW_KEYS,
    LEAVES,
    LETTER_COUNTS,
    LETTER_PARTITION,
    PARTITIONS,
    SUMS,
    VICTIM_KEYS,
    with_introductory_letter,
)

__all__ = [
    "COUNTING_RULES_VERSION", "FLOW_KEYS", "LEAVES", "VICTIM_KEYS", "Flow", "Period",
    "compute_flow", "in_box", "leaf_filter", "referrals", "supported_rate",
]

# flow-2026.1: the leaf declined_at_ivna (issue 11).
# flow-2026.2: a letter-only victim who came back and decided is counted by the decision.
# flow-2026.3: the ways in (police IVNA, self-referral, transfer in) partition the referrals,
#   the IVNA tree counts police referrals only, transferred_out, assessed_vulnerable (the
#   supported rate's denominator), the letters partition, follow-up letters, and every box
#   in unique victims too (issue 14).
COUNTING_RULES_VERSION = "flow-2026.3"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )


def referrals(period: Period, district: str | None = None) -> QuerySet[Case]:
    """The referrals of a period (by referral date) and, optionally, a district."""
    start, end = period.bounds()
    cases = Case.objects.filter(referred_at__gte=start, referred_at__lt=end)
    if district:
        cases = cases.filter(person__district=district)
    return with_introductory_letter(cases)


def leaf_filter(key: str) -> Q:
    """The condition for a box of referrals, on cases from `referrals` or `in_box`. KeyError
    for a count that is not a set of referrals (unique victims, letters, the rate)."""
    return CONDITIONS[key]


def in_box(cases: QuerySet[Case], key: str) -> QuerySet[Case]:
    """The cases of `cases` in a box of the flow: the case list behind a count."""
    return with_introductory_letter(cases).filter(leaf_filter(key))


def supported_rate(accepted: int, assessed_vulnerable: int) -> float | None:
    """Accepted support (police IVNA) / assessed vulnerable (high risk + vulnerable), the
    2015 text's "44% of the total number of victims that had been assessed as vulnerable"."""
    return round(accepted / assessed_vulnerable, 4) if assessed_vulnerable else None


@dataclass(frozen=True)
class Flow:
    """The counts of a period: `counts[key]` referrals (letters for the letter counts) and
    `victims[key]` unique victims, for every key of FLOW_KEYS but the rate. A count is also
    an attribute: `flow.accepted`."""

    counts: Mapping[str, int]
    victims: Mapping[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["counts"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def supported_rate(self) -> float | None:
        return supported_rate(self.counts["accepted"], self.counts["assessed_vulnerable"])

    @property
    def victims_supported_rate(self) -> float | None:
        return supported_rate(self.victims["accepted"], self.victims["assessed_vulnerable"])

    @property
    def unique_victims(self) -> int:
        return self.victims["referred"]

    def as_dict(self) -> dict:
        """The flat keys (referrals; letters for the letter counts; the rate) and `victims`:
        {key: unique victims, and supported_rate in victims}."""
        body: dict = {key: self.counts[key] for key in FLOW_KEYS if key in self.counts}
        body["unique_victims"] = self.unique_victims
        body["supported_rate"] = self.supported_rate
        body = {key: body[key] for key in FLOW_KEYS}
        body["victims"] = {
            **{key: self.victims[key] for key in VICTIM_KEYS},
            "supported_rate": self.victims_supported_rate,
        }
        return body

    def leaves_add_up(self) -> bool:
        """Every partition adds up, every sum is its parts, and the subsets are within their
        sets, in referrals; in victims, no box has more victims than referrals."""
        c = self.counts
        return (
            all(sum(c[part] for part in parts) == c[whole]
                for whole, parts in PARTITIONS.items())
            and all(sum(c[part] for part in parts) == c[total]
                    for total, parts in SUMS.items())
            and sum(c[box] for box in LETTER_PARTITION) == c["referred"]
            and c["responded_to_letter"] <= c["letter_only"]
            and all(self.victims[key] <= c[key] for key in CONDITIONS)
        )


def compute_flow(period: Period, district: str | None = None) -> Flow:
    """The flow counts for a period and optional district, in both units: two queries."""
    cases = referrals(period, district)
    # Aliases are prefixed: an aggregate may not share a name with a model field.
    raw = cases.aggregate(
        **{f"n_{key}": Count("pk", filter=q) if q else Count("pk")
           for key, q in CONDITIONS.items()},
        **{f"v_{key}": Count("person", distinct=True, filter=q) if q
           else Count("person", distinct=True) for key, q in CONDITIONS.items()},
    )
    letters = Letter.objects.filter(case__in=cases).aggregate(
        **{f"n_{key}": Count("pk", filter=q) for key, q in LETTER_COUNTS.items()},
        **{f"v_{key}": Count("case__person", distinct=True, filter=q)
           for key, q in LETTER_COUNTS.items()},
    )
    raw.update(letters)
    counts = {key[2:]: value for key, value in raw.items() if key.startswith("n_")}
    victims = {key[2:]: value for key, value in raw.items() if key.startswith("v_")}
    return Flow(counts=counts, victims=victims)
