"""Suppression that holds (issue 14; reporting/suppression.py, docs/suppression.md).

The attacker knows the rule, each breakdown's exact total and every count shown. They try
every way of filling in the hidden counts that sums to the total and that `suppress` would
have published exactly as it was. A hidden count is given away if all those ways agree on it;
each hidden count must keep at least two possible values.

The property test runs a fixed set of examples (derandomised, `SUPPRESSION_EXAMPLES`, 600 by
default); `SUPPRESSION_EXAMPLES=20000 SUPPRESSION_RANDOM=1 pytest
tests/reporting/test_suppression.py` runs more, and different ones each time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.flow import FLOW_KEYS
from reporting.flow_rules import PARTITIONS, SUMS, VICTIM_KEYS
from reporting.suppression import (
    DERIVED,
    EXACT,
    FAMILIES,
    LETTERS_ONLY,
    SMALLEST_SHOWN,
    SUPPRESSED,
    suppress,
    suppress_flow,
    suppress_total,
)

EXAMPLES = int(os.environ.get("SUPPRESSION_EXAMPLES", "600"))
DERANDOMIZE = "SUPPRESSION_RANDOM" not in os.environ


# -- The attacker --------------------------------------------------------------------------


def _consistent(values: Mapping[str, int], published: Mapping[str, int | str],
                rule=suppress) -> bool:
    return rule(values) == published


def _search(values: dict[str, int], published: dict, cell: str, rule=suppress) -> int | None:
    """A value of `cell`, other than its true one, in some filling-in of the hidden counts
    that gives the same publication and total; None if there is none.

    First the cheap candidates (moving some of one hidden count to another), then an
    exhaustive depth-first search. The search bounds only leave out fillings-in the rule could
    not have published (a zero is hidden only when every cell is; a hidden count is at most 4
    or below the smallest non-zero count shown): leaving out more could only make this test
    stricter, never let a give-away through.
    """
    order = list(values)
    hidden = [key for key in order if published[key] == SUPPRESSED]
    total = sum(values.values())
    if suppress_total(values, published) == SUPPRESSED:
        # The total is hidden too: only the rule constrains the count.
        return next(
            (x for x in range(0, 41)
             if x != values[cell] and _consistent({**values, cell: x}, published, rule)),
            None,
        )
    hidden_sum = sum(values[key] for key in hidden)
    for other in hidden:
        if other == cell:
            continue
        for delta in range(-values[cell], values[other] + 1):
            if delta == 0:
                continue
            candidate = {**values, cell: values[cell] + delta, other: values[other] - delta}
            if _consistent(candidate, published, rule):
                return candidate[cell]
    every_cell_hidden = len(hidden) == len(order)
    shown = [published[key] for key in order if published[key] != SUPPRESSED]
    least = 0 if every_cell_hidden else 1
    most = hidden_sum if every_cell_hidden or not any(shown) else max(
        SMALLEST_SHOWN - 1, min(v for v in shown if v) - 1
    )
    most = min(most, hidden_sum)
    sequence = [cell] + [key for key in hidden if key != cell]
    candidate = dict(values)

    def fill(index: int, remaining: int) -> int | None:
        if index == len(sequence):
            if remaining == 0 and _consistent(candidate, published, rule):
                return candidate[cell]
            return None
        left = len(sequence) - index - 1
        for x in range(least, most + 1):
            if index == 0 and x == values[cell]:
                continue
            rest = remaining - x
            if rest < left * least or rest > left * most:
                continue
            candidate[sequence[index]] = x
            found = fill(index + 1, rest)
            if found is not None:
                return found
        return None

    assert sum(candidate.values()) == total
    return fill(0, hidden_sum)


def given_away(values: dict[str, int], rule=suppress) -> list[str]:
    """The hidden cells whose value every consistent filling-in agrees on."""
    published = rule(values)
    assert _consistent(values, published, rule)  # the truth is one of the fillings-in
    return [
        key for key, shown in published.items()
        if shown == SUPPRESSED and _search(values, published, key, rule) is None
    ]


# Many small counts (where suppression bites), some zeros, some anything up to 40.
COUNT = st.one_of(st.integers(0, 6), st.integers(0, 40))
BREAKDOWN = st.lists(COUNT, min_size=1, max_size=10).map(
    lambda counts: {f"c{i}": count for i, count in enumerate(counts)}
)


@settings(derandomize=DERANDOMIZE, max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(BREAKDOWN)
def test_no_hidden_count_can_be_worked_out(values):
    published = suppress(values)
    for key, value in values.items():
        # Small counts never shown; zeros shown unless every cell is hidden.
        assert not (1 <= value < SMALLEST_SHOWN and published[key] != SUPPRESSED)
    assert given_away(values) == []


# -- Examples ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "published"),
    [
        # Nothing small: all shown, zeros too.
        ({"a": 5, "b": 9, "c": 0}, {"a": 5, "b": 9, "c": 0}),
        # Two small counts, not both 1 and not both 4: hidden, nothing else.
        ({"a": 3, "b": 2, "c": 9}, {"a": "*", "b": "*", "c": 9}),
        # One small count: the next smallest is hidden too (secondary).
        ({"a": 7, "b": 3, "c": 6, "d": 0}, {"a": 7, "b": "*", "c": "*", "d": 0}),
        # Two 1s: together they add up to 2, so each is 1; a third count is hidden.
        ({"a": 1, "b": 1, "c": 10, "d": 20}, {"a": "*", "b": "*", "c": "*", "d": 20}),
        # Two 4s: primaries are at most 4, so 8 gives both away; a third is hidden.
        ({"a": 4, "b": 4, "c": 9, "d": 20}, {"a": "*", "b": "*", "c": "*", "d": 20}),
        # 3 and one 5 hidden while another 5 is shown would say the hidden 5 is the one of
        # them chosen (and so 5): counts equal to the smallest shown are hidden together.
        ({"a": 3, "b": 5, "c": 5, "d": 30}, {"a": "*", "b": "*", "c": "*", "d": 30}),
        # Only one non-zero count: every cell is hidden.
        ({"a": 0, "b": 2, "c": 0}, {"a": "*", "b": "*", "c": "*"}),
        # All zero: all shown.
        ({"a": 0, "b": 0}, {"a": 0, "b": 0}),
        # One each: a total of 5 over five cells would say so; all hidden, as for any
        # breakdown whose total is its number of cells.
        ({c: 1 for c in "abcde"}, dict.fromkeys("abcde", "*")),
        ({"a": 3, "b": 0, "c": 0}, dict.fromkeys("abc", "*")),
        ({"a": 5, "b": 0, "c": 0, "d": 0, "e": 0}, dict.fromkeys("abcde", "*")),
        # All 4s: 3 + 5 + 4 + ... would read the same.
        ({c: 4 for c in "abcde"}, dict.fromkeys("abcde", "*")),
    ],
)
def test_suppression_examples(values, published):
    assert suppress(values) == published
    assert given_away(values) == []


def test_total_8_over_eight_hidden_ones_is_not_given_away():
    """The issue's case: eight 1s hidden with their total 8 said each was 1."""
    values = {f"c{i}": 1 for i in range(8)} | {"big": 30}
    published = suppress(values)
    assert published["big"] == SUPPRESSED  # hidden with them: now 38 over nine cells
    assert given_away(values) == []
    # Without the big count there is nothing else to hide: every cell is hidden, and any
    # rearrangement of 8 over the eight cells (a 2 and a 0, ...) reads the same.
    ones = {f"c{i}": 1 for i in range(8)}
    assert set(suppress(ones).values()) == {SUPPRESSED}
    assert given_away(ones) == []


