from celery import shared_task

from scheduling import services


@shared_task(acks_late=True, ignore_result=True)
def run_scheduled_item(item_id: int) -> None:
    """Run one scheduled item by id; safe to receive twice."""
    try:
        services.run_item(item_id)
    except Exception as error:
        services.record_failure(item_id, f"{type(error).__name__}: {error}")
        raise


@shared_task(ignore_result=True, expires=55)
def dispatch_due_items() -> int:
    """Every minute (beat): offer due machine items to the workers."""
    return services.dispatch_due_items()
