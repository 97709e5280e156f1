"""Reads of IVNAs that several views share."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from intake.models import Ivna


def ivnas_submitted_by(user: User) -> QuerySet[Ivna]:
    """What police staff may see: the IVNAs they recorded themselves, newest first."""
    return (
        Ivna.objects.filter(recorded_by=user)
        .select_related("case", "case__person", "case__crime")
        .order_by("-recorded_at", "-pk")
    )
