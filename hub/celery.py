"""The Celery app. Periodic jobs are declared here, in one place, each with when and why."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute: offer due scheduled work (letters, referral emails, break-glass
    # notices, and the retries of any that failed) to the workers. The rows live in
    # PostgreSQL, so a missed beat only delays them.
    "dispatch-due-items": {
        "task": "scheduling.tasks.dispatch_due_items",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Daily at 02:30, when nobody is working cases: anonymise every case past its retention
    # period and not under a legal hold (UK GDPR storage limitation; privacy/services.py
    # run_retention, docs/retention.md). Safe to run twice; a missed night is caught up the
    # next, so the message expires after three hours rather than piling up.
    "run-retention-daily": {
        "task": "privacy.tasks.run_retention_daily",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 3 * 60 * 60},
    },
    # Daily at 06:00, before the hub opens: list every case not closed that has no next step
    # on anyone's list (contact/invariant.py, docs/invariant.md); the team page shows what
    # it found, which should be nothing. It only reads, so running twice does no harm.
    "check-for-stalled-cases-daily": {
        "task": "contact.tasks.check_for_stalled_cases",
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 6 * 60 * 60},
    },
    # Daily at 05:30, after the night's retention run: finalise each quarterly return on the
    # configured working day after its quarter ends (version 1), and store a revision of a
    # finalised quarter whose figures changed since (reporting/versions.py, docs/returns.md).
    # Safe to run twice (nothing changed, nothing stored); a missed day is caught up the next.
    "update-quarterly-returns-daily": {
        "task": "reporting.tasks.update_quarterly_returns_daily",
        "schedule": crontab(hour=5, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
    # Every four minutes, a minute before the cached figures expire (HUB_FIGURES_CACHE_SECONDS,
    # 300 s): work out the figures the dashboard and the OPCC's pages show by default, in the
    # worker, so no page waits seconds for them (reporting/cache.py). Reads only; a missed run
    # costs the next page its wait, so it expires rather than piles up.
    "refresh-figures": {
        "task": "reporting.tasks.refresh_figures",
        "schedule": 240.0,
        "options": {"expires": 230},
    },
}


@beat_init.connect
def refresh_figures_at_start(sender=None, **kwargs) -> None:
    """Beat's first "refresh-figures" falls 240 s after it starts. After a deploy with an empty
    cache, the first manager or analyst to open a reporting page in those minutes would wait
    seconds for its figures (bench/RESULTS.md: the dashboard's first request at 300,000
    cases), holding a web worker the while; so beat asks for one refresh as it starts."""
    entry = app.conf.beat_schedule["refresh-figures"]
    app.send_task(entry["task"], **entry["options"])