def test_a_single_cell_breakdown_hides_its_total():
    values = {"only_service": 3}
    published = suppress(values)
    assert published == {"only_service": SUPPRESSED}
    assert suppress_total(values, published) == SUPPRESSED
    assert suppress_total({"a": 3, "b": 4}, suppress({"a": 3, "b": 4})) == 7
    assert given_away(values) == []


def test_the_old_rule_was_undone_by_arithmetic():
    """The attacker finds the give-aways the old rule (return-2025.1) allowed, which the new
    rule does not: the test can fail."""

    def old_suppress(values):  # return-2025.1, for the record
        order = list(values)
        hidden = {k for k in order if 1 <= values[k] < 5}
        while hidden:
            if len(hidden) > 1 and sum(values[k] for k in hidden) >= 5:
                break
            non_zero = [k for k in order if k not in hidden and values[k] > 0]
            if not non_zero:
                break
            hidden.add(min(non_zero, key=lambda k: (values[k], order.index(k))))
        return {k: SUPPRESSED if k in hidden else values[k] for k in order}

    # Total 8 over eight hidden cells, each at least 1: each is 1.
    eight_ones = {f"c{i}": 1 for i in range(8)} | {"zero": 0}
    assert set(given_away(eight_ones, old_suppress)) == {f"c{i}" for i in range(8)}
    assert given_away(eight_ones) == []


