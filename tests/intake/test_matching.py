"""The one matching module and the one set of date checks every way in uses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from intake.checks import date_errors
from intake.matching import VictimDetails, match_person
from tests.factories import PersonFactory

OFFENCE = date(2025, 3, 1)


def test_the_same_police_person_id_is_the_same_person_and_only_safety_changes_apply(db):
    """Intake never overwrites what the hub knows of a person: a safe-contact "no" applies
    at once; the new phone is proposed on the case (intake.amendments), not applied."""
    known = PersonFactory(police_person_id="P-1", phone="01632 960001")
    person, new = match_person(
        victim=VictimDetails(
            first_name=known.first_name,
            last_name=known.last_name,
            police_person_id="P-1",
            phone=" 01632 960002 ",
            gender="unknown",
        ),
        safe_to_write=False,
    )
    known.refresh_from_db()
    assert (person.pk, new) == (known.pk, False)
    assert known.phone == "01632 960001"
    assert known.gender == "female"  # "unknown" never overwrites what the hub knows
    assert known.safe_to_write is False


def test_without_a_police_person_id_it_is_always_a_new_person(db):
    """Transfers in and self-referrals give no police person id: the same name, date of
    birth and phone still make a new person (a VCC links records once they have spoken)."""
    known = PersonFactory(date_of_birth=date(1990, 1, 1), phone="01632 960001")
    person, new = match_person(
        victim=VictimDetails(
            first_name=known.first_name,
            last_name=known.last_name,
            date_of_birth=known.date_of_birth,
            phone=known.phone,
            postcode=" pe1 1aa ",
        )
    )
    assert new is True and person.pk != known.pk
    assert person.postcode == "PE1 1AA"
    # What was not given takes the record's defaults.
    assert (person.safe_to_call, person.may_leave_message, person.first_language) == (
        True,
        False,
        "en",
    )


@pytest.mark.parametrize(
    ("dates", "errors"),
    [
        ({}, set()),
        (
            {"offence_date": date.today() + timedelta(days=2), "reported_at": None},
            {"crime.offence_date"},
        ),
        ({"date_of_birth": OFFENCE + timedelta(days=1)}, {"victim.date_of_birth"}),
        ({"date_of_birth": date(1899, 12, 31)}, {"victim.date_of_birth"}),
        ({"reported_at": timezone.now() + timedelta(hours=1)}, {"crime.reported_at"}),
        ({"reported_at": timezone.now() - timedelta(days=4000)}, {"crime.reported_at"}),
        ({"reported_at": None}, set()),
    ],
)
def test_date_checks(dates, errors):
    given = {"offence_date": OFFENCE, "reported_at": timezone.now(), "date_of_birth": None}
    given.update(dates)
    assert set(date_errors(**given)) == errors
