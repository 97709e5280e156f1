from __future__ import annotations

from datetime import datetime, timedelta

import pghistory
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
    BREAK_GLASS = "break_glass", "Broke the glass on a restricted case"
    REFUSED = "refused", "Was shown the restricted notice"


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


# Break-glass access lasts one working shift, then the user must give a reason again.
BREAK_GLASS_HOURS = 8


class GrantKind(models.TextChoices):
    NAMED = "named", "Named by a manager"
    BREAK_GLASS = "break_glass", "Broke the glass"


class CaseAccessGrantQuerySet(models.QuerySet["CaseAccessGrant"]):
    def active(self, *, at: datetime | None = None) -> CaseAccessGrantQuerySet:
        """Grants in force now: not revoked, not expired (a named grant has no expiry)."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        )


@pghistory.track()
class CaseAccessGrant(models.Model):
    """Who besides managers and the allocated VCC may open a restricted case, and why.

    Two kinds (issue: restricted cases): a user *named* on the case by a manager (until
    revoked), and a *break-glass* grant a VCC takes for themself by giving a reason (it
    lasts BREAK_GLASS_HOURS; managers are told). Rows are never deleted: revoking stamps
    `revoked_at`, and pghistory keeps every change.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_access_grants"
    )
    kind = models.CharField(max_length=20, choices=GrantKind.choices)
    reason = models.CharField(max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CaseAccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        indexes = [models.Index(fields=["user", "case"], name="grant_user_case")]
        constraints = [
            # A user is named on a case once; name them again only after revoking.
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(kind="named", revoked_at__isnull=True),
                name="one_active_named_grant",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="named") | models.Q(expires_at__isnull=False),
                name="break_glass_grant_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: user {self.user_id} on case {self.case_id}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @staticmethod
    def break_glass_expiry(at: datetime) -> datetime:
        return at + timedelta(hours=BREAK_GLASS_HOURS)


class Notification(models.Model):
    """A message to one manager about a break-glass grant: the email's outbox row.

    Written with the grant, in the same transaction; the email goes after commit and
    `emailed_at` makes sending safe to run twice (each manager is emailed once).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_notifications"
    )
    grant = models.ForeignKey(
        CaseAccessGrant, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "recipient"], name="one_notice_per_manager"),
        ]

    def __str__(self) -> str:
        return f"grant {self.grant_id} to user {self.recipient_id}"
