"""Permission-matrix entries for My work and the team page.

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
    OTHER_VCC,
    VCC,
    WORK,
    View,
    allocations,
    allowed,
    letter_states,
    redirects,
)

VIEWS = [
    # --- My work and the team ---
    View(
        "scheduling:my_work",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("My work", "Unallocated queue"),
            MANAGER: allowed("My work", "Unallocated queue"),
        },
    ),
    View(
        "scheduling:approve_letters",
        method="post",
        data=lambda w: {"letter": [w.restricted_letter.pk]},
        unchanged=letter_states,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: redirects(WORK),
            MANAGER: redirects(WORK),
            OTHER_VCC: redirects(WORK, "Select the letters you have checked"),
        },
    ),
    View(
        "scheduling:team",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Team workload"),
        },
    ),
    # Cover for absence: the confirmation moves the cases shown; the first POST ("check")
    # shows the cases and moves nothing (for the manager too: `unchanged` holds for all).
    View(
        "scheduling:reallocate",
        method="post",
        data=lambda w: {"from_user": w.vcc.pk, "to_user": "", "confirm": "yes",
                        "case": [w.restricted.pk]},
        unchanged=allocations,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(reverse("scheduling:team"), "open case"),
        },
    ),
    View(
        "scheduling:reallocate",
        label="check",
        method="post",
        data=lambda w: {"from_user": w.vcc.pk, "to_user": ""},
        unchanged=allocations,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Check the cases before they move", "Nothing has moved yet"),
        },
    ),
]
