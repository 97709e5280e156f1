"""The triage rule table: one test per rule, the boundaries, and the docs kept in step."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from intake.triage import RULES, RULES_VERSION, IvnaAnswers, triage
from intake.triage_doc import render

OFFENCE = date(2025, 3, 1)


def answers(**kwargs) -> IvnaAnswers:
    base = {"crime_type": "theft_and_handling", "offence_date": OFFENCE}
    base.update(kwargs)
    if "markers" in base:
        base["markers"] = frozenset(base["markers"])
    if "priority_categories" in base:
        base["priority_categories"] = frozenset(base["priority_categories"])
    return IvnaAnswers(**base)


@pytest.mark.parametrize(
    ("given", "route", "rule", "enhanced"),
    [
        # High risk: managed by the MASH / Public Protection.
        (answers(dash_risk="high"), "high_risk", "H1", False),
        (answers(dash_yes_count=14), "high_risk", "H2", False),
        (answers(dash_yes_count=27), "high_risk", "H2", False),
        (
            answers(markers=["domestic_abuse"], earlier_high_risk_referral=True),
            "high_risk",
            "H3",
            True,
        ),
        (
            answers(markers=["stalking_harassment"], earlier_high_risk_referral=True),
            "high_risk",
            "H3",
            True,
        ),
        (answers(mash_referral=True), "high_risk", "H4", False),
        (answers(mash_referral=True, priority_categories=["vulnerable"]), "high_risk", "H4", True),
        # Public Protection (service specification, Appendix 2): no MASH tick needed.
        (
            answers(crime_type="sexual_offences", markers=["serious_sexual_offence"]),
            "high_risk",
            "P1",
            True,
        ),
        (answers(markers=["serious_sexual_offence"]), "high_risk", "P1", True),
        (answers(markers=["child_abuse"]), "high_risk", "P2", True),
        (answers(markers=["child_sexual_exploitation"]), "high_risk", "P2", True),
        (answers(markers=["safeguarding_vulnerable_adults"]), "high_risk", "P3", True),
        # Enhanced entitlement: hub contact.
        (answers(priority_categories=["vulnerable"]), "hub_contact", "E1", True),
        (answers(priority_categories=["intimidated"]), "hub_contact", "E1", True),
        (answers(priority_categories=["persistently_targeted"]), "hub_contact", "E1", True),
        (answers(priority_categories=["serious_crime"]), "hub_contact", "E1", True),
        (answers(priority_categories=["bereaved"]), "hub_contact", "E1", True),
        (answers(date_of_birth=date(2010, 1, 1)), "hub_contact", "E2", True),
        # A sexual offence the officer did not mark serious (e.g. exposure) stays with the hub.
        (answers(crime_type="sexual_offences"), "hub_contact", "E3", True),
        (answers(markers=["domestic_abuse"]), "hub_contact", "E4", True),
        (answers(markers=["hate_crime"]), "hub_contact", "E4", True),
        (answers(markers=["wounding_gbh_intent"]), "hub_contact", "E4", True),
        (answers(markers=["stalking_harassment"]), "hub_contact", "E5", True),
        # Professional judgement alone: hub contact, not enhanced.
        (answers(needs_support=True), "hub_contact", "S1", False),
        # Everyone else.
        (answers(), "letter_only", "L1", False),
        (answers(markers=["online_crime"]), "letter_only", "L1", False),
        (answers(crime_type="anti_social_behaviour"), "letter_only", "L1", False),
    ],
)
def test_each_rule_routes_as_the_table_says(given, route, rule, enhanced):
    decision = triage(given)
    assert decision.route == route
    assert decision.deciding_rule == rule
    assert decision.enhanced_entitlement is enhanced


@pytest.mark.parametrize(
    ("dash_yes_count", "route"), [(13, "letter_only"), (14, "high_risk"), (None, "letter_only")]
)
def test_dash_yes_count_boundary_is_14(dash_yes_count, route):
    assert triage(answers(dash_yes_count=dash_yes_count)).route == route


@pytest.mark.parametrize(
    ("date_of_birth", "route", "why"),
    [
        (date(2007, 3, 2), "hub_contact", "turns 18 the day after the offence: still 17"),
        (date(2007, 3, 1), "letter_only", "18th birthday on the offence date: an adult"),
        (date(2007, 2, 28), "letter_only", "18 and one day"),
        (date(2008, 3, 1), "hub_contact", "17 exactly"),
        (None, "letter_only", "no date of birth: E2 cannot apply"),
    ],
)
def test_under_18_is_counted_on_the_offence_date(date_of_birth, route, why):
    assert triage(answers(date_of_birth=date_of_birth)).route == route, why


def test_leap_day_birthday_turns_18_on_1_march_in_a_common_year():
    # Born 29 Feb 2008: on 28 Feb 2026 still 17, on 1 Mar 2026 18.
    young = answers(date_of_birth=date(2008, 2, 29), offence_date=date(2026, 2, 28))
    adult = answers(date_of_birth=date(2008, 2, 29), offence_date=date(2026, 3, 1))
    assert triage(young).route == "hub_contact"
    assert triage(adult).route == "letter_only"


def test_earlier_high_risk_referral_only_counts_for_dash_crimes():
    # A burglary after an earlier high-risk DA referral is not itself high risk.
    assert triage(answers(earlier_high_risk_referral=True)).route == "letter_only"


def test_high_risk_wins_over_enhanced_entitlement_but_keeps_it():
    decision = triage(answers(dash_risk="high", markers=["domestic_abuse"]))
    assert decision.route == "high_risk"
    assert decision.enhanced_entitlement is True
    assert decision.matched_rules == ("H1", "E4")


def test_victims_code_timescale_is_one_working_day_when_enhanced_else_five():
    assert triage(answers(priority_categories=["vulnerable"])).contact_within_working_days == 1
    assert triage(answers(needs_support=True)).contact_within_working_days == 5
    assert triage(answers()).contact_within_working_days is None
    assert triage(answers(dash_risk="high")).contact_within_working_days is None


def test_the_documented_table_is_the_rule_table():
    text = (Path(__file__).resolve().parents[2] / "docs" / "triage.md").read_text()
    rows = re.findall(r"^\| ([A-Z]\d) \| (.+?) \| (\w+) \| (yes|no) \|$", text, re.M)
    assert [(r.id, r.description, r.route, "yes" if r.enhanced else "no") for r in RULES] == [
        (rid, desc, route, enh) for rid, desc, route, enh in rows
    ]


def test_docs_triage_md_is_generated_from_the_rule_table():
    """docs/triage.md is `manage.py triage_doc`'s output: any change to RULES, its version
    or the Public Protection note needs the file written again."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "triage.md").read_text()
    assert text == render()
    assert f"Rules version: `{RULES_VERSION}`" in text
    assert "serious_sexual_offence" in text


def test_public_protection_rules_keep_the_enhanced_entitlement_they_match():
    decision = triage(answers(crime_type="sexual_offences", markers=["serious_sexual_offence"]))
    assert decision.matched_rules == ("P1", "E3", "E4")
    assert decision.contact_within_working_days is None  # the hub does not phone
