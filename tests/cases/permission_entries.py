"""Permission-matrix entries for casework: the case list, the case page, its audit history and the
person page.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re

from contact.models import ContactNote
from tests.audit.permission_entries import restricted_notice
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NO_CASEWORK,
    NOT_FOUND,
    OTHER_VCC,
    VCC,
    View,
    allowed,
    casework_action,
    redirects,
    ref,
)

# After a merge or an undo: back to the case page.
CASE_PAGE = re.compile(r"/cases/\d+/")

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
        # Every open case allocated to the user: `restricted` is vcc_user's.
        "cases:mine",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("My cases", ref("restricted"), excludes=[ref("case")]),
            MANAGER: allowed("My cases", excludes=[ref("restricted"), ref("case")]),
            OTHER_VCC: allowed("My cases", excludes=[ref("restricted"), ref("case")]),
        },
    ),
    View(
        # The header's search form, blank.
        "cases:search",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("Search cases"),
            MANAGER: allowed("Search cases"),
            OTHER_VCC: allowed("Search cases"),
        },
    ),
    View(
        # The search: the results are the answer to the post (no redirect, no session),
        # the restricted case only for who may open it.
        "cases:search",
        method="post",
        data=lambda w: {"q": w.restricted.crime.reference},
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("Open cases", ref("restricted"), excludes=[ref("case")]),
            MANAGER: allowed("Open cases", ref("restricted"), excludes=[ref("case")]),
            OTHER_VCC: allowed("Open cases", "No open case matches.",
                               excludes=[lambda w: f'href="/cases/{w.restricted.pk}/"']),
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
        # The timeline alone is for the case page's htmx; a plain visit goes to the page.
        "cases:timeline",
        of="restricted",
        expect=casework_action(vcc=redirects(re.compile(r"/cases/\d+/\#timeline"))),
    ),
    View(
        # The note box above the timeline (contact.notes), back at the timeline.
        "cases:timeline",
        method="post",
        of="restricted",
        data=lambda w: {"text": "Rang the school"},
        unchanged=lambda: ContactNote.objects.count(),
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/\#timeline"), "Rang the school")
        ),
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
    # --- possible matches and merges of person records (cases.people) ---
    View(
        # Both records' cases open to every VCC: any VCC or manager may merge them.
        "cases:merge_person",
        of="other_case, twin_case.person",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed(ref("other_case"), "Merge person records"),
            MANAGER: allowed(ref("other_case"), "Merge person records"),
            OTHER_VCC: allowed(ref("other_case"), "Merge person records"),
        },
    ),
    View(
        "cases:merge_person",
        method="post",
        of="other_case, twin_case.person",
        data=lambda w: {"reason": "Same victim: confirmed on the phone", "confirm": "on"},
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: redirects(CASE_PAGE, "Merged"),
            MANAGER: redirects(CASE_PAGE, "Merged"),
            OTHER_VCC: redirects(CASE_PAGE, "Merged"),
        },
        unchanged=lambda: merges(),
    ),
    View(
        # The case's person has a restricted case: only a manager may merge; a VCC who may
        # not open it does not find the match at all.
        "cases:merge_person",
        of="case, restricted_twin_case.person",
        label="restricted",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed(ref("case"), "restricted case"),
            OTHER_VCC: NOT_FOUND,
        },
    ),
    View(
        "cases:merge_person",
        method="post",
        of="case, restricted_twin_case.person",
        label="restricted",
        data=lambda w: {"reason": "Same victim: confirmed on the phone", "confirm": "on"},
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(CASE_PAGE, "Merged"),
            OTHER_VCC: NOT_FOUND,
        },
        unchanged=lambda: merges(),
    ),
    View(
        # Undone by a manager or the VCC who merged.
        "cases:undo_merge",
        of="merged_case, merge_record",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed(ref("merged_case"), "Undo the merge"),
            MANAGER: allowed(ref("merged_case"), "Undo the merge"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    View(
        "cases:undo_merge",
        method="post",
        of="merged_case, merge_record",
        data=lambda w: {"reason": "The victim says the other case is not theirs"},
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: redirects(CASE_PAGE, "Merge undone"),
            MANAGER: redirects(CASE_PAGE, "Merge undone"),
            OTHER_VCC: FORBIDDEN,
        },
        unchanged=lambda: merges(),
    ),
]


def merges() -> list:
    """What a refused merge or undo must leave as it was."""
    from cases.models import Case, PersonMerge

    return [list(PersonMerge.objects.order_by("pk").values_list("pk", "undone_at")),
            list(Case.objects.order_by("pk").values_list("pk", "person_id", "restricted"))]
