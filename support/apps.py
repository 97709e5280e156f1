from django.apps import AppConfig


class SupportConfig(AppConfig):
    """Historical migrations only: the recovery plan, its reviews, closure and the survey now
    live in assessments, beside the DVNA that feeds them (issue 10). Kept installed so that
    existing databases and the migrations that depend on this app's history still apply."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "support"
