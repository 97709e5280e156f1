"""IVNA intake: store the person, the crime, the IVNA and a triaged hub case in one go."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pghistory
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import ApiClient, User
from cases.choices import CaseSource, Route
from cases.deadlines import contact_due_at
from cases.models import Case, Crime, Person
from cases.services import flag_repeat_victim, open_case
from cases.workflow import status_after_triage
from contact.services import start_contact
from core.errors import DomainError
from intake.models import Ivna
from intake.triage import IvnaAnswers, TriageDecision, triage


@dataclass
class CrimeDetails:
    reference: str
    crime_type: str
    offence_date: date
    reported_at: datetime
    markers: list[str] = field(default_factory=list)


@dataclass
class VictimDetails:
    first_name: str
    last_name: str
    police_person_id: str = ""
    date_of_birth: date | None = None
    gender: str = "unknown"
    ethnicity: str = "unknown"
    nationality: str = ""
    phone: str = ""
    email: str = ""
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    postcode: str = ""
    district: str = ""
    first_language: str = "en"
    # None: not given (the API has no safe-contact answers). A new person then gets the
    # model's default and a known person keeps what the hub already recorded.
    interpreter_needed: bool | None = None
    safe_to_call: bool | None = None
    may_leave_message: bool | None = None


@dataclass
class AssessmentAnswers:
    needs_support: bool
    priority_categories: list[str] = field(default_factory=list)
    dash_risk: str = ""
    dash_yes_count: int | None = None
    supported_elsewhere: bool = False
    mash_referral: bool = False
    safe_to_write: bool = True
    consent_to_contact: bool = True
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


def check_ivna(submission: IvnaSubmission, *, today: date | None = None) -> None:
    """Rules that tie the answers together (single fields are checked by the form/API).

    Raises DomainError naming each field at fault by its path in the API's request
    ("crime.offence_date").
    """
    today = today or timezone.localdate()
    crime, victim = submission.crime, submission.victim
    errors: dict[str, str] = {}
    if crime.offence_date > today:
        errors["crime.offence_date"] = "The offence date cannot be in the future."
    if crime.reported_at > timezone.now() + timedelta(minutes=5):
        errors["crime.reported_at"] = "The time reported cannot be in the future."
    elif timezone.localtime(crime.reported_at).date() < crime.offence_date:
        errors["crime.reported_at"] = "The crime cannot be reported before the offence date."
    if victim.date_of_birth is not None:
        if victim.date_of_birth > crime.offence_date:
            errors["victim.date_of_birth"] = "The date of birth must be before the offence date."
        elif victim.date_of_birth < date(1900, 1, 1):
            errors["victim.date_of_birth"] = "Enter a real date of birth."
    if errors:
        raise DomainError("The IVNA's answers do not hold together.", fields=errors)


def _lock_referral(reference: str, police_person_id: str) -> None:
    """Serialise intake of the same crime, and of the same person.

    So two retries cannot both create a case, and two victims of one crime (or two crimes of
    one victim) arriving together cannot both create the crime (or the person). The crime is
    always locked before the person, so two intakes cannot wait for each other.
    """
    locks = [(7001, f"crime|{reference.upper()}")]
    if police_person_id:
        locks.append((7002, f"person|{police_person_id}"))
    params = [p for space, name in locks for p in (space, zlib.crc32(name.encode()) - 2**31)]
    calls = ", ".join(["pg_advisory_xact_lock(%s, %s)"] * len(locks))
    with connection.cursor() as cursor:
        # One statement; PostgreSQL evaluates the target list left to right: crime first.
        cursor.execute(f"SELECT {calls}", params)  # noqa: S608 - placeholders only


def _match_person(victim: VictimDetails) -> tuple[Person, bool]:
    """The same police person id is the same person; otherwise a new person record.

    Returns the person and whether they are new (a new person has no earlier cases)."""
    contact = {
        "first_name": victim.first_name,
        "last_name": victim.last_name,
        "date_of_birth": victim.date_of_birth,
        "gender": victim.gender,
        "ethnicity": victim.ethnicity,
        "nationality": victim.nationality,
        "phone": victim.phone,
        "email": victim.email,
        "address_line1": victim.address_line1,
        "address_line2": victim.address_line2,
        "town": victim.town,
        "postcode": victim.postcode.upper(),
        "district": victim.district,
        "first_language": victim.first_language,
        "interpreter_needed": victim.interpreter_needed,
        "safe_to_call": victim.safe_to_call,
        "may_leave_message": victim.may_leave_message,
    }
    if victim.police_person_id:
        person = Person.objects.select_for_update().filter(
            police_person_id=victim.police_person_id
        ).first()
        if person is not None:
            # The newest report carries the newest details; history keeps the old ones.
            changed = []
            for name, value in contact.items():
                if value in ("", None) or name in ("gender", "ethnicity") and value == "unknown":
                    continue
                if getattr(person, name) != value:
                    setattr(person, name, value)
                    changed.append(name)
            if changed:
                person.save(update_fields=[*changed, "updated_at"])
            return person, False
    given = {name: value for name, value in contact.items() if value not in ("", None)}
    return Person.objects.create(police_person_id=victim.police_person_id or None, **given), True


def _match_crime(details: CrimeDetails, crime: Crime | None) -> Crime:
    """The crime already known by its reference (`crime`, locked), or a new one."""
    if crime is None:
        return Crime.objects.create(
            reference=details.reference,
            crime_type=details.crime_type,
            offence_date=details.offence_date,
            reported_at=details.reported_at,
            markers=sorted(set(details.markers)),
        )
    # Another victim of a crime already known: markers only ever add up.
    markers = sorted(set(crime.markers) | set(details.markers))
    if markers != crime.markers:
        crime.markers = markers
        crime.save(update_fields=["markers"])
    return crime


def high_risk_window_start(offence_date: date) -> date:
    """Triage rule H3 looks back twelve months from the offence for a high-risk referral
    of the same person."""
    return offence_date - timedelta(days=365)


def _earlier_high_risk(person: Person, offence_date: date) -> bool:
    since = high_risk_window_start(offence_date)
    return Case.objects.filter(
        person=person, route=Route.HIGH_RISK, referred_at__date__gte=since
    ).exists()


def ivna_received(via: str) -> str:
    """The first row of a police referral's timeline: how it reached the hub."""
    return f"Referral received: police IVNA ({via})."


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
    id again returns the existing case and creates nothing (crime systems retry). A second
    crime for the same police person id attaches to the same person.
    """
    check_ivna(submission)
    crime_in, victim_in, answers = submission.crime, submission.victim, submission.assessment
    with pghistory.context(user=by.pk, via=via, api_client=api_client.name if api_client else None):
        _lock_referral(crime_in.reference, victim_in.police_person_id)
        known_crime = (
            Crime.objects.select_for_update().filter(reference=crime_in.reference).first()
        )
        if known_crime is not None and victim_in.police_person_id:
            existing = (
                Case.objects.filter(
                    crime=known_crime, person__police_person_id=victim_in.police_person_id
                )
                .select_related("person")
                .first()
            )
            if existing is not None:
                existing.crime = known_crime
                return IntakeResult(case=existing, created=False)

        person, new_person = _match_person(victim_in)
        if not answers.safe_to_write and person.safe_to_write:
            person.safe_to_write = False
            person.save(update_fields=["safe_to_write", "updated_at"])
        crime = _match_crime(crime_in, known_crime)
        earlier_high_risk = not new_person and _earlier_high_risk(person, crime_in.offence_date)
        decision = triage(
            IvnaAnswers(
                crime_type=crime_in.crime_type,
                offence_date=crime_in.offence_date,
                markers=frozenset(crime.markers),
                date_of_birth=victim_in.date_of_birth,
                priority_categories=frozenset(answers.priority_categories),
                dash_risk=answers.dash_risk or None,
                dash_yes_count=answers.dash_yes_count,
                mash_referral=answers.mash_referral,
                needs_support=answers.needs_support,
                earlier_high_risk_referral=earlier_high_risk,
            )
        )
        now = timezone.now()
        case = open_case(
            to=status_after_triage(
                route=decision.route, supported_elsewhere=answers.supported_elsewhere
            ),
            by=by,
            received=ivna_received(via),
            reason=decision.reason,
            person=person,
            crime=crime,
            source=CaseSource.POLICE_IVNA,
            route=decision.route,
            enhanced_entitlement=decision.enhanced_entitlement,
            supported_elsewhere=answers.supported_elsewhere,
            referred_at=now,
            contact_due_at=contact_due_at(
                route=decision.route, enhanced=decision.enhanced_entitlement, received_at=now
            ),
        )
        Ivna.objects.create(
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
            earlier_high_risk_referral=earlier_high_risk,
            recorded_by=by,
            submitted_via=via,
        )
        if not new_person:
            flag_repeat_victim(case=case)
        start_contact(case=case, new=True)
    return IntakeResult(case=case, created=True, decision=decision)
