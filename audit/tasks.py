from celery import shared_task

from audit import services


@shared_task(acks_late=True, ignore_result=True)
def send_break_glass_emails(grant_id: int, audit_url: str) -> None:
    """Tell the managers of one break-glass grant, by id; safe to receive twice."""
    services.send_break_glass_emails(grant_id=grant_id, audit_url=audit_url)
