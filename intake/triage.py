"""IVNA triage: one pure function from the IVNA answers to a route, driven by one rule table.

Sources: DOMAIN.md "IVNA and triage"; the 2016 update, section 5 and its footnote 6 (serious
crimes); the service specification (Appendix 2: "identify victims who are entitled to an
enhanced service, particularly those who are victims of a serious crime, who are vulnerable,
intimidated or persistently targeted"; and "carry out a Detailed Victim Needs Assessment for
victims of high risk domestic violence, serious sexual offences, child and adult abuse within
the Public Protection Department", rules P1 to P3). docs/triage.md is generated from this
table (`manage.py triage_doc`); a test keeps the two in step.

Rules are read top to bottom. The first rule that matches decides the route. Enhanced
entitlement (Victims' Code) is worked out separately: a high-risk victim can be entitled too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from cases.choices import CrimeType, Marker, Route
from cases.deadlines import contact_working_days

RULES_VERSION = "2026.1"

# Serious crime (footnote 6 of the 2016 update): domestic violence, hate crime, terrorism,
# sexual offences, human trafficking, attempted murder, kidnap, false imprisonment, arson
# with intent to endanger life, wounding or GBH with intent. Child abuse and child sexual
# exploitation are sexual or violent offences against a child; bereavement by homicide
# makes the relatives victims of the most serious crime.
SERIOUS_CRIME_TYPES = frozenset({CrimeType.SEXUAL_OFFENCES})
SERIOUS_CRIME_MARKERS = frozenset(
    {
        Marker.DOMESTIC_ABUSE,
        Marker.HATE_CRIME,
        Marker.TERRORISM,
        Marker.HUMAN_TRAFFICKING,
        Marker.ATTEMPTED_MURDER,
        Marker.KIDNAP,
        Marker.FALSE_IMPRISONMENT,
        Marker.ARSON_ENDANGER_LIFE,
        Marker.WOUNDING_GBH_INTENT,
        Marker.CHILD_ABUSE,
        Marker.CHILD_SEXUAL_EXPLOITATION,
        Marker.HOMICIDE_BEREAVED,
        Marker.SERIOUS_SEXUAL_OFFENCE,
    }
)
# Markers that put the victim in another priority category.
VULNERABLE_MARKERS = frozenset({Marker.SAFEGUARDING_VULNERABLE_ADULTS})
PERSISTENTLY_TARGETED_MARKERS = frozenset({Marker.STALKING_HARASSMENT})
# DASH applies to domestic abuse, stalking and harassment.
DASH_MARKERS = frozenset({Marker.DOMESTIC_ABUSE, Marker.STALKING_HARASSMENT})
DASH_HIGH_RISK_YES_COUNT = 14
# The Public Protection Department does the DVNA for serious sexual offences, child abuse and
# adult abuse (service specification, Appendix 2): these victims are managed by the MASH /
# PPD whether or not the officer ticked the MASH referral. "Serious" is the officer's marker:
# the Home Office main code "sexual offences" covers exposure and rape alike.
PPD_SEXUAL_MARKERS = frozenset({Marker.SERIOUS_SEXUAL_OFFENCE})
PPD_CHILD_MARKERS = frozenset({Marker.CHILD_ABUSE, Marker.CHILD_SEXUAL_EXPLOITATION})
PPD_ADULT_MARKERS = frozenset({Marker.SAFEGUARDING_VULNERABLE_ADULTS})
ADULT_AGE = 18


@dataclass(frozen=True)
class IvnaAnswers:
    crime_type: str
    offence_date: date
    markers: frozenset[str] = frozenset()
    date_of_birth: date | None = None
    priority_categories: frozenset[str] = frozenset()
    dash_risk: str | None = None
    dash_yes_count: int | None = None
    mash_referral: bool = False
    needs_support: bool = False
    earlier_high_risk_referral: bool = False

    @property
    def age_on_offence_date(self) -> int | None:
        if self.date_of_birth is None:
            return None
        dob, on = self.date_of_birth, self.offence_date
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    applies: Callable[[IvnaAnswers], bool]
    route: str
    enhanced: bool = False


def _under_18(a: IvnaAnswers) -> bool:
    age = a.age_on_offence_date
    return age is not None and age < ADULT_AGE


RULES: tuple[Rule, ...] = (
    Rule(
        "H1",
        "DASH risk assessed as high (officer's professional judgement)",
        lambda a: a.dash_risk == "high",
        Route.HIGH_RISK,
    ),
    Rule(
        "H2",
        f"DASH checklist has {DASH_HIGH_RISK_YES_COUNT} or more 'yes' answers",
        lambda a: a.dash_yes_count is not None and a.dash_yes_count >= DASH_HIGH_RISK_YES_COUNT,
        Route.HIGH_RISK,
    ),
    Rule(
        "H3",
        "Domestic abuse, stalking or harassment within 12 months of an earlier "
        "high-risk referral",
        lambda a: a.earlier_high_risk_referral and bool(a.markers & DASH_MARKERS),
        Route.HIGH_RISK,
    ),
    Rule(
        "H4",
        "Officer referred the victim to the MASH / Public Protection",
        lambda a: a.mash_referral,
        Route.HIGH_RISK,
    ),
    Rule(
        "P1",
        "Serious sexual offence (rape or assault by penetration): the officer's marker",
        lambda a: bool(a.markers & PPD_SEXUAL_MARKERS),
        Route.HIGH_RISK,
    ),
    Rule(
        "P2",
        "Child abuse or child sexual exploitation marker",
        lambda a: bool(a.markers & PPD_CHILD_MARKERS),
        Route.HIGH_RISK,
    ),
    Rule(
        "P3",
        "Adult abuse: safeguarding of vulnerable adults marker",
        lambda a: bool(a.markers & PPD_ADULT_MARKERS),
        Route.HIGH_RISK,
    ),
    Rule(
        "E1",
        "Officer ticked a priority category (serious crime, persistently targeted, "
        "vulnerable, intimidated, bereaved)",
        lambda a: bool(a.priority_categories),
        Route.HUB_CONTACT,
        enhanced=True,
    ),
    Rule(
        "E2",
        "Victim under 18 on the offence date (every child is vulnerable)",
        _under_18,
        Route.HUB_CONTACT,
        enhanced=True,
    ),
    Rule(
        "E3",
        "Serious crime by crime type (sexual offences)",
        lambda a: a.crime_type in SERIOUS_CRIME_TYPES,
        Route.HUB_CONTACT,
        enhanced=True,
    ),
    Rule(
        "E4",
        "Serious crime by marker (domestic abuse, hate crime, terrorism, human trafficking, "
        "attempted murder, kidnap, false imprisonment, arson endangering life, wounding or "
        "GBH with intent, child abuse, child sexual exploitation, bereaved by homicide, serious "
        "sexual offence)",
        lambda a: bool(a.markers & SERIOUS_CRIME_MARKERS),
        Route.HUB_CONTACT,
        enhanced=True,
    ),
    Rule(
        "E5",
        "Marker shows the victim is vulnerable (safeguarding of vulnerable adults) or "
        "persistently targeted (stalking or harassment)",
        lambda a: bool(a.markers & (VULNERABLE_MARKERS | PERSISTENTLY_TARGETED_MARKERS)),
        Route.HUB_CONTACT,
        enhanced=True,
    ),
    Rule(
        "S1",
        "Officer judges the victim needs support",
        lambda a: a.needs_support,
        Route.HUB_CONTACT,
    ),
    Rule(
        "L1",
        "Everyone else: the introductory letter only",
        lambda a: True,
        Route.LETTER_ONLY,
    ),
)


@dataclass(frozen=True)
class TriageDecision:
    route: str
    deciding_rule: str
    enhanced_entitlement: bool
    matched_rules: tuple[str, ...] = field(default_factory=tuple)
    rules_version: str = RULES_VERSION

    @property
    def contact_within_working_days(self) -> int | None:
        """Victims' Code: enhanced entitlement within one working day, others five
        (cases.deadlines)."""
        return contact_working_days(route=self.route, enhanced=self.enhanced_entitlement)

    @property
    def reason(self) -> str:
        """What the case's timeline says of the triage (received -> its first status)."""
        return f"Triage rule {self.deciding_rule}: {rule_description(self.deciding_rule)}."


def triage(answers: IvnaAnswers) -> TriageDecision:
    """Route a victim from their IVNA answers by the rule table above (pure: no I/O)."""
    # The last rule is the fall-back: it is listed only when nothing else matched.
    *specific, fallback = RULES
    matched = tuple(rule for rule in specific if rule.applies(answers)) or (fallback,)
    deciding = matched[0]
    return TriageDecision(
        route=deciding.route,
        deciding_rule=deciding.id,
        enhanced_entitlement=any(rule.enhanced for rule in matched),
        matched_rules=tuple(rule.id for rule in matched),
    )


def rule_description(rule_id: str) -> str:
    for rule in RULES:
        if rule.id == rule_id:
            return rule.description
    return rule_id
