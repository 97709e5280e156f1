"""Permission-matrix entries for the complaints log (Victims' Code right 12) and the public
"How to complain" page. Casework users record a complaint; only hub managers read the log,
acknowledge and answer (a complaint may be about a VCC's own work).

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re

from django.urls import reverse

from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NO_CASEWORK,
    OPCC,
    OTHER_VCC,
    POLICE,
    VCC,
    VOLUNTEER,
    View,
    allowed,
    redirects,
)

MANAGERS_ONLY = {ANONYMOUS: LOGIN, **NO_CASEWORK, VCC: FORBIDDEN}


def _complaints() -> list:
    from complaints.models import Complaint

    return list(Complaint.objects.order_by("pk").values_list(
        "pk", "acknowledged_at", "answered_at", "outcome"))


def _record_form(world) -> dict:
    today = world.today
    return {
        "received_on_0": str(today.day), "received_on_1": str(today.month),
        "received_on_2": str(today.year), "how": "email", "from_whom": "other",
        "complainant_name": "Matrix Neighbour", "about_service": "contact",
        "summary": "Letters went to the wrong address",
    }


VIEWS = [
    View(
        "how_to_complain",
        expect={actor: allowed("How to complain", "working day")
                for actor in (ANONYMOUS, POLICE, VCC, MANAGER, VOLUNTEER, OPCC)},
    ),
    View(
        "complaints:list",
        expect={**MANAGERS_ONLY, MANAGER: allowed("Complaints about the hub", "Answer by")},
    ),
    View(
        "complaints:record",
        expect={ANONYMOUS: LOGIN, **NO_CASEWORK, VCC: allowed("Record a complaint"),
                MANAGER: allowed("Record a complaint")},
    ),
    View(
        "complaints:record",
        method="post",
        data=_record_form,
        unchanged=_complaints,
        expect={
            ANONYMOUS: LOGIN, **NO_CASEWORK,
            VCC: redirects(reverse("scheduling:my_work"), "A hub manager will acknowledge"),
            MANAGER: redirects(re.compile(r"/complaints/\d+/"), "Matrix Neighbour"),
        },
    ),
    View(
        "complaints:detail",
        of="complaint",
        expect={**MANAGERS_ONLY, MANAGER: allowed("Matrix Complainant", "Nobody called back"),
                OTHER_VCC: FORBIDDEN},
    ),
    View(
        "complaints:acknowledge",
        method="post",
        of="complaint",
        unchanged=_complaints,
        expect={**MANAGERS_ONLY, OTHER_VCC: FORBIDDEN,
                MANAGER: redirects(re.compile(r"/complaints/\d+/"), "acknowledged today")},
    ),
    View(
        "complaints:answer",
        method="post",
        of="complaint",
        data=lambda world: {"outcome": "not_upheld", "learning": ""},
        unchanged=_complaints,
        expect={**MANAGERS_ONLY, OTHER_VCC: FORBIDDEN,
                MANAGER: redirects(re.compile(r"/complaints/\d+/"), "The answer is recorded")},
    ),
]
