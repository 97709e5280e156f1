"""Permission-matrix entries for a case's Victims' Code rights (issue 15): the VCC's pages
(the restricted case's VCC and managers; another VCC finds nothing) and the police API (the
crime system that submitted the case's IVNA; everyone else is refused, and another police
client finds nothing: tests/rights/test_rights_api.py).

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re

from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    MANAGER,
    OPCC,
    OPCC_API,
    OTHER_POLICE,
    POLICE,
    POLICE_API,
    TRANSFER_API,
    UNAUTHORIZED,
    VCC,
    VOLUNTEER,
    View,
    allowed,
    casework_action,
    redirects,
    ref,
)

PANEL = re.compile(r"/cases/\d+/#victims-code-rights")


def _rights() -> list:
    from rights.models import Entitlement, JusticeEvent

    return [
        list(Entitlement.objects.order_by("pk").values_list("pk", "status", "how", "reason")),
        list(JusticeEvent.objects.order_by("pk").values_list("pk", "stage")),
    ]


def _evidence(world) -> dict:
    return {"status": "met", "on": world.today.isoformat(), "how": "Gave the CICA leaflet",
            "reason": ""}


def _step(world) -> dict:
    return {"stage": "charged", "occurred_on": world.today.isoformat(), "detail": "Two charges"}


def _police_api_only(ok) -> dict:
    """Only the crime system that submitted the case's IVNA (`api_case`)."""
    return {
        ANONYMOUS: UNAUTHORIZED, POLICE: FORBIDDEN, VCC: FORBIDDEN, MANAGER: FORBIDDEN,
        VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN, OTHER_POLICE: FORBIDDEN,
        POLICE_API: ok, TRANSFER_API: FORBIDDEN, OPCC_API: FORBIDDEN,
    }


VIEWS = [
    View(
        "rights:record",
        of="restricted, rights.compensation",
        expect=casework_action(vcc=allowed("Right 5", ref("restricted"))),
    ),
    View(
        "rights:record",
        method="post",
        of="restricted, rights.compensation",
        data=_evidence,
        unchanged=_rights,
        expect=casework_action(vcc=redirects(PANEL, "recorded: met")),
    ),
    View(
        "rights:add_justice_event",
        of="restricted",
        expect=casework_action(
            vcc=allowed("Add a step of the justice process", ref("restricted"))
        ),
    ),
    View(
        "rights:add_justice_event",
        method="post",
        of="restricted",
        data=_step,
        unchanged=_rights,
        expect=casework_action(
            vcc=redirects(PANEL, "Added to the justice timeline")
        ),
    ),
    View(
        "api-case-rights",
        of="api_case",
        expect=_police_api_only(allowed('"rights"', '"justice_events"')),
    ),
    View(
        "api-right-evidence",
        method="post",
        of="api_case, rights.information",
        data=lambda w: {"status": "met", "how": "Told the victim what happens next"},
        unchanged=_rights,
        expect=_police_api_only(allowed('"status":"met"')),
    ),
    View(
        "api-justice-event-create",
        method="post",
        of="api_case",
        data=lambda w: {"stage": "charged", "occurred_on": w.today.isoformat()},
        unchanged=_rights,
        expect=_police_api_only(allowed('"stage":"charged"', status=201)),
    ),
]
