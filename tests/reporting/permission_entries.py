"""Permission-matrix entries for the dashboard and the performance API.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

from django.urls import reverse

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
    redirects,
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
    View(
        "api-returns-compliance",
        data=lambda w: {"year": "2025", "quarter": "1"},
        expect={
            ANONYMOUS: UNAUTHORIZED,
            POLICE: FORBIDDEN,
            VCC: FORBIDDEN,
            MANAGER: allowed('"rights"', '"right_12"', '"survey"'),
            VOLUNTEER: FORBIDDEN,
            OPCC: allowed('"rights"', '"right_12"', '"survey"'),
            POLICE_API: FORBIDDEN,
            TRANSFER_API: FORBIDDEN,
            OPCC_API: allowed('"rights"', '"right_12"', '"survey"'),
        },
    ),
    # --- The dashboard: managers only (its counts link to named cases, so the OPCC, which
    # has performance figures, is sent on to the quarterly return) ---
    View(
        "reporting:dashboard",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed(
                "Police IVNA referrals through the hub", 'data-testid="flow-referred"'
            ),
            # Performance figures without casework: sent on to the quarterly return.
            OPCC: redirects(reverse("performance:return"), "Quarterly return to the OPCC"),
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
    # --- The quarterly return in the browser, read-only: the OPCC's analysts and managers
    # (aggregates only, suppressed as in the API) ---
    View(
        "performance:return",  # the latest ended quarter
        expect={
            ANONYMOUS: LOGIN,
            POLICE: FORBIDDEN,
            VCC: FORBIDDEN,
            MANAGER: allowed("Quarterly return to the OPCC", 'data-testid="download-csv"'),
            VOLUNTEER: FORBIDDEN,
            OPCC: allowed("Quarterly return to the OPCC", 'data-testid="download-csv"'),
        },
    ),
]

VIEWS.append(
    # The compliance return in the browser: the same readers as the quarterly return.
    View(
        "performance:compliance",  # the latest ended quarter
        expect={
            ANONYMOUS: LOGIN,
            POLICE: FORBIDDEN,
            VCC: FORBIDDEN,
            MANAGER: allowed("Victims' Code compliance return", 'data-testid="download-csv"'),
            VOLUNTEER: FORBIDDEN,
            OPCC: allowed("Victims' Code compliance return", 'data-testid="download-csv"'),
        },
    )
)
