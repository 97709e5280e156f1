"""What the hub's own events say about a victim's rights: the one table of the hub's
evidence (issue 15: "the hub's own rights are tracked by the hub's own events, without
typing anything twice"). Each function reads one event and returns the evidence it gives,
or nothing; rights.receivers hears the events and records what these return through
rights.services. docs/victims-code.md says the same in words.

- Right 1 (understand and be understood): met by the first letter sent in the victim's first
  language (contact.letter_languages chose it: a letter that fell back to English because
  the hub has no letters in their language does not meet it), or by a call on which the
  victim was reached, with an interpreter where they need one.
- Right 2 (the crime recorded): met by the police IVNA itself, a crime with its reference.
- Right 4 (referral to support), by the case's route (intake.triage):
  hub contact: met when the hub reached the victim and offered the needs assessment (they
  accepted or were signposted, or a DVNA was done), or offered support by letter after the
  calls failed or when the hub could not phone; declined when the victim declined, on the
  call or at the IVNA; letter only: met by the introductory letter offering support;
  high risk: does not apply, the MASH / Public Protection arranges the victim's support;
  supported elsewhere: does not apply, another service already supports the victim.
- Right 5 (compensation): met when a plan action "compensation information given" or "CICA
  application supported" is done.
- Right 12 (complaints): met when the complaint is answered by its answer-by time; missed
  ("answered late") when answered after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assessments.models import ActionKind, ActionStatus, Dvna, PlanAction
from cases.choices import Route
from cases.models import Case
from cases.victims_code import VictimsCodeRight as R
from cases.workflow import CaseStatus
from complaints.models import Complaint
from contact.models import AttemptOutcome, ContactAttempt, Letter, LetterKind
from intake.models import Ivna, SubmittedVia
from rights.models import EvidenceSource, EvidenceStatus


@dataclass(frozen=True)
class Evidence:
    right: int
    at: datetime
    status: str = EvidenceStatus.MET
    how: str = ""
    reason: str = ""
    source: str = EvidenceSource.HUB


# Right 4 on a case the hub does not support itself (the route or the IVNA says why).
MANAGED_BY_MASH = (
    "Managed by the MASH / Public Protection (high risk): they arrange the victim's support"
)
SUPPORTED_ELSEWHERE = "Already supported by another service (the IVNA or the VCC said so)"
DECLINED_AT_IVNA = "The victim did not agree to be contacted by the hub (IVNA)"
DECLINED_ON_CONTACT = "The victim declined support when the hub contacted them"
ANSWERED_LATE = "answered late"

# The letters that offer support: the introduction (letter only), and, on the hub-contact
# route, the follow-up after three failed calls and the invitation to call.
OFFERS_SUPPORT_BY_ROUTE = {
    Route.LETTER_ONLY: {LetterKind.INTRODUCTORY},
    Route.HUB_CONTACT: {LetterKind.NO_CONTACT, LetterKind.INVITE_TO_CALL},
}


def from_letter(letter: Letter, route: str) -> list[Evidence]:
    """A letter sent (by email, or printed by the post room) on a case on `route`."""
    at = letter.sent_at or letter.created_at
    found = []
    if not letter.no_letters_in:
        found.append(Evidence(
            R.UNDERSTAND, at, how=f"{letter.get_kind_display()} sent in {letter.language_label}"
        ))
    if letter.kind in OFFERS_SUPPORT_BY_ROUTE.get(route, ()):
        found.append(Evidence(
            R.REFERRAL_TO_SUPPORT, at,
            how=f"{letter.get_kind_display()} offering the hub's support sent "
            f"({letter.get_channel_display().lower()})",
        ))
    return found


def from_attempt(attempt: ContactAttempt, *, interpreter_needed: bool) -> list[Evidence]:
    """A call recorded: the victim reached, with an interpreter where one is needed."""
    if attempt.outcome != AttemptOutcome.CONTACTED:
        return []
    if interpreter_needed and not attempt.with_interpreter:
        return []
    how = "Spoke with the victim on the phone" + (
        " with an interpreter" if attempt.with_interpreter else ""
    )
    return [Evidence(R.UNDERSTAND, attempt.made_at, how=how)]


def from_case(case: Case) -> list[Evidence]:
    """What the case itself says about Right 4: its route and the IVNA's answers."""
    at = case.referred_at
    if case.route == Route.HIGH_RISK:
        return [Evidence(R.REFERRAL_TO_SUPPORT, at, EvidenceStatus.NOT_APPLICABLE,
                         reason=MANAGED_BY_MASH)]
    if case.supported_elsewhere:
        return [Evidence(R.REFERRAL_TO_SUPPORT, at, EvidenceStatus.NOT_APPLICABLE,
                         reason=SUPPORTED_ELSEWHERE)]
    if case.declined_contact_at_ivna:
        return [Evidence(R.REFERRAL_TO_SUPPORT, at, EvidenceStatus.DECLINED,
                         reason=DECLINED_AT_IVNA)]
    return []


def from_case_moved(case: Case, to_status: str, at: datetime) -> list[Evidence]:
    """The victim's decision once contacted (contact.services.record_contact_outcome)."""
    if to_status in (CaseStatus.ACCEPTED, CaseStatus.SIGNPOSTED):
        how = ("Contacted by the hub: accepted support and the needs assessment"
               if to_status == CaseStatus.ACCEPTED
               else "Contacted by the hub, offered the needs assessment: signposted")
        return [Evidence(R.REFERRAL_TO_SUPPORT, at, how=how)]
    if to_status == CaseStatus.DECLINED:
        return [Evidence(R.REFERRAL_TO_SUPPORT, at, EvidenceStatus.DECLINED,
                         reason=DECLINED_ON_CONTACT)]
    return []


def from_dvna(dvna: Dvna) -> list[Evidence]:
    return [Evidence(R.REFERRAL_TO_SUPPORT, dvna.assessed_at,
                     how="Detailed needs assessment (DVNA) done with the victim")]


# The plan actions that are Right 5's evidence once done (assessments.models.ActionKind).
COMPENSATION_ACTIONS = frozenset({ActionKind.COMPENSATION_INFORMATION, ActionKind.CICA_SUPPORT})


def from_plan_action(action: PlanAction, at: datetime) -> list[Evidence]:
    if action.kind not in COMPENSATION_ACTIONS or action.status != ActionStatus.DONE:
        return []
    return [Evidence(R.COMPENSATION, at, how=f"{action.get_kind_display()} (recovery plan)")]


def from_ivna(ivna: Ivna, case: Case) -> list[Evidence]:
    """The police IVNA: the crime recorded, with its reference."""
    if case.crime_id is None:
        return []
    by_api = ivna.submitted_via == SubmittedVia.API
    return [Evidence(
        R.CRIME_RECORDED, ivna.recorded_at,
        how="Recorded by the police via the API (IVNA with the crime reference)" if by_api
        else "Recorded by the police: IVNA form with the crime reference",
        source=EvidenceSource.POLICE_API if by_api else EvidenceSource.HUB,
    )]


def from_complaint(complaint: Complaint) -> list[Evidence]:
    """A complaint answered: in time, or late (its own answer-by time, complaints.services)."""
    if complaint.answered_at is None:
        return []
    if complaint.answered_at <= complaint.answer_due_at:
        return [Evidence(R.COMPLAINT, complaint.answered_at,
                         how="Complaint acknowledged and answered in time")]
    return [Evidence(R.COMPLAINT, complaint.answered_at, EvidenceStatus.MISSED,
                     reason=ANSWERED_LATE)]
