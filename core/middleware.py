from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed, HttpResponsePermanentRedirect
from django.middleware.common import CommonMiddleware
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import escape_leading_slashes

from core.error_pages import NulCharacterSent, method_not_allowed
from core.logs import REQUEST_ID_HEADER, current_request, request_id_from

request_log = logging.getLogger("hub.request")

# No inline script or style anywhere: every script and stylesheet is a file of our own.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
LOGIN_AT = "hub_login_at"


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when it is a safe token, else a
    new one), returns it in the X-Request-ID header, puts the request in the logging context
    (core.logs: each line the request writes carries the id, the user's id and the route)
    and writes one line when the request is answered: method, route, status and time. First
    in the chain, so every line of the request has the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            request_log.info(
                "request answered",
                extra={
                    "status_code": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            current_request.reset(token)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login is required everywhere but the public pages (marked `login_not_required`).

    The API authenticates its own clients by token and answers 401/403 in JSON, so it is
    left to DRF rather than redirected to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecurityHeadersMiddleware:
    """A strict Content Security Policy on every page, and `Cache-Control: no-store` on
    everything that is not a static file: pages about victims must not sit in a shared
    computer's cache or a proxy. (Static files are answered by WhiteNoise before this.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response["Cache-Control"] = "no-store"
        response.setdefault("Pragma", "no-cache")
        return response


class MethodNotAllowedPage:
    """Django answers a GET on a view that only takes a POST (require_POST, a View without
    `get`) with an empty 405: the hub shows its own page with a way back instead
    (core.error_pages.method_not_allowed). The API's JSON 405s are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not request.path_info.startswith(
            "/api/"
        ):
            return method_not_allowed(request, response)
        return response


class RefuseNulCharacters:
    """Refuses a form or query string with a NUL character ("\\x00") with the 400 page.

    PostgreSQL cannot store one ("A string literal cannot contain NUL"), so a view that hands a
    posted value to the database without a Django form field (which refuses it itself) would
    answer 500 instead. Nobody types one. The API is left to its serializers' own checks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            # request.POST is empty but for form bodies; reading it here raises
            # RequestDataTooBig for one over the limit, which handler400 answers too.
            for data in (request.GET, request.POST):
                if any(
                    "\x00" in key or any("\x00" in v for v in values)
                    for key, values in data.lists()
                ):
                    raise NulCharacterSent("A NUL character in the request's fields")
        return self.get_response(request)


@receiver(user_logged_in)
def _remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = timezone.now().timestamp()


class SessionLimitMiddleware:
    """Ends a session HUB_SESSION_ABSOLUTE_HOURS after sign-in, however active it was.
    (Idle sessions end by the cookie age; disabled accounts by Django's auth backend, which
    refuses inactive users on every request.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            limit = timedelta(hours=settings.HUB_SESSION_ABSOLUTE_HOURS).total_seconds()
            if started is None:
                request.session[LOGIN_AT] = timezone.now().timestamp()
            elif timezone.now().timestamp() - started > limit:
                logout(request)
                messages.info(request, "You were signed out: sessions last at most "
                              f"{settings.HUB_SESSION_ABSOLUTE_HOURS} hours. Sign in again.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class PermanentRedirectKeepingMethod(HttpResponsePermanentRedirect):
    """308: the client repeats the same method and body at the new address (a 301 turns a
    POST into a GET in most clients, and the IVNA would be lost)."""

    status_code = 308


class AppendSlashMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, adding the trailing slash with a 308 (issue 14): a crime
    system that POSTs to /api/v1/ivnas is sent on to /api/v1/ivnas/ with its body, never
    turned into a GET (and never a 500 in DEBUG, where Django refuses such a redirect)."""

    response_redirect_class = PermanentRedirectKeepingMethod

    def get_full_path_with_slash(self, request):
        return escape_leading_slashes(request.get_full_path(force_append_slash=True))
