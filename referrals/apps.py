from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from referrals import handlers  # noqa: F401 - registers the scheduled-work handlers
