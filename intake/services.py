"""IVNA intake: store the person, the crime, the IVNA and a triaged hub case in one go."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pghistory
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiClient, User
from cases.choices import CaseSource, Route
from cases.deadlines import contact_due_at
from cases.models import Case, CaseTransition, Crime, Person
from cases.services import new_case_rows, open_case
from cases.workflow import TRANSITIONS, CaseStatus, status_after_triage
from contact.services import start_contact
from core.errors import DomainError
from intake.amendments import (
    Amendment,
    propose_person_changes,
    record_amendment,
    record_first_version,
)
from intake.checks import date_errors
from intake.locks import lock_crime_and_person
from intake.matching import (
    CrimeDetails,
    VictimDetails,
    check_repeat_victim,
    earlier_high_risk,
    known_crime,
    match_crime,
    match_person,
)
from intake.models import Ivna
from intake.triage import IvnaAnswers, TriageDecision, triage


@dataclass
class AssessmentAnswers:
    needs_support: bool
    priority_categories: list[str] = field(default_factory=list)
    dash_risk: str = ""
    dash_yes_count: int | None = None
    supported_elsewhere: bool = False
    mash_referral: bool = False
    # None: not given (the API may leave them out): unknown, treated as no (issue 11).
    safe_to_write: bool | None = None
    consent_to_contact: bool | None = None
    notes: str = ""


@dataclass
class IvnaSubmission:
    crime: CrimeDetails
    victim: VictimDetails
    assessment: AssessmentAnswers


@dataclass
class IntakeResult:
    case: Case
    created: bool
    decision: TriageDecision | None = None
    # The same crime and person again with different answers (intake.amendments).
    amendment: Amendment | None = None

    @property
    def amended(self) -> bool:
        return self.amendment is not None


def check_ivna(submission: IvnaSubmission, *, today: date | None = None) -> None:
    """Rules that tie the answers together (single fields are checked by the form/API): the
    dates (intake.checks). Raises DomainError naming each field at fault."""
    errors = date_errors(
        offence_date=submission.crime.offence_date,
        reported_at=submission.crime.reported_at,
        date_of_birth=submission.victim.date_of_birth,
        today=today,
    )
    if errors:
        raise DomainError("The IVNA's answers do not hold together.", fields=errors)


# Why a case that declined contact at the IVNA has no introductory letter.
DECLINED_AT_IVNA = (
    "The victim did not agree to be contacted by the hub at the IVNA (or was not asked): "
    "the police told them the hub will not contact them."
)


def declined_contact_at_ivna(answers: AssessmentAnswers) -> bool:
    """Rule: the hub contacts a victim from an IVNA only when the officer recorded that the
    victim agrees; an answer not given is a no (issue 11)."""
    return answers.consent_to_contact is not True


def status_after_ivna(*, decision: TriageDecision, answers: AssessmentAnswers) -> str:
    """Where a new IVNA case goes: the triage's status, unless the victim declined contact.

    Rule: a victim who declined contact at the IVNA is not phoned or written to by the hub:
    the case is recorded and closed at once (a leaf of the flow of its own). A victim
    triaged high risk stays high risk: safeguarding by the MASH / Public Protection is not
    the hub's contact, and they manage the victim (docs/triage.md).
    """
    if declined_contact_at_ivna(answers) and decision.route != Route.HIGH_RISK:
        return CaseStatus.CLOSED
    return status_after_triage(
        route=decision.route, supported_elsewhere=answers.supported_elsewhere
    )


def ivna_opened_reason(*, to: str, decision: TriageDecision) -> str:
    """What the case's timeline says of the move out of "received": the triage, and for a
    case closed at once, that the victim declined contact."""
    if to == CaseStatus.CLOSED:
        return f"{TRANSITIONS[CaseStatus.RECEIVED][to].capitalize()}. {decision.reason}"
    return decision.reason


def _start_or_withhold_contact(*, case: Case) -> None:
    """The introductory letter and first call (contact.services.start_contact), or, for a
    victim who declined contact at the IVNA, neither: the case says why no letter went."""
    if case.declined_contact_at_ivna:
        case.no_letter_reason = DECLINED_AT_IVNA
        case.save(update_fields=["no_letter_reason", "updated_at"])
        return
    start_contact(case=case, new=True)


def ivna_received(via: str) -> str:
    """The first row of a police referral's timeline: how it reached the hub."""
    return f"Referral received: police IVNA ({via})."


def _already_received(known: Crime | None, police_person_id: str) -> Case | None:
    """The case this crime and police person id already opened: a retry from the crime
    system, answered with the same case and nothing written."""
    if known is None or not police_person_id:
        return None
    existing = (
        Case.objects.filter(crime=known, person__police_person_id=police_person_id)
        .select_related("person")
        .first()
    )
    if existing is not None:
        existing.crime = known
    return existing


def ivna_row(
    *,
    case: Case,
    answers: AssessmentAnswers,
    decision: TriageDecision,
    by: User,
    via: str,
    high_risk_before: bool,
) -> Ivna:
    """The officer's answers as they were given, with the route and the rules that chose it
    (not yet saved: record_ivna saves one, intake.bulk many)."""
    return Ivna(
        case=case,
        priority_categories=sorted(set(answers.priority_categories)),
        dash_risk=answers.dash_risk,
        dash_yes_count=answers.dash_yes_count,
        needs_support=answers.needs_support,
        supported_elsewhere=answers.supported_elsewhere,
        mash_referral=answers.mash_referral,
        safe_to_write=answers.safe_to_write,
        consent_to_contact=answers.consent_to_contact,
        notes=answers.notes,
        route=decision.route,
        enhanced_entitlement=decision.enhanced_entitlement,
        triage_rules=list(decision.matched_rules),
        triage_rules_version=decision.rules_version,
        earlier_high_risk_referral=high_risk_before,
        recorded_by=by,
        submitted_via=via,
    )


