"""Permission-matrix entries for the public pages, signing in and out, two-factor, the API
schema and Django admin.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

from django.urls import reverse

from tests.permissions import (
    ANONYMOUS,
    LOGIN,
    MANAGER,
    OPCC,
    OPCC_API,
    PASSWORD,
    POLICE,
    POLICE_API,
    SIGNED_IN,
    TRANSFER_API,
    UNAUTHORIZED,
    VCC,
    VOLUNTEER,
    WORK,
    View,
    allowed,
    redirects,
    ref,
    refused_to,
)


def _self_referral_form(world) -> dict:
    """A complete self-referral, as if the form was opened a minute ago. Each test is a new
    visitor: the earlier tests' submissions from the test client's address are forgotten."""
    import time

    from django.core.cache import cache

    from intake.selfreferral import issue_form_token, rate_limit_key

    cache.delete(rate_limit_key("127.0.0.1"))
    return {
        "started": issue_form_token(now=time.time() - 60),
        "asked_by": "victim",
        "first_name": "Ann",
        "under_18": "no",
        "phone": "07700 900123",
        "safe_to_call": "yes",
        "may_leave_message": "no",
        "safe_to_write": "no",
    }


LANDING = "Support for victims of crime"


SIGN_IN_LINK = f'href="{reverse("login")}"'


# Django admin sends everyone who is not admin staff to its own sign-in.
ADMIN_LOGIN = refused_to(f"{reverse('admin:login')}?next={reverse('admin:index')}", "admin sign-in")


VIEWS = [
    # --- public pages and signing in and out ---
    View(
        "landing",
        expect={
            ANONYMOUS: allowed(LANDING, SIGN_IN_LINK),
            **{a: allowed(LANDING, "Go to your work") for a in SIGNED_IN},
        },
    ),
    # Monitoring (hub/health.py): open to everyone, and shows nothing of anyone's.
    View(
        "health",
        expect={
            a: allowed('"database"', excludes=[ref("case")]) for a in (ANONYMOUS, *SIGNED_IN)
        },
    ),
    # Prometheus metrics (casework/metrics.py): only with the metrics token (the matrix runs
    # with one set: tests/matrix/conftest.py), which no user or API client has; a session
    # or an API token is no credential here. tests/casework/test_metrics.py: the token.
    View(
        "metrics",
        expect={a: UNAUTHORIZED for a in (ANONYMOUS, *SIGNED_IN, POLICE_API, TRANSFER_API,
                                          OPCC_API)},
    ),
    # Self-referral: public, for anyone (no police report needed).
    View(
        "self_referral",
        expect={
            a: allowed("Ask for support", "Exit this page")
            for a in (ANONYMOUS, *SIGNED_IN)
        },
    ),
    View(
        "self_referral",
        method="post",
        data=_self_referral_form,
        expect={
            a: redirects(reverse("self_referral_done"), "Your reference", "VH-")
            for a in (ANONYMOUS, *SIGNED_IN)
        },
    ),
    View(
        # Nothing in this session to show: back to the form, never a look-up by URL.
        "self_referral_done",
        expect={
            a: redirects(reverse("self_referral"), "Ask for support")
            for a in (ANONYMOUS, *SIGNED_IN)
        },
    ),
    View(
        "login",
        expect={
            ANONYMOUS: allowed('name="password"'),
            **{a: redirects(reverse("home")) for a in SIGNED_IN},
        },
    ),
    View(
        "login",
        method="post",
        data=lambda w: {"username": w.vcc.username, "password": PASSWORD},
        expect={
            ANONYMOUS: redirects(reverse("home")),
            **{a: redirects(reverse("home")) for a in SIGNED_IN},
        },
    ),
    # Two-factor pages: everyone here has passed both steps (conftest), so they move on.
    View(
        "accounts:two_factor",
        expect={ANONYMOUS: LOGIN, **{a: redirects("/home/") for a in SIGNED_IN}},
    ),
    View(
        "accounts:two_factor",
        method="post",
        data=lambda w: {"token": "123456"},
        expect={ANONYMOUS: LOGIN, **{a: redirects("/home/") for a in SIGNED_IN}},
    ),
    View(
        "accounts:two_factor_setup",
        expect={
            ANONYMOUS: LOGIN,
            **{a: redirects("/two-factor/?next=/home/") for a in SIGNED_IN},
        },
    ),
    View(
        "accounts:two_factor_setup",
        method="post",
        data=lambda w: {"token": "123456"},
        expect={
            ANONYMOUS: LOGIN,
            **{a: redirects("/two-factor/?next=/home/") for a in SIGNED_IN},
        },
    ),
    View(
        "logout",
        method="post",
        expect={
            ANONYMOUS: LOGIN,
            # Signed out: the landing page offers sign-in again.
            **{a: redirects(reverse("landing"), SIGN_IN_LINK) for a in SIGNED_IN},
        },
    ),
    View(
        "home",
        expect={
            ANONYMOUS: LOGIN,
            POLICE: redirects(reverse("intake:my_submissions"), "My IVNA submissions"),
            VCC: redirects(WORK, "My work"),
            MANAGER: redirects(WORK, "My work"),
            VOLUNTEER: redirects(reverse("volunteers:my_visits"), "My visits"),
            OPCC: allowed("Performance figures", 'data-testid="opcc-return-link"'),
        },
    ),
    View(
        "api-schema",
        expect={
            # The contract holds no personal data: readable before one has a token (issue 14).
            a: allowed("/api/v1/ivnas/")
            for a in (ANONYMOUS, *SIGNED_IN, POLICE_API, TRANSFER_API, OPCC_API)
        },
    ),
    View(
        "api-docs",
        expect={
            # The split view: Swagger UI's start-up script is a file (CSP: no inline).
            a: allowed("swagger-ui", "?script=")
            for a in (ANONYMOUS, *SIGNED_IN, POLICE_API, TRANSFER_API, OPCC_API)
        },
    ),
    # --- Django admin: superusers only (hub roles are never admin staff) ---
    View(
        "admin:index",
        expect={
            **{a: ADMIN_LOGIN for a in (ANONYMOUS, *SIGNED_IN)},
        },
    ),
]
