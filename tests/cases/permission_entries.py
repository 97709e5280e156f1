"""Permission-matrix entries for casework: the case list, the case page, its audit history and the
person page.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

from tests.audit.permission_entries import restricted_notice
from tests.permissions import (
    ANONYMOUS,
    CASES,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NO_CASEWORK,
    OTHER_VCC,
    VCC,
    View,
    allowed,
    redirects,
    ref,
)

VIEWS = [
    # --- casework: VCCs and managers ---
    View(
        "cases:list",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed(ref("case"), ref("restricted"), ref("other_case")),
            MANAGER: allowed(ref("case"), ref("restricted"), ref("other_case")),
            OTHER_VCC: allowed(ref("case"), ref("other_case"), excludes=[ref("restricted")]),
        },
    ),
    View(
        # The search term is posted, kept in the session, and the list shown again.
        "cases:list",
        method="post",
        data=lambda w: {"q": w.restricted.crime.reference},
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: redirects(f"{CASES}?", ref("restricted"), excludes=[ref("case")]),
            MANAGER: redirects(f"{CASES}?", ref("restricted"), excludes=[ref("case")]),
            OTHER_VCC: redirects(f"{CASES}?", "0 cases", excludes=[ref("restricted")]),
        },
    ),
    View(
        "cases:detail",
        of="case",
        label="open",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            # The person's other cases include the restricted one only for who may open it.
            VCC: allowed(ref("case"), ref("restricted")),
            MANAGER: allowed(ref("case"), ref("restricted")),
            OTHER_VCC: allowed(ref("case"), excludes=[ref("restricted")]),
        },
    ),
    View(
        "cases:detail",
        of="restricted",
        label="restricted",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed(ref("restricted"), "Restricted"),
            MANAGER: allowed(ref("restricted"), "Restricted"),
            # No case data: only "This record is restricted" and the break-glass form.
            OTHER_VCC: restricted_notice(),
        },
    ),
    View(
        "cases:detail",
        of="closed",
        label="closed",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed(ref("closed"), "Closed"),
            MANAGER: allowed(ref("closed"), "Closed"),
            OTHER_VCC: allowed(ref("closed"), "Closed"),
        },
    ),
    View(
        "cases:audit",
        of="restricted",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed(ref("restricted"), "Audit history"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    View(
        # Every case of the person, less the restricted ones the user may not open.
        "people:detail",
        of="case.person",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed(ref("case"), ref("restricted"), "Everything for this person"),
            MANAGER: allowed(ref("case"), ref("restricted")),
            OTHER_VCC: allowed(ref("case"), excludes=[ref("restricted")]),
        },
    ),
]
