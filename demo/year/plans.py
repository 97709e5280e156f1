"""What the demo year holds in memory before it is written: a plan per person and per case,
the staff who work them, and what a run made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from accounts.models import User
from cases.models import Case, Crime, Person
from demo.year.profile import Skeleton


@dataclass
class PersonPlan:
    skel: Skeleton
    person: Person
    age: int | None
    cases: list[CasePlan] = field(default_factory=list)
    safe_to_write: bool = True


@dataclass
class CasePlan:
    owner: PersonPlan
    case: Case
    crime: Crime | None
    markers: set[str]
    crime_type: str | None
    answers: dict = field(default_factory=dict)
    decision: object = None
    earlier_high_risk: bool = False
    status: str = ""
    safe_to_write: bool = True
    serious: bool = False
    n_transitions: int = 0


@dataclass
class Staff:
    officers: list[User]
    vccs: list[User]
    managers: list[User]


@dataclass
class GenerateResult:
    victims: int
    year: int | None  # the calendar year, or None for the months up to `today`
    seed: int
    as_of: datetime
    seconds: float
    counts: dict[str, int]
    first_day: date  # the referrals fall from first_day to last_day
    last_day: date
    today: date | None = None
