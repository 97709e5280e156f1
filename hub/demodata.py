"""Demo data at the 2015 profile: people, crimes, IVNAs and complete case histories.

`python manage.py generate_demo_data --victims N --year Y --seed S` (hub/management/commands/
generate_demo_data.py) calls `generate()`. What it follows:

- DOMAIN.md "Facts that set scale and expectations" and Table 1 of the 2016 update
  (seeds/000_...txt): victims by district, and within each district by gender, age band,
  ethnicity and deprivation quintile. The counts are shared out exactly (largest remainder)
  and shuffled, so every district's marginals match Table 1 at any size.
- Table 2 (crime type by gender) with plausible shares for the other Home Office codes and a
  few non-crime incidents; Table 3 (vulnerability markers, unique victims), picked by a
  weighted draw (domestic abuse mostly adult women, child abuse children, ...).
- Every IVNA is routed by the real rule table (intake.triage.triage). The officer's
  judgement is drawn so that about 31% of referrals are routed for hub contact; with the
  contact outcomes below about 44% of those accept support (2015: "over 4,000 victims
  assessed as vulnerable, 44%"), and 131 self-referrals per 29,218 victims.
- Histories follow the hub flow (DOMAIN.md 1-8) and the case state machine
  (cases.workflow.TRANSITIONS: every status change is a CaseTransition row, checked here):
  introductory letters (none when it is unsafe to write), up to three phone attempts on
  differing days and in differing parts of the day, outcomes, follow-up letters, DVNAs with
  the eight areas of need, consent to share, recovery plans and their actions, referrals to
  the directory's services, reviews, closures with an outcome per area, a few surveys and
  volunteer allocations (when volunteers exist). Work still open at the "as of" moment (the
  end of the year by default) is left due, as the hub would have it.

Deterministic for a seed: one random.Random, every time is built from the year (never the
clock), no uuid4. People are planned a chunk at a time (5,000 and everything that hangs off
them); the rows are written in bulk with PostgreSQL COPY, ids reserved from each table's
sequence first so rows can name each other before they are written (bulk_create spent
more time building SQL in Python than the database spent inserting), 2,000 rows per
transaction. The audit triggers (pghistory) stay on and record every row, under one
pghistory context naming the run.
"""

from __future__ import annotations

import io
import json
import random
import time as clock
import uuid
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from accounts.models import User
from accounts.roles import Role, role_group
from assessments.models import (
    ActionKind,
    ActionStatus,
    ActionUpdate,
    Closure,
    ClosureOutcome,
    ClosureReason,
    ConsentToShare,
    Dvna,
    DvnaNeed,
    HelpedToCope,
    Level,
    NeedArea,
    Outcome,
    PlanAction,
    RecoveryPlan,
    Review,
    SurveyResponse,
    Wellbeing,
)
from cases.choices import CaseSource, CrimeType, Ethnicity, Gender, Marker, Route
from cases.models import Case, CaseTransition, Crime, Person
from cases.workflow import TRANSITIONS, CaseStatus, is_allowed, status_after_triage
from contact.models import (
    AttemptOutcome,
    Channel,
    ContactAttempt,
    ContactNote,
    Letter,
    LetterKind,
    LetterStatus,
)
from core.working_days import end_of_working_day, is_working_day
from directory.models import SupportService
from intake.models import AskedBy, Ivna, SelfReferral, SubmittedVia
from intake.triage import (
    SERIOUS_CRIME_MARKERS,
    SERIOUS_CRIME_TYPES,
    IvnaAnswers,
    rule_description,
    triage,
)
from referrals.models import Referral, ReferralStatus
from scheduling.models import ItemKind, ScheduledItem

S = CaseStatus

# -- The 2015 profile ---------------------------------------------------------------------

VICTIMS_2015 = 29_218
SELF_REFERRALS_2015 = 131
SUPPORTED_RATE_2015 = 0.44
# Routed for hub contact, as a share of referrals: 44% of them accepting gives the "over
# 4,000" supported of 2015.
VULNERABLE_SHARE = 0.31

DISTRICTS = (
    "cambridge",
    "east_cambridgeshire",
    "fenland",
    "huntingdonshire",
    "south_cambridgeshire",
    "peterborough",
)
# Table 1, column by column in the order of DISTRICTS.
DISTRICT_VICTIMS = (5923, 1819, 3533, 4652, 3647, 9644)
GENDERS = (Gender.FEMALE, Gender.MALE, Gender.UNKNOWN)
GENDER_BY_DISTRICT = (
    (2838, 2865, 220),
    (795, 946, 78),
    (1658, 1735, 140),
    (2135, 2295, 222),
    (1688, 1812, 147),
    (4374, 4908, 362),
)
AGE_BANDS = (
    "under_16", "16_17", "18_24", "25_29", "30_39", "40_49", "50_59", "60_69", "70_79",
    "80_89", "90_plus", "unknown",
)
AGE_RANGES = {
    "under_16": (0, 15), "16_17": (16, 17), "18_24": (18, 24), "25_29": (25, 29),
    "30_39": (30, 39), "40_49": (40, 49), "50_59": (50, 59), "60_69": (60, 69),
    "70_79": (70, 79), "80_89": (80, 89), "90_plus": (90, 99),
}
AGE_BY_DISTRICT = (
    (232, 153, 1305, 716, 1151, 810, 556, 317, 148, 69, 19, 447),
    (109, 46, 220, 151, 308, 303, 241, 162, 100, 39, 7, 133),
    (220, 105, 438, 359, 582, 584, 432, 296, 155, 64, 11, 287),
    (333, 146, 553, 455, 792, 788, 581, 348, 191, 91, 13, 361),
    (191, 128, 428, 292, 621, 686, 487, 290, 177, 65, 15, 267),
    (672, 275, 1290, 1089, 2040, 1566, 1006, 584, 254, 138, 25, 705),
)
ETHNICITIES = (
    Ethnicity.WHITE_BRITISH_IRISH, Ethnicity.WHITE_OTHER, Ethnicity.MIXED, Ethnicity.ASIAN,
    Ethnicity.BLACK, Ethnicity.OTHER, Ethnicity.DECLINED, Ethnicity.GYPSY_ROMA_TRAVELLER,
    Ethnicity.UNKNOWN,
)
ETHNICITY_BY_DISTRICT = (
    (3413, 846, 140, 415, 128, 52, 64, 4, 861),
    (1419, 87, 10, 13, 12, 4, 13, 5, 256),
    (2531, 354, 21, 39, 17, 3, 27, 10, 531),
    (3483, 212, 41, 102, 59, 9, 34, 6, 706),
    (2687, 195, 37, 115, 46, 15, 40, 9, 503),
    (5563, 1279, 171, 793, 194, 26, 100, 33, 1485),
)
QUINTILES = (1, 2, 3, 4, 5)
DEPRIVATION_BY_DISTRICT = (
    (819, 1476, 1573, 1297, 758),
    (72, 562, 545, 338, 302),
    (2104, 862, 523, 44, 0),
    (526, 1076, 1050, 1193, 807),
    (0, 249, 1030, 978, 1390),
    (6157, 1931, 709, 601, 246),
)

# Table 2 (unique victims by crime type and gender: female, male, unknown), and plausible
# counts for the Home Office codes it leaves out and for the non-crime incidents.
CRIME_TYPE_WEIGHTS = {
    CrimeType.BURGLARY: (1887, 2358, 149),
    CrimeType.SEXUAL_OFFENCES: (1497, 181, 4),
    CrimeType.THEFT_AND_HANDLING: (3414, 3883, 339),
    CrimeType.VIOLENCE_AGAINST_THE_PERSON: (4227, 4243, 9),
    CrimeType.VEHICLE_OFFENCES: (997, 2015, 183),
    CrimeType.CRIMINAL_DAMAGE: (1300, 1450, 150),
    CrimeType.ROBBERY: (70, 270, 10),
    CrimeType.FRAUD: (340, 340, 20),
    CrimeType.OTHER: (420, 440, 40),
    CrimeType.ANTI_SOCIAL_BEHAVIOUR: (60, 55, 5),
    CrimeType.ROAD_TRAFFIC_COLLISION: (32, 46, 2),
}

# Table 3: unique victims with each marker in 2015.
MARKER_VICTIMS_2015 = {
    Marker.CHILD_ABUSE: 782,
    Marker.CHILD_SEXUAL_EXPLOITATION: 105,
    Marker.DOMESTIC_ABUSE: 3671,
    Marker.HATE_CRIME: 229,
    Marker.ONLINE_CRIME: 189,
    Marker.SAFEGUARDING_VULNERABLE_ADULTS: 234,
}
# Markers Table 3 does not count, per case (rare, but each makes a serious crime).
RARE_MARKERS = (
    (Marker.STALKING_HARASSMENT, 0.009, CrimeType.VIOLENCE_AGAINST_THE_PERSON),
    (Marker.WOUNDING_GBH_INTENT, 0.006, CrimeType.VIOLENCE_AGAINST_THE_PERSON),
    (Marker.HUMAN_TRAFFICKING, 0.0005, CrimeType.OTHER),
    (Marker.KIDNAP, 0.0003, CrimeType.VIOLENCE_AGAINST_THE_PERSON),
    (Marker.FALSE_IMPRISONMENT, 0.0003, CrimeType.VIOLENCE_AGAINST_THE_PERSON),
    (Marker.ARSON_ENDANGER_LIFE, 0.0003, CrimeType.CRIMINAL_DAMAGE),
    (Marker.ATTEMPTED_MURDER, 0.0002, CrimeType.VIOLENCE_AGAINST_THE_PERSON),
    (Marker.HOMICIDE_BEREAVED, 0.0002, CrimeType.VIOLENCE_AGAINST_THE_PERSON),
)
# What kind of crime carries a marker (first marker in this order decides).
MARKER_CRIME_TYPES = (
    (Marker.CHILD_SEXUAL_EXPLOITATION, {CrimeType.SEXUAL_OFFENCES: 1}),
    (Marker.CHILD_ABUSE, {
        CrimeType.VIOLENCE_AGAINST_THE_PERSON: 65, CrimeType.SEXUAL_OFFENCES: 35,
    }),
    (Marker.DOMESTIC_ABUSE, {
        CrimeType.VIOLENCE_AGAINST_THE_PERSON: 76, CrimeType.CRIMINAL_DAMAGE: 9,
        CrimeType.SEXUAL_OFFENCES: 6, CrimeType.THEFT_AND_HANDLING: 4, CrimeType.OTHER: 5,
    }),
    (Marker.HATE_CRIME, {
        CrimeType.VIOLENCE_AGAINST_THE_PERSON: 55, CrimeType.CRIMINAL_DAMAGE: 20,
        CrimeType.OTHER: 25,
    }),
    (Marker.ONLINE_CRIME, {
        CrimeType.FRAUD: 45, CrimeType.OTHER: 25, CrimeType.SEXUAL_OFFENCES: 15,
        CrimeType.THEFT_AND_HANDLING: 15,
    }),
    (Marker.SAFEGUARDING_VULNERABLE_ADULTS, {
        CrimeType.THEFT_AND_HANDLING: 40, CrimeType.FRAUD: 25,
        CrimeType.VIOLENCE_AGAINST_THE_PERSON: 25, CrimeType.BURGLARY: 10,
    }),
)
# Repeat victimisation: share of people with a second case in the year.
REPEAT_DOMESTIC_ABUSE = 0.25
REPEAT_OTHER = 0.045

