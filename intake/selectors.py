"""Reads of IVNAs that several views share."""

from __future__ import annotations

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
