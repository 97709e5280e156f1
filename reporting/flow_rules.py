"""The counting rules of the hub flow (docs/flow.md): the condition that puts a referral in
each box. `reporting.flow` counts them; the case list shows the cases behind a count with the
same condition (`reporting.flow.leaf_filter`). Nothing else restates these rules.

The figure has three partitions of the referrals, each checked by `Flow.leaves_add_up`:

    referred
    ├── police_ivna                    way in: a police IVNA
    │   ├── letter_only                (responded_to_letter is a subset of it)
    │   ├── high_risk                  MASH / Public Protection
    │   ├── declined_at_ivna
    │   └── vulnerable                 routed to hub contact (or letter only, came back, decided)
    │       ├── supported_elsewhere
    │       ├── awaiting_contact
    │       ├── no_contact
    │       ├── transferred_out
    │       └── contacted
    │           ├── declined
    │           ├── signposted
    │           └── accepted
    ├── self_referred                  way in: the victim came to the hub directly
    │   └── self_referred_<outcome>    the outcomes of contact, as under vulnerable
    └── transferred_in                 way in: passed to the hub by another area's service
        └── transferred_in_<outcome>

    referred = written_to + not_written_to + letter_pending      (the introductory letter)

assessed_vulnerable = high_risk + vulnerable (the population the 2015 text counts) and
supported = the accepted of every way in are sums of boxes, not partitions of their own.

The outcome of contact (`outcome_leaves`), in this order: supported elsewhere; else accepted
(the hub supported the victim, even if the case was later transferred out); else transferred
out (the case went to another area before the victim decided: a declined, signposted or
no-contact outcome recorded before a re-opening is superseded); else the latest contact
outcome on the case (declined, signposted, no contact: a re-opened case contacted again is
counted by its new outcome, which replaces the old one); else awaiting contact.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import FilteredRelation, Q, QuerySet

from cases.choices import CaseSource, Route
from cases.workflow import CaseStatus
from contact.models import ContactOutcome, LetterKind, LetterStatus

# The leaves of contact, in the order of the figure; each way in but the police IVNA has them
# all under its own name (`self_referred_accepted`, ...). "contacted" is their branch.
OUTCOMES = (
    "supported_elsewhere",
    "awaiting_contact",
    "no_contact",
    "transferred_out",
    "declined",
    "signposted",
    "accepted",
)
CONTACTED = ("declined", "signposted", "accepted")

# The ways in: box -> the case source it counts. The intake makes cases of these sources only
# (intake.services, intake.selfreferral, intake.transfers): no service makes an
# CaseSource.AGENCY case, so it has no box (docs/flow.md).
WAYS_IN: dict[str, str] = {
    "police_ivna": CaseSource.POLICE_IVNA,
    "self_referred": CaseSource.SELF_REFERRAL,
    "transferred_in": CaseSource.TRANSFER_IN,
}
# The ways in without an IVNA triage: hub contact, counted by the outcome of contact.
OTHER_WAYS_IN = ("self_referred", "transferred_in")

DECIDED = Q(contact_outcome__in=CONTACTED)
TRANSFERRED_OUT = Q(status=CaseStatus.TRANSFERRED_OUT)


def outcome_leaves(base: Q) -> dict[str, Q]:
    """The outcome of contact for the cases of `base` (the order of the module docstring):
    mutually exclusive, together all of `base`."""
    in_contact = base & Q(supported_elsewhere=False)
    accepted = in_contact & Q(contact_outcome=ContactOutcome.ACCEPTED)
    not_accepted = in_contact & ~Q(contact_outcome=ContactOutcome.ACCEPTED)
    staying = not_accepted & ~TRANSFERRED_OUT
    return {
        "supported_elsewhere": base & Q(supported_elsewhere=True),
        "awaiting_contact": staying & ~Q(contact_outcome__in=ContactOutcome.values),
        "no_contact": staying & Q(contact_outcome=ContactOutcome.NO_CONTACT),
        "transferred_out": not_accepted & TRANSFERRED_OUT,
        "declined": staying & Q(contact_outcome=ContactOutcome.DECLINED),
        "signposted": staying & Q(contact_outcome=ContactOutcome.SIGNPOSTED),
        "accepted": accepted,
    }


def _any(conditions: list[Q]) -> Q:
    return reduce(operator.or_, conditions)


# -- The IVNA tree: police referrals only --------------------------------------------------

POLICE = Q(source=CaseSource.POLICE_IVNA)
# Declined contact at the IVNA: its own leaf, except for high risk (status_after_ivna).
CONTACTABLE = Q(declined_contact_at_ivna=False)
# Triaged letter only, came back to the hub and decided: counted by the decision (issue 12).
LETTER_THEN_DECIDED = Q(route=Route.LETTER_ONLY) & CONTACTABLE & DECIDED
VULNERABLE = POLICE & ((Q(route=Route.HUB_CONTACT) & CONTACTABLE) | LETTER_THEN_DECIDED)
LETTER_ONLY = POLICE & Q(route=Route.LETTER_ONLY) & CONTACTABLE & ~DECIDED
HIGH_RISK = POLICE & Q(route=Route.HIGH_RISK)

# leaf -> condition: every referral matches exactly one (for the sources of WAYS_IN).
LEAVES: dict[str, Q] = {
    "letter_only": LETTER_ONLY,
    "high_risk": HIGH_RISK,
    "declined_at_ivna": POLICE & Q(declined_contact_at_ivna=True) & ~Q(route=Route.HIGH_RISK),
    **outcome_leaves(VULNERABLE),
}
for _way in OTHER_WAYS_IN:
    LEAVES.update({
        f"{_way}_{outcome}": condition
        for outcome, condition in outcome_leaves(Q(source=WAYS_IN[_way])).items()
    })

# -- The introductory letter: a partition of its own ---------------------------------------

# The case's introductory letter (at most one a case: `one_letter_per_kind`), joined once:
# `with_introductory_letter` adds it to a queryset of cases, and every query that counts or
# lists the letter boxes goes through it (reporting.flow.referrals, reporting.flow.in_box).
# Not `pk IN (SELECT … FROM letters)`: past work_mem (about 100,000 letters) PostgreSQL stops
# hashing that list and scans it for every referral (minutes at 300,000 cases); nor a
# correlated EXISTS, looked up again for each box it appears in (1.7 s for a year at 300,000
# cases, against 0.3 s joined once: bench/RESULTS.md).
INTRODUCTORY_LETTER = "introductory_letter"


def with_introductory_letter(cases: QuerySet) -> QuerySet:
    """`cases` with their introductory letter joined (a LEFT JOIN: none is no row), once."""
    if INTRODUCTORY_LETTER in cases.query._filtered_relations:
        return cases
    return cases.alias(**{INTRODUCTORY_LETTER: FilteredRelation(
        "letters", condition=Q(letters__kind=LetterKind.INTRODUCTORY))})


WRITTEN_TO = Q(**{f"{INTRODUCTORY_LETTER}__status": LetterStatus.SENT})
# No letter will go: the intake or the letter service recorded why (not safe to write, no
# address, declined contact at the IVNA), or a VCC stopped it at the safety check.
NO_LETTER = (
    ~Q(no_letter_reason="")
    | Q(declined_contact_at_ivna=True)
    | Q(**{f"{INTRODUCTORY_LETTER}__status": LetterStatus.STOPPED})
)
LETTER_BOXES: dict[str, Q] = {
    "written_to": WRITTEN_TO,
    "not_written_to": ~WRITTEN_TO & NO_LETTER,
    "letter_pending": ~WRITTEN_TO & ~NO_LETTER,
}


def _branches() -> dict[str, Q]:
    branches: dict[str, Q] = {
        "referred": Q(),
        **{way: Q(source=source) for way, source in WAYS_IN.items()},
        "responded_to_letter": LETTER_ONLY & Q(responded_to_letter=True),
        "vulnerable": VULNERABLE,
        "contacted": _any([LEAVES[leaf] for leaf in CONTACTED]),
        "assessed_vulnerable": HIGH_RISK | VULNERABLE,
        "supported": _any(
            [LEAVES["accepted"], *(LEAVES[f"{way}_accepted"] for way in OTHER_WAYS_IN)]
        ),
    }
    for way in OTHER_WAYS_IN:
        branches[f"{way}_contacted"] = _any([LEAVES[f"{way}_{leaf}"] for leaf in CONTACTED])
    return branches


# Every box that is a set of referrals -> the condition for its cases.
CONDITIONS: dict[str, Q] = {**_branches(), **LEAVES, **LETTER_BOXES}

# -- The keys, in the order of docs/flow.md ------------------------------------------------


def _way_keys(way: str) -> tuple[str, ...]:
    leaves = [f"{way}_{outcome}" for outcome in OUTCOMES]
    at = leaves.index(f"{way}_declined")
    return (way, *leaves[:at], f"{way}_contacted", *leaves[at:])


FLOW_KEYS: tuple[str, ...] = (
    "referred",
    "unique_victims",
    "police_ivna",
    "letter_only",
    "responded_to_letter",
    "high_risk",
    "declined_at_ivna",
    "vulnerable",
    "supported_elsewhere",
    "awaiting_contact",
    "no_contact",
    "transferred_out",
    "contacted",
    "declined",
    "signposted",
    "accepted",
    "assessed_vulnerable",
    *(key for way in OTHER_WAYS_IN for key in _way_keys(way)),
    "supported",
    "written_to",
    "not_written_to",
    "letter_pending",
    "letters_sent",
    "follow_up_letters",
    "supported_rate",
)
# Counts of letters, not of referrals: their victims are those sent one.
LETTER_COUNTS: dict[str, Q] = {
    "letters_sent": Q(kind=LetterKind.INTRODUCTORY, status=LetterStatus.SENT),
    "follow_up_letters": Q(kind=LetterKind.NO_CONTACT, status=LetterStatus.SENT),
}
# The keys that have a count of unique victims (`Flow.victims`): every box.
VICTIM_KEYS: tuple[str, ...] = tuple(
    key for key in FLOW_KEYS if key in CONDITIONS or key in LETTER_COUNTS
)

# parent -> the boxes that partition it (Flow.leaves_add_up).
PARTITIONS: dict[str, tuple[str, ...]] = {
    "referred": tuple(WAYS_IN),
    "police_ivna": ("letter_only", "high_risk", "declined_at_ivna", "vulnerable"),
    "vulnerable": (*(o for o in OUTCOMES if o not in CONTACTED), "contacted"),
    "contacted": CONTACTED,
    **{
        way: (*(f"{way}_{o}" for o in OUTCOMES if o not in CONTACTED), f"{way}_contacted")
        for way in OTHER_WAYS_IN
    },
    **{f"{way}_contacted": tuple(f"{way}_{o}" for o in CONTACTED) for way in OTHER_WAYS_IN},
}
# Sums that are not partitions: total -> its parts.
SUMS: dict[str, tuple[str, ...]] = {
    "assessed_vulnerable": ("high_risk", "vulnerable"),
    "supported": ("accepted", *(f"{way}_accepted" for way in OTHER_WAYS_IN)),
}
LETTER_PARTITION = tuple(LETTER_BOXES)
