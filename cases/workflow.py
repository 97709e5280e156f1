"""The case state machine: every status a case can be in, and the moves allowed between them.

One table (TRANSITIONS) is the whole of it; `cases.services.transition_case` enforces it and
writes a row for every move. The statuses cover the hub flow of DOMAIN.md (letter only, high
risk, hub contact with its outcomes, support and closure), including the ones whose screens
come later.

The groups of statuses the rest of the hub asks about ("can this case be re-opened?", "may
an outcome be recorded?", "is support going on?") are named once below, each derived from
the table where the table says it, so a change to a move changes every screen and service
that depends on it. Views, forms and templates ask the owning service's predicate (e.g.
`contact.services.can_reopen`), never a list of statuses of their own.
"""

from __future__ import annotations

from django.db import models

from cases.choices import Route


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    LETTER_ONLY = "letter_only", "Letter only"
    HIGH_RISK = "high_risk", "Managed by MASH / Public Protection"
    AWAITING_CONTACT = "awaiting_contact", "Awaiting contact"
    SUPPORTED_ELSEWHERE = "supported_elsewhere", "Supported by another service"
    NO_CONTACT = "no_contact", "No contact made (follow-up letter)"
    DECLINED = "declined", "Declined support"
    SIGNPOSTED = "signposted", "Signposted"
    ACCEPTED = "accepted", "Accepted support (DVNA due)"
    IN_SUPPORT = "in_support", "Recovery plan in place"
    CLOSED = "closed", "Closed"
    TRANSFERRED_OUT = "transferred_out", "Transferred to another area"


S = CaseStatus

# The meaning of every move back to awaiting contact when the victim gets in touch again
# (contact.services.record_victim_got_in_touch); REOPENABLE_STATUSES is derived from it.
REOPENED = "re-opened"

# from status -> {to status: what the move means}. Every move is made by a service that a page
# or a scheduled job calls, or is left for the issue that builds it: MOVES in
# tests/cases/test_status_groups.py names each, and fails on a move added without one.
TRANSITIONS: dict[str, dict[str, str]] = {
    S.RECEIVED: {
        S.LETTER_ONLY: "triaged letter only",
        S.HIGH_RISK: "triaged high risk: managed by MASH / Public Protection",
        S.AWAITING_CONTACT: "triaged for hub contact",
        S.SUPPORTED_ELSEWHERE: "triaged for hub contact, already supported by another service",
        S.CLOSED: "declined contact at the IVNA: closed, the hub does not contact the victim",
    },
    S.LETTER_ONLY: {
        S.AWAITING_CONTACT: f"{REOPENED}: victim came back to the hub after the letter",
        S.HIGH_RISK: "escalated to MASH / Public Protection",
        S.CLOSED: "closed",
        S.TRANSFERRED_OUT: "transferred to another area",
    },
    S.HIGH_RISK: {
        S.AWAITING_CONTACT: "stepped down from MASH / Public Protection to the hub",
        S.CLOSED: "closed",
    },
    S.AWAITING_CONTACT: {
        S.NO_CONTACT: "three attempts failed: follow-up letter sent",
        S.DECLINED: "contacted: declined support",
        S.SIGNPOSTED: "contacted: signposted",
        S.ACCEPTED: "contacted: accepted support",
        S.SUPPORTED_ELSEWHERE: "found to be supported by another service",
        S.HIGH_RISK: "escalated to MASH / Public Protection",
        S.TRANSFERRED_OUT: "transferred to another area",
        S.CLOSED: "closed",
    },
    S.SUPPORTED_ELSEWHERE: {
        S.HIGH_RISK: "escalated to MASH / Public Protection",
        S.CLOSED: "closed",
    },
    S.NO_CONTACT: {
        S.AWAITING_CONTACT: f"{REOPENED}: victim got in touch",
        S.DECLINED: "victim got in touch: declined support",
        S.SIGNPOSTED: "victim got in touch: signposted",
        S.ACCEPTED: "victim got in touch: accepted support",
        S.SUPPORTED_ELSEWHERE: "found to be supported by another service",
        S.HIGH_RISK: "escalated to MASH / Public Protection",
        S.CLOSED: "closed",
    },
    S.DECLINED: {
        S.AWAITING_CONTACT: REOPENED,
        S.HIGH_RISK: "escalated to MASH / Public Protection",
        S.CLOSED: "closed",
    },
    S.SIGNPOSTED: {
        S.HIGH_RISK: "escalated to MASH / Public Protection",
        S.CLOSED: "closed",
    },
    S.ACCEPTED: {
        S.IN_SUPPORT: "DVNA done and recovery plan agreed",
        S.HIGH_RISK: "escalated to MASH / Public Protection",
        S.TRANSFERRED_OUT: "transferred to another area",
        S.CLOSED: "closed",
    },
    S.IN_SUPPORT: {
        S.HIGH_RISK: "escalated to MASH / Public Protection",
        S.TRANSFERRED_OUT: "transferred to another area",
        S.CLOSED: "closed",
    },
    S.CLOSED: {
        S.AWAITING_CONTACT: REOPENED,
    },
    S.TRANSFERRED_OUT: {},
}