# -- The flow ------------------------------------------------------------------------------


def exact_flow(**counts: int) -> dict:
    """A flow that adds up: leaves given, every parent summed from its partition
    (reporting.flow_rules.PARTITIONS), then the sums, the letters and the rate."""
    flow = {key: 0 for key in FLOW_KEYS}
    flow.update({
        "letter_only": 40, "high_risk": 12, "declined_at_ivna": 9,
        "supported_elsewhere": 6, "awaiting_contact": 7, "no_contact": 11,
        "transferred_out": 5, "declined": 8, "signposted": 10, "accepted": 30,
        "responded_to_letter": 6,
        "self_referred_awaiting_contact": 6, "self_referred_declined": 5,
        "self_referred_accepted": 9,
    })
    flow.update(counts)
    for parent, children in reversed(PARTITIONS.items()):
        flow[parent] = sum(flow[child] for child in children)
    for total, parts in SUMS.items():
        flow[total] = sum(flow[part] for part in parts)
    flow["unique_victims"] = flow["referred"] - 1
    flow["not_written_to"] = flow["declined_at_ivna"]
    flow["written_to"] = flow["referred"] - flow["not_written_to"]
    flow["letters_sent"] = flow["written_to"]
    flow["follow_up_letters"] = flow["no_contact"] + flow["self_referred_no_contact"]
    flow["supported_rate"] = round(flow["accepted"] / flow["assessed_vulnerable"], 4)
    assert set(flow) == set(FLOW_KEYS)
    return flow


def test_families_cover_the_flow_once_each_parents_first():
    children = [child for family in FAMILIES for child in family.children]
    assert len(children) == len(set(children))  # a count is split from one parent only
    seen = {"referred"}
    for family in FAMILIES:
        assert family.parent in seen  # a parent's own family comes before its children's
        seen.update(family.children)
    assert seen | set(EXACT) | set(DERIVED) | set(LETTERS_ONLY) | {"supported_rate"} == set(
        FLOW_KEYS
    )


def test_nothing_small_nothing_hidden():
    flow = exact_flow()
    assert suppress_flow(flow) == flow


def test_a_small_leaf_is_hidden_with_a_sibling_in_its_family_only():
    published = suppress_flow(exact_flow(accepted=3))
    assert published["accepted"] == SUPPRESSED
    # In its family (contacted = declined + signposted + accepted) a second count is hidden.
    assert [published[k] for k in ("declined", "signposted")].count(SUPPRESSED) >= 1
    assert published["contacted"] == 21  # the family's total, shown
    assert published["referred"] == exact_flow(accepted=3)["referred"]
    # The rate would give accepted away (rate x vulnerable): null.
    assert published["supported_rate"] is None
    assert published["letter_only"] == 40


def test_a_hidden_parent_hides_its_whole_family():
    # vulnerable = 1 + 1 + 1 + 0 + (1 + 0 + 0) = 4: hidden in its own family (the IVNA's).
    flow = exact_flow(supported_elsewhere=1, awaiting_contact=1, no_contact=1,
                      transferred_out=0, declined=1, signposted=0, accepted=0)
    published = suppress_flow(flow)
    assert published["vulnerable"] == SUPPRESSED
    for key in ("supported_elsewhere", "awaiting_contact", "no_contact", "contacted",
                "declined", "signposted", "accepted", "assessed_vulnerable", "supported"):
        assert published[key] == SUPPRESSED
    assert published["supported_rate"] is None


