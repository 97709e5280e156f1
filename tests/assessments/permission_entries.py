"""Permission-matrix entries for IVNAs: police staff see only their own submissions; the IVNA API.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re

from tests.factories import ivna_payload
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    NOT_POLICE,
    OPCC_API,
    OTHER_POLICE,
    POLICE,
    POLICE_API,
    TRANSFER_API,
    UNAUTHORIZED,
    View,
    allowed,
    case_records,
    redirects,
    ref,
)


def _ivna_form(world) -> dict:
    return {
        "reference": "CF/77777/25",
        "crime_type": "burglary",
        "offence_date_0": "3",
        "offence_date_1": "3",
        "offence_date_2": "2025",
        "first_name": "Ann",
        "last_name": "Example",
        "gender": "female",
        "ethnicity": "unknown",
        "first_language": "en",
        "interpreter_needed": "no",
        "district": "fenland",
        "safe_to_call": "yes",
        "may_leave_message": "no",
        "mash_referral": "no",
        "needs_support": "yes",
        "supported_elsewhere": "no",
        "safe_to_write": "yes",
        "consent_to_contact": "yes",
    }


VIEWS = [
    # --- IVNAs: police staff, their own submissions only ---
    View(
        "intake:my_submissions",
        expect={
            ANONYMOUS: LOGIN,
            POLICE: allowed(ref("case"), excludes=[ref("other_case")]),
            **NOT_POLICE,
            OTHER_POLICE: allowed(
                "You have not submitted any IVNAs yet",
                excludes=[ref("case"), ref("other_case")],
            ),
        },
    ),
    View(
        "intake:ivna_new",
        expect={
            ANONYMOUS: LOGIN,
            POLICE: allowed("Submit IVNA", 'name="reference"'),
            **NOT_POLICE,
        },
    ),
    View(
        "intake:ivna_new",
        method="post",
        data=_ivna_form,
        unchanged=case_records,
        expect={
            ANONYMOUS: LOGIN,
            POLICE: redirects(re.compile(r"/ivnas/\d+/submitted/"), "IVNA submitted"),
            **NOT_POLICE,
        },
    ),
    View(
        "intake:submitted",
        of="case",
        expect={
            ANONYMOUS: LOGIN,
            POLICE: allowed("IVNA submitted", ref("case")),
            **NOT_POLICE,
            OTHER_POLICE: NOT_FOUND,
        },
    ),
    # --- the API: tokens for machine clients, sessions for staff ---
    View(
        "api-ivna-create",
        method="post",
        data=lambda w: ivna_payload(),
        unchanged=case_records,
        expect={
            ANONYMOUS: UNAUTHORIZED,
            POLICE: allowed('"case_id"', '"route"', status=201),
            POLICE_API: allowed('"case_id"', '"route"', status=201),
            **NOT_POLICE,
            TRANSFER_API: FORBIDDEN,  # a transfer sender sends transfers only
            OPCC_API: FORBIDDEN,
        },
    ),
    View(
        "api-ivna-batch",
        method="post",
        data=lambda w: [ivna_payload()],
        unchanged=case_records,
        expect={
            ANONYMOUS: UNAUTHORIZED,
            POLICE: allowed('"status":201', '"case_id"'),
            POLICE_API: allowed('"status":201', '"case_id"'),
            **NOT_POLICE,
            TRANSFER_API: FORBIDDEN,
            OPCC_API: FORBIDDEN,
        },
    ),
]
