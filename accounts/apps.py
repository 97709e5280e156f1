from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from accounts.roles import sync_roles

    sync_roles()


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # Permissions exist only after migrate, so the role groups are synced then.
        post_migrate.connect(_sync_roles, sender=self)
        from accounts import schema  # noqa: F401 - registers the OpenAPI auth extension
