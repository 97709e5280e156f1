from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Every way a case comes in: police IVNA (form and API), self-referral, transfer in."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"

    def ready(self) -> None:
        from intake import handlers  # noqa: F401 - registers the scheduled-work handlers
