"""Reporting's one write: the daily job that finalises and revises the quarterly returns of
every kind (`reporting.versions` holds the rules and the kinds; docs/returns.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from cases.models import Case
from reporting.figures import changes
from reporting.models import QuarterlyReturnVersion, ReturnKind
from reporting.versions import (
    KINDS,
    finalisation_day,
    quarter_of,
    revision_window,
    rules_change,
)


@dataclass
class ReturnsUpdate:
    """What one run stored: "2025 Q1 v1" for each version, and what it skipped because
    another run stored that version first."""

    stored: list[str] = field(default_factory=list)
    lost_race: list[str] = field(default_factory=list)


def _store(
    *, kind: str, year: int, quarter: int, version: int, payload: dict, made: list[dict],
    update: ReturnsUpdate,
) -> None:
    label = f"{year} Q{quarter} v{version}"
    if kind != ReturnKind.QUARTERLY:
        label = f"{kind} {label}"
    try:
        with transaction.atomic():
            QuarterlyReturnVersion.objects.create(
                kind=kind, year=year, quarter=quarter, version=version,
                rules_version=payload["counting_rules_version"], payload=payload, changes=made,
            )
    except IntegrityError:
        # Another run stored this version between our read and our write: it stands, and
        # the next run compares against it (one_return_per_kind_quarter_version).
        update.lost_race.append(label)
        return
    update.stored.append(label)


def _first_quarter() -> tuple[int, int] | None:
    first = Case.objects.aggregate(first=Min("referred_at"))["first"]
    return None if first is None else quarter_of(timezone.localtime(first).date())


def _due_unfinalised(today: date, finalised: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Every quarter from the first referral's on that has reached its finalisation day and
    has no version yet, oldest first."""
    start = _first_quarter()
    if start is None:
        return []
    due = []
    year, quarter = start
    while finalisation_day(year, quarter) <= today:
        if (year, quarter) not in finalised:
            due.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return due


def update_returns(*, today: date | None = None) -> ReturnsUpdate:
    """Daily: `update_quarterly_returns` for every kind of return (reporting.versions.KINDS),
    the quarterly return first."""
    update = ReturnsUpdate()
    for kind in KINDS:
        done = update_quarterly_returns(today=today, kind=kind)
        update.stored += done.stored
        update.lost_race += done.lost_race
    return update


def update_quarterly_returns(
    *, today: date | None = None, kind: str = ReturnKind.QUARTERLY
) -> ReturnsUpdate:
    """Daily, for one kind of return (the quarterly return unless said): finalise each quarter from
    its finalisation day (version 1), and store a revision of each finalised quarter of the
    look-back whose figures or counting rules are no longer those of its latest version.

    Safe to run twice (a second run finds nothing changed) and at once with itself (the
    version number is unique: the later writer stores nothing). An earlier version is
    never changed (the table is append-only)."""
    today = today or timezone.localdate()
    update = ReturnsUpdate()
    compute, rules_version = KINDS[kind].compute, KINDS[kind].rules_version
    latest = {
        (row.year, row.quarter): row
        for row in QuarterlyReturnVersion.objects.filter(kind=kind)
        .order_by("year", "quarter", "-version")
        .distinct("year", "quarter")
        .defer("payload")
    }
    for year, quarter in _due_unfinalised(today, set(latest)):
        payload = compute(year, quarter, today=today)
        _store(kind=kind, year=year, quarter=quarter, version=1, payload=payload, made=[],
               update=update)

    for year, quarter in revision_window(today):
        previous = latest.get((year, quarter))
        if previous is None:
            continue
        payload = compute(year, quarter, today=today)
        before = QuarterlyReturnVersion.objects.values_list("payload", flat=True).get(
            pk=previous.pk
        )
        made = changes(before, payload)
        if previous.rules_version != rules_version:
            made.insert(0, rules_change(previous.rules_version, rules_version))
        if made:
            _store(kind=kind, year=year, quarter=quarter, version=previous.version + 1,
                   payload=payload, made=made, update=update)
    return update