MONTH_WEIGHTS = (92, 85, 95, 98, 105, 106, 110, 108, 100, 102, 98, 98)
HOUR_WEIGHTS = (
    2, 1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5, 4, 3,
)

# -- How the hub works a case (tuned so the demo year lands near 2015) ----------------------

# Contacted on the first, second or third attempt, or never (then the follow-up letter).
CONTACT_ON_ATTEMPT = ((1, 0.47), (2, 0.22), (3, 0.12), (None, 0.19))
ACCEPT_BASE = 0.56
DECLINE_SHARE_OF_REST = 0.62  # the rest are signposted
SUPPORTED_ELSEWHERE = {"serious": 0.10, "other": 0.03}
LETTER_RESPONSE = 0.015
NO_CONTACT_GETS_IN_TOUCH = 0.05
HIGH_RISK_STEP_DOWN = 0.06
LETTER_ONLY_CLOSES_AFTER = 28  # days without a response
NO_CONTACT_CLOSES_AFTER = 28
EARLY_CLOSURE = 0.03  # accepted, then asked to stop before the DVNA

# The calling bands of settings.HUB_CONTACT_BANDS, in minutes of the day.
BANDS = (
    ("morning", 9 * 60, 12 * 60),
    ("afternoon", 12 * 60, 17 * 60),
    ("evening", 17 * 60, 20 * 60),
)
BAND_RANGE = {name: (lo, hi) for name, lo, hi in BANDS}

# -- Names and places (common names in Britain; no real person is meant) -------------------

