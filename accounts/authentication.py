from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts.models import ApiClient, hash_key
from accounts.roles import ROLE_PERMISSIONS


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`, checked against the hashed, revocable client tokens."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("Invalid token header.") from error
        client = (
            ApiClient.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        )
        now = timezone.now()
        if client is None or not client.is_usable(now) or not client.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if client.last_used_at is None or now - client.last_used_at > timedelta(minutes=5):
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return _scoped_to_role(client), client

    def authenticate_header(self, request):
        return self.keyword


def _scoped_to_role(client: ApiClient):
    """The client's user, holding exactly its role's permissions.

    A token is scoped to the role it was issued for: whatever groups its user is later put
    in, the API answers it as that role. Setting Django's permission caches (ModelBackend's
    `_perm_cache` and friends, and role_of's cache) also spares every request the two
    permission queries has_perm would make for a user object loaded afresh.
    """
    user = client.user
    permissions = set(ROLE_PERMISSIONS.get(client.role, ()))
    user._perm_cache = permissions
    user._user_perm_cache = set()
    user._group_perm_cache = permissions
    user._hub_role = client.role
    return user
