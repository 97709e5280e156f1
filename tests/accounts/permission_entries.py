"""Permission-matrix entries for enrolling an authenticator app and the hub managers' Team
members pages (accounts/urls.py, accounts/team_urls.py; issue 13).

Assembled with every other app's in tests/matrix/entries.py (MATRIX). Everyone the matrix
signs in has passed both steps already (conftest), so an enrolment link and "ask a hub
manager" send them on; the Team members pages are for hub managers only.
"""

from __future__ import annotations

import re

from accounts.models import EnrolmentInvite, User
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


def _accounts() -> list:
    return list(User.objects.order_by("pk").values_list("pk", "is_active", "first_name"))


NEW_MEMBER = {
    "username": "new_vcc", "first_name": "Nia", "last_name": "Price", "email": "",
    "role": "vcc", "districts": ["fenland"], "languages": "Polish",
    "specialisms": ["mental_health"],
}


def _details(world) -> dict:
    data = {**NEW_MEMBER, "first_name": "Valentina", "role": "vcc"}
    data.pop("username")
    return data


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
    View("team:new_member", expect=_managers_only(allowed("Add a team member"))),
    View(
        "team:new_member",
        method="post",
        data=lambda w: NEW_MEMBER,
        unchanged=_accounts,
        expect=_managers_only(allowed("Account created", "one-off-password")),
    ),
    View(
        "team:member",
        of="vcc",
        expect=_managers_only(allowed("Details and role", "vcc1"), outsider=True),
    ),
    View(
        "team:member",
        method="post",
        of="vcc",
        data=_details,
        unchanged=_accounts,
        expect=_managers_only(redirects(re.compile(r"/team/members/\d+/"), "Valentina"),
                              outsider=True),
    ),
    View(
        "team:reactivate",
        method="post",
        of="vcc",
        unchanged=_accounts,
        # Active already: nothing changes, the manager is told so on the member's page.
        expect=_managers_only(redirects(re.compile(r"/team/members/\d+/"), "active already"),
                              outsider=True),
    ),
    View(
        "team_casework:deactivate",
        of="vcc",
        expect=_managers_only(allowed("Deactivate", "cases-to-queue"), outsider=True),
    ),
    View(
        "team_casework:deactivate",
        method="post",
        of="vcc",
        unchanged=_accounts,
        expect=_managers_only(redirects(re.compile(r"/team/members/\d+/"), "is deactivated"),
                              outsider=True),
    ),
]
