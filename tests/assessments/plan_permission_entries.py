"""Permission-matrix entries for support: DVNA, recovery plan, reviews, closure.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re

from tests.assessments import builders as support
from tests.permissions import (
    View,
    allowed,
    casework_action,
    redirects,
    ref,
)

# Where a saved page of this app lands: its tab of the case page.
PLAN_TAB = re.compile(r"/cases/\d+/#assessment-and-plan")

VIEWS = [
    # --- Support: DVNA, recovery plan, reviews, closure (`supported`: its VCC, managers) ---
    View(
        "dvna:new",
        of="supported",
        expect=casework_action(vcc=allowed("Reassessment: DVNA 2", ref("supported"))),
    ),
    View(
        "dvna:new",
        method="post",
        of="supported",
        data=support.matrix_dvna,
        unchanged=support.support_records,
        expect=casework_action(
            vcc=redirects(PLAN_TAB, "DVNA 2 has been saved")
        ),
    ),
    View(
        "dvna:detail",
        of="supported, supported_dvna.number",
        expect=casework_action(vcc=allowed("DVNA 1", "The eight areas of need")),
    ),
    View(
        "dvna:edit",
        of="supported, supported_dvna.number",
        expect=casework_action(vcc=allowed("Correct DVNA 1", 'name="version"')),
    ),
    View(
        "dvna:edit",
        method="post",
        of="supported, supported_dvna.number",
        data=support.matrix_dvna_correction,
        unchanged=support.support_records,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/dvna/1/"), "DVNA 1 has been corrected")
        ),
    ),
    View(
        "support:plan",
        of="supported",
        expect=casework_action(vcc=allowed("Recovery plan", "Add an action")),
    ),
    View(
        # The plan is agreed already: both methods lead to it.
        "support:plan_new",
        of="supported",
        expect=casework_action(vcc=redirects(re.compile(r"/cases/\d+/plan/"))),
    ),
    View(
        "support:plan_new",
        method="post",
        of="supported",
        unchanged=support.support_records,
        expect=casework_action(vcc=redirects(re.compile(r"/cases/\d+/plan/"))),
    ),
    View(
        "support:plan_date",
        of="supported",
        expect=casework_action(vcc=allowed("Change the date of the next review")),
    ),
    View(
        "support:plan_date",
        method="post",
        of="supported",
        data=support.matrix_review_date,
        unchanged=support.support_records,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/plan/"), "The review date has been changed")
        ),
    ),
    View(
        "support:action_new",
        of="supported",
        expect=casework_action(vcc=allowed("Add an action to the plan")),
    ),
    View(
        "support:action_new",
        method="post",
        of="supported",
        data=support.matrix_action,
        unchanged=support.support_records,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/plan/"), "Fortnightly call")
        ),
    ),
    View(
        "support:action_edit",
        of="supported, supported_action",
        expect=casework_action(vcc=allowed("Change an action", "Weekly call")),
    ),
    View(
        "support:action_edit",
        method="post",
        of="supported, supported_action",
        data=support.matrix_action,
        unchanged=support.support_records,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/plan/"), "The action has been saved")
        ),
    ),
    View(
        "support:review_new",
        of="supported",
        expect=casework_action(vcc=allowed("Record a review", "Progress of the actions")),
    ),
    View(
        "support:review_new",
        method="post",
        of="supported",
        data=support.matrix_review,
        unchanged=support.support_records,
        expect=casework_action(
            vcc=redirects(PLAN_TAB, "The review has been recorded")
        ),
    ),
    View(
        "support:close",
        of="supported",
        expect=casework_action(vcc=allowed("Close the case", "need found: high")),
    ),
    View(
        "support:close",
        method="post",
        of="supported",
        data=support.matrix_close,
        unchanged=support.support_records,
        expect=casework_action(
            vcc=redirects(PLAN_TAB, "The case has been closed")
        ),
    ),
    View(
        # Asked only after closure: `supported` is still in support.
        "support:survey",
        of="supported",
        expect=casework_action(
            vcc=redirects(PLAN_TAB, "asked once support has been closed")
        ),
    ),
    View(
        "support:survey",
        method="post",
        of="supported",
        data=support.matrix_survey,
        unchanged=support.support_records,
        expect=casework_action(
            vcc=redirects(PLAN_TAB, "asked once support has been closed")
        ),
    ),
]
