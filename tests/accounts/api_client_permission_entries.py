"""Permission-matrix entries for the API clients pages (issue 13): hub managers only.

Assembled with every other app's in tests/matrix/entries.py (MATRIX)."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import ApiClient
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    OPCC,
    OTHER_VCC,
    POLICE,
    VCC,
    VOLUNTEER,
    View,
    allowed,
    redirects,
)

LIST = reverse("api_clients:list")


def _managers_only(outcome) -> dict:
    return {ANONYMOUS: LOGIN, POLICE: FORBIDDEN, VCC: FORBIDDEN, VOLUNTEER: FORBIDDEN,
            OPCC: FORBIDDEN, MANAGER: outcome}


# A client is no one's object: anyone but a manager is refused it, a second VCC too.
NOT_THEIRS = {OTHER_VCC: FORBIDDEN}


def _clients() -> list:
    return list(ApiClient.objects.order_by("pk").values_list("pk", "expires_at", "revoked_at"))


VIEWS = [
    View("api_clients:list", expect=_managers_only(allowed("API clients", "crime-system"))),
    View("api_clients:create", expect=_managers_only(allowed("Create an API client"))),
    View(
        "api_clients:create",
        method="post",
        data=lambda w: {"name": "Norfolk transfers", "role": "transfer_sender", "days": "30"},
        unchanged=_clients,
        expect=_managers_only(allowed("Norfolk transfers created", "copy it now")),
    ),
    View(
        "api_clients:revoke",
        method="post",
        of="crime_system",
        unchanged=_clients,
        expect={**_managers_only(redirects(LIST, "crime-system is revoked")), **NOT_THEIRS},
    ),
    View(
        "api_clients:expiry",
        method="post",
        of="crime_system",
        data=lambda w: {"days": "90"},
        unchanged=_clients,
        expect={**_managers_only(redirects(LIST, "token now expires on")), **NOT_THEIRS},
    ),
]
