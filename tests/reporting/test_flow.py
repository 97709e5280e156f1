"""The flow counts add up: every referral is in exactly one leaf (property-based)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from contact.models import ContactOutcome
from reporting.flow import LEAVES, Period, compute_flow, leaf_filter
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
        "source": st.sampled_from(["police_ivna", "self_referral", "agency", "transfer_in"]),
        "district": st.sampled_from(["fenland", "peterborough", "cambridge"]),
        "day": st.integers(min_value=-10, max_value=100),  # some fall outside the period
        "status": st.sampled_from(["awaiting_contact", "closed", "in_support", "no_contact"]),
        "letter": st.sampled_from([None, "sent", "rendered", "failed"]),
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
        )
        if h["letter"]:
            LetterFactory(case=case, kind="introductory", channel="email",
                          status=h["letter"])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(history, max_size=25), st.sampled_from([None, "fenland", "peterborough"]))
def test_every_referral_is_in_exactly_one_leaf(histories, district):
    try:
        with transaction.atomic():
            build(histories)
            flow = compute_flow(PERIOD, district)
            in_period = Case.objects.filter(pk__in=_ids(district))
            assert flow.referred == in_period.count()
            assert flow.leaves_add_up()
            # Each case matches exactly one leaf condition.
            for case in in_period:
                matches = [leaf for leaf, q in LEAVES.items()
                           if Case.objects.filter(q, pk=case.pk).exists()]
                assert len(matches) == 1, (case.pk, matches)
            assert sum(getattr(flow, leaf) for leaf in LEAVES) == flow.referred
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
             status="no_contact", letter="rendered", same_person_as_previous=False),
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
    ])
    flow = compute_flow(PERIOD)
    assert flow.as_dict() == {
        "referred": 7, "unique_victims": 6, "letter_only": 1, "responded_to_letter": 1,
        "high_risk": 1, "declined_at_ivna": 2, "vulnerable": 3, "supported_elsewhere": 1,
        "awaiting_contact": 0, "no_contact": 1, "contacted": 1, "declined": 0,
        "signposted": 0, "accepted": 1, "self_referred": 1, "letters_sent": 2,
        "supported_rate": round(1 / 3, 4),
    }
    assert flow.leaves_add_up()
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
    cases = Case.objects.all()
    assert cases.filter(leaf_filter("declined")).count() == 1
    assert cases.filter(leaf_filter("contacted")).count() == 1
    assert cases.filter(leaf_filter("vulnerable")).count() == 1
    assert cases.filter(leaf_filter("accepted")).count() == 0
