"""The demo year: `python manage.py generate_demo_data --victims N --seed S` calls
`generate()`, for the twelve months up to a day (`--today`, by default the real date: the
demo `make run` opens) or for a calendar year (`--year Y`: the historic year of the tests and
the benchmarks).

People are planned a chunk at a time (5,000 and everything that hangs off them) from the 2015
profile (demo.year.profile); each case's history is built by the per-app builders of this
package (intake, triaged, contact, support, referrals, volunteers), which ask the services
for their rules, reasons, keys and deadlines instead of restating them, and make only moves
a service makes (every status change a CaseTransition row that cases.workflow allows); the
rows are written in bulk (demo.year.rows). Work still open at the "as of" moment (the
start of "today", or the end of the year) is left due, as the hub would have it: what the
hub does by itself (rendering a letter) is done in the history, and what a person works
from "My work" fell due since the start of the last working day (a morning's list, not a
backlog).

Deterministic for a seed and a period: one random.Random, every time built from the year
or the day (never the clock), no uuid4.
"""

from __future__ import annotations

import json
import random
import time as clock
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import connection

from accounts.models import User
from accounts.roles import Role, role_group
from cases.models import Case, Crime, Person
from demo.year.contact import Contact
from demo.year.intake import Intake
from demo.year.names import CRIME_REF_PREFIX, DEMO_LOGINS, PERSON_ID_PREFIX, STAFF
from demo.year.people import People
from demo.year.plans import GenerateResult, Staff
from demo.year.profile import VICTIMS_2015, Skeleton, plan_population
from demo.year.rights import add_rights_evidence
from demo.year.rows import INSERT_ORDER, IdPool, Rows, write_rows
from demo.year.support import Support
from demo.year.triaged import Triaged
from directory.models import SupportService
from reporting.selectors import last_full_months


class Generator(Intake, Triaged, Contact, Support, People):
    """The year's builder: one random stream, the staff, the directory and the volunteers."""

    def __init__(self, *, victims: int, seed: int, as_of: datetime, staff: Staff,
                 services: list[SupportService], volunteers: list, person_offset: int,
                 crime_offset: int, year: int | None = None, today: date | None = None):
        self.victims = victims
        self.seed = seed
        self.as_of = as_of
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.first_day, self.last_day, period = referral_period(year=year, today=today)
        # One generator, seeded by the seed, the period and where the numbering starts (so
        # an appended year is not a copy of the first).
        self.rng = random.Random(f"{seed}/{period}/{person_offset}")  # noqa: S311 - demo data
        # Case references from a generator of their own, so they change no other draw.
        self.reference_rng = random.Random(f"{seed}/{period}/{person_offset}/references")  # noqa: S311
        # References already given (generate() fills it from the database).
        self.taken_references: set[str] = set()
        self.staff = staff
        self.services = services
        self.volunteers = volunteers
        self.person_no = person_offset
        self.crime_no = crime_offset
        self._start_clock()


def referral_period(*, year: int | None = None,
                    today: date | None = None) -> tuple[date, date, str]:
    """The days referrals fall on, and the name of the period (it seeds the draws): a
    calendar year; or, up to `today`, the twelve whole months the dashboard opens on
    (reporting.selectors.last_full_months) and this month's days before today."""
    if (year is None) == (today is None):
        raise ValueError("Give a year or a day to generate up to: one of them.")
    if year is not None:
        return date(year, 1, 1), date(year, 12, 31), str(year)
    shown = last_full_months(today)
    return shown.start, today - timedelta(days=1), today.isoformat()


def start_of(day: date) -> datetime:
    """The "as of" moment of a demo generated up to `day`: its first minute, before the hub
    opens (the morning's work is all still to do)."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


def ensure_staff(victims: int | None = None) -> Staff:
    """The generated officers, VCCs and managers (and seed_demo's logins when they exist).
    For fewer `victims` than 2015's, a team of VCCs to match (seed_demo's login first): each
    carries a caseload like a VCC of the full hub, so the demo's "My work" has a day's work."""
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
    if victims is not None:
        wanted = round(len(STAFF[Role.VCC]) * victims / VICTIMS_2015)
        pools[Role.VCC] = pools[Role.VCC][:max(2, wanted)]
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


def _analyze(counts: Counter) -> None:
    """Fresh statistics for the planner: after a bulk load the old ones are far off (a
    year's referrals estimated at a few hundred rows picks nested loops where a hash join
    wins)."""
    with connection.cursor() as cursor:
        for model in INSERT_ORDER:
            model = apps.get_model(model) if isinstance(model, str) else model
            if counts.get(model.__name__):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def generate(
    *,
    victims: int = 2000,
    year: int | None = None,
    today: date | None = None,
    seed: int = 2015,
    append: bool = False,
    as_of: datetime | None = None,
    chunk_size: int = 5000,
    progress: Callable[[str], None] | None = None,
) -> GenerateResult:
    """Generate `victims` people with their cases referred in `year`, or in the twelve months
    up to `today` (one of them), and their histories up to `as_of` (default: the end of the
    year, or the start of `today`). Refuses to add to earlier generated data unless
    `append`."""
    from volunteers.models import Volunteer

    started = clock.perf_counter()
    if victims < 1:
        raise ValueError("Generate at least one victim.")
    if has_generated_data() and not append:
        raise AlreadyGenerated(
            "This database already has generated demo data: use --append to add more."
        )
    if as_of is None:
        as_of = default_as_of(year) if year is not None else start_of(today)
    staff = ensure_staff(victims)
    services = list(SupportService.objects.filter(active=True).order_by("pk"))
    volunteers = list(Volunteer.objects.active().select_related("user").order_by("pk"))
    person_no, crime_no = _numbering()
    gen = Generator(victims=victims, year=year, today=today, seed=seed, as_of=as_of,
                    staff=staff, services=services, volunteers=volunteers,
                    person_offset=person_no, crime_offset=crime_no)
    # An appended year writes beside the cases there: never one of their references.
    gen.taken_references = set(Case.objects.values_list("reference", flat=True))
    population = plan_population(gen.rng, victims)
    counts: Counter = Counter()
    ids = IdPool()
    # The audit context of every row written (pghistory): which run made it.
    period = {"year": year} if year is not None else {"today": today.isoformat()}
    run = f"{seed}/{next(iter(period.values()))}/{person_no}"
    context = (
        str(uuid.uuid5(uuid.NAMESPACE_URL, f"victims-hub:generate_demo_data:{run}")),
        json.dumps({"via": "generate_demo_data", "seed": seed, **period, "victims": victims}),
    )
    for start in range(0, victims, chunk_size):
        chunk = population[start:start + chunk_size]
        write_rows(build_rows(gen, chunk, ids), counts, context)
        if progress:
            progress(f"  {min(start + chunk_size, victims):,} of {victims:,} victims "
                     f"({clock.perf_counter() - started:.0f}s)")
    _analyze(counts)
    add_rights_evidence(seed=seed, year=year, as_of=as_of, context=context)  # demo.year.rights
    result = GenerateResult(victims=victims, year=year, seed=seed, as_of=as_of,
                            seconds=0.0, counts=dict(counts), first_day=gen.first_day,
                            last_day=gen.last_day, today=today)
    result.seconds = clock.perf_counter() - started
    return result
