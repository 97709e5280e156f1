"""Where a page sends the user back to: the page they came from, named in a `next`
parameter, only when it is a page of this hub (never an open redirect: an address on
another host, or a scheme other than the request's, is refused)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` of the POST (or else the query string) when it is a path on this hub,
    else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and candidate.startswith("/") and not candidate.startswith("//"):
        return candidate
    return default