def test_a_subset_count_is_hidden_with_the_rest_of_its_parent():
    # responded_to_letter is part of letter_only: 2 of 40 responded; the rest (38) is hidden
    # with it, so letter_only stays shown and 2 cannot be read off.
    published = suppress_flow(exact_flow(responded_to_letter=2))
    assert published["responded_to_letter"] == SUPPRESSED
    assert published["letter_only"] == 40


def test_per_victim_counts_are_suppressed_by_the_same_families():
    # Referrals: nothing small. Victims: 3 self-referred people, 103 referred: alone the 3
    # would be hidden, and 103 - 100 - 0 would give it back; a sibling is hidden with it.
    victims = {key: value for key, value in exact_flow(
        self_referred_awaiting_contact=1, self_referred_declined=1, self_referred_accepted=1,
    ).items() if key in VICTIM_KEYS or key == "supported_rate"}
    flow = exact_flow() | {"victims": victims}
    published = suppress_flow(flow)["victims"]
    assert published["self_referred"] == SUPPRESSED
    ways_in = [published[key] for key in ("police_ivna", "self_referred", "transferred_in")]
    assert ways_in.count(SUPPRESSED) >= 2
    assert published["referred"] == victims["referred"]  # the total, exact
    # No victims count from 1 to 4 is shown.
    assert not [k for k, v in published.items() if isinstance(v, int) and 1 <= v <= 4]


def test_letters_do_not_give_a_hidden_box_away():
    # 3 referrals still to be written to: hidden with a sibling in the letters' partition;
    # a count of letters equal to a hidden box is hidden with it.
    flow = exact_flow(letter_pending=3)
    flow["written_to"] -= 3
    flow["letters_sent"] = flow["written_to"]
    published = suppress_flow(flow)
    assert published["letter_pending"] == SUPPRESSED
    if published["written_to"] == SUPPRESSED:
        assert published["letters_sent"] == SUPPRESSED
    # 2 awaiting contact, hidden with the next smallest, no contact (6): the 6 follow-up
    # letters would say what no contact is, so they are hidden too.
    flow = exact_flow(awaiting_contact=2, no_contact=6, transferred_out=0,
                      supported_elsewhere=20)
    assert flow["follow_up_letters"] == 6
    hidden = suppress_flow(flow)
    assert hidden["awaiting_contact"] == hidden["no_contact"] == SUPPRESSED
    assert hidden["follow_up_letters"] == SUPPRESSED


# -- Families that cross: the compliance return (reporting.compliance_return) ---------------
#
# Each right's counts are a table per breakdown (categories by outcomes) whose rows add up to
# the categories' counts and whose columns add up to the right's outcome counts, all
# published, under the right's own count (a root: hidden from 1 to 4). The attacker knows
# every count shown and the rule, and tries every filling-in of the hidden table cells (the
# hidden totals follow from them) that would have been published the same way; no hidden
# count from 1 to 4 may be left with a single value.

CROSS_OUTCOMES = ("met", "late", "missed")
CROSS_CAP = 9  # values tried for a hidden cell: more than any the examples draw, +2


def _cross_world(cells: dict[tuple[str, str], int]):
    from reporting.compliance_return import right_families

    categories = sorted({cat for cat, _ in cells})
    families = right_families(1, {"b": categories}, outcomes=CROSS_OUTCOMES)

    def values_of(table: dict[tuple[str, str], int]) -> dict[str, int]:
        values = {f"1:b:{cat}:{o}": table[cat, o] for cat in categories for o in CROSS_OUTCOMES}
        for cat in categories:
            values[f"1:b:{cat}"] = sum(table[cat, o] for o in CROSS_OUTCOMES)
        for o in CROSS_OUTCOMES:
            values[f"1:{o}"] = sum(table[cat, o] for cat in categories)
        values["1"] = sum(table.values())
        return values

    return categories, families, values_of


