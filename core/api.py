"""API-wide behaviour: errors are JSON with a message per field.

A DomainError a service raises is answered 400 with a message per field, nested as the request,
in DRF's own shape for a failed serializer: {"crime": {"offence_date": ["..."]}}, a list's items
by index ({"actions": {"0": {...}}}), and "non_field_errors" for the whole request.
"""

import json

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import NON_FIELD, DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):  # a rule a service refused: a message per field
        return domain_error_response(exc)
    if isinstance(exc, exceptions.ParseError):
        return Response({"body": [str(exc.detail)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(
            {"body": [f"Send JSON ({exc.detail})."]},
            status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    return drf_exception_handler(exc, context)


class SignedIn(BasePermission):
    """A client with a token, or a member of staff signed in with both steps: password and
    authenticator code.

    Django signs a session in after the password alone, and the two-factor middleware leaves
    /api/ to DRF, so without this a session that never passed the second step could use the
    API (the first permission of every API view; the role's own permission follows it).
    """

    message = "Finish signing in: enter the code from your authenticator app first."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_api_client or not settings.HUB_REQUIRE_TWO_FACTOR:
            return True
        is_verified = getattr(user, "is_verified", None)
        return bool(is_verified and is_verified())


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing as malformed JSON (400) two bodies that crashed the API
    (500): nesting too deep for Python's JSON parser (a RecursionError), and text with a lone
    surrogate (such as "\\ud800"), which is not Unicode: it can be neither stored nor sent
    back in an error message as UTF-8."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError as error:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from error
        except UnicodeEncodeError as error:
            raise exceptions.ParseError(
                "JSON parse error - text with a lone surrogate is not Unicode."
            ) from error
        return data


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int):
        super().__init__({"body": [f"The request body is larger than {limit} bytes."]})


# -- The error answers, as the OpenAPI schema documents them --------------------------------
# Every status code an operation can answer is in the schema, with its body; the schemathesis
# run in tests/api_fuzz holds the API to it.


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")


class BodyErrorSerializer(serializers.Serializer):
    body = serializers.ListField(
        child=serializers.CharField(), help_text="What is wrong with the request body."
    )


# {"field": ["message", ...]}, nested for nested objects ({"crime": {"offence_date": [...]}})
# and lists ({"markers": {"0": [...]}}); "body" for a body that is not one JSON object.
FIELD_ERRORS = {
    "type": "object",
    "description": "A message per field at fault, nested as the request is.",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": True},
        ]
    },
}

def _example(name: str, value: object) -> list[OpenApiExample]:
    return [OpenApiExample(name, value=value, response_only=True)]


_ERRORS = {
    400: OpenApiResponse(
        FIELD_ERRORS, description="A message per field at fault",
        examples=_example(
            "FieldErrors",
            {"victim": {"first_name": ["Must be text."]}, "priority": [
                "This field is not part of the API."]},
        ),
    ),
    401: OpenApiResponse(
        ErrorDetailSerializer, description="No token, or an invalid, expired or revoked one",
        examples=_example("NoToken", {"detail": "Authentication credentials were not provided."}),
    ),
    403: OpenApiResponse(
        ErrorDetailSerializer,
        description="The client's role may not do this, or a session has not passed the "
        "second step of signing in",
        examples=_example(
            "WrongRole", {"detail": "You do not have permission to perform this action."}
        ),
    ),
    404: OpenApiResponse(
        ErrorDetailSerializer, description="An unknown `format`",
        examples=_example("UnknownFormat", {"detail": "Not found."}),
    ),
    406: OpenApiResponse(
        ErrorDetailSerializer,
        description="The Accept header asks for a media type this operation does not give",
        examples=_example(
            "NotAcceptable", {"detail": "Could not satisfy the request Accept header."}
        ),
    ),
    413: OpenApiResponse(
        BodyErrorSerializer, description="The request body is too large",
        examples=_example("TooLarge", {"body": ["The request body is larger than 65536 bytes."]}),
    ),
    415: OpenApiResponse(
        BodyErrorSerializer, description="The request body is not JSON",
        examples=_example(
            "NotJSON", {"body": ['Send JSON (Unsupported media type "text/plain" in request.).']}
        ),
    ),
}
# `WWW-Authenticate: Token` comes with every 401.
WWW_AUTHENTICATE = OpenApiParameter(
    "WWW-Authenticate", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[401],
    enum=["Token"], required=True, description="The authentication scheme to use",
)


def error_responses(*codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """The documented error answers with these status codes, for `extend_schema(responses=)`.

    Errors are JSON whatever the operation's other media types (the quarterly return's CSV).
    """
    return {(code, "application/json"): _ERRORS[code] for code in codes}


# -- A DomainError in the API -------------------------------------------------------------


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
