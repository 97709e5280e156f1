"""The answer to a request the hub cannot read (400), and to an address that only takes a form
(405), in the hub's own layout.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig), one with more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields (TooManyFieldsSent) or files (TooManyFilesSent), and other
suspicious requests (the hub's own: NulCharacterSent) by calling `handler400`. Django's default
renders 400.html without the request, so without the hub's layout, and says nothing of what
happened. This one says which limit was passed and that nothing was saved. The API keeps its
JSON errors.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from core.unavailable import is_database_unavailable, note, unavailable_response


class NulCharacterSent(SuspiciousOperation):
    """A form or query string with a NUL character (core.middleware.RefuseNulCharacters)."""


def _kilobytes(size: int) -> str:
    return f"{size // 1024:,} KB" if size >= 1024 else f"{size} bytes"


def explain(exception) -> tuple[str, list[str]]:
    """(heading, paragraphs) in plain words for what was wrong with the request."""
    saved = "Nothing has been saved."
    if isinstance(exception, RequestDataTooBig):
        limit = _kilobytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return "What you sent was too large", [
            f"The hub could not accept this form because it was larger than {limit}. {saved}",
            "Go back, shorten any long text (for example, paste a summary rather than a whole "
            "document) and try again.",
        ]
    if isinstance(exception, TooManyFieldsSent):
        limit = f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}"
        return "What you sent had too many answers", [
            f"The hub could not accept this form because it had more than {limit} answers. {saved}",
            "Go back and try again. If it happens again, tell a hub manager what you were doing.",
        ]
    if isinstance(exception, TooManyFilesSent):
        limit = f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES:,}"
        return "What you sent had too many files", [
            f"The hub could not accept this form because it had more than {limit} files. {saved}",
            "Go back, send fewer files and try again.",
        ]
    if isinstance(exception, NulCharacterSent):
        return "What you sent had a character the hub cannot store", [
            "The hub could not accept this form because it had a hidden control character "
            "(a NUL character) in it. This can happen when text is pasted from another "
            f"program. {saved}",
            "Go back, type the text again rather than pasting it, and try again.",
        ]
    return "The hub could not read what was sent", [
        f"Something in the request was not in the form the hub expects. {saved}",
        "Go back and try again. If it happens again, tell a hub manager what you were doing.",
    ]


def bad_request(request, exception=None):
    if is_database_unavailable(exception):  # the session's save met PostgreSQL down
        note(request, exception)
        return unavailable_response(request)
    if request.path_info.startswith("/api/"):
        return _api_error(exception)
    heading, paragraphs = explain(exception)
    return render(request, "400.html", {"heading": heading, "paragraphs": paragraphs}, status=400)


def _api_error(exception) -> JsonResponse:
    """As the API answers its other errors (core.api): {"body": [message]}; a body over the
    limit is the 413 the API documents."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse(
            {"body": [f"The request body is larger than {limit} bytes."]}, status=413
        )
    if isinstance(exception, TooManyFieldsSent):
        message = f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."
    else:
        message = "The request could not be read."
    return JsonResponse({"body": [message]}, status=400)


def method_not_allowed(request, response):
    """A page that only takes a form (a button's POST) opened as an address, in the hub's
    layout with a way back, instead of Django's empty 405. The methods it does take stay in
    `Allow`; the API keeps its JSON 405."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    page = render(request, "405.html", {"back": back}, status=405)
    page["Allow"] = response.get("Allow", "")
    return page