def _from(to: str) -> frozenset[str]:
    """The statuses with a move to `to`."""
    return frozenset(s for s, moves in TRANSITIONS.items() if to in moves)


# -- Groups of statuses, each named once ----------------------------------------------------

# The hub's work on the case has ended (the case is closed, or passed to another area): the
# statuses whose only moves, if any, re-open the case. `closed_at` is set on entering them.
ENDED_STATUSES = frozenset(
    s for s, moves in TRANSITIONS.items()
    if all(reason.startswith(REOPENED) for reason in moves.values())
)
# The hub's open casework: what a VCC's lists show by default.
OPEN_STATUSES = frozenset(CaseStatus.values) - ENDED_STATUSES
# A victim who gets in touch again re-opens the case for contact from these (the moves to
# awaiting contact that mean a re-opening; stepping down from high risk is not one).
REOPENABLE_STATUSES = frozenset(
    s for s, moves in TRANSITIONS.items()
    if moves.get(S.AWAITING_CONTACT, "").startswith(REOPENED)
)
# The hub phones the victim while three failed calls can still end in "no contact".
CALLING_STATUSES = _from(S.NO_CONTACT)
# What a victim decides once contacted: each is a status (contact.models.ContactOutcome).
CONTACT_DECISION_STATUSES = frozenset({S.DECLINED, S.SIGNPOSTED, S.ACCEPTED})
# An outcome is recorded where every decision is a move: awaiting contact (once the victim
# was reached) and after no contact (the victim got in touch with their decision).
OUTCOME_STATUSES = frozenset(
    s for s, moves in TRANSITIONS.items() if CONTACT_DECISION_STATUSES <= moves.keys()
)
# Accepted support, or in support under a recovery plan: the DVNA is due or redone, support
# closes from here (assessments.support_services.close_case), volunteers and referrals are
# for these.
SUPPORT_STATUSES = frozenset({S.ACCEPTED, S.IN_SUPPORT})
# The recovery plan is agreed from these (the move into "recovery plan in place")...
PLAN_AGREED_FROM = _from(S.IN_SUPPORT)
# ...and, once agreed, changes and is reviewed while support goes on under it.
PLAN_IN_PLACE_STATUSES = SUPPORT_STATUSES - PLAN_AGREED_FROM
# A VCC or manager escalates a case to MASH / Public Protection from any open status but
# "received" (the IVNA's triage makes that move) and high risk itself
# (contact.lifecycle.escalate_to_high_risk)...
ESCALATE_FROM = _from(S.HIGH_RISK) - {S.RECEIVED}
# ...and steps it down to the hub from these (the moves to awaiting contact that are not
# re-openings: contact.lifecycle.step_down_to_hub).
STEP_DOWN_FROM = _from(S.AWAITING_CONTACT) - REOPENABLE_STATUSES - {S.RECEIVED}
# Found after intake to be supported by another service (an IDVA, a social worker):
# contact.lifecycle.record_supported_elsewhere.
FOUND_ELSEWHERE_FROM = _from(S.SUPPORTED_ELSEWHERE) - {S.RECEIVED}
# A person closes a case the hub did not support: not in support (that closes with its
# outcomes, assessments.support_services.close_case) and not being called (three attempts
# end it in no contact first): contact.lifecycle.close_unsupported_case.
CLOSE_UNSUPPORTED_FROM = _from(S.CLOSED) - SUPPORT_STATUSES - CALLING_STATUSES - {S.RECEIVED}
# A hub manager also closes a case the hub is still trying to contact, with the reason: the
# victim can be neither phoned nor written to (contact.services.contact_path; the team page
# lists these), so no call or letter will ever end it in no contact. A VCC may not.
MANAGER_CLOSE_FROM = (_from(S.CLOSED) & CALLING_STATUSES) - CLOSE_UNSUPPORTED_FROM


def allowed_moves(status: str) -> dict[str, str]:
    return TRANSITIONS.get(status, {})


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, {})


def status_after_triage(*, route: str, supported_elsewhere: bool) -> str:
    """Where a new case goes once triaged."""
    if route == Route.HIGH_RISK:
        return S.HIGH_RISK
    if route == Route.LETTER_ONLY:
        return S.LETTER_ONLY
    return S.SUPPORTED_ELSEWHERE if supported_elsewhere else S.AWAITING_CONTACT
