from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        from audit import handlers  # noqa: F401 - registers the scheduled-work handlers
