"""Writes for staff accounts and API clients."""

from __future__ import annotations

from datetime import timedelta

import pghistory
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiClient, User, hash_key
from accounts.roles import Role, role_group
from core.errors import DomainError

API_CLIENT_ROLES = (Role.POLICE, Role.TRANSFER_SENDER, Role.OPCC)


@transaction.atomic
def create_api_client(
    *, name: str, role: str, created_by: User | None = None, expires_in_days: int | None = 365
) -> tuple[ApiClient, str]:
    """Create a machine client with a role-scoped token; return it and the token (shown once).

    Only police (IVNA intake) and OPCC (aggregates) clients exist: machine clients never
    get casework access.
    """
    name = name.strip()
    if not name:
        raise DomainError("Give the client a name.", field="name")
    if role not in API_CLIENT_ROLES:
        raise DomainError(f"An API client's role must be one of: {', '.join(API_CLIENT_ROLES)}.",
                          field="role")
    if ApiClient.objects.filter(name=name).exists():
        raise DomainError(f"An API client called {name!r} already exists.", field="name")
    user = User.objects.create(username=f"api:{name}"[:150], is_api_client=True)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(role_group(role))
    key = ApiClient.new_key()
    with pghistory.context(**_by(created_by)):
        client = ApiClient.objects.create(
            name=name,
            role=role,
            user=user,
            key_prefix=key[:8],
            key_hash=hash_key(key),
            created_by=created_by,
            expires_at=(timezone.now() + timedelta(days=expires_in_days)
                        if expires_in_days else None),
        )
    return client, key


def _by(by: User | None) -> dict:
    return {"user": by.pk} if by is not None else {"via": "manage.py"}


@transaction.atomic
def revoke_api_client(*, client: ApiClient, by: User | None = None) -> bool:
    """Revoke a client's token at once; its requests are refused from now on. False if it
    was revoked already."""
    client = ApiClient.objects.select_for_update().select_related("user").get(pk=client.pk)
    if client.revoked_at is not None:
        return False
    with pghistory.context(**_by(by)):
        client.revoked_at = timezone.now()
        client.revoked_by = by
        client.save(update_fields=["revoked_at", "revoked_by"])
        client.user.is_active = False
        client.user.save(update_fields=["is_active"])
    return True


MAX_EXPIRY_DAYS = 3 * 365


@transaction.atomic
def set_api_client_expiry(*, client: ApiClient, days: int | None, by: User | None = None
                          ) -> ApiClient:
    """A token expires `days` from now (None: never). A revoked token stays revoked.

    Rule: at most three years ahead; a token is renewed by setting a new expiry before it
    runs out, or replaced by a new client once revoked."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise DomainError(f"{client.name} is revoked: create a new client instead.")
    if days is not None and not 1 <= days <= MAX_EXPIRY_DAYS:
        raise DomainError(f"Give a number of days from 1 to {MAX_EXPIRY_DAYS}.", field="days")
    with pghistory.context(**_by(by)):
        client.expires_at = timezone.now() + timedelta(days=days) if days else None
        client.save(update_fields=["expires_at"])
    return client


def api_clients() -> QuerySet[ApiClient]:
    """Every API client, newest first, with who created and revoked it."""
    return ApiClient.objects.select_related("created_by", "revoked_by").order_by(
        "-created_at", "-pk"
    )


def create_staff_user(
    *, username: str, password: str, role: str, first_name: str = "", last_name: str = ""
) -> User:
    user = User.objects.create_user(
        username=username, password=password, first_name=first_name, last_name=last_name
    )
    user.groups.add(role_group(role))
    return user
