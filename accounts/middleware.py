from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages a signed-in user may open before the second factor: the two-factor pages, sign-out.
TWO_FACTOR_EXEMPT = (
    "accounts:two_factor", "accounts:two_factor_setup", "accounts:enrol", "accounts:ask_manager",
    "logout",
)


class TwoFactorRequiredMiddleware:
    """Every staff account must pass a TOTP code after its password (issue: strong login).

    A signed-in user whose session is not OTP-verified is sent to set up an authenticator
    app (no device yet) or to enter a code. Public pages and the token-authenticated API
    are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.HUB_REQUIRE_TWO_FACTOR:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_api_client:
            return None
        if request.path_info.startswith("/api/") or not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT:
            return None
        if user.is_verified():
            return None
        from django_otp.plugins.otp_totp.models import TOTPDevice

        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        target = "accounts:two_factor" if has_device else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")
