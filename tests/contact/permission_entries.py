"""Permission-matrix entries for letters, the post room and contact work on a case.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import Person
from contact.letters import NO_LETTERS_TO_PRINT
from contact.models import ContactAttempt, ContactNote
from tests.permissions import (
    ANONYMOUS,
    LOGIN,
    MANAGER,
    NO_CASEWORK,
    NOT_FOUND,
    OTHER_VCC,
    VCC,
    View,
    allocations,
    allowed,
    casework_action,
    letter_states,
    redirects,
    ref,
)


def _call(world) -> dict:
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "made_on": yesterday.isoformat(),
        "made_at_time": "10:30",
        "number_used": "07700900123",
        "outcome": "no_answer",
    }


def _attempts() -> int:
    return ContactAttempt.objects.count()


def _safe_contact() -> list:
    return list(Person.objects.order_by("pk").values_list("pk", "safe_to_call"))


def _case_states() -> list:
    from cases.models import Case

    return list(Case.objects.order_by("pk").values_list("pk", "status", "route", "closed_at"))


def _notes() -> int:
    return ContactNote.objects.count()


VIEWS = [
    # --- letters: a letter's PDF and the post room, for casework users ---
    View(
        "letters:download",
        of="letter",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("%PDF"),
            MANAGER: allowed("%PDF"),
            OTHER_VCC: allowed("%PDF"),
        },
    ),
    View(
        "letters:download",
        of="restricted_letter",
        label="restricted",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("%PDF"),
            MANAGER: allowed("%PDF"),
            OTHER_VCC: NOT_FOUND,
        },
    ),
    View(
        "letters:post_room",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("Post room", "Print today"),
            MANAGER: allowed("Post room", "Print today"),
            # The only letter waiting is a restricted case's: not theirs to print.
            OTHER_VCC: allowed("Post room", excludes=["Print today"]),
        },
    ),
    View(
        "letters:print_run",
        method="post",
        unchanged=letter_states,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("%PDF"),
            MANAGER: allowed("%PDF"),
            OTHER_VCC: redirects(reverse("letters:post_room"), NO_LETTERS_TO_PRINT),
        },
    ),
    View(
        "letters:day_batch",
        of="today",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("%PDF"),
            MANAGER: allowed("%PDF"),
            OTHER_VCC: allowed("%PDF"),
        },
    ),
    # --- contact work on a case (the restricted one: its VCC and managers only) ---
    View(
        "contact:record_attempt",
        of="restricted",
        expect=casework_action(vcc=allowed("Record a call", ref("restricted"))),
    ),
    View(
        "contact:record_attempt",
        method="post",
        of="restricted",
        data=_call,
        unchanged=_attempts,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/#timeline"), "no answer")
        ),
    ),
    View(
        "contact:record_outcome",
        of="restricted",
        expect=casework_action(vcc=allowed("Record the outcome of contact")),
    ),
    View(
        "contact:record_outcome",
        method="post",
        of="restricted",
        data=lambda w: {"outcome": "accepted"},
        expect=casework_action(
            vcc=allowed("Record the call on which the victim was contacted first")
        ),
    ),
    View(
        "contact:add_note",
        of="restricted",
        expect=casework_action(vcc=allowed("Add a note", ref("restricted"))),
    ),
    View(
        "contact:add_note",
        method="post",
        of="restricted",
        data=lambda w: {"text": "Rang the school"},
        unchanged=_notes,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/#timeline"), "Rang the school")
        ),
    ),
    View(
        "contact:got_in_touch",
        method="post",
        of="restricted",
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/"), "already open for contact")
        ),
    ),
    # --- moves with a reason (issue 12); the restricted case is awaiting contact ---
    View(
        "contact:escalate",
        of="restricted",
        expect=casework_action(
            vcc=allowed("Escalate to MASH / Public Protection", ref("restricted"))
        ),
    ),
    View(
        "contact:escalate",
        method="post",
        of="restricted",
        data=lambda w: {"reason": "DVNA rated the risk from the offender high"},
        unchanged=_case_states,
        expect=casework_action(vcc=redirects(re.compile(r"/cases/\d+/"), "Escalated.")),
    ),
    View(
        "contact:supported_elsewhere",
        of="restricted",
        expect=casework_action(
            vcc=allowed("Which service is supporting the victim?", ref("restricted"))
        ),
    ),
    View(
        "contact:supported_elsewhere",
        method="post",
        of="restricted",
        data=lambda w: {"service": "The IDVA service", "reason": "Her IDVA rang"},
        unchanged=_case_states,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/"), "The IDVA service")
        ),
    ),
    View(
        "contact:step_down",
        of="restricted",
        expect=casework_action(vcc=allowed("Step down to the hub", ref("restricted"))),
    ),
    View(
        "contact:step_down",
        method="post",
        of="restricted",
        data=lambda w: {"reason": "MASH closed their involvement"},
        unchanged=_case_states,
        expect=casework_action(
            vcc=allowed("Only a case managed by MASH / Public Protection can be stepped down")
        ),
    ),
    View(
        "contact:close_case",
        of="restricted",
        expect=casework_action(vcc=allowed("Close the case", ref("restricted"))),
    ),
    View(
        "contact:close_case",
        method="post",
        of="restricted",
        data=lambda w: {"reason": "Declined"},
        unchanged=_case_states,
        # The restricted case is awaiting contact: a hub manager closes it, a VCC may not.
        expect=casework_action(
            vcc=allowed("Only a hub manager can close a case that is awaiting contact"),
            manager=redirects(re.compile(r"/cases/\d+/"), "The case is closed."),
        ),
    ),
    View(
        "contact:retry_letter",
        method="post",
        of="restricted, restricted_letter",
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/"), "Only a failed or held letter")
        ),
    ),
    # --- the safety check of one letter (issue 12); the matrix's letter is approved already ---
    View(
        "contact:check_letter",
        of="restricted, restricted_letter",
        expect=casework_action(
            vcc=allowed("Check this letter before it is sent", ref("restricted"), "Dear ",
                        "Stop this letter", excludes=["Approve and send"])
        ),
    ),
    View(
        "contact:check_letter",
        method="post",
        of="restricted, restricted_letter",
        data=lambda w: {"reason": "Her partner opens her post"},
        unchanged=letter_states,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/#letters"), "The letter has been stopped")
        ),
    ),
    View(
        "contact:approve_letter",
        method="post",
        of="restricted, restricted_letter",
        unchanged=letter_states,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/#letters"), "already been approved")
        ),
    ),
    View(
        "contact:safe_contact",
        of="restricted",
        expect=casework_action(vcc=allowed("Safe contact", ref("restricted"))),
    ),
    View(
        "contact:safe_contact",
        method="post",
        of="restricted",
        data=lambda w: {"safe_to_call": "no", "may_leave_message": "no",
                        "safe_to_write": "yes", "reason": "A shared phone"},
        unchanged=_safe_contact,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/"), "Safe contact changed")
        ),
    ),
    View(
        "cases:allocate",
        method="post",
        of="restricted",
        data=lambda w: {"to": "me"},
        unchanged=allocations,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/"), "allocated to"),
        ),
    ),
]
