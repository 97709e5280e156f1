"""Writes for staff accounts and API clients."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
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
    if role not in API_CLIENT_ROLES:
        raise DomainError(f"An API client's role must be one of: {', '.join(API_CLIENT_ROLES)}.")
    if ApiClient.objects.filter(name=name).exists():
        raise DomainError(f"An API client called {name!r} already exists.")
    user = User.objects.create(username=f"api:{name}"[:150], is_api_client=True)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(role_group(role))
    key = ApiClient.new_key()
    client = ApiClient.objects.create(
        name=name,
        role=role,
        user=user,
        key_prefix=key[:8],
        key_hash=hash_key(key),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    return client, key


@transaction.atomic
def revoke_api_client(*, client: ApiClient) -> None:
    """Revoke a client's token at once; its requests are refused from now on."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        client.user.is_active = False
        client.user.save(update_fields=["is_active"])


def create_staff_user(
    *, username: str, password: str, role: str, first_name: str = "", last_name: str = ""
) -> User:
    user = User.objects.create_user(
        username=username, password=password, first_name=first_name, last_name=last_name
    )
    user.groups.add(role_group(role))
    return user
