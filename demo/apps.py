from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo logins, demo cases and the demo year (the 2015 profile), made through the
    services' own rules so a workflow change is made once."""

    name = "demo"

    def ready(self) -> None:
        from demo import checks  # noqa: F401 - registers the deploy check
