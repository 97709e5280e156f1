"""Demo data (demo/year): the same seed gives the same rows, in any process.

Apart from tests/demo/test_year.py, whose module-wide generated year would be in the
database (the generator refuses to run twice), whichever order the tests run in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import transaction

from assessments.models import Closure, ClosureOutcome, Dvna
from cases.models import Case, CaseTransition, Crime, Person
from contact.models import ContactAttempt, Letter
from demo.year import generate
from intake.models import Ivna
from scheduling.models import ScheduledItem

pytestmark = pytest.mark.django_db

YEAR = 2024
SEED = 11


def _relative(values: list, base: int) -> list:
    return [v - base if isinstance(v, int) else v for v in values]


def summary() -> dict:
    """Key columns of what was generated, in id order, with ids as offsets (sequences do not
    roll back, so two runs get different ids)."""
    person0 = Person.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    case0 = Case.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    out = {
        "people": list(Person.objects.order_by("pk").values_list(
            "police_person_id", "first_name", "last_name", "date_of_birth", "gender",
            "ethnicity", "district", "deprivation_quintile", "postcode", "phone", "email",
            "safe_to_write", "created_at", "updated_at")),
        "crimes": list(Crime.objects.order_by("pk").values_list(
            "reference", "crime_type", "offence_date", "reported_at", "markers")),
        "cases": [
            (*_relative([row[0]], person0), *row[1:])
            for row in Case.objects.order_by("pk").values_list(
                "person_id", "crime__reference", "source", "route", "status",
                "enhanced_entitlement", "supported_elsewhere", "referred_at", "contact_due_at",
                "contact_outcome", "responded_to_letter", "repeat_victim", "closed_at",
                "allocated_to__username", "updated_at")
        ],
        "ivnas": list(Ivna.objects.order_by("pk").values_list(
            "priority_categories", "dash_risk", "needs_support", "mash_referral", "route",
            "triage_rules", "recorded_by__username", "recorded_at")),
        "transitions": [
            (row[0] - case0, *row[1:])
            for row in CaseTransition.objects.order_by("pk").values_list(
                "case_id", "from_status", "to_status", "at", "reason")
        ],
        "letters": list(Letter.objects.order_by("pk").values_list(
            "kind", "channel", "status", "sent_at")),
        "attempts": list(ContactAttempt.objects.order_by("pk").values_list(
            "made_at", "band", "outcome", "made_by__username")),
        "dvnas": list(Dvna.objects.order_by("pk").values_list(
            "number", "assessed_at", "risk_from_offender")),
        "closures": list(Closure.objects.order_by("pk").values_list("closed_at", "reason")),
        "outcomes": list(ClosureOutcome.objects.order_by("pk").values_list("area", "outcome")),
        "items": list(ScheduledItem.objects.order_by("pk").values_list(
            "kind", "state", "due_at", "deadline_at")),
    }
    return out


def generated(**kwargs) -> dict:
    """The summary of what generate(**kwargs) makes, rolled back."""
    with transaction.atomic():
        generate(victims=150, **kwargs)
        made = summary()
        transaction.set_rollback(True)
    return made


def test_the_same_seed_gives_the_same_rows():
    first = generated(year=YEAR, seed=SEED)
    second = generated(year=YEAR, seed=SEED)
    other = generated(year=YEAR, seed=SEED + 1)
    assert len(first["cases"]) >= 150
    assert first == second
    assert first["people"] != other["people"]


def test_the_same_seed_and_day_give_the_same_rows():
    """The demo `make run` opens is the same for a seed and a day, whenever it is made: the
    twelve months up to the day, the histories to its start."""
    today = date(2026, 6, 10)
    first = generated(today=today, seed=SEED)
    second = generated(today=today, seed=SEED)
    next_day = generated(today=today + timedelta(days=1), seed=SEED)
    assert len(first["cases"]) >= 150 and first["items"]
    assert first == second
    assert first["cases"] != next_day["cases"]


# Builds every row of 300 victims in memory (no database) and prints a digest of them.
DIGEST = """
import hashlib, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
django.setup()
from datetime import datetime
from zoneinfo import ZoneInfo
from accounts.models import User
from cases.models import Case
from demo import year as d

class Ids:
    n = 0
    def take(self, model):
        Ids.n += 1
        return Ids.n

staff = d.Staff(officers=[User(pk=1)], vccs=[User(pk=2), User(pk=3)], managers=[User(pk=4)])
gen = d.Generator(victims=300, year=2024, seed=5, staff=staff, services=[], volunteers=[],
                  as_of=datetime(2025, 1, 1, tzinfo=ZoneInfo("Europe/London")),
                  person_offset=0, crime_offset=0)
people = d.plan_population(gen.rng, 300)
for person in people[::10]:  # repeat victims with several markers: the order-prone case
    if not person.self_referrer:
        person.markers |= {"domestic_abuse", "hate_crime", "online_crime"}
        person.repeat = True
rows = d.build_rows(gen, people, Ids())
digest = hashlib.sha256()
for model, objs in sorted(rows.by_model.items(), key=lambda item: item[0].__name__):
    digest.update("\\n".join(d.CopyWriter(model).lines(objs)).encode())
print(len(rows.by_model[Case]), digest.hexdigest())
"""


def test_the_same_seed_gives_the_same_rows_whatever_the_hash_seed():
    """Sets and dicts of strings iterate in an order that changes from one process to the
    next (PYTHONHASHSEED): nothing the generator draws may depend on it."""
    digests = set()
    for hash_seed in ("1", "2"):
        out = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", DIGEST], capture_output=True, text=True, check=True,
            cwd=settings.BASE_DIR, env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1, digests
    assert int(digests.pop().split()[0]) > 300