FEMALE_NAMES = (
    "Olivia", "Emily", "Sophie", "Jessica", "Chloe", "Lucy", "Amy", "Hannah", "Sarah", "Emma",
    "Laura", "Rebecca", "Charlotte", "Katie", "Megan", "Lauren", "Rachel", "Natalie", "Gemma",
    "Claire", "Nicola", "Louise", "Helen", "Karen", "Susan", "Julie", "Margaret", "Patricia",
    "Janet", "Linda", "Elizabeth", "Jennifer", "Ellie", "Grace", "Holly", "Zoe", "Joanne",
    "Michelle", "Dawn", "Tracey", "Amelia", "Isla", "Ruby", "Mia", "Poppy", "Jade",
)
MALE_NAMES = (
    "James", "Jack", "Thomas", "Daniel", "Oliver", "Harry", "Joshua", "George", "William",
    "Samuel", "Matthew", "Ryan", "Luke", "Adam", "Callum", "Liam", "Jamie", "Connor", "Ben",
    "Lewis", "David", "Paul", "Mark", "Andrew", "Richard", "Stephen", "Michael", "Christopher",
    "Peter", "John", "Robert", "Ian", "Gary", "Kevin", "Simon", "Darren", "Craig", "Lee",
    "Anthony", "Martin", "Noah", "Alfie", "Charlie", "Freddie", "Leo", "Dean",
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker",
    "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker",
    "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman",
    "Powell", "Webb", "Rogers", "Gray", "Mason", "Palmer", "Holmes", "Barker", "Knight",
    "Lloyd", "Butler", "Russell", "Barnes", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon",
    "Harvey", "Graham", "Pearson", "Ahmed", "Stewart", "Reid", "Fox", "Hunt", "Mills",
)
SOUTH_ASIAN = (
    ("Aisha", "Fatima", "Amina", "Priya", "Sana", "Zara", "Noor", "Yasmin", "Simran", "Nadia"),
    ("Mohammed", "Ali", "Omar", "Imran", "Arjun", "Ravi", "Amir", "Hassan", "Sanjay", "Bilal"),
    ("Khan", "Patel", "Singh", "Ahmed", "Ali", "Hussain", "Begum", "Kaur", "Shah", "Iqbal",
     "Akhtar", "Mahmood", "Rahman", "Islam", "Sharma", "Chaudhry"),
)
EUROPEAN = (
    ("Anna", "Agnieszka", "Katarzyna", "Ruta", "Ieva", "Elena", "Maria", "Ana", "Ilze", "Daria"),
    ("Piotr", "Tomasz", "Marek", "Jonas", "Andris", "Andrei", "Joao", "Ivan", "Pawel", "Lukas"),
    ("Nowak", "Kowalski", "Wisniewski", "Kaminski", "Lewandowski", "Zielinski", "Kazlauskas",
     "Jankauskas", "Berzins", "Ozols", "Popescu", "Ionescu", "Silva", "Santos", "Petrov",
     "Dimitrov"),
)
AFRICAN_CARIBBEAN = (
    ("Abena", "Amara", "Chioma", "Ama", "Hodan", "Shanice", "Keisha", "Ifeoma"),
    ("Kwame", "Chidi", "Kofi", "Abdi", "Tunde", "Marcus", "Jerome", "Emeka"),
    ("Okafor", "Mensah", "Adeyemi", "Osei", "Mohamed", "Abdi", "Asante", "Owusu", "Campbell",
     "Francis", "Grant", "Bailey"),
)
LANGUAGES_BY_ETHNICITY = {
    Ethnicity.WHITE_OTHER: (("en", 35), ("pl", 25), ("lt", 12), ("lv", 7), ("ro", 8),
                            ("pt", 6), ("ru", 3), ("bg", 4)),
    Ethnicity.ASIAN: (("en", 70), ("ur", 10), ("pa", 10), ("bn", 5), ("zh", 5)),
    Ethnicity.BLACK: (("en", 85), ("so", 10), ("ar", 5)),
    Ethnicity.OTHER: (("en", 50), ("ar", 20), ("ku", 15), ("tr", 15)),
    Ethnicity.GYPSY_ROMA_TRAVELLER: (("en", 80), ("ro", 20)),
}
TOWNS = {
    "cambridge": (("Cambridge", ("CB1", "CB2", "CB3", "CB4", "CB5")),),
    "east_cambridgeshire": (("Ely", ("CB6", "CB7")), ("Soham", ("CB7",)),
                            ("Littleport", ("CB6",)), ("Burwell", ("CB25",))),
    "fenland": (("Wisbech", ("PE13", "PE14")), ("March", ("PE15",)), ("Whittlesey", ("PE7",)),
                ("Chatteris", ("PE16",))),
    "huntingdonshire": (("Huntingdon", ("PE29",)), ("St Neots", ("PE19",)),
                        ("St Ives", ("PE27",)), ("Ramsey", ("PE26",)), ("Yaxley", ("PE7",))),
    "south_cambridgeshire": (("Cambourne", ("CB23",)), ("Sawston", ("CB22",)),
                             ("Histon", ("CB24",)), ("Linton", ("CB21",)),
                             ("Melbourn", ("SG8",))),
    "peterborough": (("Peterborough", ("PE1", "PE2", "PE3", "PE4", "PE6", "PE7")),),
}
STREETS = (
    "High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Road", "London Road",
    "Park Avenue", "Queen Street", "The Green", "Manor Close", "Orchard Way", "School Lane",
    "New Road", "West Street", "North Street", "Chapel Lane", "Elm Grove", "Meadow View",
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Generated staff: usernames are fixed so a second run finds them.
STAFF = {
    Role.POLICE: [(f"gen.officer{i}", f, s) for i, (f, s) in enumerate((
        ("Alan", "Hartley"), ("Beth", "Norris"), ("Carl", "Whitaker"), ("Diane", "Ashworth"),
        ("Ed", "Hollis"), ("Fiona", "Radley"), ("Gavin", "Sutton"), ("Hazel", "Pryce"),
    ), start=1)],
    Role.VCC: [(f"gen.vcc{i}", f, s) for i, (f, s) in enumerate((
        ("Alison", "Fairley"), ("Bryony", "Keats"), ("Colin", "Marsh"), ("Deborah", "Lyle"),
        ("Euan", "Brady"), ("Farida", "Malik"), ("Gail", "Tennant"), ("Howard", "Quinn"),
    ), start=1)],
    Role.MANAGER: [(f"gen.manager{i}", f, s) for i, (f, s) in enumerate((
        ("Irene", "Oakley"), ("Julian", "Crane"),
    ), start=1)],
}
# The demo logins of seed_demo, used too when they exist (so "vcc" has cases to work).
DEMO_LOGINS = {Role.POLICE: "police", Role.VCC: "vcc", Role.MANAGER: "manager"}

PERSON_ID_PREFIX = "GEN-"
CRIME_REF_PREFIX = "CF/G"

DECLINE_REASONS = (
    "Feels well supported by family and friends.",
    "Does not want to talk about it.",
    "Already getting help from their GP.",
    "Wanted the crime recorded, not support.",
    "Too busy at work; will call the hub if needed.",
    "Insurance has dealt with everything.",
)
SIGNPOSTS = (
    "Citizens Advice for help with the insurance claim",
    "the Victim Support Supportline",
    "their GP for help with sleeping",
    "the council's housing team",
    "Action Fraud advice on protecting their accounts",
    "the local neighbourhood policing team about crime prevention",
)
IVNA_NOTES = {
    Marker.DOMESTIC_ABUSE: ("Lives with two children.", "Perpetrator is an ex-partner.",
                            "Perpetrator still has a key to the address."),
    Marker.SAFEGUARDING_VULNERABLE_ADULTS: ("Lives alone; early dementia.",
                                            "Carer visits daily."),
    Marker.HATE_CRIME: ("Targeted repeatedly by neighbours.",),
    None: ("", "", "", "Shaken but coping.", "Asked about compensation.",
           "Worried about going out alone."),
}
NEED_NOTES = {
    NeedArea.HEALTH: "Trouble sleeping since the crime; anxious going out.",
    NeedArea.ACCOMMODATION: "Wants to move; does not feel safe at home.",
    NeedArea.FAMILY: "Children affected; worried about contact arrangements.",
    NeedArea.EDUCATION_EMPLOYMENT: "Time off work; worried about losing the job.",
    NeedArea.DRUGS_ALCOHOL: "Drinking more since the crime.",
    NeedArea.FINANCE: "Lost money; struggling with bills.",
    NeedArea.OUTLOOK: "Low mood; blames themselves.",
    NeedArea.SOCIAL: "Isolated; has stopped seeing friends.",
}
SELF_REFERRAL_ACCOUNTS = (
    "Someone has been following me home from work.",
    "My car was broken into and I have not felt safe since.",
    "I was assaulted a few months ago and I am still struggling.",
    "My mum was scammed out of her savings.",
    "My son is being bullied and threatened online.",
)


# -- Small helpers ----------------------------------------------------------------------


def largest_remainder(total: int, weights) -> list[int]:
    """`total` shared out in proportion to `weights`, whole numbers summing to `total`."""
    weights = list(weights)
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    raw = [total * w / whole for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _exact(rng: random.Random, n: int, labels, weights) -> list:
    """n labels with counts in proportion to weights, shuffled."""
    out = [label for label, c in zip(labels, largest_remainder(n, weights), strict=True)
           for _ in range(c)]
    rng.shuffle(out)
    return out


def _weighted_pick(rng: random.Random, candidates: list[tuple[int, float]], k: int) -> list[int]:
    """k of the candidates (index, weight) without replacement, likelier by weight
    (Efraimidis-Spirakis keys)."""
    keyed = sorted(
        ((rng.random() ** (1.0 / w), i) for i, w in candidates if w > 0), reverse=True
    )
    return [i for _, i in keyed[:k]]


def _choice(rng: random.Random, pairs) -> object:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _dict_choice(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# -- The plan of people (the whole population, before any row is built) ------------------


class Skeleton:
    """One person's drawn profile: Table 1's attributes, markers, and what happens to them."""

    __slots__ = ("band", "district", "ethnicity", "gender", "markers", "quintile", "repeat",
                 "self_referrer")

    def __init__(self, district: str):
        self.district = district
        self.gender = Gender.UNKNOWN
        self.band = "unknown"
        self.ethnicity = Ethnicity.UNKNOWN
        self.quintile = None
        self.markers: set[str] = set()
        self.self_referrer = False
        self.repeat = False


def _marker_weight(marker: str, s: Skeleton) -> float:
    child = s.band in ("under_16", "16_17")
    if marker == Marker.CHILD_ABUSE:
        return {"under_16": 3.0, "16_17": 1.0}.get(s.band, 0.0)
    if marker == Marker.CHILD_SEXUAL_EXPLOITATION:
        if not child:
            return 0.0
        return (3.0 if s.band == "16_17" else 1.0) * (3.0 if s.gender == Gender.FEMALE else 1.0)
    if marker == Marker.DOMESTIC_ABUSE:
        if s.band == "under_16":
            return 0.0
        by_gender = {Gender.FEMALE: 3.0, Gender.MALE: 1.0}.get(s.gender, 0.3)
        by_age = {"16_17": 0.3, "18_24": 1.5, "25_29": 1.6, "30_39": 1.5, "40_49": 1.2,
                  "50_59": 0.8, "60_69": 0.5, "unknown": 0.8}.get(s.band, 0.3)
        return by_gender * by_age
    if marker == Marker.HATE_CRIME:
        return {Ethnicity.WHITE_BRITISH_IRISH: 1.0, Ethnicity.WHITE_OTHER: 4.0,
                Ethnicity.UNKNOWN: 1.0, Ethnicity.DECLINED: 1.0}.get(s.ethnicity, 6.0)
    if marker == Marker.ONLINE_CRIME:
        return 2.0 if s.band in ("16_17", "18_24", "25_29", "30_39", "40_49") else 1.0
    if marker == Marker.SAFEGUARDING_VULNERABLE_ADULTS:
        return {"under_16": 0.0, "16_17": 0.0, "60_69": 2.0, "70_79": 8.0, "80_89": 10.0,
                "90_plus": 10.0}.get(s.band, 1.0)
    return 1.0


def plan_population(rng: random.Random, n: int) -> list[Skeleton]:
    """Everyone's profile: districts and, within each district, Table 1's columns shared
    out exactly; Table 3's markers by weighted draw; self-referrers and repeat victims."""
    districts = _exact(rng, n, DISTRICTS, DISTRICT_VICTIMS)
    people = [Skeleton(d) for d in districts]
    by_district: dict[str, list[Skeleton]] = defaultdict(list)
    for person in people:
        by_district[person.district].append(person)
    for i, district in enumerate(DISTRICTS):
        members = by_district[district]
        m = len(members)
        for person, value in zip(members, _exact(rng, m, GENDERS, GENDER_BY_DISTRICT[i]),
                                 strict=True):
            person.gender = value
        for person, value in zip(members, _exact(rng, m, AGE_BANDS, AGE_BY_DISTRICT[i]),
                                 strict=True):
            person.band = value
        for person, value in zip(
            members, _exact(rng, m, ETHNICITIES, ETHNICITY_BY_DISTRICT[i]), strict=True
        ):
            person.ethnicity = value
        for person, value in zip(
            members, _exact(rng, m, QUINTILES, DEPRIVATION_BY_DISTRICT[i]), strict=True
        ):
            person.quintile = value
    for marker, count in MARKER_VICTIMS_2015.items():
        k = round(n * count / VICTIMS_2015)
        candidates = [(i, _marker_weight(marker, p)) for i, p in enumerate(people)]
        for i in _weighted_pick(rng, candidates, k):
            people[i].markers.add(marker)
    unmarked = [i for i, p in enumerate(people) if not p.markers]
    k = min(len(unmarked), round(n * SELF_REFERRALS_2015 / VICTIMS_2015))
    for i in rng.sample(unmarked, k):
        people[i].self_referrer = True
    for person in people:
        if person.self_referrer:
            continue
        p = REPEAT_DOMESTIC_ABUSE if Marker.DOMESTIC_ABUSE in person.markers else REPEAT_OTHER
        person.repeat = rng.random() < p
    return people


# -- Per-case plans ---------------------------------------------------------------------


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
    year: int
    seed: int
    as_of: datetime
    seconds: float
    counts: dict[str, int]


class IdPool:
    """Primary keys reserved from each table's sequence, handed out in creation order, so
    rows can name each other before they are written (and COPY can write them)."""

    BLOCK = 5000

    def __init__(self):
        self.free: dict[type, list[int]] = defaultdict(list)

    def take(self, model: type) -> int:
        free = self.free[model]
        if not free:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                    "FROM generate_series(1, %s)",
                    [table, self.BLOCK],
                )
                free.extend(sorted((row[0] for row in cursor.fetchall()), reverse=True))
        return free.pop()


class Rows:
    """Everything a chunk writes, model by model, in creation order."""

    def __init__(self, ids: IdPool):
        self.ids = ids
        self.by_model: dict[type, list] = defaultdict(list)

    def add(self, obj) -> object:
        model = type(obj)
        if obj.pk is None:
            obj.pk = self.ids.take(model)
        self.by_model[model].append(obj)
        return obj


# -- The generator ------------------------------------------------------------------------


class Generator:
    def __init__(self, *, victims: int, year: int, seed: int, as_of: datetime,
                 staff: Staff, services: list[SupportService], volunteers: list,
                 person_offset: int, crime_offset: int):
        self.victims = victims
        self.year = year
        self.seed = seed
        self.as_of = as_of
        self.tz = ZoneInfo(settings.TIME_ZONE)
        # One generator, seeded by the seed, the year and where the numbering starts (so an
        # appended year is not a copy of the first).
        self.rng = random.Random(f"{seed}/{year}/{person_offset}")  # noqa: S311 - demo data
        self.staff = staff
        self.services = services
        self.volunteers = volunteers
        self.person_no = person_offset
        self.crime_no = crime_offset
        self._days = self._referral_days()
        self._hours = list(accumulate(HOUR_WEIGHTS))

    # -- time --------------------------------------------------------------------------

    def _referral_days(self) -> tuple[list[date], list[float]]:
        last = min(date(self.year, 12, 31), (self.as_of - timedelta(seconds=1)).date())
        days, weights = [], []
        day = date(self.year, 1, 1)
        while day <= last:
            days.append(day)
            weights.append(MONTH_WEIGHTS[day.month - 1])
            day += timedelta(days=1)
        if not days:
            raise ValueError(f"Nothing to generate: {self.year} starts after the 'as of' date.")
        return days, list(accumulate(weights))

    def at(self, day: date, minute: int, second: int = 0) -> datetime:
        minute = max(0, min(minute, 24 * 60 - 1))
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, second,
                        tzinfo=self.tz)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def minute_of(self, moment: datetime) -> int:
        m = self.local(moment)
        return m.hour * 60 + m.minute

    def referral_moment(self) -> datetime:
        days, cum = self._days
        day = days[bisect(cum, self.rng.random() * cum[-1])]
        hour = bisect(self._hours, self.rng.random() * self._hours[-1])
        moment = self.at(day, hour * 60 + self.rng.randrange(60), self.rng.randrange(60))
        return min(moment, self.as_of - timedelta(minutes=5))

    def working_day_on_or_after(self, day: date) -> date:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_after(self, day: date, n: int) -> date:
        while n > 0:
            day += timedelta(days=1)
            if is_working_day(day):
                n -= 1
        return day

    def office_moment(self, day: date, lo: int = 9 * 60 + 15, hi: int = 16 * 60 + 45) -> datetime:
        """A time in office hours on the first working day on or after `day`."""
        return self.at(self.working_day_on_or_after(day), self.rng.randint(lo, hi))

    def later(self, moment: datetime, lo_days: int, hi_days: int) -> datetime:
        """A working-hours moment some days after `moment`."""
        day = self.local(moment).date() + timedelta(days=self.rng.randint(lo_days, hi_days))
        result = self.office_moment(day)
        return result if result > moment else moment + timedelta(minutes=30)

    # -- people ------------------------------------------------------------------------

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
            language = _choice(rng, LANGUAGES_BY_ETHNICITY[skel.ethnicity])
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
            phone=f"07700 900{rng.randint(0, 999):03d}",
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

    # -- crimes and IVNAs ----------------------------------------------------------------

    def _case_markers(self, pp: PersonPlan, index: int) -> set[str]:
        rng = self.rng
        if index == 0:
            markers = set(pp.skel.markers)
        else:
            markers = {
                # Sorted: a set's order changes with the process's hash seed.
                m for m in sorted(pp.skel.markers)
                if rng.random() < (0.8 if m == Marker.DOMESTIC_ABUSE else 0.3)
            }
        for marker, p, _ in RARE_MARKERS:
            if rng.random() < p:
                markers.add(marker)
        return markers

    def _marker_crime_type(self, markers: set[str]) -> str | None:
        for marker, types in MARKER_CRIME_TYPES:
            if marker in markers:
                return _dict_choice(self.rng, types)
        for marker, _, crime_type in RARE_MARKERS:
            if marker in markers:
                return crime_type
        return None

    def _residual_types(self, cases: list[CasePlan]) -> dict[str, tuple[list, list]]:
        """Per gender, weights for the cases no marker decides, so that all cases together
        follow Table 2's crime types by gender."""
        by_gender = Counter(cp.owner.skel.gender for cp in cases)
        decided = Counter((cp.owner.skel.gender, cp.crime_type) for cp in cases if cp.crime_type)
        residual = {}
        for g_index, gender in enumerate(GENDERS):
            column = {t: w[g_index] for t, w in CRIME_TYPE_WEIGHTS.items()}
            total = sum(column.values())
            weights = {
                t: max(by_gender[gender] * w / total - decided[(gender, t)], 0.0) + 0.01
                for t, w in column.items()
            }
            residual[gender] = (list(weights), list(accumulate(weights.values())))
        return residual

    def _forced_answers(self, cp: CasePlan) -> dict:
        """What the officer records that follows from the crime: DASH, MASH referral, safe
        to write. The judgement (needs support, priority categories) comes later."""
        rng = self.rng
        m = cp.markers
        answers = {"priority_categories": set(), "dash_risk": "", "dash_yes_count": None,
                   "mash_referral": False, "needs_support": False, "safe_to_write": True,
                   "supported_elsewhere": False, "consent_to_contact": rng.random() < 0.97}
        if m & {Marker.DOMESTIC_ABUSE, Marker.STALKING_HARASSMENT}:
            risk = _choice(rng, (("standard", 45), ("medium", 43), ("high", 12)))
            answers["dash_risk"] = risk
            if rng.random() < 0.7:
                lo, hi = {"standard": (0, 6), "medium": (7, 13), "high": (14, 20)}[risk]
                answers["dash_yes_count"] = rng.randint(lo, hi)
            if Marker.DOMESTIC_ABUSE in m and rng.random() < 0.35:
                answers["safe_to_write"] = False
        mash = 0.002
        if Marker.CHILD_SEXUAL_EXPLOITATION in m:
            mash = 0.7
        elif Marker.CHILD_ABUSE in m:
            mash = 0.45
        elif Marker.HUMAN_TRAFFICKING in m:
            mash = 0.5
        elif Marker.SAFEGUARDING_VULNERABLE_ADULTS in m:
            mash = 0.2
        elif answers["dash_risk"] == "high":
            mash = 0.5
        answers["mash_referral"] = rng.random() < mash
        if Marker.CHILD_ABUSE in m and rng.random() < 0.1:
            answers["safe_to_write"] = False
        elif rng.random() < 0.004:
            answers["safe_to_write"] = False
        return answers

    def _triage(self, cp: CasePlan, answers: dict):
        return triage(
            IvnaAnswers(
                crime_type=cp.crime_type,
                offence_date=cp.crime.offence_date,
                markers=frozenset(cp.markers),
                date_of_birth=cp.owner.person.date_of_birth,
                priority_categories=frozenset(answers["priority_categories"]),
                dash_risk=answers["dash_risk"] or None,
                dash_yes_count=answers["dash_yes_count"],
                mash_referral=answers["mash_referral"],
                needs_support=answers["needs_support"],
                earlier_high_risk_referral=cp.earlier_high_risk,
            )
        )

    def _officer_ticks(self, cp: CasePlan, answers: dict, *, extra: bool) -> None:
        """The officer's professional judgement: priority categories and needs support."""
        rng = self.rng
        m = cp.markers
        ticks = answers["priority_categories"]
        if extra:
            if rng.random() < 0.4:
                ticks.add(_choice(rng, (("vulnerable", 50), ("intimidated", 30),
                                        ("persistently_targeted", 20))))
                answers["needs_support"] = rng.random() < 0.8
            else:
                answers["needs_support"] = True
            return
        if cp.serious:
            if rng.random() < 0.7:
                ticks.add("serious_crime")
            if Marker.DOMESTIC_ABUSE in m and rng.random() < 0.3:
                ticks.add("intimidated")
            answers["needs_support"] = rng.random() < 0.75
        if cp.owner.age is not None and cp.owner.age < 18 and rng.random() < 0.6:
            ticks.add("vulnerable")
        if Marker.SAFEGUARDING_VULNERABLE_ADULTS in m and rng.random() < 0.8:
            ticks.add("vulnerable")
        if Marker.STALKING_HARASSMENT in m and rng.random() < 0.7:
            ticks.add("persistently_targeted")
        if Marker.HOMICIDE_BEREAVED in m:
            ticks.add("bereaved")

    def plan_chunk(self, skels: list[Skeleton]) -> list[PersonPlan]:
        rng = self.rng
        people: list[PersonPlan] = []
        cases: list[CasePlan] = []
        for skel in skels:
            moments = [self.referral_moment()]
            if skel.repeat:
                for _ in range(10):
                    second = self.referral_moment()
                    if abs((second - moments[0]).days) >= 3:
                        moments.append(second)
                        break
                moments.sort()
            pp = self.build_person(skel, moments[0])
            people.append(pp)
            for index, moment in enumerate(moments):
                case = Case(
                    person=pp.person,
                    source=CaseSource.SELF_REFERRAL if skel.self_referrer
                    else CaseSource.POLICE_IVNA,
                    referred_at=moment,
                    created_at=moment,
                    updated_at=moment,
                )
                if skel.self_referrer:
                    cp = CasePlan(owner=pp, case=case, crime=None, markers=set(), crime_type=None)
                else:
                    markers = self._case_markers(pp, index)
                    cp = CasePlan(owner=pp, case=case, crime=None, markers=markers,
                                  crime_type=self._marker_crime_type(markers))
                pp.cases.append(cp)
                cases.append(cp)
        police = [cp for cp in cases if cp.case.source == CaseSource.POLICE_IVNA]
        residual = self._residual_types(police)
        for cp in police:
            if cp.crime_type is None:
                types, cum = residual[cp.owner.skel.gender]
                cp.crime_type = types[bisect(cum, rng.random() * cum[-1])]
            self._build_crime(cp)
        # Forced answers and the route they give on their own.
        auto_vulnerable = 0
        candidates = []
        for pp in people:
            last_high: datetime | None = None
            for cp in pp.cases:
                if cp.crime is None:
                    continue
                cp.serious = bool(triage_serious(cp))
                cp.earlier_high_risk = (
                    last_high is not None
                    and (cp.case.referred_at - last_high).days <= 365
                    and bool(cp.markers & {Marker.DOMESTIC_ABUSE, Marker.STALKING_HARASSMENT})
                )
                cp.answers = self._forced_answers(cp)
                self._officer_ticks(cp, cp.answers, extra=False)
                route = self._triage(cp, cp.answers).route
                if route == Route.HIGH_RISK:
                    last_high = cp.case.referred_at
                elif route == Route.HUB_CONTACT:
                    auto_vulnerable += 1
                else:
                    candidates.append(cp)
        self_referred = len(cases) - len(police)
        wanted = VULNERABLE_SHARE * len(cases) - auto_vulnerable - self_referred
        p_extra = min(max(wanted / len(candidates), 0.0), 1.0) if candidates else 0.0
        for cp in candidates:
            if rng.random() < p_extra:
                self._officer_ticks(cp, cp.answers, extra=True)
        for cp in police:
            cp.decision = self._triage(cp, cp.answers)
        return people

    def _build_crime(self, cp: CasePlan) -> None:
        rng = self.rng
        referred = cp.case.referred_at
        lag = _choice(rng, ((0, 55), (1, 25), (2, 6), (3, 4), (5, 3), (7, 3), (14, 2), (30, 2)))
        days_before = rng.randint(0, lag) if lag > 1 else lag
        offence = self.local(referred).date() - timedelta(days=days_before)
        reported = referred - timedelta(minutes=rng.randint(5, 90))
        if self.local(reported).date() < offence:
            reported = referred
        self.crime_no += 1
        cp.crime = Crime(
            reference=f"{CRIME_REF_PREFIX}{self.crime_no:07d}/{self.year % 100:02d}",
            crime_type=cp.crime_type,
            offence_date=offence,
            reported_at=reported,
            markers=sorted(cp.markers),
            created_at=referred,
        )
        cp.case.crime = cp.crime
        dob = cp.owner.person.date_of_birth
        if dob is not None and dob >= offence:
            cp.owner.person.date_of_birth = offence - timedelta(days=rng.randint(30, 360))

    # -- histories ----------------------------------------------------------------------

    def move(self, rows: Rows, cp: CasePlan, to: str, at: datetime, by: User | None,
             reason: str = "") -> None:
        """A status change, as transition_case writes it: only moves TRANSITIONS allows."""
        frm = cp.status
        if frm == "":
            if to != S.RECEIVED:
                raise RuntimeError(f"A case starts as received, not {to}")
        elif not is_allowed(frm, to):
            raise RuntimeError(f"Illegal move {frm} -> {to}")
        rows.add(CaseTransition(
            case=cp.case, from_status=frm, to_status=to, by=by, at=at,
            reason=reason or (TRANSITIONS[frm][to] if frm else "Referral received."),
        ))
        cp.n_transitions += 1
        cp.status = to
        cp.case.status = to
        cp.case.updated_at = max(cp.case.updated_at, at)
        if to in (S.CLOSED, S.TRANSFERRED_OUT):
            cp.case.closed_at = at
        else:
            cp.case.closed_at = None

    def vcc(self) -> User:
        return self.rng.choice(self.staff.vccs)

    def due(self, rows: Rows, cp: CasePlan, kind: str, due_at: datetime, key: str,
            deadline_at: datetime | None = None, target: int | None = None,
            created_at: datetime | None = None) -> None:
        """Work still due at the "as of" moment, as the hub's services schedule it."""
        rows.add(ScheduledItem(kind=kind, case=cp.case, target_id=target, due_at=due_at,
                               deadline_at=deadline_at, dedupe_key=key,
                               created_at=created_at or min(due_at, self.as_of)))

    def letter(self, rows: Rows, cp: CasePlan, kind: str, at: datetime) -> None:
        """A letter or email as queue_letter and the dispatcher make it; none when it is not
        safe to write or there is no address."""
        person = cp.owner.person
        if not cp.safe_to_write:
            if kind == LetterKind.INTRODUCTORY:
                cp.case.no_letter_reason = "Not safe to write to the victim."
            return
        channel = Channel.EMAIL if person.email else Channel.POST
        language = "pl" if person.first_language == "pl" else "en"
        letter = Letter(case=cp.case, kind=kind, channel=channel, language=language,
                        created_at=at)
        rendered = at + timedelta(minutes=self.rng.randint(1, 3))
        if channel == Channel.EMAIL:
            sent = rendered
            approved = None
        else:
            approved = self.office_moment(self.local(at).date() + timedelta(days=1),
                                          9 * 60 + 30, 11 * 60 + 30)
            sent = self.at(self.local(approved).date(), self.rng.randint(15 * 60, 16 * 60 + 30))
        rows.add(letter)
        if sent < self.as_of:
            letter.status = LetterStatus.SENT
            letter.rendered_at = rendered
            letter.approved_at = approved
            letter.approved_by = self.vcc() if approved else None
            letter.sent_at = sent
        else:
            # Still with the dispatcher at the "as of" moment: it renders it when it runs.
            letter.status = LetterStatus.QUEUED
            self.due(rows, cp, ItemKind.SEND_LETTER if kind == LetterKind.INTRODUCTORY
                     else ItemKind.FOLLOW_UP_LETTER, at, f"letter:{letter.pk}",
                     target=letter.pk, created_at=at)

    def simulate(self, rows: Rows, pp: PersonPlan) -> None:
        rng = self.rng
        person = pp.person
        last_closed: datetime | None = None
        for cp in pp.cases:
            case = cp.case
            t = case.referred_at
            if last_closed is not None and (t - last_closed).days <= 365 and last_closed < t:
                case.repeat_victim = True
            if cp.crime is None:
                self._self_referral(rows, cp)
            else:
                a = cp.answers
                d = cp.decision
                pp.safe_to_write = pp.safe_to_write and a["safe_to_write"]
                cp.safe_to_write = pp.safe_to_write
                supported_elsewhere = d.route == Route.HUB_CONTACT and rng.random() < (
                    SUPPORTED_ELSEWHERE["serious"] if d.enhanced_entitlement
                    else SUPPORTED_ELSEWHERE["other"]
                )
                a["supported_elsewhere"] = supported_elsewhere
                case.route = d.route
                case.enhanced_entitlement = d.enhanced_entitlement
                case.supported_elsewhere = supported_elsewhere
                days = d.contact_within_working_days
                case.contact_due_at = end_of_working_day(t, days) if days else None
                officer = rng.choice(self.staff.officers)
                via = SubmittedVia.API if rng.random() < 0.85 else SubmittedVia.WEB
                notes_key = next((m for m in (Marker.DOMESTIC_ABUSE,
                                              Marker.SAFEGUARDING_VULNERABLE_ADULTS,
                                              Marker.HATE_CRIME) if m in cp.markers), None)
                rows.add(Ivna(
                    case=case,
                    priority_categories=sorted(a["priority_categories"]),
                    dash_risk=a["dash_risk"],
                    dash_yes_count=a["dash_yes_count"],
                    needs_support=a["needs_support"],
                    supported_elsewhere=supported_elsewhere,
                    mash_referral=a["mash_referral"],
                    safe_to_write=a["safe_to_write"],
                    consent_to_contact=a["consent_to_contact"],
                    notes=rng.choice(IVNA_NOTES[notes_key]),
                    route=d.route,
                    enhanced_entitlement=d.enhanced_entitlement,
                    triage_rules=list(d.matched_rules),
                    triage_rules_version=d.rules_version,
                    earlier_high_risk_referral=cp.earlier_high_risk,
                    recorded_by=officer,
                    submitted_via=via,
                    recorded_at=t,
                ))
                self.move(rows, cp, S.RECEIVED, t, officer,
                          f"Referral received: police IVNA ({via}).")
                self.move(rows, cp, status_after_triage(
                    route=d.route, supported_elsewhere=supported_elsewhere),
                    t + timedelta(seconds=1), officer,
                    f"Triage rule {d.deciding_rule}: {rule_description(d.deciding_rule)}.")
                self.letter(rows, cp, LetterKind.INTRODUCTORY, t + timedelta(seconds=2))
                self._after_triage(rows, cp)
            if case.closed_at is not None:
                last_closed = case.closed_at
        person.safe_to_write = pp.safe_to_write
        person.updated_at = max(cp.case.updated_at for cp in pp.cases)

    def _self_referral(self, rows: Rows, cp: CasePlan) -> None:
        rng = self.rng
        case = cp.case
        pp = cp.owner
        t = case.referred_at
        under_18 = pp.age is not None and pp.age < 18
        cp.safe_to_write = pp.safe_to_write = rng.random() < 0.9
        if rng.random() < 0.25:
            pp.person.safe_contact_bands = sorted(
                rng.sample(["morning", "afternoon", "evening"], 2))
        case.route = Route.HUB_CONTACT
        case.enhanced_entitlement = under_18
        case.contact_due_at = end_of_working_day(t, 1 if under_18 else 5)
        asked_by = _choice(rng, ((AskedBy.VICTIM, 80), (AskedBy.FAMILY, 15), (AskedBy.CARER, 5)))
        asker_name = relationship = ""
        if asked_by != AskedBy.VICTIM:
            asker_name = f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {pp.person.last_name}"
            relationship = rng.choice(("Mother", "Father", "Daughter", "Son", "Partner")) \
                if asked_by == AskedBy.FAMILY else "Carer"
        rows.add(SelfReferral(
            case=case, asked_by=asked_by, asker_name=asker_name,
            asker_relationship=relationship, under_18=under_18,
            reported_to_police=_choice(rng, (("no", 50), ("not_sure", 20), ("yes", 30))),
            account=rng.choice(SELF_REFERRAL_ACCOUNTS), submitted_at=t,
        ))
        self.move(rows, cp, S.RECEIVED, t, None, "Referral received: self-referral (public page).")
        self.move(rows, cp, S.AWAITING_CONTACT, t + timedelta(seconds=1), None,
                  "Self-referral: they asked for support, so the hub contacts them.")
        self.letter(rows, cp, LetterKind.INTRODUCTORY, t + timedelta(seconds=2))
        case.allocated_to = self.vcc()
        self.contact(rows, cp, t, accept=0.8)

    def _after_triage(self, rows: Rows, cp: CasePlan) -> None:
        rng = self.rng
        case = cp.case
        t = case.referred_at
        if cp.status == S.LETTER_ONLY:
            if rng.random() < LETTER_RESPONSE:
                back = self.later(t, 3, 25)
                if back < self.as_of:
                    case.responded_to_letter = True
                    case.allocated_to = self.vcc()
                    self.move(rows, cp, S.AWAITING_CONTACT, back, case.allocated_to,
                              "Victim came back to the hub after the letter.")
                    self.contact(rows, cp, back, accept=0.45, got_in_touch=True)
                    return
            self.close(rows, cp, t + timedelta(days=LETTER_ONLY_CLOSES_AFTER, hours=2),
                       "No response to the introductory letter: closed.")
        elif cp.status == S.HIGH_RISK:
            if rng.random() < HIGH_RISK_STEP_DOWN:
                down = self.later(t, 14, 60)
                if down < self.as_of:
                    case.allocated_to = self.vcc()
                    self.move(rows, cp, S.AWAITING_CONTACT, down, self.rng.choice(
                        self.staff.managers), "Stepped down from MASH / Public Protection to "
                        "the hub.")
                    self.contact(rows, cp, down, accept=0.6)
                    return
            self.close(rows, cp, self.later(t, 60, 120),
                       "Managed by MASH / Public Protection: closed.")
        elif cp.status == S.SUPPORTED_ELSEWHERE:
            case.allocated_to = self.vcc()
            self.close(rows, cp, self.later(t, 7, 21), "Supported by another service: closed.")
        elif cp.status == S.AWAITING_CONTACT:
            accept = ACCEPT_BASE + (0.05 if case.enhanced_entitlement else -0.05)
            self.contact(rows, cp, t, accept=accept)

    def close(self, rows: Rows, cp: CasePlan, at: datetime, reason: str,
              by: User | None = None) -> None:
        if at < self.as_of:
            self.move(rows, cp, S.CLOSED, at, by or cp.case.allocated_to or self.vcc(), reason)

    # -- contact ------------------------------------------------------------------------

    def _attempt_slot(self, after: datetime, bands: list[str], delay: int) -> tuple[datetime, str]:
        """The `delay`-th working-day slot at or after `after` in one of `bands`."""
        rng = self.rng
        day = self.local(after).date()
        start_day, start_minute = day, self.minute_of(after)
        for _ in range(60):
            if is_working_day(day):
                open_bands = [b for b in bands
                              if day != start_day or BAND_RANGE[b][1] - 10 > start_minute]
                if open_bands:
                    if delay <= 0:
                        band = rng.choice(open_bands)
                        lo, hi = BAND_RANGE[band]
                        if day == start_day:
                            lo = max(lo, start_minute + 5)
                        return self.at(day, rng.randint(lo, hi - 5), rng.randrange(60)), band
                    delay -= 1
            day += timedelta(days=1)
        raise RuntimeError("no working day in sight")

    def contact(self, rows: Rows, cp: CasePlan, start: datetime, *, accept: float,
                got_in_touch: bool = False) -> None:
        """Up to three attempts at differing times and on differing days; then the outcome,
        or the follow-up letter after three failures (contact.services)."""
        rng = self.rng
        case = cp.case
        person = cp.owner.person
        if case.allocated_to is None:
            # Cases still in the queue at the "as of" moment are unallocated.
            recent = (self.as_of - start) < timedelta(days=2)
            case.allocated_to = None if recent and rng.random() < 0.7 else self.vcc()
        vcc = case.allocated_to or self.vcc()
        bands = list(person.safe_contact_bands) or [b for b, _, _ in BANDS]
        if got_in_touch:
            contacted_on = 1
        else:
            contacted_on = _choice(rng, CONTACT_ON_ATTEMPT)
            if contacted_on is None and len(bands) < 3:
                contacted_on = len(bands)
            elif contacted_on is not None and contacted_on > len(bands):
                contacted_on = len(bands)
        first_key_n = cp.n_transitions
        previous: datetime | None = None
        previous_attempt = None
        tried: list[str] = []
        made_at = start
        for number in (1, 2, 3):
            free = [b for b in bands if b not in tried]
            if number == 1:
                if got_in_touch:
                    delay = 0
                elif case.enhanced_entitlement:
                    delay = _choice(rng, ((0, 80), (1, 20)))
                else:
                    delay = _choice(rng, ((0, 45), (1, 30), (2, 15), (3, 10)))
                made_at, band = self._attempt_slot(start, free, delay)
            else:
                next_day = self.local(previous).date() + timedelta(days=1)
                made_at, band = self._attempt_slot(
                    self.at(next_day, 0), free, _choice(rng, ((0, 60), (1, 30), (2, 10))))
            if made_at >= self.as_of:
                if number == 1:
                    self.due(rows, cp, ItemKind.FIRST_CONTACT, start,
                             f"first_contact:{case.pk}:{first_key_n}",
                             deadline_at=case.contact_due_at if not got_in_touch
                             else start + timedelta(days=1), created_at=start)
                else:
                    lo, hi = BAND_RANGE[band]
                    day = self.local(made_at).date()
                    self.due(rows, cp, ItemKind.NEXT_ATTEMPT, self.at(day, lo),
                             f"next_attempt:{case.pk}:{previous_attempt.pk}",
                             deadline_at=self.at(day, hi), created_at=previous)
                return
            tried.append(band)
            success = contacted_on == number
            if success:
                outcome = AttemptOutcome.CONTACTED
            else:
                options = [(AttemptOutcome.NO_ANSWER, 60), (AttemptOutcome.WRONG_NUMBER, 4)]
                if person.may_leave_message:
                    options.append((AttemptOutcome.VOICEMAIL, 40))
                if Marker.DOMESTIC_ABUSE in cp.markers:
                    options.append((AttemptOutcome.NOT_SAFE_TO_TALK, 15))
                outcome = _choice(rng, options)
            previous_attempt = rows.add(ContactAttempt(
                case=case, made_at=made_at, made_by=vcc, number_used=person.phone, band=band,
                outcome=outcome, created_at=made_at,
                notes="Spoke to the victim." if success else "",
            ))
            previous = made_at
            if success:
                self.outcome(rows, cp, made_at + timedelta(minutes=rng.randint(5, 25)), vcc,
                             accept=accept)
                return
        # Three failures: no contact, the follow-up letter.
        t = previous + timedelta(minutes=1)
        case.contact_outcome = "no_contact"
        self.move(rows, cp, S.NO_CONTACT, t, vcc, "Three attempts at differing times and days "
                  "failed: follow-up letter queued.")
        self.letter(rows, cp, LetterKind.NO_CONTACT, t + timedelta(seconds=1))
        if rng.random() < NO_CONTACT_GETS_IN_TOUCH:
            back = self.later(t, 2, 20)
            if back < self.as_of:
                case.contact_outcome = ""
                self.move(rows, cp, S.AWAITING_CONTACT, back, vcc,
                          "Victim got in touch: re-opened.")
                self.contact(rows, cp, back, accept=0.5, got_in_touch=True)
                return
        self.close(rows, cp, t + timedelta(days=NO_CONTACT_CLOSES_AFTER, hours=1),
                   "No response to the follow-up letter: closed.", by=vcc)

    def outcome(self, rows: Rows, cp: CasePlan, t: datetime, vcc: User, *, accept: float) -> None:
        rng = self.rng
        case = cp.case
        if t >= self.as_of:
            t = self.as_of - timedelta(seconds=30)
        if rng.random() < accept:
            case.contact_outcome = "accepted"
            self.move(rows, cp, S.ACCEPTED, t, vcc, "Contacted: accepted support; DVNA to follow.")
            self.support(rows, cp, t, vcc)
            return
        if rng.random() < DECLINE_SHARE_OF_REST:
            detail = rng.choice(DECLINE_REASONS)
            case.contact_outcome = "declined"
            case.outcome_detail = detail
            self.move(rows, cp, S.DECLINED, t, vcc,
                      f"Contacted: declined support. Reason: {detail}")
            self.close(rows, cp, self.later(t, 7, 28), "Declined support: no further action.",
                       by=vcc)
        else:
            detail = rng.choice(SIGNPOSTS)
            case.contact_outcome = "signposted"
            case.outcome_detail = detail
            self.move(rows, cp, S.SIGNPOSTED, t, vcc, f"Contacted: signposted to {detail}")
            self.close(rows, cp, self.later(t, 7, 21), "Signposted: no further action.", by=vcc)
        if rng.random() < 0.4:
            rows.add(ContactNote(case=case, author=vcc, at=t + timedelta(minutes=2),
                                 text=f"Called the victim. {case.outcome_detail}"))

    # -- support ------------------------------------------------------------------------

    def _levels(self, cp: CasePlan) -> dict[str, str]:
        rng = self.rng
        m, crime_type, age = cp.markers, cp.crime_type, cp.owner.age
        boost = dict.fromkeys(NeedArea.values, 0)
        boost[NeedArea.OUTLOOK] = 1
        if crime_type in (CrimeType.VIOLENCE_AGAINST_THE_PERSON, CrimeType.SEXUAL_OFFENCES) or (
            Marker.DOMESTIC_ABUSE in m
        ):
            boost[NeedArea.HEALTH] = 2
        if Marker.DOMESTIC_ABUSE in m:
            boost[NeedArea.ACCOMMODATION] = 2
            boost[NeedArea.FAMILY] = 2
        if crime_type == CrimeType.BURGLARY:
            boost[NeedArea.ACCOMMODATION] = 1
        if crime_type in (CrimeType.FRAUD, CrimeType.THEFT_AND_HANDLING, CrimeType.BURGLARY,
                          CrimeType.ROBBERY):
            boost[NeedArea.FINANCE] = 2
        if m & {Marker.CHILD_ABUSE, Marker.CHILD_SEXUAL_EXPLOITATION}:
            boost[NeedArea.FAMILY] = 2
        if age is not None and 16 <= age <= 24:
            boost[NeedArea.EDUCATION_EMPLOYMENT] = 1
        if (age is not None and age >= 70) or Marker.HATE_CRIME in m:
            boost[NeedArea.SOCIAL] = 2
        tables = ((60, 22, 13, 5), (30, 30, 28, 12), (10, 25, 40, 25))
        levels = {}
        for area in NeedArea.values:
            levels[area] = rng.choices(
                (Level.NONE, Level.LOW, Level.MEDIUM, Level.HIGH),
                weights=tables[boost[area]],
            )[0]
        if not any(v in (Level.MEDIUM, Level.HIGH) for v in levels.values()):
            levels[rng.choice((NeedArea.HEALTH, NeedArea.OUTLOOK))] = Level.MEDIUM
        return levels

    def _services_for(
        self, cp: CasePlan, levels: dict[str, str]
    ) -> list[tuple[SupportService, list[str]]]:
        m, crime_type, age = cp.markers, cp.crime_type, cp.owner.age
        district = cp.owner.person.district
        wanted: list[tuple[str, list[str]]] = []
        if Marker.DOMESTIC_ABUSE in m:
            wanted.append(("domestic_abuse", [NeedArea.FAMILY, NeedArea.ACCOMMODATION]))
        if crime_type == CrimeType.SEXUAL_OFFENCES or Marker.CHILD_SEXUAL_EXPLOITATION in m:
            wanted.append(("sexual_violence", [NeedArea.HEALTH, NeedArea.OUTLOOK]))
        if levels[NeedArea.HEALTH] == Level.HIGH:
            wanted.append(("mental_health", [NeedArea.HEALTH]))
        if age is not None and age < 18:
            wanted.append(("young_people", [NeedArea.FAMILY]))
        if cp.owner.person.first_language != "en" and (
            cp.owner.skel.ethnicity == Ethnicity.WHITE_OTHER
        ):
            wanted.append(("migrant_workers", [NeedArea.ACCOMMODATION, NeedArea.FINANCE]))
        if crime_type == CrimeType.BURGLARY or (age is not None and age >= 70):
            wanted.append(("home_security", [NeedArea.ACCOMMODATION]))
        if Marker.HATE_CRIME in m:
            wanted.append(("hate_crime", [NeedArea.SOCIAL]))
        if crime_type == CrimeType.ROAD_TRAFFIC_COLLISION or Marker.HOMICIDE_BEREAVED in m:
            wanted.append(("bereavement", [NeedArea.HEALTH]))
        found = []
        used = set()
        for specialism, areas in wanted:
            matches = [s for s in self.services if specialism in s.specialisms
                       and (not s.districts or district in s.districts) and s.pk not in used]
            if matches:
                service = self.rng.choice(matches)
                used.add(service.pk)
                found.append((service, areas))
            if len(found) == 2:
                break
        return found

    def _service(self, specialism: str) -> SupportService | None:
        for s in self.services:
            if specialism in s.specialisms:
                return s
        return None

    def support(self, rows: Rows, cp: CasePlan, accepted_at: datetime, vcc: User) -> None:
        """DVNA, consent, the recovery plan, referrals, reviews, closure and the survey."""
        rng = self.rng
        case = cp.case
        person = cp.owner.person
        if rng.random() < EARLY_CLOSURE:
            when = self.later(accepted_at, 3, 10)
            if when < self.as_of:
                rows.add(Closure(case=case, closed_at=when, by=vcc,
                                 reason=ClosureReason.VICTIM_ASKED_TO_STOP))
                self.move(rows, cp, S.CLOSED, when, vcc,
                          "Support ended: the victim asked to stop")
                return
        if rng.random() < 0.35:
            dvna_at = accepted_at + timedelta(minutes=rng.randint(5, 30))
        else:
            dvna_at = self.office_moment(self.working_days_after(
                self.local(accepted_at).date(), rng.randint(1, 8)))
        if dvna_at >= self.as_of:
            self.due(rows, cp, ItemKind.FOLLOW_UP, dvna_at,
                     f"follow_up:{case.pk}:dvna", created_at=accepted_at)
            return
        levels = self._levels(cp)
        risk_from_offender = {"standard": Level.LOW, "medium": Level.MEDIUM,
                              "high": Level.HIGH}.get(cp.answers.get("dash_risk", ""), None)
        if risk_from_offender is None:
            risk_from_offender = _choice(
                rng, ((Level.NONE, 60), (Level.LOW, 30), (Level.MEDIUM, 10)))
        dvna = rows.add(Dvna(
            case=case, number=1, assessed_at=dvna_at, assessed_by=vcc,
            risk_from_offender=risk_from_offender,
            risk_of_self_harm=_choice(rng, ((Level.NONE, 80), (Level.LOW, 12), (Level.MEDIUM, 6),
                                            (Level.HIGH, 2))),
            risk_of_harming_others=_choice(rng, ((Level.NONE, 95), (Level.LOW, 5))),
            risk_of_wellbeing_deteriorating=_choice(rng, ((Level.LOW, 45), (Level.MEDIUM, 40),
                                                          (Level.HIGH, 15))),
            first_language=person.first_language,
            interpreter_needed=person.interpreter_needed,
            communication_needs="Interpreter for calls." if person.interpreter_needed else "",
            summary="Structured conversation over the phone; plan agreed.",
        ))
        self._needs(rows, dvna, levels)
        services = self._services_for(cp, levels)
        consents = {}
        for service, _ in services:
            consents[service.pk] = rows.add(ConsentToShare(
                case=case, service=service, given=True, share_contact_details=True,
                share_crime_details=rng.random() < 0.5, share_needs=True,
                recorded_at=dvna_at, recorded_by=vcc, dvna=dvna,
            ))
        # The plan, agreed in the same sitting.
        plan_at = dvna_at + timedelta(minutes=rng.randint(10, 40))
        first_review = self.working_day_on_or_after(
            self.local(plan_at).date() + timedelta(days=rng.randint(14, 28)))
        significant = [a for a, v in levels.items() if v in (Level.MEDIUM, Level.HIGH)]
        plan = rows.add(RecoveryPlan(case=case, agreed_at=plan_at, agreed_by=vcc,
                                     next_review_on=first_review, version=1))
        actions: list[tuple[PlanAction, SupportService | None]] = []

        def action(kind, areas, description, service=None):
            actions.append((rows.add(PlanAction(
                plan=plan, kind=kind, need_areas=list(dict.fromkeys(areas)) or [NeedArea.OUTLOOK],
                description=description, owner=vcc,
                service=service, review_on=first_review, status=ActionStatus.PLANNED,
                created_at=plan_at,
            )), service))

        if rng.random() < 0.75 or not services:
            action(ActionKind.PHONE_SUPPORT, significant[:3],
                   "Weekly call from the Victim Care Co-ordinator.")
        for service, areas in services:
            action(ActionKind.SPECIALIST_REFERRAL, areas, f"Referral to {service.name}.", service)
        wants_volunteer = levels[NeedArea.SOCIAL] in (Level.MEDIUM, Level.HIGH) or (
            cp.owner.age is not None and cp.owner.age >= 70)
        if rng.random() < (0.5 if wants_volunteer else 0.12):
            action(ActionKind.VOLUNTEER_SUPPORT, [NeedArea.SOCIAL, NeedArea.OUTLOOK],
                   "Face-to-face visits from a Community Support Volunteer.")
        rj = self._service("restorative_justice")
        if rj and rng.random() < 0.08 and not (cp.markers & {Marker.DOMESTIC_ABUSE}) \
                and cp.crime_type != CrimeType.SEXUAL_OFFENCES:
            action(ActionKind.RESTORATIVE_JUSTICE, [NeedArea.OUTLOOK],
                   "Information about Restorative Justice.", rj)
        signpost = self._service("hate_crime")
        if signpost and rng.random() < 0.15:
            action(ActionKind.COMMUNITY_SIGNPOSTING, [NeedArea.SOCIAL],
                   "Signposted to Victim Support's Supportline.", signpost)
        n = len(actions)
        self.move(rows, cp, S.IN_SUPPORT, plan_at, vcc,
                  f"Recovery plan agreed with {n} action{'s' if n != 1 else ''}; first review "
                  f"{first_review:%d %B %Y}.")
        if not case.allocated_to:
            case.allocated_to = vcc
        # Referrals for the specialist actions.
        referrals = []
        for act, service in actions:
            if act.kind != ActionKind.SPECIALIST_REFERRAL:
                continue
            sent = self.later(plan_at, 0, 2)
            if sent >= self.as_of:
                continue
            consent = consents[service.pk]
            referral = rows.add(Referral(
                case=case, action=act, service=service, consent=consent,
                shared_contact_details=consent.share_contact_details,
                shared_crime_details=consent.share_crime_details,
                shared_needs=consent.share_needs, status=ReferralStatus.SENT, sent_at=sent,
                sent_by=vcc, document=b"", emailed_to=service.referral_email,
                email_sent_at=sent if service.referral_email else None,
            ))
            answered = self.later(sent, 1, 12)
            chase_due = end_of_working_day(sent, settings.HUB_REFERRAL_CHASE_WORKING_DAYS)
            if answered < self.as_of:
                if answered > chase_due:
                    referral.chases = 1
                    referral.last_chased_at = chase_due
                referral.answered_by = vcc
                if rng.random() < 0.82:
                    referral.status = ReferralStatus.ACCEPTED
                    referral.accepted_at = answered
                else:
                    referral.status = ReferralStatus.DECLINED
                    referral.declined_at = answered
                    referral.decline_reason = "Outside the service's criteria."
            else:
                self.due(rows, cp, ItemKind.REFERRAL_CHASE, chase_due,
                         f"referral_chase:{referral.pk}:1",
                         deadline_at=end_of_working_day(
                             sent, settings.HUB_REFERRAL_CHASE_WORKING_DAYS + 1),
                         target=referral.pk, created_at=sent)
            referrals.append(referral)
        # A volunteer, when the plan asks for one and the hub has volunteers.
        allocation = None
        if self.volunteers and any(a.kind == ActionKind.VOLUNTEER_SUPPORT for a, _ in actions):
            local = [v for v in self.volunteers if person.district in v.districts]
            volunteer = rng.choice(local or self.volunteers)
            allocated = self.later(plan_at, 1, 6)
            if allocated < self.as_of:
                allocation = rows.add(self._allocation(case, volunteer, allocated, vcc))
        # Reviews until closure.
        n_reviews = _choice(rng, ((1, 25), (2, 35), (3, 25), (4, 10), (5, 5)))
        next_on = first_review
        last_review_at = plan_at
        last_review: Review | None = None
        dvna_number = 1
        latest_levels = levels
        for number in range(1, n_reviews + 1):
            review_at = self.at(self.working_day_on_or_after(next_on),
                                rng.randint(9 * 60 + 15, 16 * 60 + 45))
            if review_at >= self.as_of:
                plan.next_review_on = next_on
                key = (f"plan_review:{case.pk}:plan:1" if last_review is None
                       else f"plan_review:{case.pk}:review:{last_review.pk}")
                self.due(rows, cp, ItemKind.PLAN_REVIEW, self.at(next_on, 9 * 60), key,
                         created_at=last_review_at)
                self._visits(rows, allocation, self.as_of)
                return
            final = number == n_reviews
            following = None if final else self.working_day_on_or_after(
                self.local(review_at).date() + timedelta(days=rng.randint(21, 35)))
            reassess = not final and number <= 2 and rng.random() < 0.12 and dvna_number == 1
            last_review = rows.add(Review(
                case=case, reviewed_at=review_at, by=vcc,
                wellbeing=_choice(rng, ((Wellbeing.BETTER, 55), (Wellbeing.SAME, 35),
                                        (Wellbeing.WORSE, 10))),
                notes="Checked on the victim and went through the plan.",
                next_review_on=following, reassessment_needed=reassess,
            ))
            plan.version += 1
            for act, _service in actions:
                before = act.status
                if number == 1 and before == ActionStatus.PLANNED:
                    self._action_status(rows, act, ActionStatus.IN_PROGRESS, last_review, vcc)
                if final:
                    referral = next((r for r in referrals if r.action is act), None)
                    done = rng.random() < 0.9
                    if referral is not None:
                        done = referral.status == ReferralStatus.ACCEPTED
                    self._action_status(
                        rows, act, ActionStatus.DONE if done else ActionStatus.CANCELLED,
                        last_review, vcc)
            if reassess:
                again = self.later(review_at, 1, 7)
                if again < self.as_of:
                    dvna_number = 2
                    latest_levels = {a: self._step_down(v) for a, v in latest_levels.items()}
                    second = rows.add(Dvna(
                        case=case, number=2, assessed_at=again, assessed_by=vcc,
                        risk_from_offender=dvna.risk_from_offender,
                        risk_of_self_harm=dvna.risk_of_self_harm,
                        risk_of_harming_others=dvna.risk_of_harming_others,
                        risk_of_wellbeing_deteriorating=self._step_down(
                            dvna.risk_of_wellbeing_deteriorating),
                        first_language=person.first_language,
                        interpreter_needed=person.interpreter_needed,
                        summary="Reassessment after the review.",
                    ))
                    self._needs(rows, second, latest_levels)
            last_review_at = review_at
            if not final:
                next_on = following
        # Closure.
        closed_at = self.later(last_review_at, 0, 5)
        if closed_at >= self.as_of:
            plan.next_review_on = None
            self._visits(rows, allocation, self.as_of)
            return
        for referral in referrals:
            if referral.status == ReferralStatus.ACCEPTED:
                referral.status = ReferralStatus.COMPLETED
                referral.completed_at = closed_at
                referral.completed_by = vcc
        reason = _choice(rng, ((ClosureReason.SUPPORT_COMPLETE, 78),
                               (ClosureReason.VICTIM_ASKED_TO_STOP, 7),
                               (ClosureReason.NO_LONGER_CONTACTABLE, 8),
                               (ClosureReason.MOVED_AWAY, 4), (ClosureReason.OTHER, 3)))
        closure = rows.add(Closure(
            case=case, closed_at=closed_at, by=vcc, reason=reason,
            reason_detail="Now supported by the IDVA service." if reason == ClosureReason.OTHER
            else "",
        ))
        for area in NeedArea.values:
            if latest_levels[area] != Level.NONE:
                rows.add(ClosureOutcome(closure=closure, area=area, outcome=_choice(rng, (
                    (Outcome.BETTER, 65), (Outcome.SAME, 25), (Outcome.WORSE, 5),
                    (Outcome.NOT_KNOWN, 5)))))
        detail = " (Now supported by the IDVA service.)" if reason == ClosureReason.OTHER else ""
        self.move(rows, cp, S.CLOSED, closed_at, vcc,
                  f"Support ended: {ClosureReason(reason).label.lower()}{detail}")
        plan.next_review_on = None
        if allocation is not None:
            allocation.active = False
            allocation.ended_at = closed_at
            allocation.ended_by = vcc
            allocation.end_reason = "Support ended"
        self._visits(rows, allocation, closed_at)
        # The survey, a fortnight after closure (not for a victim who asked to stop or
        # cannot be reached).
        if reason in (ClosureReason.VICTIM_ASKED_TO_STOP, ClosureReason.NO_LONGER_CONTACTABLE):
            return
        survey_day = self.local(closed_at).date() + timedelta(days=14)
        survey_due = self.at(survey_day, 9 * 60)
        if survey_due >= self.as_of:
            self.due(rows, cp, ItemKind.SURVEY, survey_due,
                     f"survey:{case.pk}:{closure.pk}", created_at=closed_at)
            return
        answered_at = self.later(survey_due, 0, 10)
        if rng.random() < 0.4 and answered_at < self.as_of:
            declined = rng.random() < 0.2
            rows.add(SurveyResponse(
                case=case, answered_at=answered_at, recorded_by=vcc, declined=declined,
                treated_with_respect=None if declined else _choice(
                    rng, ((5, 60), (4, 28), (3, 8), (2, 3), (1, 1))),
                helped_to_cope="" if declined else _choice(
                    rng, ((HelpedToCope.YES, 62), (HelpedToCope.PARTLY, 30), (HelpedToCope.NO, 8))),
                would_recommend=None if declined else rng.random() < 0.9,
                comments="",
            ))

    @staticmethod
    def _step_down(level: str) -> str:
        order = [Level.NONE, Level.LOW, Level.MEDIUM, Level.HIGH]
        return order[max(order.index(level) - 1, 0)]

    def _needs(self, rows: Rows, dvna: Dvna, levels: dict[str, str]) -> None:
        for area in NeedArea.values:
            level = levels[area]
            rows.add(DvnaNeed(dvna=dvna, area=area, level=level,
                              notes=NEED_NOTES[area] if level in (Level.MEDIUM, Level.HIGH)
                              else ""))

    def _action_status(self, rows: Rows, act: PlanAction, to: str, review: Review,
                       by: User) -> None:
        if act.status == to:
            return
        rows.add(ActionUpdate(action=act, review=review, from_status=act.status, to_status=to,
                              by=by, at=review.reviewed_at))
        act.status = to

    def _allocation(self, case: Case, volunteer, at: datetime, by: User):
        from volunteers.models import VolunteerAllocation

        return VolunteerAllocation(case=case, volunteer=volunteer, allocated_at=at,
                                   allocated_by=by, active=True)

    def _visits(self, rows: Rows, allocation, until: datetime) -> None:
        """A visit a week or so while the volunteer is allocated (at most six)."""
        if allocation is None:
            return
        from volunteers.models import VolunteerHours

        day = self.local(allocation.allocated_at).date()
        for _ in range(6):
            day += timedelta(days=self.rng.randint(5, 10))
            logged = self.at(day, 19 * 60)
            if logged >= until:
                break
            rows.add(VolunteerHours(
                allocation=allocation, date=day,
                hours=Decimal(self.rng.choice(("1.00", "1.50", "2.00", "2.50", "3.00"))),
                notes="Home visit.", logged_by=allocation.volunteer.user, logged_at=logged,
            ))


def triage_serious(cp: CasePlan) -> bool:
    """Serious crime by type or marker (enhanced entitlement whatever the officer ticks)."""
    return cp.crime_type in SERIOUS_CRIME_TYPES or bool(cp.markers & SERIOUS_CRIME_MARKERS)


# -- Staff, reference data and the run ---------------------------------------------------


def ensure_staff() -> Staff:
    """The generated officers, VCCs and managers (and seed_demo's logins when they exist)."""
    pools: dict[str, list[User]] = {}
    for role, people in STAFF.items():
        group = role_group(role)
        users = []
        demo = User.objects.filter(username=DEMO_LOGINS[role]).first()
        if demo is not None:
            users.append(demo)
        for username, first, last in people:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(group)
            users.append(user)
        pools[role] = users
    return Staff(officers=pools[Role.POLICE], vccs=pools[Role.VCC], managers=pools[Role.MANAGER])


def has_generated_data() -> bool:
    return (
        Person.objects.filter(police_person_id__startswith=PERSON_ID_PREFIX).exists()
        or Crime.objects.filter(reference__startswith=CRIME_REF_PREFIX).exists()
    )


def _numbering() -> tuple[int, int]:
    """Where the generated person and crime numbers go on from (for --append)."""
    last_person = (
        Person.objects.filter(police_person_id__startswith=PERSON_ID_PREFIX)
        .order_by("-police_person_id").values_list("police_person_id", flat=True).first()
    )
    last_crime = (
        Crime.objects.filter(reference__startswith=CRIME_REF_PREFIX)
        .order_by("-reference").values_list("reference", flat=True).first()
    )
    person_no = int(last_person[len(PERSON_ID_PREFIX):]) if last_person else 0
    crime_no = int(last_crime[len(CRIME_REF_PREFIX):].split("/")[0]) if last_crime else 0
    return person_no, crime_no


def default_as_of(year: int) -> datetime:
    """The moment the histories run to: the end of the year (or now, for this year)."""
    from django.utils import timezone

    tz = ZoneInfo(settings.TIME_ZONE)
    return min(datetime(year + 1, 1, 1, tzinfo=tz), timezone.now())


class AlreadyGenerated(Exception):
    pass


INSERT_ORDER = (
    Person, Crime, Case, Ivna, SelfReferral, CaseTransition, Letter, ContactAttempt,
    ContactNote, Dvna, DvnaNeed, ConsentToShare, RecoveryPlan, PlanAction, Referral, Review,
    ActionUpdate, Closure, ClosureOutcome, SurveyResponse, "volunteers.VolunteerAllocation",
    "volunteers.VolunteerHours", ScheduledItem,
)


def _copy_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _array_literal(values) -> str:
    quoted = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


class CopyWriter:
    """Rows of one model as PostgreSQL COPY text: every concrete column, the values as the
    instances hold them (foreign keys from the related instance when it got its id after
    being assigned)."""

    def __init__(self, model: type):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in self.fields),
        )
        self.columns = [(f.attname, f.is_relation, f, self._formatter(f)) for f in self.fields]

    @staticmethod
    def _formatter(f) -> Callable[[object], str]:
        kind = f.get_internal_type()
        if kind == "BooleanField":
            return lambda v: "t" if v else "f"
        if kind in ("DateTimeField", "DateField"):
            return lambda v: v.isoformat()
        if kind == "ArrayField":
            return lambda v: _copy_escape(_array_literal(v))
        if kind == "BinaryField":
            return lambda v: "\\\\x" + bytes(v).hex()
        if kind in ("CharField", "TextField", "EmailField"):
            return lambda v: _copy_escape(v)
        return str

    def lines(self, objs: list) -> list[str]:
        out = []
        for obj in objs:
            values = []
            for attname, is_relation, f, fmt in self.columns:
                value = getattr(obj, attname)
                if value is None and is_relation and f.is_cached(obj):
                    related = f.get_cached_value(obj)
                    value = related.pk if related is not None else None
                values.append("\\N" if value is None else fmt(value))
            out.append("\t".join(values))
        return out

    def write(self, objs: list) -> int:
        buffer = io.StringIO("\n".join(self.lines(objs)) + "\n")
        with connection.cursor() as cursor:
            cursor.copy_expert(self.sql, buffer)
        return len(objs)


