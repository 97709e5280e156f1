"""Victims' Code evidence for the demo year (issue 15), by rights.services' rules: each
generated case gets its entitlement rows, a plausible path through the justice process and
evidence of the rights the police deliver, so that the compliance return has a mix of on
time, late, declined, missed and not recorded to show.

Rates (plausible for a police force area, not measured): of the cases with a crime, about
40% no suspect or no further action, 25% still under investigation, 15% charged, two in
three of those with a trial date, most trials with an outcome and a third of convictions a
custodial sentence; the police's rights (2, 3, 6 to 9) recorded on time for about 65%, late
for 15% (those with a time limit), declined by 3%, missed by 4%, the rest not recorded yet;
Right 5 (compensation information) for 60% of the victims who accepted support.

Deterministic from the seed: its own random.Random built from the seed and the year, the
cases taken in id order. Cases that already have entitlement rows are left alone, so a
second run (or an appended year) adds to the new cases only.

In bulk (about a millisecond a case, not fifteen): each case's story is told to a
rights.bulk.CaseRights, which decides in memory what rights.services and rights.backfill
would record, by their own functions; a batch of cases is then written at once (COPY, and
one UPDATE per round of later changes), so the audit triggers record the same rows and the
same history as the services would, under the run's pghistory context. `case_story` takes
anything with the services' calls: the equivalence test tells it to the services themselves.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.models import Case
from contact.models import ContactOutcome
from demo.year.names import PERSON_ID_PREFIX, STAFF
from demo.year.rows import CopyWriter, IdPool, use_context
from rights.backfill import histories
from rights.bulk import STATE, CaseRights, row_values
from rights.models import Entitlement, EvidenceStatus, JusticeEvent, JusticeStage

POLICE_RIGHTS = (2, 3, 6, 7, 8, 9)
# Cases per transaction (their rows, about twelve each, with the audit triggers' rows: the
# triggers cost more a row the more the transaction holds, demo.year.rows.WRITE_BATCH), and
# cases whose past is read at once (rights.backfill.histories: a query per kind of event).
BATCH = 250
READ_BATCH = 1000


def _day(start: datetime, low: int, high: int, rng: random.Random) -> date:
    return (timezone.localtime(start) + timedelta(days=rng.randint(low, high))).date()


def _justice_path(case: Case, rng: random.Random) -> list[tuple[str, date]]:
    """The steps of the justice process this case takes (dates from the referral)."""
    if case.crime_id is None:
        return []
    start = case.referred_at
    draw = rng.random()
    if draw < 0.40:
        stage = JusticeStage.NO_SUSPECT if rng.random() < 0.6 else JusticeStage.NO_FURTHER_ACTION
        return [(stage, _day(start, 1, 30, rng))]
    if draw < 0.65:
        return [(JusticeStage.UNDER_INVESTIGATION, _day(start, 1, 14, rng))]
    if draw >= 0.80:
        return []
    charged = _day(start, 10, 60, rng)
    steps = [(JusticeStage.CHARGED, charged)]
    if rng.random() < 2 / 3:
        trial = charged + timedelta(days=rng.randint(14, 60))
        steps.append((JusticeStage.TRIAL_DATE, trial))
        if rng.random() < 0.8:
            outcome_day = trial + timedelta(days=rng.randint(30, 120))
            convicted = rng.random() < 0.7
            steps.append((JusticeStage.CONVICTED if convicted else JusticeStage.ACQUITTED,
                          outcome_day))
            if convicted and rng.random() < 1 / 3:
                steps.append((JusticeStage.SENTENCED_CUSTODY, outcome_day))
    return steps


def _police_evidence(rights, officer: User, as_of: datetime, rng: random.Random) -> None:
    for row in rights.sync_entitlements():
        if row.right not in POLICE_RIGHTS or row.status != EvidenceStatus.DUE:
            continue
        draw = rng.random()
        start = row.applies_from
        if draw < 0.80 and (draw < 0.65 or row.due_at is None):
            limit = row.due_at or start + timedelta(days=3)
            at = start + (limit - start) * rng.random()
            status, how, reason = EvidenceStatus.MET, "Told by the officer in the case", ""
        elif draw < 0.80:
            at = row.due_at + timedelta(hours=rng.randint(2, 240))
            status, how, reason = EvidenceStatus.MET, "Told by the officer in the case", ""
        elif draw < 0.83:
            at = start + timedelta(hours=rng.randint(1, 72))
            status, how, reason = EvidenceStatus.DECLINED, "", ""
        elif draw < 0.87:
            at = (row.due_at or start) + timedelta(days=rng.randint(1, 20))
            status, how, reason = EvidenceStatus.MISSED, "", "Not done within the time limit"
        else:
            continue
        if at <= as_of:
            rights.record_evidence(row.right, status=status, at=at, how=how, reason=reason,
                                   by=officer)


def case_story(rights, case: Case, *, officer: User, today: date, as_of: datetime,
               rng: random.Random) -> None:
    """One case's rights: the entitlements and the hub's evidence from its generated history
    (rights.backfill), its justice steps, the police's evidence and Right 5 from the plan.
    `rights`: a rights.bulk.CaseRights, or anything with the same calls."""
    rights.backfill_case()
    for stage, day in _justice_path(case, rng):
        if day <= today:
            rights.record_justice_event(stage, day, by=officer)
    _police_evidence(rights, officer, as_of, rng)
    if case.contact_outcome == ContactOutcome.ACCEPTED and rng.random() < 0.6:
        at = case.referred_at + timedelta(days=rng.randint(5, 40))
        if at <= as_of:
            rights.record_hub_evidence(5, at=at, how="Compensation information given and a "
                                       "CICA application offered (plan)")


def cases_without_rights() -> list[int]:
    """The generated cases no rights row was made for (written in bulk), in id order."""
    return list(
        Case.objects.filter(person__police_person_id__startswith=PERSON_ID_PREFIX,
                            entitlements__isnull=True)
        .order_by("pk").values_list("pk", flat=True)
    )


def rights_run(*, seed: int, year: int | None, as_of: datetime
               ) -> tuple[random.Random, User, date]:
    """The random stream, the officer and the last day of a run of add_rights_evidence."""
    run = year if year is not None else timezone.localtime(as_of).date().isoformat()
    rng = random.Random(f"{seed}/{run}/rights")  # noqa: S311 - demo data
    # The generated officers (demo.year.engine.ensure_staff made them), the first of them.
    officer = User.objects.get(username=STAFF[Role.POLICE][0][0])
    today = min(timezone.localtime(as_of).date(), timezone.localdate())
    return rng, officer, today


def add_rights_evidence(*, seed: int, year: int | None, as_of: datetime,
                        context: tuple[str, str]) -> int:
    """Entitlements, the hub's own evidence from the generated history (rights.backfill, as
    for cases older than the rights app), justice steps and the police's evidence, for the
    generated cases that have no entitlement rows yet (the rows were written in bulk, so no
    event made them); the number of cases done. `year` None: the demo up to today.
    `context`: the run's pghistory context (demo.year.rows.use_context)."""
    rng, officer, today = rights_run(seed=seed, year=year, as_of=as_of)
    case_ids = cases_without_rights()
    ids = IdPool()
    for start in range(0, len(case_ids), READ_BATCH):
        chunk = case_ids[start:start + READ_BATCH]
        past = histories(chunk)
        cases = list(Case.objects.filter(pk__in=chunk).select_related("person").order_by("pk"))
        for first in range(0, len(cases), BATCH):
            now = timezone.now()
            told = []
            for case in cases[first:first + BATCH]:
                rights = CaseRights(case, past[case.pk], now=now)
                case_story(rights, case, officer=officer, today=today, as_of=as_of, rng=rng)
                told.append(rights)
            with transaction.atomic():
                use_context(context)
                with connection.cursor() as cursor:  # demo data: made again if a crash lost it
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                write_rights(told, ids)
    with connection.cursor() as cursor:
        for model in (Entitlement, JusticeEvent):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return len(case_ids)


