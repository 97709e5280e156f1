from celery import shared_task

from reporting.services import update_returns


@shared_task(ignore_result=True, acks_late=True, expires=6 * 60 * 60)
def update_quarterly_returns_daily() -> dict:
    """Daily (beat, 05:30): finalise the quarterly returns of every kind (the quarterly return, the
    Victims' Code compliance return) that have reached their finalisation day and store a
    revision of any finalised quarter whose figures changed (reporting.versions,
    docs/returns.md). Safe to run twice: a second run stores nothing."""
    update = update_returns()
    return {"stored": update.stored, "lost_race": update.lost_race}
