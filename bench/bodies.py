"""IVNA bodies as the police crime system sends them (DOMAIN.md, the API contract), for the
benchmarks: plain Python (no Django), so the load test's locust process can use them too."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

KINDS = [
    ("theft_and_handling", [], {"needs_support": False}),
    ("burglary", [], {"needs_support": True}),
    ("violence_against_the_person", ["domestic_abuse"],
     {"needs_support": True, "dash_risk": "medium", "priority_categories": ["vulnerable"]}),
    ("vehicle_offences", [], {"needs_support": False}),
    ("criminal_damage", ["hate_crime"], {"needs_support": False}),
]


def ivna(stamp: str, i: int, *, today: date | None = None) -> dict:
    """A varied IVNA, unique by `stamp` and `i` (its crime reference and police person id)."""
    today = today or date.today()  # noqa: DTZ011 - the police's calendar day
    crime_type, markers, assessment = KINDS[i % len(KINDS)]
    return {
        "crime": {"reference": f"BENCH/{stamp}/{i:05d}", "crime_type": crime_type,
                  "offence_date": (today - timedelta(days=2)).isoformat(),
                  "reported_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
                  "markers": markers},
        "victim": {"police_person_id": f"B-{stamp}-{i:05d}", "first_name": "Ann",
                   "last_name": f"Bench{i}", "date_of_birth": "1980-05-17", "gender": "female",
                   "phone": "07700900123", "email": "" if i % 3 else "ann@example.org",
                   "address": {"line1": "1 High St", "town": "Wisbech", "postcode": "PE13 1AA"},
                   "district": "fenland", "first_language": "en", "interpreter_needed": False},
        "assessment": {"supported_elsewhere": False, "mash_referral": False,
                       "safe_to_write": True, "consent_to_contact": True, "notes": "",
                       **assessment},
    }


def ivna_json(stamp: str, i: int, *, today: date | None = None) -> str:
    return json.dumps(ivna(stamp, i, today=today))
