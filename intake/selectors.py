"""Reads of IVNAs that several views share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from intake.models import Ivna, IvnaVersion


def ivnas_submitted_by(user: User) -> QuerySet[Ivna]:
    """What police staff may see: the IVNAs they recorded themselves (or sent a new version
    of), newest first."""
    amended = IvnaVersion.objects.filter(case_id=OuterRef("case_id"), recorded_by=user)
    return (
        Ivna.objects.filter(Q(recorded_by=user) | Exists(amended))
        .select_related("case", "case__person", "case__crime")
        .order_by("-recorded_at", "-pk")
    )