def triage_ivna(
    submission: IvnaSubmission, *, markers: list[str], high_risk_before: bool
) -> TriageDecision:
    """The route of an IVNA (intake.triage), with the crime's markers as recorded (a known
    crime's add up) and whether the person had a high-risk referral within the year."""
    crime_in, victim_in, answers = submission.crime, submission.victim, submission.assessment
    return triage(
        IvnaAnswers(
            crime_type=crime_in.crime_type,
            offence_date=crime_in.offence_date,
            markers=frozenset(markers),
            date_of_birth=victim_in.date_of_birth,
            priority_categories=frozenset(answers.priority_categories),
            dash_risk=answers.dash_risk or None,
            dash_yes_count=answers.dash_yes_count,
            mash_referral=answers.mash_referral,
            needs_support=answers.needs_support,
            earlier_high_risk_referral=high_risk_before,
        )
    )


def ivna_case_rows(
    *,
    person: Person,
    crime: Crime,
    decision: TriageDecision,
    answers: AssessmentAnswers,
    by: User,
    via: str,
    now: datetime,
    **extra: Any,
) -> tuple[Case, list[CaseTransition]]:
    """The case in its first status (status_after_ivna), its timeline saying why, not yet
    saved (cases.services.new_case_rows). `extra`: its reference (open_case chooses one)."""
    return new_case_rows(**_ivna_case_fields(
        person=person, crime=crime, decision=decision, answers=answers, by=by, via=via, now=now,
    ), **extra)


def _ivna_case_fields(
    *,
    person: Person,
    crime: Crime,
    decision: TriageDecision,
    answers: AssessmentAnswers,
    by: User,
    via: str,
    now: datetime,
) -> dict[str, Any]:
    to = status_after_ivna(decision=decision, answers=answers)
    declined = declined_contact_at_ivna(answers)
    return {
        "to": to,
        "by": by,
        "received": ivna_received(via),
        "reason": ivna_opened_reason(to=to, decision=decision),
        "person": person,
        "crime": crime,
        "source": CaseSource.POLICE_IVNA,
        "route": decision.route,
        "enhanced_entitlement": decision.enhanced_entitlement,
        "supported_elsewhere": answers.supported_elsewhere,
        "declined_contact_at_ivna": declined,
        "referred_at": now,
        # No contact is due from a victim the hub will not contact.
        "contact_due_at": None if declined else contact_due_at(
            route=decision.route, enhanced=decision.enhanced_entitlement, received_at=now
        ),
    }


def _open_ivna_case(
    *,
    person: Person,
    crime: Crime,
    decision: TriageDecision,
    answers: AssessmentAnswers,
    by: User,
    via: str,
    new_person: bool,
) -> Case:
    """The case in its first status (status_after_ivna), its timeline saying why."""
    return open_case(new_person=new_person, **_ivna_case_fields(
        person=person, crime=crime, decision=decision, answers=answers, by=by, via=via,
        now=timezone.now(),
    ))


@transaction.atomic
def record_ivna(
    *,
    submission: IvnaSubmission,
    by: User,
    via: str,
    api_client: ApiClient | None = None,
) -> IntakeResult:
    """Store an IVNA and open its triaged hub case.

    Rules: the IVNA is mandatory for every victim and decides the route by one rule table
    (service specification; intake.triage). The same crime reference and police person
    id again returns the existing case: with the same answers nothing is written (crime
    systems retry); with different answers it is an amendment (intake.amendments). A second
    crime for the same police person id attaches to the same person, whose record intake
    never overwrites (intake.matching.match_person).
    """
    check_ivna(submission)
    crime_in, victim_in, answers = submission.crime, submission.victim, submission.assessment
    with pghistory.context(user=by.pk, via=via, api_client=api_client.name if api_client else None):
        lock_crime_and_person(
            reference=crime_in.reference, police_person_id=victim_in.police_person_id
        )
        known = known_crime(crime_in.reference)
        existing = _already_received(known, victim_in.police_person_id)
        if existing is not None:
            amendment = record_amendment(case=existing, submission=submission, by=by, via=via)
            return IntakeResult(case=existing, created=False, amendment=amendment)

        # Unknown is not safe to write (issue 11).
        person, new_person = match_person(
            victim=victim_in, safe_to_write=answers.safe_to_write is True
        )
        crime = match_crime(details=crime_in, known=known)
        high_risk_before = earlier_high_risk(
            person=person, new_person=new_person, offence_date=crime_in.offence_date
        )
        decision = triage_ivna(
            submission, markers=crime.markers, high_risk_before=high_risk_before
        )
        case = _open_ivna_case(
            person=person, crime=crime, decision=decision, answers=answers, by=by, via=via,
            new_person=new_person,
        )
        ivna_row(case=case, answers=answers, decision=decision, by=by, via=via,
                 high_risk_before=high_risk_before).save(force_insert=True)
        version = record_first_version(case=case, submission=submission, by=by, via=via)
        if not new_person:
            propose_person_changes(case=case, victim=victim_in, version=version)
        check_repeat_victim(case=case, new_person=new_person)
        _start_or_withhold_contact(case=case)
    return IntakeResult(case=case, created=True, decision=decision)
