"""API-wide behaviour: errors are JSON with a message per field."""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, exceptions.ParseError):
        return Response({"body": [str(exc.detail)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(
            {"body": [f"Send JSON ({exc.detail})."]},
            status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    return drf_exception_handler(exc, context)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int):
        super().__init__({"body": [f"The request body is larger than {limit} bytes."]})
