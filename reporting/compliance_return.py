"""The Victims' Code compliance return for the OPCC (issue 15; docs/compliance-return.md): for a
calendar quarter, per right, the victims' referrals to whom it applied and whether it was met
on time, met late, declined, missed or not recorded, broken down by crime type, enhanced
entitlement and protected characteristics; the victims' own feedback mapped to the rights it
speaks to; and the complaints log (Right 12).

The counts are `rights.compliance.compliance` (the one home of what each means); this module
names the categories, suppresses and lays out. Suppression is the quarterly return's rule
(`reporting.suppression`), applied to families that cross: each right's counts form a table
per breakdown (categories by outcomes) whose rows add up to each category's count and whose
columns add up to the right's own outcome counts, so every row and every column is a family
(`right_families`) and `suppress_families` hides until no count from 1 to 4 can be worked
out. A right that
applied to 1 to 4 referrals is hidden whole. Published and versioned like the quarterly
return (`reporting.versions`, kind `compliance`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.utils import timezone

from assessments.models import Disability, HelpedToCope, Religion, SexualOrientation
from cases.age_bands import AGE_BAND_LABELS
from cases.choices import CrimeType, Ethnicity, Gender
from cases.victims_code import VictimsCodeRight
from complaints.models import Outcome as ComplaintOutcome
from reporting.returns import has_ended, quarter_period
from reporting.suppression import SUPPRESSION_RULE, Family, suppress_families
from rights.compliance import (
    APPLIED,
    ENHANCED,
    NONE,
    OUTCOME_LABELS,
    OUTCOMES,
    STANDARD,
    SURVEY_ANSWERS,
    SURVEY_RIGHTS,
    Compliance,
    compliance,
)
from rights.rules import rule_for

# compliance-2026.1: the first compliance return (issue 15).
COMPLIANCE_RULES_VERSION = "compliance-2026.1"
TITLE = "Victims' Code compliance return to the OPCC"

NOT_RECORDED_LABEL = "Not recorded"


def _labels(choices: Iterable[tuple[str, str]], **extra: str) -> dict[str, str]:
    found = {key: label for key, label in choices if key != "unknown"}
    return {**found, NONE: NOT_RECORDED_LABEL, **extra}


# Each breakdown: its title and its categories in order (every one shown, zeros included;
# "none" is not recorded: not known, not asked or not answered).
BREAKDOWN_CATEGORIES: dict[str, tuple[str, dict[str, str]]] = {
    "crime_type": ("By crime type", _labels(
        CrimeType.choices, **{NONE: "No crime recorded (self-referral)"})),
    "enhanced": ("By enhanced entitlement", {
        ENHANCED: "Enhanced entitlement", STANDARD: "Standard entitlement"}),
    "gender": ("By gender", _labels(Gender.choices)),
    "age_band": ("By age band at referral", {
        **{k: v for k, v in AGE_BAND_LABELS.items() if k != "unknown"},
        NONE: NOT_RECORDED_LABEL}),
    "ethnicity": ("By ethnicity", _labels(Ethnicity.choices)),
    "disability": ("By disability (DVNA)", _labels(Disability.choices)),
    "religion": ("By religion (DVNA)", _labels(Religion.choices)),
    "sexual_orientation": ("By sexual orientation (DVNA)", _labels(SexualOrientation.choices)),
}

SURVEY_LABELS: dict[str, tuple[str, dict[str, str]]] = {
    "treated_with_respect": ("Treated with respect (1 not at all to 5 completely)",
                             {str(n): str(n) for n in range(1, 6)}),
    "helped_to_cope": ("Helped to cope", dict(HelpedToCope.choices)),
    "would_recommend": ("Would recommend the hub", {"yes": "Yes", "no": "No"}),
}


def right_key(right: int) -> str:
    return f"right_{right}"


# -- Suppression: the families of one right ----------------------------------------------


def _categories(found: Mapping[str, object], name: str) -> list[str]:
    """Every category of the breakdown, then any other found (a value a later version of
    the choices no longer has)."""
    order = list(BREAKDOWN_CATEGORIES[name][1])
    return order + sorted(set(found) - set(order))


def right_families(
    right: int, categories: Mapping[str, list[str]], outcomes: tuple[str, ...] = OUTCOMES
) -> list[Family]:
    """The families of one right's counts, keyed `r`, `r:outcome`, `r:breakdown:category` and
    `r:breakdown:category:outcome`: the right's outcomes; each breakdown's categories; and
    each table's rows (a category's outcomes) and columns (an outcome's categories)."""
    r = str(right)
    families = [Family(r, tuple(f"{r}:{o}" for o in outcomes))]
    for name, cats in categories.items():
        families.append(Family(r, tuple(f"{r}:{name}:{cat}" for cat in cats)))
        families += [Family(f"{r}:{name}:{cat}", tuple(f"{r}:{name}:{cat}:{o}" for o in outcomes))
                     for cat in cats]
        families += [Family(f"{r}:{o}", tuple(f"{r}:{name}:{cat}:{o}" for cat in cats))
                     for o in outcomes]
    return families


def _right_values(right: int, counts: Compliance) -> tuple[dict[str, int], dict[str, list[str]]]:
    r = str(right)
    own = counts.rights[right]
    values = {r: own[APPLIED], **{f"{r}:{o}": own[o] for o in OUTCOMES}}
    categories: dict[str, list[str]] = {}
    for name in BREAKDOWN_CATEGORIES:
        groups = counts.breakdowns.get(name, {}).get(right, {})
        cats = categories[name] = _categories(groups, name)
        for cat in cats:
            group = groups.get(cat, dict.fromkeys((APPLIED, *OUTCOMES), 0))
            values[f"{r}:{name}:{cat}"] = group[APPLIED]
            values.update({f"{r}:{name}:{cat}:{o}": group[o] for o in OUTCOMES})
    return values, categories


def _cells(labels: Mapping[str, str], shown: Mapping[str, int | str], prefix: str) -> list[dict]:
    return [{"category": key, "label": label, "value": shown[f"{prefix}{key}"]}
            for key, label in labels.items()]


def _rights_sections(counts: Compliance) -> tuple[dict, dict]:
    rights: dict[str, dict] = {}
    breakdowns: dict[str, dict] = {
        name: {"title": title} for name, (title, _) in BREAKDOWN_CATEGORIES.items()
    }
    for right in VictimsCodeRight.values:
        values, categories = _right_values(right, counts)
        shown = suppress_families(values, right_families(right, categories), roots=[str(right)])
        r = str(right)
        rule = rule_for(right)
        rights[right_key(right)] = {
            "title": VictimsCodeRight(right).label,
            "delivered_by": rule.delivered_by.label,
            "counts": "Referrals to whom the right began to apply in the quarter (total), by "
            "what was recorded.",
            "total": shown[r],
            "cells": _cells(OUTCOME_LABELS, shown, f"{r}:"),
        }
        for name, cats in categories.items():
            labels = BREAKDOWN_CATEGORIES[name][1]
            breakdowns[name][right_key(right)] = {
                cat: {
                    "title": labels.get(cat, cat),
                    "total": shown[f"{r}:{name}:{cat}"],
                    "cells": _cells(OUTCOME_LABELS, shown, f"{r}:{name}:{cat}:"),
                }
                for cat in cats
            }
    return rights, breakdowns


# -- The victims' feedback and the complaints ----------------------------------------------


def _survey_section(counts: Compliance) -> dict:
    survey = counts.survey
    responses = survey["responses"]
    values = {"responses": responses["responses"], "answered": responses["answered"],
              "declined": responses["declined"]}
    families = [Family("responses", ("answered", "declined"))]
    for question, answers in SURVEY_ANSWERS.items():
        values.update({f"{question}:{a}": survey[question][a] for a in answers})
        families.append(Family("answered", tuple(f"{question}:{a}" for a in answers)))
    shown = suppress_families(values, families, roots=["responses"])
    section: dict = {
        "responses": {
            "title": "Satisfaction surveys in the quarter (by the date answered)",
            "total": shown["responses"],
            "cells": [
                {"category": "answered", "label": "Answered", "value": shown["answered"]},
                {"category": "declined", "label": "Declined to answer",
                 "value": shown["declined"]},
            ],
        }
    }
    for question, (title, labels) in SURVEY_LABELS.items():
        right = SURVEY_RIGHTS[question]
        section[question] = {
            "title": title,
            "right": right_key(right),
            "right_title": right.label,
            "total": shown["answered"],
            "cells": _cells(labels, shown, f"{question}:"),
        }
    return section


def _complaints_section(counts: Compliance) -> dict:
    c = counts.complaints
    about_rights = {f"right_{r}": n for r, n in c.by_right.items()}
    outcomes = dict(c.outcomes)
    values = {
        "received": c.received,
        "answered": c.answered,
        "open": c.open,
        "answered_on_time": c.answered_on_time,
        "answered_late": c.answered - c.answered_on_time,
        "acknowledged_on_time": c.acknowledged_on_time,
        "acknowledged_late": c.acknowledged - c.acknowledged_on_time,
        "not_acknowledged": c.received - c.acknowledged,
        **{f"outcome_{o}": n for o, n in outcomes.items()},
        "outcome_none": c.received - sum(outcomes.values()),
        **about_rights,
        "right_none": c.received - sum(about_rights.values()),
    }
    outcome_keys = (*(f"outcome_{o}" for o in outcomes), "outcome_none")
    right_keys = (*about_rights, "right_none")
    families = [
        Family("received", ("answered", "open")),
        Family("answered", ("answered_on_time", "answered_late")),
        Family("received", ("acknowledged_on_time", "acknowledged_late", "not_acknowledged")),
        Family("received", outcome_keys),
        Family("received", right_keys),
    ]
    shown = suppress_families(values, families, roots=["received"])

    def figure(title: str, parent: str, labels: Mapping[str, str]) -> dict:
        return {"title": title, "total": shown[parent], "cells": _cells(labels, shown, "")}

    return {
        "right": right_key(VictimsCodeRight.COMPLAINT),
        "right_title": VictimsCodeRight.COMPLAINT.label,
        "answered": figure("Complaints received in the quarter: answered or still open",
                           "received", {"answered": "Answered", "open": "Still open"}),
        "answered_in_time": figure(
            "Answered complaints: in the set working days or late", "answered",
            {"answered_on_time": "Answered in time", "answered_late": "Answered late"}),
        "acknowledged": figure(
            "Complaints received: acknowledged in time, late or not yet", "received",
            {"acknowledged_on_time": "Acknowledged in time",
             "acknowledged_late": "Acknowledged late", "not_acknowledged": "Not acknowledged"}),
        "outcomes": figure(
            "Complaints received, by outcome", "received",
            {**{f"outcome_{o}": label for o, label in ComplaintOutcome.choices},
             "outcome_none": "No outcome yet"}),
        "about_right": figure(
            "Complaints received, by the right they are about", "received",
            {**{f"right_{r}": label for r, label in VictimsCodeRight.choices},
             "right_none": "About the hub's service only"}),
    }


def compliance_return(year: int, quarter: int, *, today: date | None = None) -> dict:
    """The compliance return for a calendar quarter, computed now (eleven queries: one per
    breakdown, one for the survey, two for the complaints). Every value is plain JSON."""
    period = quarter_period(year, quarter)
    counts = compliance(period)
    rights, breakdowns = _rights_sections(counts)
    return {
        "year": year,
        "quarter": quarter,
        "period_from": period.start.isoformat(),
        "period_to": period.end.isoformat(),
        "provisional": not has_ended(period, today),
        "counting_rules_version": COMPLIANCE_RULES_VERSION,
        "suppression_rule": SUPPRESSION_RULE,
        "generated_at": timezone.now().isoformat().replace("+00:00", "Z"),
        "rights": rights,
        "breakdowns": breakdowns,
        "survey": _survey_section(counts),
        "complaints": _complaints_section(counts),
    }


__all__ = ["COMPLIANCE_RULES_VERSION", "compliance_return", "right_families"]
