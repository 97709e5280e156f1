from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "Victims' Code entitlements"

    def ready(self) -> None:
        from rights import receivers  # noqa: F401  (connects the receivers)
