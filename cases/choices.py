"""The hub's reference lists, in its own words, with the slugs the API contract uses."""

from django.db import models


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """The categories of Table 1 in the 2016 update."""

    WHITE_BRITISH_IRISH = "white_british_irish", "White: British / Irish"
    WHITE_OTHER = "white_other", "White: Other White"
    MIXED = "mixed", "Mixed"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black or Black British"
    OTHER = "other", "Other ethnic group"
    DECLINED = "declined", "Declined / third party report / did not understand"
    GYPSY_ROMA_TRAVELLER = "gypsy_roma_traveller", "Gypsy / Roma / Traveller"
    UNKNOWN = "unknown", "Not known"


class CrimeType(models.TextChoices):
    """Home Office main codes, plus the two non-crime incidents the hub accepts."""

    BURGLARY = "burglary", "Burglary"
    SEXUAL_OFFENCES = "sexual_offences", "Sexual offences"
    THEFT_AND_HANDLING = "theft_and_handling", "Theft and handling"
    VIOLENCE_AGAINST_THE_PERSON = "violence_against_the_person", "Violence against the person"
    VEHICLE_OFFENCES = "vehicle_offences", "Vehicle offences"
    CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage"
    ROBBERY = "robbery", "Robbery"
    FRAUD = "fraud", "Fraud"
    OTHER = "other", "Other crime"
    ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour", "Anti-social behaviour (incident)"
    ROAD_TRAFFIC_COLLISION = "road_traffic_collision", "Road traffic collision (incident)"


NON_CRIME_INCIDENTS = frozenset({CrimeType.ANTI_SOCIAL_BEHAVIOUR, CrimeType.ROAD_TRAFFIC_COLLISION})


class Marker(models.TextChoices):
    """Vulnerability and serious-crime markers an officer can put on a crime."""

    CHILD_ABUSE = "child_abuse", "Child abuse"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation", "Child sexual exploitation"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    HATE_CRIME = "hate_crime", "Hate crime"
    ONLINE_CRIME = "online_crime", "Online crime"
    SAFEGUARDING_VULNERABLE_ADULTS = (
        "safeguarding_vulnerable_adults",
        "Safeguarding of vulnerable adults",
    )
    STALKING_HARASSMENT = "stalking_harassment", "Stalking or harassment"
    TERRORISM = "terrorism", "Terrorism"
    HUMAN_TRAFFICKING = "human_trafficking", "Human trafficking or modern slavery"
    ATTEMPTED_MURDER = "attempted_murder", "Attempted murder"
    KIDNAP = "kidnap", "Kidnap"
    FALSE_IMPRISONMENT = "false_imprisonment", "False imprisonment"
    ARSON_ENDANGER_LIFE = "arson_endanger_life", "Arson with intent to endanger life"
    WOUNDING_GBH_INTENT = "wounding_gbh_intent", "Wounding or GBH with intent"
    HOMICIDE_BEREAVED = "homicide_bereaved", "Bereaved by homicide"
    # The Home Office main code "sexual offences" covers exposure and rape alike; the officer
    # says which is serious, as the Public Protection Department takes those (service
    # specification, Appendix 2). See docs/triage.md.
    SERIOUS_SEXUAL_OFFENCE = (
        "serious_sexual_offence",
        "Serious sexual offence (rape or assault by penetration)",
    )


class CaseSource(models.TextChoices):
    POLICE_IVNA = "police_ivna", "Police IVNA"
    SELF_REFERRAL = "self_referral", "Self-referral"
    AGENCY = "agency", "Agency referral"
    TRANSFER_IN = "transfer_in", "Transfer from another area"


class Route(models.TextChoices):
    HIGH_RISK = "high_risk", "High risk (MASH / Public Protection)"
    HUB_CONTACT = "hub_contact", "Hub contact"
    LETTER_ONLY = "letter_only", "Letter only"


class ContactBand(models.TextChoices):
    """Parts of the day a victim may be phoned (three attempts in differing bands)."""

    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"


def age_band(age: int | None) -> str:
    """Table 1's age groups."""
    if age is None:
        return "unknown"
    for upper, label in (
        (15, "under_16"),
        (17, "16_17"),
        (24, "18_24"),
        (29, "25_29"),
        (39, "30_39"),
        (49, "40_49"),
        (59, "50_59"),
        (69, "60_69"),
        (79, "70_79"),
        (89, "80_89"),
    ):
        if age <= upper:
            return label
    return "90_plus"


# First languages offered on forms (ISO 639-1), most common in the area first; the API takes
# any ISO 639 code.
LANGUAGES = [
    ("en", "English"),
    ("pl", "Polish"),
    ("lt", "Lithuanian"),
    ("lv", "Latvian"),
    ("ro", "Romanian"),
    ("pt", "Portuguese"),
    ("ru", "Russian"),
    ("bg", "Bulgarian"),
    ("ur", "Urdu"),
    ("pa", "Punjabi"),
    ("bn", "Bengali"),
    ("ar", "Arabic"),
    ("ku", "Kurdish"),
    ("so", "Somali"),
    ("tr", "Turkish"),
    ("zh", "Chinese"),
    ("ti", "Tigrinya"),
    ("other", "Another language"),
]
