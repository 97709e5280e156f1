"""Permission-matrix entries for enrolling an authenticator app and the hub managers' Team
members pages (accounts/urls.py, accounts/team_urls.py; issue 13).

Assembled with every other app's in tests/matrix/entries.py (MATRIX). Everyone the matrix
signs in has passed both steps already (conftest), so an enrolment link and "ask a hub
manager" send them on; the Team members pages are for hub managers only.
"""

from __future__ import annotations

from accounts.models import EnrolmentInvite
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    OPCC,
    OTHER_VCC,
    POLICE,
    SIGNED_IN,
    VCC,
    VOLUNTEER,
    Outcome,
    View,
    allowed,
    redirects,
)


def _invites() -> list:
    return list(EnrolmentInvite.objects.order_by("pk").values_list("pk", "used_at"))


def _managers_only(manager: Outcome, *, outsider: bool = False) -> dict:
    expect = {ANONYMOUS: LOGIN, POLICE: FORBIDDEN, VCC: FORBIDDEN, MANAGER: manager,
              VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
    if outsider:
        expect[OTHER_VCC] = FORBIDDEN
    return expect


VIEWS = [
    View(
        "accounts:enrol",
        of="enrolment_token",
        expect={ANONYMOUS: LOGIN, **{a: redirects("/home/") for a in SIGNED_IN},
                OTHER_VCC: redirects("/home/")},
    ),
    View(
        "accounts:ask_manager",
        expect={ANONYMOUS: LOGIN,
                **{a: allowed("Ask a hub manager for an enrolment link") for a in SIGNED_IN}},
    ),
    View("team:members", expect=_managers_only(allowed("Team members", "vcc1"))),
    View(
        "team:enrolment_link",
        of="vcc",
        expect=_managers_only(allowed("Issue an enrolment link"), outsider=True),
    ),
    View(
        "team:enrolment_link",
        method="post",
        of="vcc",
        unchanged=_invites,
        expect=_managers_only(allowed("Enrolment link issued", "/two-factor/enrol/"),
                              outsider=True),
    ),
    View(
        "team:reset_authenticator",
        of="vcc",
        expect=_managers_only(allowed("Reset the authenticator of"), outsider=True),
    ),
    View(
        "team:reset_authenticator",
        method="post",
        of="vcc",
        unchanged=_invites,
        expect=_managers_only(allowed("Authenticator reset", "/two-factor/enrol/"),
                              outsider=True),
    ),
]
