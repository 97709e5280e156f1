"""The people of the demo year: a name that fits their ethnicity and first language, an
address in their district, contact details and what the police record of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from cases.choices import Ethnicity, Gender
from cases.models import Person
from demo.year.clock import Clock
from demo.year.names import (
    AFRICAN_CARIBBEAN,
    EUROPEAN,
    FEMALE_NAMES,
    LANGUAGES_BY_ETHNICITY,
    MALE_NAMES,
    PERSON_ID_PREFIX,
    POSTCODE_LETTERS,
    SOUTH_ASIAN,
    STREETS,
    SURNAMES,
    TOWNS,
)
from demo.year.plans import PersonPlan
from demo.year.profile import AGE_RANGES, Skeleton, choice


class People(Clock):
    """Building a person from their drawn profile (a mixin of demo.year.engine.Generator)."""

    def _name(self, skel: Skeleton, language: str) -> tuple[str, str]:
        rng = self.rng
        gender = skel.gender
        if gender not in (Gender.FEMALE, Gender.MALE):
            gender = rng.choice((Gender.FEMALE, Gender.MALE))
        pools = None
        if skel.ethnicity == Ethnicity.ASIAN and rng.random() < 0.85:
            pools = SOUTH_ASIAN
        elif skel.ethnicity == Ethnicity.WHITE_OTHER and (language != "en" or rng.random() < 0.4):
            pools = EUROPEAN
        elif skel.ethnicity == Ethnicity.BLACK and rng.random() < 0.6:
            pools = AFRICAN_CARIBBEAN
        if pools is None:
            first = rng.choice(FEMALE_NAMES if gender == Gender.FEMALE else MALE_NAMES)
            return first, rng.choice(SURNAMES)
        female, male, last = pools
        return rng.choice(female if gender == Gender.FEMALE else male), rng.choice(last)

    def _address(self, district: str) -> tuple[str, str, str]:
        rng = self.rng
        town, outward = rng.choice(TOWNS[district])
        inward = f"{rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        line1 = f"{rng.randint(1, 150)} {rng.choice(STREETS)}"
        return line1, town, f"{rng.choice(outward)} {inward}"

    def build_person(self, skel: Skeleton, first_referral: datetime) -> PersonPlan:
        rng = self.rng
        language = "en"
        if skel.ethnicity in LANGUAGES_BY_ETHNICITY:
            language = choice(rng, LANGUAGES_BY_ETHNICITY[skel.ethnicity])
        first, last = self._name(skel, language)
        line1, town, postcode = self._address(skel.district)
        age = None
        dob = None
        if skel.band in AGE_RANGES:
            lo, hi = AGE_RANGES[skel.band]
            age = rng.randint(max(lo, 4), hi) if skel.band == "under_16" else rng.randint(lo, hi)
            on = self.local(first_referral).date() - timedelta(days=3)
            dob = on - timedelta(days=round(age * 365.25) + rng.randint(1, 360))
        email = ""
        if rng.random() < 0.3 and (age is None or age >= 16):
            email = f"{first}.{last}{rng.randint(1, 99)}@example.org".lower().replace("'", "")
        self.person_no += 1
        interpreter = language != "en" and rng.random() < 0.35
        person = Person(
            police_person_id=None if skel.self_referrer
            else f"{PERSON_ID_PREFIX}{self.person_no:07d}",
            first_name=first,
            last_name=last,
            date_of_birth=None if skel.self_referrer else dob,
            gender=Gender.UNKNOWN if skel.self_referrer else skel.gender,
            ethnicity=Ethnicity.UNKNOWN if skel.self_referrer else skel.ethnicity,
            first_language=language,
            interpreter_needed=interpreter,
            phone=f"+447700900{rng.randint(0, 999):03d}",  # E.164, as core/phones.py stores
            email=email,
            address_line1=line1,
            town=town,
            postcode=postcode,
            district=skel.district,
            deprivation_quintile=None if skel.self_referrer else skel.quintile,
            may_leave_message=rng.random() < 0.45,
            created_at=first_referral,
            updated_at=first_referral,
        )
        return PersonPlan(skel=skel, person=person, age=age)
