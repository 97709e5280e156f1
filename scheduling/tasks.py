import logging
import time

from celery import shared_task
from django.core.cache import cache

from scheduling import services

log = logging.getLogger(__name__)

# When the dispatcher last ran (epoch seconds), for /health/ ("beat": scheduling/health.py).
LAST_DISPATCH_KEY = "hub:last_dispatch"


def record_dispatcher_run() -> None:
    """Note the time of this dispatcher run in the cache; never fails the run."""
    try:
        cache.set(LAST_DISPATCH_KEY, time.time(), timeout=None)
    except Exception as error:  # noqa: BLE001 - the cache (Redis) may be down
        log.warning("could not record the dispatcher run: %s", type(error).__name__)


@shared_task(acks_late=True, ignore_result=True)
def run_scheduled_item(item_id: int) -> None:
    """Run one scheduled item by id; safe to receive twice. A failure is recorded by the one
    retry policy (services.record_failure); a handler's WorkFailed (a refused email, say) is
    expected and logged, anything else is raised for the worker's log as well."""
    try:
        services.run_item(item_id)
    except services.WorkFailed as error:
        services.record_failure(item_id, error)
        log.warning("scheduled item %s failed: %s", item_id, error)
    except Exception as error:
        services.record_failure(item_id, error)
        raise


@shared_task(ignore_result=True, expires=55)
def dispatch_due_items() -> int:
    """Every minute (beat): offer due machine items to the workers."""
    offered = services.dispatch_due_items()
    record_dispatcher_run()
    return offered
