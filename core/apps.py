from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers every app may use: working days, the domain error, form fields, API
    plumbing, middleware and error pages. Depends on no domain app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
