from celery import shared_task

from contact.invariant import record_stall_check


@shared_task(ignore_result=True, acks_late=True, expires=6 * 60 * 60)
def check_for_stalled_cases() -> dict:
    """Daily (beat, 06:00, before the hub opens): list every case not closed that has no
    next step on anyone's list (contact.invariant). Safe to run twice: it only reads, and
    keeps what it found."""
    check = record_stall_check()
    return {"check": check.pk, "open_cases": check.open_cases,
            "stalled": len(check.stalled_case_ids)}
