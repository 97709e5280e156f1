from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers every app may use: working days, the domain error, form fields, API
    plumbing, middleware and error pages. Depends on no domain app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        import logging

        from celery.signals import before_task_publish

        from core.logs import add_request_id_to_task

        # Python's warnings go through logging too, so they are JSON lines like the rest.
        logging.captureWarnings(True)
        # A task queued by a request carries its id into the worker's log lines.
        before_task_publish.connect(add_request_id_to_task, weak=False)
        # Errors to Sentry when SENTRY_DSN is set, scrubbed of personal data (core/sentry.py).
        # Here rather than in settings, which import no app: every process loads the apps.
        from core.sentry import start_sentry

        start_sentry()
