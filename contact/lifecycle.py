"""The moves a VCC or manager makes on a case outside the contact round (issue 12, "the
lifecycle, built end to end"): escalating to MASH / Public Protection and stepping down
from it, finding the victim supported by another service after intake, and closing a case
the hub did not support.

Each is one service that locks the case, checks the move against the groups named in
cases.workflow, moves it (cases.services.transition_case: the timeline row with who and
why; closure sets `closed_at`, which starts the retention clock) and sets or cancels the
work that follows.

The hub flow (reporting.flow) counts a case by its route and its answers, not its status,
so the leaves still add up after every move here:
- escalation sets the route to high risk, so the case moves to the `high_risk` leaf, and
  stepping down sets it to hub contact, so it moves back into `vulnerable` (to the leaf its
  contact outcome, if any, names; else awaiting contact);
- "found supported elsewhere" sets `supported_elsewhere`, so a hub-contact case moves to
  the `supported_elsewhere` leaf;
- closing changes neither: a case keeps its leaf when it closes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from accounts.models import User
from accounts.roles import is_manager
from cases.choices import Route
from cases.models import Case
from cases.services import transition_case
from cases.workflow import (
    CLOSE_UNSUPPORTED_FROM,
    ESCALATE_FROM,
    FOUND_ELSEWHERE_FROM,
    MANAGER_CLOSE_FROM,
    STEP_DOWN_FROM,
    SUPPORT_STATUSES,
    CaseStatus,
)
from contact.services import ATTEMPT_KINDS, CaseMoved, start_contact
from core.errors import DomainError
from scheduling.models import SUPPORT_WORK, ItemKind
from scheduling.services import cancel_items

# The contact work a case leaves behind when the hub stops contacting the victim: the
# calls and the decision, the wait for a victim invited by letter to call, and the DVNA of
# a victim who had just accepted support.
CONTACT_WORK = (*ATTEMPT_KINDS, ItemKind.INVITE_EXPIRED, ItemKind.DVNA)
# Escalation ends the hub's work with the victim, support too: the calls, and the plan
# reviews of a victim in support (scheduling.models.SUPPORT_WORK). Chases of referrals
# already sent stay owed: the service has the victim's details and should answer. The plan,
# its DVNAs and reviews stay as the record of the support episode; a victim stepped down who
# accepts again starts a new episode (assessments.episodes).


def can_escalate(case: Case) -> bool:
    """Rule: any open case can be passed to MASH / Public Protection (cases.workflow)."""
    return case.status in ESCALATE_FROM


def can_step_down(case: Case) -> bool:
    return case.status in STEP_DOWN_FROM


def can_record_supported_elsewhere(case: Case) -> bool:
    return case.status in FOUND_ELSEWHERE_FROM


def can_close_unsupported(case: Case, user: User | None = None) -> bool:
    """Rule: a VCC or manager closes a case the hub did not support; a case still awaiting
    contact only a hub manager closes (cases.workflow.MANAGER_CLOSE_FROM)."""
    if case.status in CLOSE_UNSUPPORTED_FROM:
        return True
    return case.status in MANAGER_CLOSE_FROM and user is not None and is_manager(user)


MANAGERS_ONLY = (
    "Only a hub manager can close a case that is awaiting contact (when the victim can be "
    "neither phoned nor written to)."
)


def _locked(case: Case, by: User, allowed: Callable[[Case], bool], refusal: str) -> Case:
    """The case, locked, if `by` works cases and the move is allowed from its status now."""
    if not by.has_perm("cases.work_case"):
        raise DomainError("Only a Victim Care Co-ordinator or a hub manager can do this.")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not allowed(locked):
        raise DomainError(f"{refusal} This case is '{CaseStatus(locked.status).label}'.")
    return locked


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason.", field="reason")
    return reason


@transaction.atomic
def escalate_to_high_risk(*, case: Case, by: User, reason: str) -> CaseMoved:
    """Pass a case to MASH / Public Protection (for example when a DVNA rates the risk from
    the offender, or of self-harm, as high).

    Rule (DOMAIN.md: high-risk victims are managed by MASH / Public Protection, not the
    hub's contact round): from any open status, with the reason; the route becomes high
    risk and the hub's calls stop; so does the support of a victim in support (the plan
    reviews due are cancelled: scheduling.models.SUPPORT_WORK)."""
    reason = _reason(reason)
    locked = _locked(case, by, can_escalate, "Only an open case can be escalated.")
    in_support = locked.status in SUPPORT_STATUSES
    transition_case(case=locked, to=CaseStatus.HIGH_RISK, by=by,
                    reason=f"Escalated to MASH / Public Protection: {reason}")
    locked.route = Route.HIGH_RISK
    locked.save(update_fields=["route", "updated_at"])
    cancel_items(case=locked, kinds=CONTACT_WORK)
    reviews = cancel_items(case=locked, kinds=SUPPORT_WORK)
    case.status, case.route = locked.status, locked.route
    stopped = ("the hub's calls to the victim have stopped" if not in_support
               else "the hub's support has ended" + (
                   " and its plan reviews are cancelled" if reviews else ""))
    return CaseMoved(case, f"Escalated. The case is now managed by MASH / Public Protection; "
                           f"{stopped}.")


@transaction.atomic
def step_down_to_hub(*, case: Case, by: User, reason: str) -> CaseMoved:
    """MASH / Public Protection hand a case back to the hub.

    Rule: a stepped-down case is the hub's to contact again, from the start: awaiting
    contact on the hub-contact route, with the first call (or the letter inviting a call)
    set going as for a new case (contact.services.start_contact)."""
    reason = _reason(reason)
    locked = _locked(case, by, can_step_down,
                     "Only a case managed by MASH / Public Protection can be stepped down.")
    transition_case(case=locked, to=CaseStatus.AWAITING_CONTACT, by=by,
                    reason=f"Stepped down from MASH / Public Protection to the hub: {reason}")
    locked.route = Route.HUB_CONTACT
    locked.save(update_fields=["route", "updated_at"])
    start_contact(case=locked)
    case.status, case.route = locked.status, locked.route
    return CaseMoved(case, f"Stepped down. The case is '{CaseStatus.AWAITING_CONTACT.label}' "
                           "and on the hub's list for a first call.")


@transaction.atomic
def record_supported_elsewhere(*, case: Case, by: User, service: str, reason: str) -> CaseMoved:
    """The victim turns out, after intake, to be supported by another service (an IDVA, a
    social worker already involved): the hub stops contacting them.

    Rule: while the hub is trying to reach the victim (awaiting or no contact), with the
    service named and the reason; the flow counts the case as supported elsewhere."""
    service = service.strip()
    if not service:
        raise DomainError("Name the service supporting the victim.", field="service")
    reason = _reason(reason)
    locked = _locked(case, by, can_record_supported_elsewhere,
                     "Only a case the hub is still trying to contact can be found supported "
                     "elsewhere.")
    transition_case(case=locked, to=CaseStatus.SUPPORTED_ELSEWHERE, by=by,
                    reason=f"Found to be supported by {service}: {reason}")
    locked.supported_elsewhere = True
    locked.save(update_fields=["supported_elsewhere", "updated_at"])
    cancel_items(case=locked, kinds=CONTACT_WORK)
    case.status, case.supported_elsewhere = locked.status, True
    return CaseMoved(case, f"Recorded. The case is now '{CaseStatus(locked.status).label}' "
                           f"({service}); the hub's calls to the victim have stopped.")


@transaction.atomic
def close_unsupported_case(*, case: Case, by: User, reason: str) -> CaseMoved:
    """Close a case the hub did not support by a person: declined, signposted, supported
    elsewhere, managed by MASH / Public Protection, no contact or letter only (each also
    closes by itself after a set period: contact.closures); and, by a hub manager only, a
    case awaiting contact whose victim can be reached by no means.

    Rule (issue 12: every case ends): with the reason; closing starts the retention clock
    (`closed_at`, set by transition_case). Support closes with its outcomes instead
    (assessments.support_services.close_case)."""
    reason = _reason(reason)
    locked = _locked(case, by, lambda c: c.status in CLOSE_UNSUPPORTED_FROM | MANAGER_CLOSE_FROM,
                     "This case cannot be closed here.")
    if not can_close_unsupported(locked, by):
        raise DomainError(MANAGERS_ONLY)
    transition_case(case=locked, to=CaseStatus.CLOSED, by=by, reason=f"Closed: {reason}")
    cancel_items(case=locked, kinds=CONTACT_WORK)
    case.status, case.closed_at = locked.status, locked.closed_at
    return CaseMoved(case, "The case is closed.")
