from __future__ import annotations

import hashlib
import secrets

import pghistory
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class Specialism(models.TextChoices):
    """Areas of expertise the service specification asks VCCs to have (allocation can
    suggest them)."""

    MENTAL_HEALTH = "mental_health", "Mental health"
    YOUNG_PEOPLE = "young_people", "Young people"
    OLDER_PEOPLE = "older_people", "Older people"
    MIGRANT_WORKERS = "migrant_workers", "Migrant workers"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
    HATE_CRIME = "hate_crime", "Hate crime"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"


class User(AbstractUser):
    """A member of staff, a volunteer, or the service account of an API client."""

    is_api_client = models.BooleanField(default=False)
    # Raised to end every session of the user at once (accounts.enrolment.end_sessions): the
    # number is part of the session's auth hash, so every older session no longer matches.
    session_epoch = models.PositiveIntegerField(default=0)
    # What a member of staff covers, set on Team members: districts (core.choices.District),
    # languages they work in besides English, and specialisms (Specialism).
    districts = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    specialisms = ArrayField(models.CharField(max_length=30), default=list, blank=True)

    class Meta:
        permissions = [
            ("manage_api_clients", "Can create and revoke API clients"),
            # What makes someone a hub manager (accounts.roles.is_manager): they allocate
            # any case, open restricted cases and read restricted notes, and may override
            # the contact rules with a reason.
            ("manage_hub", "Is a hub manager"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        """Django's HMAC of the password, with the session epoch once it has been raised (so
        sessions from before this field existed stay signed in)."""
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@pghistory.track()
class ApiClient(models.Model):
    """A machine client (a force's crime system, the OPCC) with its own revocable token.

    Only a hash of the token is stored; the token itself is shown once, when created.
    pghistory keeps every change (created, expiry changed, revoked) with the manager who
    made it (issue 13: every change audited).
    """

    name = models.CharField(max_length=100, unique=True)
    role = models.CharField(max_length=20)
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_client")
    key_prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(20)

    def state(self, now=None) -> str:
        """In the hub's words: "Active", "Expired" or "Revoked"."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "Revoked"
        return "Expired" if self.expires_at is not None and self.expires_at <= now else "Active"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


@pghistory.track()
class EnrolmentInvite(models.Model):
    """A one-time link a hub manager issues so a user can link an authenticator app (issue 13).

    Only a hash of the token is stored; the link is shown once to the manager (and emailed to
    the user where email is configured). The first browser session that opens it holds it
    (`binding_hash`, the hash of a secret kept in that session); the authenticator key made
    for it (`device`) is shown to that session only. Used once, then `used_at` is set.
    """

    class Reason(models.TextChoices):
        FIRST = "first", "First enrolment"
        RESET = "reset", "Authenticator reset"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_invites")
    token_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.FIRST)
    # None: issued at the server (manage.py enrolment_link), e.g. for the first manager.
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    binding_hash = models.CharField(max_length=64, blank=True)
    device = models.ForeignKey(
        "otp_totp.TOTPDevice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Enrolment link for {self.user} ({self.issued_at:%Y-%m-%d %H:%M})"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.withdrawn_at is None and self.expires_at > now


class StaffChange(models.Model):
    """One change a hub manager made to a staff account on Team members (issue 13): created,
    role changed, deactivated, reactivated, details changed, authenticator reset, enrolment
    link issued. Written by accounts.staff in the same transaction as the change."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="staff_changes")
    # None: at the server (manage.py enrolment_link).
    changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=30)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.user} by {self.changed_by}"
