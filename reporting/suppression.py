"""Small-count suppression: the one rule for every figure the OPCC gets (the quarterly return
and the flow API), so that no person can be picked out and no hidden count can be worked out
(issue 14, "Suppression that holds everywhere"; the rules for analysts: docs/suppression.md).

The attacker we defend against knows this rule (it is published), the exact total of each
breakdown (or family of the flow) and every count shown, and tries every way of filling in the
hidden counts that would have been published exactly as it was. Whatever they do, every hidden
count keeps at least two possible values (tests/reporting/test_suppression.py checks this by
exhaustive search over random breakdowns).

- `suppress(values)`: the cells of one breakdown as published.
- `suppress_total(values, published)`: the breakdown's total as published (hidden only when the
  breakdown has one cell and it is hidden: the total would be that cell).
- `suppress_flow(flow)`: the flow counts, suppressed family by family (`FAMILIES`), with
  `supported_rate` left out (null) when its numerator or denominator is hidden;
  `published_flow(period)` the flow as the OPCC gets it (return and flow API alike).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reporting.flow import Period, compute_flow
from reporting.flow_rules import LEAVES as FLOW_LEAVES
from reporting.flow_rules import LETTER_COUNTS, LETTER_PARTITION, PARTITIONS, SUMS

SUPPRESSED = "*"
SMALLEST_SHOWN = 5  # counts from 1 to SMALLEST_SHOWN - 1 are hidden (primary suppression)

SUPPRESSION_RULE = (
    "Counts from 1 to 4 are shown as * so that no person can be picked out (primary). In "
    "each breakdown, and in each family of the flow (a count and the counts it splits into, "
    "the first being their total), the smallest counts still shown, all those equal to it, "
    "are then hidden too until at least two counts are hidden and none of them could be "
    "worked out from the total and the counts shown: not all 1, not all as large as they "
    "could be (secondary). So every * is smaller than every count shown but 0. Zero is shown "
    "as 0, unless no non-zero count is left to hide, or the total equals the number of "
    "counts: then every count of the breakdown is *. "
    "A breakdown's total is exact (the sum of its cells), except for a breakdown of one "
    "hidden cell, and the contact outcomes' (leaves of the flow) when any is hidden. In the "
    "flow, the counts under a hidden count are hidden too, and supported_rate is null when "
    "either of its counts is hidden; referred, unique_victims and letters_sent are exact."
)


# -- One breakdown -----------------------------------------------------------------------------


def _is_primary(value: int) -> bool:
    return 1 <= value < SMALLEST_SHOWN


def _nothing_can_be_worked_out(values: Mapping[str, int], hidden: set[str]) -> bool:
    """Can each hidden count still take two values, for someone who knows the hidden counts'
    sum and that each is at least 1 and at most the largest of them or 4 (whichever is more)?
    The range each count can take is what the sum leaves it, given the others' ranges: it is
    a single value when fewer than two counts are hidden, or when they are all 1, or all at
    the largest."""
    if len(hidden) < 2:
        return False
    total = sum(values[key] for key in hidden)
    largest = max(SMALLEST_SHOWN - 1, *(values[key] for key in hidden))
    others = len(hidden) - 1
    least = max(1, total - others * largest)
    most = min(largest, total - others)
    return least < most


def suppress(values: Mapping[str, int], hidden: Iterable[str] = ()) -> dict[str, int | str]:
    """The cells of one breakdown as published (`SUPPRESSION_RULE`), in the same order.

    Primary: every count from 1 to 4 is hidden. Secondary: while some hidden count could be
    worked out (`_nothing_can_be_worked_out`), every count equal to the smallest non-zero
    count still shown is hidden too (all of them at once: choosing among equal counts by
    their place in the breakdown would tell which was smaller). If no non-zero count is left
    to hide, every cell is hidden, zeros too: then any rearrangement of the counts would have
    been published the same way. So every hidden count is below every non-zero count shown.
    `hidden`: cells already hidden by another family they belong to (`suppress_families`).
    """
    order = list(values)
    if 0 < sum(values.values()) == len(order):
        # A total equal to the number of cells: all 1s would be given away by it (and nothing
        # else could be published the same way), so every cell is hidden, whatever the
        # counts: the condition is on the total, which is published anyway.
        return dict.fromkeys(order, SUPPRESSED)
    hidden = {key for key in order if _is_primary(values[key])} | (set(hidden) & set(order))
    while hidden and not _nothing_can_be_worked_out(values, hidden):
        shown = [values[key] for key in order if key not in hidden and values[key] > 0]
        if not shown:
            hidden = set(order)
            break
        smallest = min(shown)
        hidden |= {key for key in order if values[key] == smallest}
    return {key: SUPPRESSED if key in hidden else values[key] for key in order}


def suppress_total(values: Mapping[str, int], published: Mapping[str, int | str]) -> int | str:
    """The total of a breakdown as published: exact (the sum of its cells), unless the
    breakdown has a single cell and it is hidden (the total would give it away)."""
    if len(published) == 1 and SUPPRESSED in published.values():
        return SUPPRESSED
    return sum(values.values())


# -- The flow ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """A count of the flow and the counts it splits into. `partition`: the children add up to
    the parent; otherwise they are part of it and the rest (parent minus children, not
    published) is suppressed with them as one more, unnamed, cell."""

    parent: str
    children: tuple[str, ...]
    partition: bool = True


REST = "_rest"  # the unnamed cell of a family that is not a partition

# Every family of the flow, each parent before its children's families (a hidden parent hides
# its children). Extend it with every new box of reporting.flow: a box missing here is exact.
FAMILIES: tuple[Family, ...] = (
    # Each partition of the flow (reporting.flow_rules.PARTITIONS: the ways in, the police
    # IVNA's tree, each other way in's outcomes), then the letters' partition of the referrals
    # and the subset of letter only who came back.
    *(Family(parent, children) for parent, children in PARTITIONS.items()),
    Family("referred", LETTER_PARTITION),
    Family("letter_only", ("responded_to_letter",), partition=False),
)
# The flow's counts never suppressed: the totals each breakdown is read against.
EXACT = ("referred", "unique_victims")
# Counts of letters, not referrals: hidden from 1 to 4 on their own.
LETTERS_ONLY = tuple(key for key in LETTER_COUNTS if key not in EXACT)
# Sums of boxes published elsewhere (reporting.flow_rules.SUMS): hidden when a part is
# hidden (else the sum less the parts shown gives the hidden part away), else exact.
DERIVED: dict[str, tuple[str, ...]] = dict(SUMS)
# Letter counts that follow boxes of referrals (a letter for each referral written to, a
# follow-up letter for each no contact): hidden when one of those boxes is hidden, or the
# letters would give the hidden box away.
FOLLOWS: dict[str, tuple[str, ...]] = {
    "letters_sent": ("written_to",),
    "follow_up_letters": tuple(
        key for key in FLOW_LEAVES if key == "no_contact" or key.endswith("_no_contact")
    ),
}
# A rate and the two counts it is made of: null when either is hidden.
RATES: dict[str, tuple[str, str]] = {"supported_rate": ("accepted", "assessed_vulnerable")}
# The per-victim counts of each box, when the flow has them, under this key.
VICTIMS = "victims"


def suppress_flow(flow: Mapping[str, Any]) -> dict[str, Any]:
    """The flow as published to the OPCC: each family suppressed by `suppress` with its parent
    as the total; a hidden parent hides all its children (so they tell nothing about it); a
    rate is null when its numerator or denominator is hidden. Per-victim counts (`VICTIMS`,
    when present) are suppressed by the same families on their own values, so that none from
    1 to 4 can be read off directly or by subtracting the others of its family; a victims
    count shown is then 0 or at least 5, which tells nothing small of the referrals."""
    published: dict[str, Any] = dict(flow)
    for family in FAMILIES:
        if published[family.parent] == SUPPRESSED:
            for child in family.children:
                published[child] = SUPPRESSED
            continue
        cells = {child: int(flow[child]) for child in family.children}
        if not family.partition:
            cells[REST] = int(flow[family.parent]) - sum(cells.values())
        shown = suppress(cells)
        for child in family.children:
            published[child] = shown[child]
    for total, parts in (DERIVED | FOLLOWS).items():
        if total in published and any(published[part] == SUPPRESSED for part in parts):
            published[total] = SUPPRESSED
    for key in LETTERS_ONLY:
        if key in published and isinstance(flow[key], int) and _is_primary(int(flow[key])):
            published[key] = SUPPRESSED
    for rate, parts in RATES.items():
        if rate in published and any(published[part] == SUPPRESSED for part in parts):
            published[rate] = None
    victims = flow.get(VICTIMS)
    if isinstance(victims, Mapping):
        published[VICTIMS] = suppress_flow(victims)
    return published


def published_flow(period: Period) -> dict[str, Any]:
    """The flow of a period as the OPCC gets it, in the quarterly return and from the flow API
    alike: the whole area, suppressed (`suppress_flow`)."""
    return suppress_flow(compute_flow(period).as_dict())


# -- Families that cross: a table with both margins ---------------------------------------


def suppress_families(
    values: Mapping[str, int], families: Sequence[Family], roots: Iterable[str] = ()
) -> dict[str, int | str]:
    """Counts that are each in several families (a table whose rows and columns both add up
    to published totals, as the compliance return's right by category by outcome), as
    published: every count from 1 to 4 hidden, and more hidden until none of them can be
    worked out (a larger count hidden to keep one company may be: it picks no one out).

    `roots` are counts that are no family's child (hidden from 1 to 4 on their own); every
    family is a partition (its children add up to its parent). Each family is suppressed by
    `suppress`, starting from what the others hid, and a hidden parent hides its children,
    until nothing changes; then the families are read together as the attacker would
    (`_worked_out`: each hidden count's range given every family's sum), and while some
    hidden count from 1 to 4 is pinned to one value, the smallest counts shown beside it are
    hidden too."""
    roots = list(roots)
    hidden = {key for key in roots if _is_primary(int(values[key]))}
    # A root of 5 or more (a right's own count) is never hidden for company: it is no
    # family's child, so nothing is worked out from it that the families do not give.
    kept = {key for key in roots if key not in hidden}
    while True:
        changed = True
        while changed:
            changed = False
            for family in families:
                children = set(family.children)
                if family.parent in hidden:
                    more = children - hidden
                else:
                    cells = {child: int(values[child]) for child in family.children}
                    # Only the small counts hidden elsewhere need company here: a zero or a
                    # larger count another family hid gives no one away if worked out (and
                    # what it would tell of the small ones is checked below, all together).
                    shown = suppress(cells, {c for c in hidden & children
                                             if _is_primary(cells[c])})
                    more = {key for key, value in shown.items() if value == SUPPRESSED} - hidden
                if more:
                    hidden |= more
                    changed = True
        pinned = _worked_out(values, families, hidden)
        more = _beside(values, families, hidden, pinned) - kept if pinned else set()
        if not more:
            break
        hidden |= more
    return {key: SUPPRESSED if key in hidden else int(value) for key, value in values.items()}


def _bounds(
    values: Mapping[str, int], families: Sequence[Family], hidden: set[str]
) -> dict[str, list[int]]:
    """The range each hidden count is taken to have before adding anything up: at least 1
    when every family it is in shows some count (a zero is shown unless its whole family is
    hidden), else 0; at most 4 for a count from 1 to 4 (as if it were known to be one: only
    a primary count is published as *, unless another needs its company), and for a larger
    one what its families allow: below the smallest non-zero count a family shows beside
    it, or its parent where the family shows none. So a small count these ranges and the
    sums leave with two values is left with two by someone who knows the rule."""
    limit: dict[str, int] = {}
    in_hidden_family: set[str] = set()
    for family in families:
        if all(child in hidden for child in family.children):
            in_hidden_family |= set(family.children)
        shown = [int(values[c]) for c in family.children if c not in hidden and values[c] > 0]
        if shown:
            cap = min(shown) - 1
        elif family.parent not in hidden:
            cap = int(values[family.parent])
        else:
            continue
        for child in family.children:
            if child in hidden:
                limit[child] = min(limit.get(child, cap), cap)
    return {key: [0 if key in in_hidden_family else min(1, int(values[key])),
                  SMALLEST_SHOWN - 1 if _is_primary(int(values[key]))
                  else max(int(values[key]), limit.get(key, 0))]
            for key in hidden}


def _worked_out(
    values: Mapping[str, int], families: Sequence[Family], hidden: set[str]
) -> list[str]:
    """The hidden counts from 1 to 4 pinned to a single value by the families' sums read
    together (bounds propagated through every family until they settle), in order."""
    bounds = _bounds(values, families, hidden)
    # Only families with a hidden count can narrow a range.
    families = [f for f in families if f.parent in bounds or any(c in bounds for c in f.children)]

    def span(key: str) -> tuple[int, int]:
        if key in bounds:
            low, high = bounds[key]
            return low, high
        return int(values[key]), int(values[key])

    for _ in range(100):
        moved = False
        for family in families:
            low_sum = sum(span(child)[0] for child in family.children)
            high_sum = sum(span(child)[1] for child in family.children)
            parent_low, parent_high = span(family.parent)
            if family.parent in bounds:
                tighter = [max(parent_low, low_sum), min(parent_high, high_sum)]
                if tighter != bounds[family.parent]:
                    bounds[family.parent], moved = tighter, True
                    parent_low, parent_high = tighter
            for child in family.children:
                if child not in bounds:
                    continue
                low, high = bounds[child]
                tighter = [max(low, parent_low - (high_sum - high)),
                           min(high, parent_high - (low_sum - low))]
                if tighter != [low, high]:
                    bounds[child], moved = tighter, True
                    low_sum += tighter[0] - low
                    high_sum += tighter[1] - high
        if not moved:
            break
    # Only a small count pinned gives someone away: a count of 5 or more hidden only to keep
    # a small one company could have been shown (and the small ones it protects are pinned
    # themselves if its value gives them away: the ranges are narrowed by it too).
    order = {key: n for n, key in enumerate(values)}
    return sorted((key for key, (low, high) in bounds.items()
                   if low >= high and _is_primary(int(values[key]))), key=order.get)


def _beside(
    values: Mapping[str, int], families: Sequence[Family], hidden: set[str], pinned: list[str]
) -> set[str]:
    """What to hide next for the pinned counts: in each family one is a child of, the
    smallest non-zero counts still shown (all equal ones); if none is left, its zeros; if
    none of those either, the family's parent (so the family tells nothing)."""
    pinned_set = set(pinned)
    more: set[str] = set()
    for family in families:
        if not pinned_set & set(family.children):
            continue
        shown = [int(values[c]) for c in family.children if c not in hidden and values[c] > 0]
        zeros = {c for c in family.children if c not in hidden and values[c] == 0}
        if shown:
            smallest = min(shown)
            more |= {c for c in family.children
                     if c not in hidden and int(values[c]) == smallest}
        elif zeros:  # a hidden zero could be anything small: the others are less certain
            more |= zeros
        elif family.parent not in hidden:
            more.add(family.parent)
    if not more:
        more = set(values) - hidden
    return more
