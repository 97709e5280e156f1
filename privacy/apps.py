from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Retention, legal holds and the data subject's rights (UK GDPR, DPA 2018)."""

    name = "privacy"
    verbose_name = "Privacy and retention"
