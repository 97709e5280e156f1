from celery import shared_task

from privacy import services


@shared_task(ignore_result=True, acks_late=True, expires=3 * 60 * 60)
def run_retention_daily() -> dict:
    """Daily (beat, 02:30): anonymise the cases past retention and not under a legal hold.
    Safe to run twice: a second run finds nothing due."""
    run = services.run_retention()
    return {
        "run": run.pk,
        "due": run.due,
        "cases_anonymised": run.cases_anonymised,
        "people_anonymised": run.people_anonymised,
        "skipped": run.skipped,
        "held": run.held,
    }