# Rows per transaction. The audit triggers cost more per row the more rows the transaction
# already holds, so batches stay small (measured: ~45 us a row at 2,000, ~200 us at 16,000).
WRITE_BATCH = 2000


def _write(rows: Rows, counts: Counter, context: tuple[str, str]) -> None:
    """Write a chunk's rows with COPY, model by model in dependency order, one transaction
    per batch. The audit triggers (pghistory) fire for every row as for any insert, under
    one pghistory context naming this run."""
    for model in INSERT_ORDER:
        if isinstance(model, str):
            model = apps.get_model(model)
        objs = rows.by_model.get(model)
        if not objs:
            continue
        writer = CopyWriter(model)
        for start in range(0, len(objs), WRITE_BATCH):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Both settings are read by every trigger call; when they are missing
                    # each call raises and catches an error, which costs ten times more.
                    cursor.execute(
                        "SELECT set_config('pghistory.context_id', %s, true), "
                        "set_config('pghistory.context_metadata', %s, true), "
                        "set_config('pgtrigger.ignore', '{}', true)",
                        list(context),
                    )
                counts[model.__name__] += writer.write(objs[start:start + WRITE_BATCH])


def build_rows(gen: Generator, skeletons: list[Skeleton], ids: IdPool) -> Rows:
    """Everything a chunk of people brings: them, their crimes and cases, and the histories."""
    people = gen.plan_chunk(skeletons)
    rows = Rows(ids)
    for pp in people:
        rows.add(pp.person)
    for pp in people:
        for cp in pp.cases:
            if cp.crime is not None:
                rows.add(cp.crime)
            rows.add(cp.case)
    for pp in people:
        gen.simulate(rows, pp)
    return rows


