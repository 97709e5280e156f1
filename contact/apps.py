from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "contact"

    def ready(self) -> None:
        from contact import handlers  # noqa: F401 - registers the scheduled-work handlers
