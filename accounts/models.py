from __future__ import annotations

import hashlib
import secrets

import pghistory
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A member of staff, a volunteer, or the service account of an API client."""

    is_api_client = models.BooleanField(default=False)

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