def write_rights(told: list[CaseRights], ids: IdPool) -> None:
    """Write what the cases' CaseRights decided, as the services would have: each row
    INSERTed as first made, then each later state of it as an UPDATE (one statement a round
    for the batch), so the audit triggers record every state; the justice events INSERTed.
    Ids in the order the services would have taken them."""
    first, later = [], []
    for rights in told:
        for row in rights.created:
            row.pk = ids.take(Entitlement)
            states = rights.versions[row.right]
            first.append(row_values(row, states[0]))
            for n, state in enumerate(states[1:]):
                if len(later) <= n:
                    later.append([])
                later[n].append(row_values(row, state))
    events = []
    for rights in told:
        for event in rights.events:
            event.pk = ids.take(JusticeEvent)
            events.append(event)
    CopyWriter(Entitlement).write_values(first)
    CopyWriter(JusticeEvent).write(events)
    if not later:
        return
    table = Entitlement._meta.db_table
    columns = [f.column for f in Entitlement._meta.concrete_fields if f.attname in STATE]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TEMP TABLE IF NOT EXISTS "next_{table}" '
                       f'(LIKE "{table}") ON COMMIT DELETE ROWS')
        assignments = ", ".join(f'"{c}" = n."{c}"' for c in columns)
        for states in later:
            CopyWriter(Entitlement, table=f"next_{table}").write_values(states)
            cursor.execute(f'UPDATE "{table}" AS e SET {assignments} '  # noqa: S608 - names
                           f'FROM "next_{table}" AS n WHERE e.id = n.id')
            cursor.execute(f'TRUNCATE "next_{table}"')
