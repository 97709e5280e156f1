"""Permission-matrix entries for volunteers: the pool, allocations, hours and visits.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse

from accounts.models import User
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NO_CASEWORK,
    NOT_FOUND,
    OPCC,
    OTHER_VCC,
    OTHER_VOLUNTEER,
    POLICE,
    VCC,
    VOLUNTEER,
    View,
    allowed,
    casework_action,
    redirects,
    ref,
)
from volunteers.models import Volunteer, VolunteerAllocation, VolunteerHours


def _hours_state() -> list:
    return list(VolunteerHours.objects.order_by("pk").values_list("pk", "hours", "removed"))


def _hours_body(w, what: str, reason: str) -> dict:
    """A correction (to 1 hour) or a removal, with the reason."""
    if what == "remove":
        return {"reason": reason}
    return {"date": w.hours.date.isoformat(), "hours": "1", "notes": "", "reason": reason}


def _visit_only(volunteer) -> dict:
    """The volunteer's own pages: theirs, nobody else's (another volunteer finds nothing)."""
    return {
        ANONYMOUS: LOGIN,
        POLICE: FORBIDDEN,
        VCC: FORBIDDEN,
        MANAGER: FORBIDDEN,
        OPCC: FORBIDDEN,
        VOLUNTEER: volunteer,
        OTHER_VOLUNTEER: NOT_FOUND,
    }


VIEWS = [
    # --- Volunteers: the pool for managers; a volunteer for a case (the restricted one:
    # its VCC and managers only); a volunteer's own visits (only their victims) ---
    View(
        "volunteers:pool",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("The pool against the service specification",
                             'data-testid="volunteer-row"'),
        },
    ),
    View(
        "volunteers:add",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Add a volunteer", 'name="username"'),
        },
    ),
    View(
        "volunteers:add",
        method="post",
        data=lambda w: {
            "first_name": "Ioana", "last_name": "Popescu", "username": "ipopescu",
            "password": "a-long-first-password-42", "languages": ["ro", "en"],
            "districts": ["peterborough"], "hours_per_week": "4", "available": "yes",
        },
        unchanged=lambda: (Volunteer.objects.count(), User.objects.count()),
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(reverse("volunteers:pool"), "added to the volunteer pool"),
        },
    ),
    View(
        "volunteers:edit",
        of="volunteer",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Still volunteering with the hub?"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    View(
        "volunteers:edit",
        method="post",
        of="volunteer",
        data=lambda w: {
            "languages": ["en"], "districts": ["fenland"], "hours_per_week": "6",
            "available": "no", "active": "yes",
            "trained_on": w.volunteer.trained_on.isoformat(),
            "accredited_on": w.volunteer.accredited_on.isoformat(),
            "accreditation_expires_on": w.volunteer.accreditation_expires_on.isoformat(),
        },
        unchanged=lambda: list(
            Volunteer.objects.order_by("pk").values_list("pk", "available", "hours_per_week")
        ),
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(reverse("volunteers:pool"), "profile has been saved"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    View(
        "volunteers:allocate",
        of="restricted",
        expect=casework_action(vcc=allowed("Allocate a volunteer", ref("restricted"))),
    ),
    View(
        # The restricted case has its volunteer already: one at a time.
        "volunteers:allocate",
        method="post",
        of="restricted",
        data=lambda w: {"volunteer": w.volunteer.pk},
        unchanged=lambda: list(
            VolunteerAllocation.objects.order_by("pk").values_list("pk", "active")
        ),
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/volunteer/"),
                          "already supports this victim"),
        ),
    ),
    View(
        "volunteers:end_allocation",
        of="allocation.case, allocation",
        expect=casework_action(vcc=allowed("End the allocation", ref("restricted"))),
    ),
    View(
        "volunteers:end_allocation",
        method="post",
        of="allocation.case, allocation",
        unchanged=lambda: list(
            VolunteerAllocation.objects.order_by("pk").values_list("pk", "active")
        ),
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/#volunteer"), "allocation has ended"),
        ),
    ),
    View(
        "volunteers:log_hours",
        of="allocation.case, allocation",
        expect=casework_action(vcc=allowed("Log the hours", ref("restricted"))),
    ),
    View(
        "volunteers:log_hours",
        method="post",
        of="allocation.case, allocation",
        data=lambda w: {"date": (w.today - timedelta(days=1)).isoformat(), "hours": "2"},
        unchanged=lambda: VolunteerHours.objects.count(),
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/#volunteer"), "2 hours logged for"),
        ),
    ),
    View(
        # Only what the visits need: the phone, never the crime or the case reference.
        "volunteers:my_visits",
        expect={
            ANONYMOUS: LOGIN,
            POLICE: FORBIDDEN,
            VCC: FORBIDDEN,
            MANAGER: FORBIDDEN,
            OPCC: FORBIDDEN,
            VOLUNTEER: allowed(
                "My visits", "07700 900123",
                excludes=[lambda w: w.restricted.crime.reference, ref("restricted"),
                          lambda w: w.case.crime.reference, ref("case")],
            ),
            OTHER_VOLUNTEER: allowed(
                "No victims are allocated to you", excludes=["07700 900123"]
            ),
        },
    ),
    View(
        "volunteers:visit",
        of="allocation",
        expect={
            ANONYMOUS: LOGIN,
            POLICE: FORBIDDEN,
            VCC: FORBIDDEN,
            MANAGER: FORBIDDEN,
            OPCC: FORBIDDEN,
            VOLUNTEER: allowed(
                "Log your hours", "07700 900123",
                excludes=[lambda w: w.restricted.crime.reference, ref("restricted")],
            ),
            OTHER_VOLUNTEER: NOT_FOUND,
        },
    ),
    View(
        "volunteers:visit",
        method="post",
        of="allocation",
        data=lambda w: {"date": (w.today - timedelta(days=1)).isoformat(), "hours": "1.5"},
        unchanged=lambda: VolunteerHours.objects.count(),
        expect={
            ANONYMOUS: LOGIN,
            POLICE: FORBIDDEN,
            VCC: FORBIDDEN,
            MANAGER: FORBIDDEN,
            OPCC: FORBIDDEN,
            VOLUNTEER: redirects(re.compile(r"/volunteers/my-visits/\d+/"),
                                 "1.5 hours logged"),
            OTHER_VOLUNTEER: NOT_FOUND,
        },
    ),
    # Correcting or removing logged hours: a hub manager from the case at any time (the
    # restricted case: another VCC finds nothing; its VCC is told only a manager may); the
    # volunteer who logged them on their visit, within 7 days (another volunteer: nothing).
    *[
        entry
        for what, done in (("correct", "The correction is saved"),
                           ("remove", "The hours were removed"))
        for entry in (
            View(
                f"volunteers:{what}_hours",
                of="allocation.case, allocation, hours",
                expect=casework_action(
                    vcc=allowed("or a hub manager can correct or remove them",
                                excludes=['name="reason"']),
                    manager=allowed('name="reason"', ref("restricted")),
                ),
            ),
            View(
                f"volunteers:{what}_hours",
                method="post",
                of="allocation.case, allocation, hours",
                data=lambda w, what=what: _hours_body(w, what, "The timesheet says 1"),
                unchanged=_hours_state,
                expect=casework_action(
                    vcc=allowed("or a hub manager can correct or remove them"),
                    manager=redirects(re.compile(r"/cases/\d+/volunteer/\d+/hours/"), done),
                ),
            ),
            View(
                f"volunteers:{what}_my_hours",
                of="allocation, hours",
                expect=_visit_only(allowed('name="reason"', "Back to the hours")),
            ),
            View(
                f"volunteers:{what}_my_hours",
                method="post",
                of="allocation, hours",
                data=lambda w, what=what: _hours_body(w, what, ""),
                unchanged=_hours_state,
                expect=_visit_only(redirects(re.compile(r"/volunteers/my-visits/\d+/"), done)),
            ),
        )
    ],
]
