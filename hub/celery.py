"""The Celery app. Periodic jobs are declared here, in one place, each with when and why."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute: offer due scheduled work (letters, follow-up letters, ...) to the
    # workers. The rows live in PostgreSQL, so a missed beat only delays them.
    "dispatch-due-items": {
        "task": "scheduling.tasks.dispatch_due_items",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
