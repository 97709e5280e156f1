from celery import shared_task

from referrals import services


@shared_task(acks_late=True, ignore_result=True)
def send_referral_email(referral_id: int) -> None:
    """Email one referral's document to its service, by id; safe to receive twice."""
    services.send_referral_email(referral_id=referral_id)
