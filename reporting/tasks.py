from celery import shared_task
from django.conf import settings

from reporting.live import refresh_defaults
from reporting.replica import replica_reads
from reporting.services import update_returns


@shared_task(ignore_result=True, acks_late=True, expires=6 * 60 * 60)
def update_quarterly_returns_daily() -> dict:
    """Daily (beat, 05:30): finalise the quarterly returns of every kind (the quarterly return, the
    Victims' Code compliance return) that have reached their finalisation day and store a
    revision of any finalised quarter whose figures changed (reporting.versions,
    docs/returns.md). Safe to run twice: a second run stores nothing."""
    update = update_returns()
    return {"stored": update.stored, "lost_race": update.lost_race}


@shared_task(ignore_result=True, expires=230)
def refresh_figures() -> list[str]:
    """Every four minutes (beat): work out the figures the reporting pages show by default and
    keep them in the cache (reporting.live.refresh_defaults), so managers and the OPCC read
    them rather than wait for them. Reads only (on the replica when there is one); returns the
    names of what it worked out, nothing when the cache is off."""
    if settings.HUB_FIGURES_CACHE_SECONDS <= 0:
        return []
    with replica_reads():
        return refresh_defaults()
