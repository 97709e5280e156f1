from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed a record"
    LIST = "list", "Listed records"
    SEARCH = "search", "Searched records"
    EXPORT = "export", "Exported records"
    DOWNLOAD = "download", "Downloaded a document"
    API_READ = "api_read", "Read through the API"
    AUDIT = "audit", "Viewed an audit history"


class AccessLog(models.Model):
    """One row per read of victims' records: who, when, what, from where.

    Rows name the cases and persons shown (ids only), so "who looked at this victim?" is one
    query. The table is append-only: the database refuses UPDATE and DELETE.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_logs"
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    # The view's name, never the full URL: query strings may carry search terms.
    view_name = models.CharField(max_length=100)
    case_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    person_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            GinIndex(fields=["case_ids"], name="accesslog_case_ids"),
            GinIndex(fields=["person_ids"], name="accesslog_person_ids"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_log_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.view_name}"
