"""Permission-matrix entries for the dashboard and the performance API.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NO_CASEWORK,
    OPCC,
    OPCC_API,
    POLICE,
    POLICE_API,
    TRANSFER_API,
    UNAUTHORIZED,
    VCC,
    VOLUNTEER,
    View,
    allowed,
)

VIEWS = [
    View(
        "api-performance-flow",
        data=lambda w: {"from": "2025-01-01", "to": "2025-03-31"},  # one quarter (OPCC)
        expect={
            ANONYMOUS: UNAUTHORIZED,
            POLICE: FORBIDDEN,
            VCC: FORBIDDEN,
            MANAGER: allowed('"referred"', '"supported_rate"'),
            VOLUNTEER: FORBIDDEN,
            OPCC: allowed('"referred"', '"supported_rate"'),
            POLICE_API: FORBIDDEN,
            TRANSFER_API: FORBIDDEN,
            OPCC_API: allowed('"referred"', '"supported_rate"'),
        },
    ),
    View(
        "api-returns-quarterly",
        data=lambda w: {"year": "2025", "quarter": "1"},
        expect={
            ANONYMOUS: UNAUTHORIZED,
            POLICE: FORBIDDEN,
            VCC: FORBIDDEN,
            MANAGER: allowed('"suppression_rule"', '"breakdowns"'),
            VOLUNTEER: FORBIDDEN,
            OPCC: allowed('"suppression_rule"', '"breakdowns"'),
            POLICE_API: FORBIDDEN,
            TRANSFER_API: FORBIDDEN,
            OPCC_API: allowed('"suppression_rule"', '"breakdowns"'),
        },
    ),
    # --- The dashboard: managers only (its counts link to named cases, so the OPCC,
    # which has performance figures through the API, is refused here) ---
    View(
        "reporting:dashboard",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Flow of victims through the hub", 'data-testid="flow-referred"'),
        },
    ),
    View(
        "reporting:export",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Victims' Hub dashboard", "Counting rules"),
        },
    ),
]
