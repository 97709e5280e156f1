"""The flow counts add up: every referral is in exactly one leaf of the ways in and in exactly
one box of the letters, in both units (property-based)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from contact.models import ContactOutcome
from reporting.flow import FLOW_KEYS, LEAVES, VICTIM_KEYS, Period, compute_flow, leaf_filter
from reporting.flow_rules import LETTER_BOXES, with_introductory_letter
from tests.factories import CaseFactory, LetterFactory, PersonFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
PERIOD = Period(date(2025, 1, 1), date(2025, 3, 31))

history = st.fixed_dictionaries(
    {
        "route": st.sampled_from(["letter_only", "high_risk", "hub_contact"]),
        "supported_elsewhere": st.booleans(),
        "contact_outcome": st.sampled_from(["", ContactOutcome.DECLINED, ContactOutcome.SIGNPOSTED,
                                            ContactOutcome.ACCEPTED, ContactOutcome.NO_CONTACT]),
        "responded_to_letter": st.booleans(),
        # The sources the intake makes (no service makes an agency case: docs/flow.md).
        "source": st.sampled_from(["police_ivna", "self_referral", "transfer_in"]),
        "district": st.sampled_from(["fenland", "peterborough", "cambridge"]),
        "day": st.integers(min_value=-10, max_value=100),  # some fall outside the period
        "status": st.sampled_from(["awaiting_contact", "closed", "in_support", "no_contact",
                                   "transferred_out"]),
        "letter": st.sampled_from([None, "sent", "rendered", "failed", "stopped"]),
        "no_letter_reason": st.sampled_from(["", "Not safe to write to the victim."]),
        "follow_up": st.booleans(),
        "same_person_as_previous": st.booleans(),
        "declined_at_ivna": st.booleans(),
    }
)


class Rollback(Exception):
    pass


def build(histories: list[dict]) -> None:
    person = None
    for h in histories:
        if person is None or not h["same_person_as_previous"]:
            person = PersonFactory(district=h["district"])
        when = datetime.combine(date(2025, 1, 1) + timedelta(days=h["day"]), time(12),
                                tzinfo=LONDON)
        case = CaseFactory(
            person=person, route=h["route"], supported_elsewhere=h["supported_elsewhere"],
            contact_outcome=h["contact_outcome"], responded_to_letter=h["responded_to_letter"],
            source=h["source"], referred_at=when, status=h["status"],
            declined_contact_at_ivna=h.get("declined_at_ivna", False),
            no_letter_reason=h.get("no_letter_reason", ""),
        )
        if h["letter"]:
            LetterFactory(case=case, kind="introductory", channel="email",
                          status=h["letter"])
        if h.get("follow_up"):
            LetterFactory(case=case, kind="no_contact", channel="post", status="sent")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(history, max_size=25), st.sampled_from([None, "fenland", "peterborough"]))
def test_every_referral_is_in_exactly_one_leaf(histories, district):
    try:
        with transaction.atomic():
            build(histories)
            flow = compute_flow(PERIOD, district)
            in_period = with_introductory_letter(Case.objects.filter(pk__in=_ids(district)))
            assert flow.referred == in_period.count()
            assert flow.leaves_add_up()
            # Each case matches exactly one leaf condition, and one box of the letters.
            # (One query a box, not one a box and case: the cases each condition holds.)
            for family in (LEAVES, LETTER_BOXES):
                members = {leaf: set(in_period.filter(q).values_list("pk", flat=True))
                           for leaf, q in family.items()}
                for pk in in_period.values_list("pk", flat=True):
                    matches = [leaf for leaf, pks in members.items() if pk in pks]
                    assert len(matches) == 1, (pk, matches)
            assert sum(getattr(flow, leaf) for leaf in LEAVES) == flow.referred
            # Unique victims: each box counts the people of its cases once.
            for key in VICTIM_KEYS:
                if key in LETTER_BOXES or key in LEAVES or key == "referred":
                    people = in_period.filter(leaf_filter(key)).values("person").distinct()
                    assert flow.victims[key] == people.count(), key
            assert flow.unique_victims == in_period.values("person").distinct().count()
            raise Rollback
    except Rollback:
        pass


def _ids(district):
    from reporting.flow import referrals

    return list(referrals(PERIOD, district).values_list("pk", flat=True))


def test_flow_matches_a_hand_count():
    build([
        dict(route="letter_only", supported_elsewhere=False, contact_outcome="",
             responded_to_letter=True, source="police_ivna", district="fenland", day=3,
             status="awaiting_contact", letter="sent", same_person_as_previous=False),
        # The same person, self-referred: their own way in, not assessed vulnerable.
        dict(route="hub_contact", supported_elsewhere=False,
             contact_outcome=ContactOutcome.ACCEPTED,
             responded_to_letter=False, source="self_referral", district="fenland", day=4,
             status="closed", letter="sent", same_person_as_previous=True),
        dict(route="hub_contact", supported_elsewhere=True, contact_outcome=ContactOutcome.ACCEPTED,
             responded_to_letter=False, source="police_ivna", district="cambridge", day=5,
             status="supported_elsewhere", letter=None, same_person_as_previous=False),
        dict(route="hub_contact", supported_elsewhere=False,
             contact_outcome=ContactOutcome.NO_CONTACT,
             responded_to_letter=False, source="police_ivna", district="cambridge", day=6,
             status="no_contact", letter="rendered", same_person_as_previous=False,
             follow_up=True),
        dict(route="high_risk", supported_elsewhere=False, contact_outcome="",
             responded_to_letter=False, source="police_ivna", district="cambridge", day=95,
             status="awaiting_contact", letter=None, same_person_as_previous=False),
        # Declined contact at the IVNA: its own leaf whatever the route, but high risk.
        dict(route="hub_contact", supported_elsewhere=False, contact_outcome="",
             responded_to_letter=False, source="police_ivna", district="fenland", day=7,
             status="closed", letter=None, same_person_as_previous=False,
             declined_at_ivna=True),
        dict(route="letter_only", supported_elsewhere=False, contact_outcome="",
             responded_to_letter=False, source="police_ivna", district="cambridge", day=8,
             status="closed", letter=None, same_person_as_previous=False,
             declined_at_ivna=True),
        dict(route="high_risk", supported_elsewhere=False, contact_outcome="",
             responded_to_letter=False, source="police_ivna", district="cambridge", day=9,
             status="high_risk", letter=None, same_person_as_previous=False,
             declined_at_ivna=True),
        # Transferred out before deciding; and after accepting (the hub supported them).
        dict(route="hub_contact", supported_elsewhere=False, contact_outcome="",
             responded_to_letter=False, source="police_ivna", district="cambridge", day=10,
             status="transferred_out", letter="sent", same_person_as_previous=False),
        dict(route="hub_contact", supported_elsewhere=False,
             contact_outcome=ContactOutcome.ACCEPTED,
             responded_to_letter=False, source="police_ivna", district="cambridge", day=11,
             status="transferred_out", letter="stopped", same_person_as_previous=False),
    ])
    flow = compute_flow(PERIOD)
    expected = {
        "referred": 9, "police_ivna": 8, "letter_only": 1, "responded_to_letter": 1,
        "high_risk": 1, "declined_at_ivna": 2, "vulnerable": 4, "supported_elsewhere": 1,
        "no_contact": 1, "transferred_out": 1, "contacted": 1, "accepted": 1,
        "assessed_vulnerable": 5, "self_referred": 1, "self_referred_contacted": 1,
        "self_referred_accepted": 1, "supported": 2,
        "written_to": 3, "not_written_to": 4, "letter_pending": 2,
        "letters_sent": 3, "follow_up_letters": 1,
    }
    assert {key: flow.counts[key] for key in expected} == expected
    assert not any(flow.counts[key] for key in flow.counts if key not in expected)
    # Accepted (police IVNA) / assessed vulnerable (high risk + vulnerable): 1 / 5.
    assert flow.supported_rate == 0.2
    # Victims: the letter-only and the self-referred referral are one person.
    assert flow.unique_victims == flow.victims["referred"] == 8
    assert (flow.victims["police_ivna"], flow.victims["self_referred"]) == (8, 1)
    assert (flow.victims["written_to"], flow.victims["letters_sent"]) == (2, 2)
    assert flow.leaves_add_up()
    body = flow.as_dict()
    assert list(body) == [*FLOW_KEYS, "victims"]
    assert body["victims"]["supported_rate"] == 0.2
    assert compute_flow(PERIOD, "fenland").referred == 3


def test_flow_takes_two_queries_whatever_the_size(django_assert_num_queries):
    for day in range(40):
        CaseFactory(referred_at=datetime(2025, 1, 1, 12, tzinfo=LONDON) + timedelta(days=day))
    with django_assert_num_queries(2):
        compute_flow(PERIOD, "fenland")


def test_leaf_filters_pick_the_cases_behind_each_count():
    build([
        dict(route="hub_contact", supported_elsewhere=False,
             contact_outcome=ContactOutcome.DECLINED,
             responded_to_letter=False, source="police_ivna", district="fenland", day=3,
             status="declined", letter=None, same_person_as_previous=False),
    ])
    cases = with_introductory_letter(Case.objects.all())
    assert cases.filter(leaf_filter("declined")).count() == 1
    assert cases.filter(leaf_filter("contacted")).count() == 1
    assert cases.filter(leaf_filter("vulnerable")).count() == 1
    assert cases.filter(leaf_filter("accepted")).count() == 0
    assert cases.filter(leaf_filter("assessed_vulnerable")).count() == 1
    assert cases.filter(leaf_filter("letter_pending")).count() == 1
    with pytest.raises(KeyError):
        leaf_filter("letters_sent")  # letters, not referrals


@pytest.mark.django_db
def test_the_flow_joins_the_introductory_letter_once_not_a_subquery_a_box():
    """At 300,000 cases a `pk IN (SELECT … FROM contact_letter)` per letter box was no longer
    hashed by PostgreSQL (past work_mem) and took minutes; a correlated EXISTS per box 1.7 s.
    The case query joins each case's introductory letter once (bench/RESULTS.md)."""
    with CaptureQueriesContext(connection) as queries:
        compute_flow(Period(date(2025, 1, 1), date(2025, 12, 31)))
    over_cases = next(q["sql"] for q in queries.captured_queries if "n_referred" in q["sql"])
    assert over_cases.count('"contact_letter"') == 1
    assert 'LEFT OUTER JOIN "contact_letter"' in over_cases