def generate(
    *,
    victims: int = 2000,
    year: int,
    seed: int = 2015,
    append: bool = False,
    as_of: datetime | None = None,
    chunk_size: int = 5000,
    progress: Callable[[str], None] | None = None,
) -> GenerateResult:
    """Generate `victims` people with their cases referred in `year` and their histories up
    to `as_of` (default: the end of the year). Refuses to add to earlier generated data
    unless `append`."""
    from volunteers.models import Volunteer

    started = clock.perf_counter()
    if victims < 1:
        raise ValueError("Generate at least one victim.")
    if has_generated_data() and not append:
        raise AlreadyGenerated(
            "This database already has generated demo data: use --append to add more."
        )
    as_of = as_of or default_as_of(year)
    staff = ensure_staff()
    services = list(SupportService.objects.filter(active=True).order_by("pk"))
    volunteers = list(Volunteer.objects.active().select_related("user").order_by("pk"))
    person_no, crime_no = _numbering()
    gen = Generator(victims=victims, year=year, seed=seed, as_of=as_of, staff=staff,
                    services=services, volunteers=volunteers, person_offset=person_no,
                    crime_offset=crime_no)
    population = plan_population(gen.rng, victims)
    counts: Counter = Counter()
    ids = IdPool()
    # The audit context of every row written (pghistory): which run made it.
    run = f"{seed}/{year}/{person_no}"
    context = (
        str(uuid.uuid5(uuid.NAMESPACE_URL, f"victims-hub:generate_demo_data:{run}")),
        json.dumps({"via": "generate_demo_data", "seed": seed, "year": year,
                    "victims": victims}),
    )
    for start in range(0, victims, chunk_size):
        chunk = population[start:start + chunk_size]
        _write(build_rows(gen, chunk, ids), counts, context)
        if progress:
            progress(f"  {min(start + chunk_size, victims):,} of {victims:,} victims "
                     f"({clock.perf_counter() - started:.0f}s)")
    # Fresh statistics for the planner: after a bulk load the old ones are far off (a year's
    # referrals estimated at a few hundred rows picks nested loops where a hash join wins).
    with connection.cursor() as cursor:
        for model in INSERT_ORDER:
            model = apps.get_model(model) if isinstance(model, str) else model
            if counts.get(model.__name__):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    result = GenerateResult(victims=victims, year=year, seed=seed, as_of=as_of,
                            seconds=0.0, counts=dict(counts))
    result.seconds = clock.perf_counter() - started
    return result
