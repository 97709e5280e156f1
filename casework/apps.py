from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """The screens that read across the apps: the case list and page, a person's page,
    "My work" and the team's load. Above every app whose records they show."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "casework"
