"""Reads of IVNAs that several views share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from intake.models import Ivna, IvnaVersion


def ivnas_submitted_by(user: User) -> QuerySet[Ivna]:
    """What police staff may see: the IVNAs they recorded themselves (or sent a new version
    of), newest first.

    The cases are found by two index scans joined by a UNION (the IVNAs an officer recorded,
    the versions they sent): written as `recorded_by = user OR EXISTS (a version)`, PostgreSQL
    has to read every IVNA, which at 300,000 cases took over a second a page
    (tests/intake/test_my_submissions_plan.py holds the plan to index scans)."""
    mine = (
        Ivna.objects.filter(recorded_by=user).order_by().values("case_id")
        .union(IvnaVersion.objects.filter(recorded_by=user).order_by().values("case_id"))
    )
    return (
        Ivna.objects.filter(case_id__in=mine)
        .select_related("case", "case__person", "case__crime")
        .order_by("-recorded_at", "-pk")
    )


def submissions_newest_first(user: User) -> QuerySet:
    """The keys (`pk`, `recorded_at`) of `ivnas_submitted_by(user)`, newest first, for a
    paginator: the IVNAs they recorded (read from the index on recorder and time, newest first)
    and, apart, those of other cases they sent a new version of, as one UNION ALL. A page is
    then read by its keys (`page_of_ivnas`). An officer whose IVNAs run to tens of thousands
    (the demo's officers hold 75,000 each at 300,000 cases) gets the page in milliseconds,
    not a second: sorting them all is what took it."""
    own = Ivna.objects.filter(recorded_by=user).order_by().values("pk", "recorded_at")
    amended = (
        Ivna.objects.filter(
            case_id__in=IvnaVersion.objects.filter(recorded_by=user).order_by().values("case_id"))
        .exclude(recorded_by=user).order_by().values("pk", "recorded_at")
    )
    return own.union(amended, all=True).order_by("-recorded_at", "-pk")


def page_of_ivnas(keys: Iterable[Mapping[str, Any]]) -> list[Ivna]:
    """The IVNAs of a page of `submissions_newest_first`, in its order, with their case."""
    ids = [key["pk"] for key in keys]
    found = Ivna.objects.filter(pk__in=ids).select_related(
        "case", "case__person", "case__crime")
    by_id = {ivna.pk: ivna for ivna in found}
    return [by_id[pk] for pk in ids if pk in by_id]
