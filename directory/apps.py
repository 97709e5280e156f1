from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """The service directory the hub refers and signposts to; depends on no other domain
    app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
