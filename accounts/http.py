"""The request type of a signed-in page, for type hints."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request that passed the login check, so its user is a hub `User` (Django types
    `request.user` as possibly anonymous). Only for annotations: views get Django's request."""

    user: User
