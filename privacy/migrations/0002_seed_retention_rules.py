"""The default retention schedule (docs/retention.md). Managers change the periods on the
retention schedule page; this migration only seeds rules that are not there yet."""

from django.db import migrations

DEFAULT_RULES = [
    {
        "key": "serious_harm",
        "priority": 10,
        "name": "Domestic abuse, sexual offences and child victims",
        "years": 10,
        "crime_types": ["sexual_offences"],
        "markers": [
            "domestic_abuse",
            "stalking_harassment",
            "child_abuse",
            "child_sexual_exploitation",
        ],
        "child_victims": True,
        "rationale": (
            "Repeat victimisation is common in domestic abuse, and the hub must see the "
            "person's history when they come back. Sexual offences often reach trial, or are "
            "disclosed again, years after the report. Domestic homicide reviews (Domestic "
            "Violence, Crime and Victims Act 2004, s.9) ask agencies for their records of the "
            "victim. A child's limitation period for a claim only starts at 18 (Limitation "
            "Act 1980, s.28)."
        ),
    },
    {
        "key": "serious_crime",
        "priority": 20,
        "name": "Other serious crime and high-risk victims",
        "years": 7,
        "routes": ["high_risk"],
        "markers": [
            "hate_crime",
            "terrorism",
            "human_trafficking",
            "attempted_murder",
            "kidnap",
            "false_imprisonment",
            "arson_endanger_life",
            "wounding_gbh_intent",
            "homicide_bereaved",
        ],
        "rationale": (
            "Victims' Code enhanced entitlement and MASH / Public Protection cases: the six "
            "years a claim can be brought (Limitation Act 1980, ss.2 and 5), and a year to "
            "serve it and for the hub to answer a complaint."
        ),
    },
    {
        "key": "letter_only",
        "priority": 30,
        "name": "Letter only",
        "years": 2,
        "routes": ["letter_only"],
        "rationale": (
            "The hub did nothing but write the introductory letter. Two years covers a "
            "victim who comes back after the letter and a complaint about it; the flow "
            "figures for the returns are kept in anonymous form."
        ),
    },
    {
        "key": "standard",
        "priority": 90,
        "name": "Every other case",
        "years": 6,
        "rationale": (
            "The six years in which a claim in contract or tort can be brought (Limitation "
            "Act 1980, ss.2 and 5), counted from the end of the hub's support."
        ),
    },
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for rule in DEFAULT_RULES:
        fields = {"routes": [], "crime_types": [], "markers": [], "child_victims": False, **rule}
        key = fields.pop("key")
        RetentionRule.objects.get_or_create(key=key, defaults=fields)


def unseed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    RetentionRule.objects.filter(key__in=[rule["key"] for rule in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
