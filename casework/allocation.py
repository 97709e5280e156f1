"""Who to give a case to (issue 13: the service specification asks for VCCs with areas of
expertise, and allocation suggests them). A manager allocating a case sees the team with
those who fit the victim first, and why: the victim's language, their district, and the
specialisms the case calls for."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Specialism, User
from cases.choices import CrimeType, Marker
from cases.models import Case
from cases.selectors import caseworkers
from intake.triage import ADULT_AGE

# Markers and what they call for.
MARKER_SPECIALISMS = {
    Marker.DOMESTIC_ABUSE: Specialism.DOMESTIC_ABUSE,
    Marker.STALKING_HARASSMENT: Specialism.DOMESTIC_ABUSE,
    Marker.SERIOUS_SEXUAL_OFFENCE: Specialism.SEXUAL_VIOLENCE,
    Marker.CHILD_SEXUAL_EXPLOITATION: Specialism.SEXUAL_VIOLENCE,
    Marker.HATE_CRIME: Specialism.HATE_CRIME,
    Marker.HUMAN_TRAFFICKING: Specialism.MIGRANT_WORKERS,
}
# A child is under the triage rules' adult age (one home for it); "older people" is 65 on.
OLDER = 65


def case_specialisms(case: Case) -> list[str]:
    """The specialisms this case calls for, from its crime and the victim's age."""
    wanted: list[str] = []
    crime = case.crime
    for marker in crime.markers if crime is not None else []:
        if marker in MARKER_SPECIALISMS:
            wanted.append(MARKER_SPECIALISMS[marker])
    if crime is not None and crime.crime_type == CrimeType.SEXUAL_OFFENCES:
        wanted.append(Specialism.SEXUAL_VIOLENCE)
    age = case.person.age_on(case.referred_at.date())
    if age is not None and age < ADULT_AGE:
        wanted.append(Specialism.YOUNG_PEOPLE)
    if age is not None and age >= OLDER:
        wanted.append(Specialism.OLDER_PEOPLE)
    return list(dict.fromkeys(wanted))


def fits(case: Case, member: User) -> list[str]:
    """Why `member` fits this case, in words (empty when nothing in particular)."""
    person = case.person
    reasons = []
    if person.first_language != "en":
        language = person.first_language_label
        if language.lower() in {known.lower() for known in member.languages}:
            reasons.append(f"speaks {language}")
    if person.district and person.district in member.districts:
        reasons.append(f"covers {person.get_district_display()}")
    reasons += [Specialism(s).label.lower() for s in case_specialisms(case)
                if s in member.specialisms]
    return reasons


@dataclass(frozen=True)
class Suggestion:
    member: User
    reasons: list[str]


def suggested_caseworkers(case: Case) -> list[Suggestion]:
    """Everyone who can hold the case, those who fit it best first (then by name)."""
    ranked = [Suggestion(member, fits(case, member)) for member in caseworkers()]
    return sorted(ranked, key=lambda s: -len(s.reasons))  # stable: the names' order stays
