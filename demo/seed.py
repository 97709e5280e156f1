"""Demo logins and a handful of demo cases for the embedded run. Safe to run again."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, role_group
from core.errors import DomainError
from intake.models import SubmittedVia
from intake.services import (
    AssessmentAnswers,
    CrimeDetails,
    IvnaSubmission,
    VictimDetails,
    record_ivna,
)

DEMO_PASSWORD = "victims-hub-demo"  # noqa: S105 - demo logins for the local run only

DEMO_USERS = [
    ("police", Role.POLICE, "Pat", "Constable"),
    ("vcc", Role.VCC, "Val", "Carer"),
    ("manager", Role.MANAGER, "Morgan", "Hubley"),
    ("volunteer", Role.VOLUNTEER, "Vic", "Helper"),
    ("opcc", Role.OPCC, "Olu", "Analyst"),
]


DEMO_ONLY = (
    "Demo logins are made only by the local demo run (make run): this hub is not one "
    "(HUB_EMBEDDED is not set)."
)


def ensure_demo_users() -> list[tuple[str, str, str]]:
    """One login per role; returns (username, password, role label).

    Rule (issue 13): the published demo password exists only in the local demo run
    (`make run`, HUB_EMBEDDED); any other hub refuses to make these logins, and
    `check --deploy` fails while any account has the demo password (demo/checks.py)."""
    if not settings.HUB_EMBEDDED:
        raise DomainError(DEMO_ONLY)
    logins = []
    for username, role, first, last in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.set([role_group(role)])
        logins.append((username, DEMO_PASSWORD, Role(role).label))
    return logins


def _ivna(ref, crime_type, days_ago, markers, person_id, first, last, dob, gender, district,
          town, postcode, **answers) -> IvnaSubmission:
    today = timezone.localdate()
    offence = today - timedelta(days=days_ago)
    return IvnaSubmission(
        crime=CrimeDetails(
            reference=ref,
            crime_type=crime_type,
            offence_date=offence,
            reported_at=timezone.now() - timedelta(days=max(days_ago - 1, 0)),
            markers=markers,
        ),
        victim=VictimDetails(
            police_person_id=person_id,
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            gender=gender,
            district=district,
            town=town,
            postcode=postcode,
            address_line1=f"{10 + len(last)} Example Road",
            phone="07700 900" + str(100 + len(first + last)),
        ),
        assessment=AssessmentAnswers(**answers),
    )


def demo_submissions() -> list[IvnaSubmission]:
    from datetime import date

    return [
        _ivna("CF/10001/25", "violence_against_the_person", 2, ["domestic_abuse"], "N-900001",
              "Ann", "Example", date(1984, 5, 17), "female", "fenland", "Wisbech", "PE13 1AA",
              needs_support=True, dash_risk="medium", priority_categories=["vulnerable"]),
        _ivna("CF/10002/25", "burglary", 3, [], "N-900002", "Brian", "Sample",
              date(1951, 2, 3), "male", "huntingdonshire", "St Ives", "PE27 5AA",
              needs_support=True),
        _ivna("CF/10003/25", "theft_and_handling", 4, [], "N-900003", "Chloe", "Test",
              date(1995, 8, 30), "female", "cambridge", "Cambridge", "CB1 2AB",
              needs_support=False),
        _ivna("CF/10004/25", "violence_against_the_person", 1, ["domestic_abuse"], "N-900004",
              "Dana", "Placeholder", date(1990, 1, 9), "female", "peterborough",
              "Peterborough", "PE1 1AA", needs_support=True, dash_risk="high",
              mash_referral=True, safe_to_write=False),
        _ivna("CF/10005/25", "sexual_offences", 5, [], "N-900005", "Eli", "Mock",
              date(2009, 11, 2), "male", "south_cambridgeshire", "Cambourne", "CB23 6AA",
              needs_support=True),
        _ivna("CF/10006/25", "criminal_damage", 6, ["hate_crime"], "N-900006", "Farah",
              "Dummy", date(1978, 4, 12), "female", "peterborough", "Peterborough",
              "PE1 2BB", needs_support=False),
        _ivna("CF/10007/25", "vehicle_offences", 7, [], "N-900007", "Gary", "Instance",
              date(1969, 7, 21), "male", "east_cambridgeshire", "Ely", "CB7 4AA",
              needs_support=False),
        _ivna("CF/10008/25", "theft_and_handling", 1, [], "N-900001", "Ann", "Example",
              date(1984, 5, 17), "female", "fenland", "Wisbech", "PE13 1AA",
              needs_support=False),
    ]


@transaction.atomic
def load_demo_cases() -> int:
    officer = User.objects.get(username="police")
    created = 0
    for submission in demo_submissions():
        result = record_ivna(submission=submission, by=officer, via=SubmittedVia.WEB)
        created += int(result.created)
    return created
