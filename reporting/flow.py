"""The hub flow (DOMAIN.md "Performance counts"; Figure 3 of the 2016 update), computed in
the database in two queries whatever the size of the data.

Every referral in the period falls in exactly one leaf:

    referred
    ├── letter_only            (responded_to_letter is a subset of it)
    │                          (came back and decided: counted by the decision, below)
    ├── high_risk
    ├── declined_at_ivna       declined contact at the IVNA: not contacted, closed
    └── vulnerable             routed to hub contact
        ├── supported_elsewhere
        ├── awaiting_contact
        ├── no_contact
        └── contacted
            ├── declined
            ├── signposted
            └── accepted

The branch is the triage route, with two exceptions: a victim who declined contact at the
IVNA (`Case.declined_contact_at_ivna`, an answer not given counts as declined) is in
declined_at_ivna whatever the route, unless triaged high risk (the MASH / Public Protection
manage them: they stay in high_risk); and a letter-only victim who came back to the hub and
decided once contacted (declined, signposted, accepted) is counted by that decision, in
"vulnerable" (issue 12: "a letter-only victim who later asks for help and accepts support
counts as accepted"), so responded_to_letter counts those who came back and have not (yet)
decided. Inside "vulnerable" the leaf is, in this order:
already supported elsewhere; else the contact outcome recorded on the case (declined,
signposted, accepted, no_contact); else awaiting contact. A case keeps its leaf when it
later closes (or, for declined_at_ivna, if the victim later gets in touch).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cases.choices import CaseSource, Route
from cases.models import Case
from contact.models import ContactOutcome, Letter, LetterKind, LetterStatus

# flow-2026.1: the leaf declined_at_ivna (issue 11).
# flow-2026.2: a letter-only victim who came back and decided is counted by the decision.
COUNTING_RULES_VERSION = "flow-2026.2"

# Declined contact at the IVNA: its own leaf, except for high risk (status_after_ivna).
DECLINED_AT_IVNA = Q(declined_contact_at_ivna=True) & ~Q(route=Route.HIGH_RISK)
CONTACTABLE = Q(declined_contact_at_ivna=False)
# The victim's decision once contacted (the leaves of "contacted").
DECIDED = Q(contact_outcome__in=(
    ContactOutcome.DECLINED, ContactOutcome.SIGNPOSTED, ContactOutcome.ACCEPTED,
))
# Triaged letter only, came back to the hub and decided: counted by the decision.
LETTER_THEN_DECIDED = Q(route=Route.LETTER_ONLY) & CONTACTABLE & DECIDED
VULNERABLE = (Q(route=Route.HUB_CONTACT) & CONTACTABLE) | LETTER_THEN_DECIDED
ELSEWHERE = VULNERABLE & Q(supported_elsewhere=True)
IN_CONTACT = VULNERABLE & Q(supported_elsewhere=False)

# leaf -> the condition that puts a case in it (mutually exclusive, together exhaustive). The
# leaves of contact are named after the contact outcome they count.
LEAVES: dict[str, Q] = {
    "letter_only": Q(route=Route.LETTER_ONLY) & CONTACTABLE & ~DECIDED,
    "high_risk": Q(route=Route.HIGH_RISK),
    "declined_at_ivna": DECLINED_AT_IVNA,
    "supported_elsewhere": ELSEWHERE,
    "declined": IN_CONTACT & Q(contact_outcome=ContactOutcome.DECLINED),
    "signposted": IN_CONTACT & Q(contact_outcome=ContactOutcome.SIGNPOSTED),
    "accepted": IN_CONTACT & Q(contact_outcome=ContactOutcome.ACCEPTED),
    "no_contact": IN_CONTACT & Q(contact_outcome=ContactOutcome.NO_CONTACT),
    "awaiting_contact": IN_CONTACT & ~Q(contact_outcome__in=ContactOutcome.values),
}
CONTACTED = (
    ContactOutcome.DECLINED.value,
    ContactOutcome.SIGNPOSTED.value,
    ContactOutcome.ACCEPTED.value,
)
VULNERABLE_LEAVES = ("supported_elsewhere", "awaiting_contact", "no_contact", *CONTACTED)

# The keys of the flow, in the order of DOMAIN.md.
FLOW_KEYS = (
    "referred",
    "unique_victims",
    "letter_only",
    "responded_to_letter",
    "high_risk",
    "declined_at_ivna",
    "vulnerable",
    "supported_elsewhere",
    "awaiting_contact",
    "no_contact",
    "contacted",
    "declined",
    "signposted",
    "accepted",
    "self_referred",
    "letters_sent",
    "supported_rate",
)


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
    return cases


def leaf_filter(leaf: str) -> Q:
    """The condition for a leaf or a branch: for the case list behind a count."""
    if leaf in LEAVES:
        return LEAVES[leaf]
    if leaf == "vulnerable":
        return VULNERABLE
    if leaf == "contacted":
        return IN_CONTACT & Q(contact_outcome__in=CONTACTED)
    if leaf == "responded_to_letter":
        return LEAVES["letter_only"] & Q(responded_to_letter=True)
    if leaf == "self_referred":
        return Q(source=CaseSource.SELF_REFERRAL)
    if leaf == "referred":
        return Q()
    raise KeyError(leaf)


@dataclass(frozen=True)
class Flow:
    referred: int
    unique_victims: int
    letter_only: int
    responded_to_letter: int
    high_risk: int
    declined_at_ivna: int
    vulnerable: int
    supported_elsewhere: int
    awaiting_contact: int
    no_contact: int
    contacted: int
    declined: int
    signposted: int
    accepted: int
    self_referred: int
    letters_sent: int
    supported_rate: float | None

    def as_dict(self) -> dict:
        return asdict(self)

    def leaves_add_up(self) -> bool:
        vulnerable = sum(getattr(self, leaf) for leaf in VULNERABLE_LEAVES)
        return (
            self.letter_only + self.high_risk + self.declined_at_ivna + self.vulnerable
            == self.referred
            and vulnerable == self.vulnerable
            and self.declined + self.signposted + self.accepted == self.contacted
            and self.responded_to_letter <= self.letter_only
            and self.self_referred <= self.referred
        )


def compute_flow(period: Period, district: str | None = None) -> Flow:
    """The flow counts for a period and optional district: one aggregate query over the
    cases and one over the letters (PostgreSQL FILTER clauses)."""
    cases = referrals(period, district)
    # Aliases are prefixed: an aggregate may not share a name with a model field.
    raw = cases.aggregate(
        n_referred=Count("pk"),
        n_unique_victims=Count("person", distinct=True),
        n_responded_to_letter=Count("pk", filter=leaf_filter("responded_to_letter")),
        n_self_referred=Count("pk", filter=leaf_filter("self_referred")),
        **{f"n_{leaf}": Count("pk", filter=condition) for leaf, condition in LEAVES.items()},
    )
    counts = {key[2:]: value for key, value in raw.items()}
    letters_sent = Letter.objects.filter(
        case__in=cases, kind=LetterKind.INTRODUCTORY, status=LetterStatus.SENT
    ).count()
    vulnerable = sum(counts[leaf] for leaf in VULNERABLE_LEAVES)
    contacted = sum(counts[leaf] for leaf in CONTACTED)
    return Flow(
        referred=counts["referred"],
        unique_victims=counts["unique_victims"],
        letter_only=counts["letter_only"],
        responded_to_letter=counts["responded_to_letter"],
        high_risk=counts["high_risk"],
        declined_at_ivna=counts["declined_at_ivna"],
        vulnerable=vulnerable,
        supported_elsewhere=counts["supported_elsewhere"],
        awaiting_contact=counts["awaiting_contact"],
        no_contact=counts["no_contact"],
        contacted=contacted,
        declined=counts["declined"],
        signposted=counts["signposted"],
        accepted=counts["accepted"],
        self_referred=counts["self_referred"],
        letters_sent=letters_sent,
        supported_rate=round(counts["accepted"] / vulnerable, 4) if vulnerable else None,
    )
