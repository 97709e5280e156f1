"""Victims' Code evidence for the demo year (issue 15), through rights.services only: each
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
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.models import Case
from contact.models import ContactOutcome
from demo.year.names import PERSON_ID_PREFIX, STAFF
from rights.backfill import backfill_case
from rights.models import EvidenceStatus, JusticeStage
from rights.services import (
    record_evidence,
    record_hub_evidence,
    record_justice_event,
    sync_entitlements,
)

POLICE_RIGHTS = (2, 3, 6, 7, 8, 9)
BATCH = 200


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


def _police_evidence(case: Case, officer: User, as_of: datetime, rng: random.Random) -> None:
    for row in sync_entitlements(case):
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
            record_evidence(case, row.right, status=status, at=at, how=how, reason=reason,
                            by=officer)


def add_rights_evidence(*, seed: int, year: int | None, as_of: datetime) -> int:
    """Entitlements, the hub's own evidence from the generated history (rights.backfill, as
    for cases older than the rights app), justice steps and the police's evidence, for the
    generated cases that have no entitlement rows yet (the rows were written in bulk, so no
    event made them); the number of cases done. `year` None: the demo up to today."""
    run = year if year is not None else timezone.localtime(as_of).date().isoformat()
    rng = random.Random(f"{seed}/{run}/rights")  # noqa: S311 - demo data
    # The generated officers (demo.year.engine.ensure_staff made them), the first of them.
    officer = User.objects.get(username=STAFF[Role.POLICE][0][0])
    today = min(timezone.localtime(as_of).date(), timezone.localdate())
    cases = list(
        Case.objects.filter(person__police_person_id__startswith=PERSON_ID_PREFIX,
                            entitlements__isnull=True)
        .select_related("person").order_by("pk")
    )
    for start in range(0, len(cases), BATCH):
        with transaction.atomic():
            for case in cases[start:start + BATCH]:
                backfill_case(case)
                for stage, day in _justice_path(case, rng):
                    if day <= today:
                        record_justice_event(case, stage, day, by=officer)
                _police_evidence(case, officer, as_of, rng)
                if case.contact_outcome == ContactOutcome.ACCEPTED and rng.random() < 0.6:
                    at = case.referred_at + timedelta(days=rng.randint(5, 40))
                    if at <= as_of:
                        record_hub_evidence(case, 5, at=at, how="Compensation information "
                                            "given and a CICA application offered (plan)")
    return len(cases)
