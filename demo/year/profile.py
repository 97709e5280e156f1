"""The 2015 profile of the demo year: who the victims are (Table 1 of the 2016 update, by
district), what happened to them (Table 2's crime types, Table 3's markers), when they were
referred, and the plan of the whole population before any row is built.

Sources: DOMAIN.md "Facts that set scale and expectations"; seeds/000_...txt (Table 1). The
counts are shared out exactly (largest remainder) and shuffled, so every district's marginals
match Table 1 at any size.
"""

from __future__ import annotations

import random
from collections import defaultdict

from cases.choices import CrimeType, Ethnicity, Gender, Marker

# -- The 2015 profile ---------------------------------------------------------------------

VICTIMS_2015 = 29_218
SELF_REFERRALS_2015 = 131
SUPPORTED_RATE_2015 = 0.44

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


def choice(rng: random.Random, pairs) -> object:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def dict_choice(rng: random.Random, weights: dict) -> object:
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
