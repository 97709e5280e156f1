"""The hub flow as a backup's figure (core.backups, settings.HUB_BACKUP_FIGURES): every
count of every box, in both units, over every referral ever made. A restore that is off by
one case, one letter or one outcome shows here as well as in the row counts."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from reporting.flow import Period, compute_flow


def flow_figures() -> dict[str, object]:
    flow = compute_flow(Period(date(1900, 1, 1), timezone.localdate() + timedelta(days=1)))
    return {"flow": {"counts": dict(flow.counts), "victims": dict(flow.victims)}}
