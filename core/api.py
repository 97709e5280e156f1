"""Answering a DomainError in the API: a 400 with a message per field, nested as the request.

The shape is DRF's own for a failed serializer, so a client handles both alike:
{"crime": {"offence_date": ["..."]}}, a list's items by index ({"actions": {"0": {...}}}),
and "non_field_errors" for a message about the whole request.
"""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from core.errors import NON_FIELD, DomainError


def nested_errors(error: DomainError) -> dict:
    """{"crime.offence_date": [m]} -> {"crime": {"offence_date": [m]}}."""
    fields = error.fields or {NON_FIELD: [error.message]}
    nested: dict = {}
    for path, messages in fields.items():
        parts = path.split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        leaf = api_settings.NON_FIELD_ERRORS_KEY if parts[-1] == NON_FIELD else parts[-1]
        node.setdefault(leaf, []).extend(messages)
    return nested


def domain_error_response(error: DomainError) -> Response:
    """The 400 answer, for the API's exception handler. As DRF does for its own errors, the
    request's transaction is rolled back: nothing the refused request wrote is kept."""
    set_rollback()
    return Response(nested_errors(error), status=status.HTTP_400_BAD_REQUEST)
