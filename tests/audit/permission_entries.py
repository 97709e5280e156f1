"""Permission-matrix entries for restricted cases and the audit pages (audit/urls.py).

Assembled with every other app's in tests/matrix/entries.py (MATRIX). The rules: breaking the
glass is for a casework user facing a restricted case they may not open (to the allocated VCC
and managers there is nothing to break: back to the case); naming users, restricting a case and
ending access are for hub managers; "who looked at this person?" is for hub managers.
"""

from __future__ import annotations

import re

from accounts.roles import Role
from audit.models import CaseAccessGrant, GrantKind
from cases.models import Case
from tests.factories import user_with_role
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NO_CASEWORK,
    OTHER_VCC,
    VCC,
    Outcome,
    View,
    allowed,
    redirects,
    ref,
)

CASE_PAGE = re.compile(r"/cases/\d+/")
CASE_ACCESS = re.compile(r"/cases/\d+/access/")
REASON = "The victim rang the hub line and the allocated co-ordinator is away today."


def _victim_name(world) -> str:
    return world.restricted.person.last_name


def restricted_notice(*also: str) -> Outcome:
    """Another VCC at a restricted case's own URL: "This record is restricted" and a reason
    to give, and nothing of the record (a refusal: the matrix checks that nothing any
    allowed actor is shown there, the reference included, is on the page)."""
    return Outcome(
        "restricted notice (403)",
        403,
        contains=("This record is restricted", 'name="reason"', *also),
        excludes=(_victim_name, ref("restricted")),
        permitted=False,
    )


def _grants() -> list:
    return list(
        CaseAccessGrant.objects.order_by("pk").values_list("pk", "user", "kind", "revoked_at")
    )


def _restriction() -> list:
    return list(Case.objects.order_by("pk").values_list("pk", "restricted"))


def _grant_to_end(world) -> dict:
    # A VCC the case is not allocated to: once the grant ends they cannot open it.
    covering = user_with_role(Role.VCC, username="covering_vcc_ending")
    grant = CaseAccessGrant.objects.create(
        case=world.restricted, user=covering, kind=GrantKind.NAMED,
        reason="Covering for leave", granted_by=world.vcc,
    )
    return {"grant": grant.pk}


def _name_a_vcc(world) -> dict:
    covering = user_with_role(Role.VCC, username="covering_vcc")
    return {"user": covering.pk, "reason": "Covering while the team is short"}


def _managers_only(manager: Outcome) -> dict:
    return {ANONYMOUS: LOGIN, **NO_CASEWORK, VCC: FORBIDDEN, MANAGER: manager,
            OTHER_VCC: FORBIDDEN}


VIEWS = [
    View(
        "audit:break_glass",
        method="post",
        of="restricted",
        data=lambda w: {"reason": REASON},
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            # They may open it already: nothing is granted, back to the case.
            VCC: redirects(CASE_PAGE, ref("restricted")),
            MANAGER: redirects(CASE_PAGE, ref("restricted")),
            # The glass broken: the case, and the warning that managers have been told.
            OTHER_VCC: redirects(CASE_PAGE, ref("restricted"), "hub managers have been told"),
        },
    ),
    View(
        "audit:break_glass",
        method="post",
        of="restricted",
        label="no reason",
        data=lambda w: {"reason": "  "},
        unchanged=_grants,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: redirects(CASE_PAGE, ref("restricted")),
            MANAGER: redirects(CASE_PAGE, ref("restricted")),
            OTHER_VCC: restricted_notice("Enter why you need to open this record"),
        },
    ),
    View(
        # Not restricted: there is no glass to break, and it is no way in to anything.
        "audit:break_glass",
        method="post",
        of="case",
        label="not restricted",
        data=lambda w: {"reason": REASON},
        unchanged=_grants,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: redirects(CASE_PAGE, ref("case")),
            MANAGER: redirects(CASE_PAGE, ref("case")),
            OTHER_VCC: redirects(CASE_PAGE, ref("case")),
        },
    ),
    View(
        "audit:case_access",
        of="restricted",
        expect=_managers_only(allowed("Who may open this case", ref("restricted"))),
    ),
    View(
        "audit:case_access",
        method="post",
        of="restricted",
        data=_name_a_vcc,
        unchanged=_grants,
        expect=_managers_only(redirects(CASE_ACCESS, "can now open case")),
    ),
    View(
        "audit:case_access",
        method="post",
        of="restricted",
        label="allocated already",
        # vcc1 is allocated the case, so is not in the list to choose from.
        data=lambda w: {"user": w.vcc.pk, "reason": "Covering while the team is short"},
        unchanged=_grants,
        expect=_managers_only(allowed("Choose someone from the list")),
    ),
    View(
        "audit:case_restriction",
        method="post",
        of="case",
        data=lambda w: {"restricted": "yes", "reason": "The victim is a serving officer."},
        unchanged=_restriction,
        expect=_managers_only(redirects(CASE_ACCESS, "is now restricted")),
    ),
    View(
        "audit:revoke_grant",
        method="post",
        of="restricted",
        data=_grant_to_end,
        unchanged=lambda: [g for g in _grants() if g[3] is not None],
        expect=_managers_only(redirects(CASE_ACCESS, "can no longer open case")),
    ),
    View(
        "audit:person_access",
        of="case.person",
        expect=_managers_only(
            allowed("Who looked at this person", ref("case"), ref("restricted"))
        ),
    ),
]
