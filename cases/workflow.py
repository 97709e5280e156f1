"""The case state machine: every status a case can be in, and the moves allowed between them.

One table (TRANSITIONS) is the whole of it; `cases.services.transition_case` enforces it and
writes a row for every move. The statuses cover the hub flow of DOMAIN.md (letter only, high
risk, hub contact with its outcomes, support and closure), including the ones whose screens
come later.
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

# from status -> {to status: what the move means}
TRANSITIONS: dict[str, dict[str, str]] = {
    S.RECEIVED: {
        S.LETTER_ONLY: "triaged letter only",
        S.HIGH_RISK: "triaged high risk: managed by MASH / Public Protection",
        S.AWAITING_CONTACT: "triaged for hub contact",
        S.SUPPORTED_ELSEWHERE: "triaged for hub contact, already supported by another service",
        S.TRANSFERRED_OUT: "victim lives in another area: transferred",
    },
    S.LETTER_ONLY: {
        S.AWAITING_CONTACT: "victim came back to the hub after the letter",
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
        S.AWAITING_CONTACT: "re-opened for hub contact",
        S.CLOSED: "closed",
    },
    S.NO_CONTACT: {
        S.AWAITING_CONTACT: "victim got in touch: re-opened",
        S.DECLINED: "victim got in touch: declined support",
        S.SIGNPOSTED: "victim got in touch: signposted",
        S.ACCEPTED: "victim got in touch: accepted support",
        S.CLOSED: "closed",
    },
    S.DECLINED: {
        S.AWAITING_CONTACT: "re-opened",
        S.CLOSED: "closed",
    },
    S.SIGNPOSTED: {
        S.AWAITING_CONTACT: "re-opened",
        S.CLOSED: "closed",
    },
    S.ACCEPTED: {
        S.IN_SUPPORT: "DVNA done and recovery plan agreed",
        S.DECLINED: "changed their mind: declined support",
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
        S.AWAITING_CONTACT: "re-opened",
    },
    S.TRANSFERRED_OUT: {},
}

# The hub's open casework: what a VCC's lists show by default.
OPEN_STATUSES = frozenset(s for s in CaseStatus.values if s not in {S.CLOSED, S.TRANSFERRED_OUT})


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