def _cross_publish(values, families):
    from reporting.suppression import suppress_families

    return suppress_families(values, families, roots=["1"])


def _cross_attack(cells: dict[tuple[str, str], int]) -> list[str] | None:
    """The hidden counts every consistent filling-in agrees on (None: too many to try)."""
    import itertools

    categories, families, values_of = _cross_world(cells)
    truth = values_of(cells)
    published = _cross_publish(truth, families)
    hidden = [key for key, value in published.items() if value == SUPPRESSED]
    if not hidden:
        return []
    per_row = []
    for cat in categories:
        unknown = [(cat, o) for o in CROSS_OUTCOMES if published[f"1:b:{cat}:{o}"] == SUPPRESSED]
        known = sum(cells[cat, o] for o in CROSS_OUTCOMES if (cat, o) not in unknown)
        row_total = published[f"1:b:{cat}"]
        options = [
            dict(zip(unknown, combo, strict=True))
            for combo in itertools.product(range(CROSS_CAP + 1), repeat=len(unknown))
            if row_total == SUPPRESSED or known + sum(combo) == row_total
        ]
        per_row.append(options)
    space = 1
    for options in per_row:
        space *= len(options)
    if space > 60_000:
        return None
    seen: dict[str, set[int]] = {key: set() for key in hidden}
    for parts in itertools.product(*per_row):
        table = dict(cells)
        for part in parts:
            table.update(part)
        values = values_of(table)
        if any(published[key] != SUPPRESSED and published[key] != values[key] for key in values):
            continue
        if _cross_publish(values, families) != published:
            continue
        for key in hidden:
            seen[key].add(values[key])
    # A count from 1 to 4 must keep two values; a larger one hidden to keep it company could
    # have been shown (docs/suppression.md, "Families that cross").
    return [key for key, found in seen.items()
            if len(found) < 2 and 1 <= values_of(cells)[key] <= 4]


CROSS_TABLE = st.integers(min_value=2, max_value=3).flatmap(
    lambda rows: st.fixed_dictionaries({
        (f"c{row}", outcome): st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 6, 7])
        for row in range(rows) for outcome in CROSS_OUTCOMES
    })
)


@settings(derandomize=DERANDOMIZE, max_examples=max(EXAMPLES // 10, 40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(CROSS_TABLE)
def test_no_hidden_count_of_a_crossed_table_can_be_worked_out(cells):
    given_away = _cross_attack(cells)
    assert not given_away, f"{cells}: {given_away} can be worked out"


def test_a_crossed_table_that_sums_would_give_away_hides_more():
    # [[2, 1], [4, 2]] with every row and column total published: the four hidden cells are
    # each 1 to 4, and the sums leave them one way only (2, 1, 4, 2), so more is hidden.
    cells = {("c0", "met"): 2, ("c0", "late"): 1, ("c0", "missed"): 9,
             ("c1", "met"): 4, ("c1", "late"): 2, ("c1", "missed"): 9}
    assert _cross_attack(cells) == []
    _, families, values_of = _cross_world(cells)
    published = _cross_publish(values_of(cells), families)
    assert not [v for v in published.values() if isinstance(v, int) and 1 <= v <= 4]
    assert published["1"] == 27  # the right's own count stays


@pytest.mark.xfail(strict=True, reason=(
    "Known gap (docs/suppression.md, 'Families that cross'): in this cycle of hidden cells "
    "the sums leave the small counts free, but only one filling-in makes the rule hide the "
    "same zeros, so a reader who replays the rule pins them. Found by the random search."))
def test_a_cycle_the_rule_replayed_gives_away():
    cells = {("c0", "met"): 0, ("c0", "late"): 3, ("c0", "missed"): 2,
             ("c1", "met"): 3, ("c1", "late"): 0, ("c1", "missed"): 5,
             ("c2", "met"): 2, ("c2", "late"): 5, ("c2", "missed"): 0}
    assert _cross_attack(cells) == []
