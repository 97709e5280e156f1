"""Who and what a referral is about: the person and the crime, matched or created, and what
the hub already knows of the person (a repeat victim, an earlier high-risk referral).

Every way in (the police IVNA, transfers in, self-referral) matches here, so the rule is
written once and changed once (issue 11 widens person matching).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from cases.choices import Route
from cases.models import Case, Crime, Person
from cases.services import flag_repeat_victim
from contact.safe_contact import lower_from_intake
from core.phones import to_e164

# An earlier high-risk referral counts in triage when it was within a year of the offence
# (service specification, triage rules).
EARLIER_HIGH_RISK_DAYS = 365


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
    # None: not given (the IVNA API has no safe-contact answers). A new person then gets the
    # model's default and a known person keeps what the hub already recorded.
    interpreter_needed: bool | None = None
    safe_to_call: bool | None = None
    may_leave_message: bool | None = None
    safe_contact_bands: list[str] | None = None


def _given(victim: VictimDetails) -> dict:
    """What the referral says of the person, tidied as the hub stores it: text trimmed,
    postcodes in capitals, phone numbers in E.164 (core/phones.py; the forms and the API
    have refused any that is not one), nothing for what was left blank (or "unknown")."""
    given = {}
    for item in fields(victim):
        value = getattr(victim, item.name)
        if isinstance(value, str):
            value = value.strip().upper() if item.name == "postcode" else value.strip()
            if item.name == "phone":
                value = to_e164(value) or value
        if item.name == "police_person_id" or value in ("", None):
            continue
        given[item.name] = value
    return given


def match_person(
    *, victim: VictimDetails, safe_to_write: bool | None = True
) -> tuple[Person, bool]:
    """The person a referral is about, and whether they are new (no earlier cases).

    Rule: the same police person id is the same person; anything else is a new person
    record. Only the force's own systems give a police person id, so a transfer (the
    sender's ids are not ours) and a self-referral (nothing typed on a public page may
    attach a stranger to someone else's history) always make a new person; a VCC links
    records once they have spoken (possible matches and merges: cases.people).

    A known person's record is never overwritten by intake: a safe-contact "no" is applied
    at once (contact only gets safer by itself; a letter not yet sent is held), and every
    other detail that differs is proposed on the new case for a VCC to confirm
    (intake.amendments.propose_person_changes). `safe_to_write` None is "not known": no.
    """
    if victim.police_person_id:
        person = Person.objects.select_for_update().filter(
            police_person_id=victim.police_person_id
        ).first()
        # A record merged into another (cases.people.merge_people) answers for the kept one.
        while person is not None and person.merged_into_id is not None:
            person = Person.objects.select_for_update().get(pk=person.merged_into_id)
        if person is not None:
            lower_from_intake(
                person=person,
                answers={
                    "safe_to_call": victim.safe_to_call,
                    "may_leave_message": victim.may_leave_message,
                    "safe_to_write": None if safe_to_write is True else False,
                },
                reason="A new referral from the police says it is not safe to write.",
            )
            return person, False
    person = new_person_row(victim=victim, safe_to_write=safe_to_write)
    person.save(force_insert=True)
    return person, True


def new_person_row(*, victim: VictimDetails, safe_to_write: bool | None = True) -> Person:
    """The new person record match_person makes, not yet saved (intake.bulk saves many):
    what the referral says of them (_given); `safe_to_write` None is "not known": no."""
    given = _given(victim)
    if safe_to_write is not True:
        given["safe_to_write"] = False
    return Person(police_person_id=victim.police_person_id or None, **given)


def known_crime(reference: str) -> Crime | None:
    """The crime already recorded under this reference, locked for the rest of the
    transaction, or None."""
    return Crime.objects.select_for_update().filter(reference=reference).first()


def match_crime(*, details: CrimeDetails, known: Crime | None) -> Crime:
    """The crime already known by its reference (`known`, locked), or a new one.

    Rule: another victim of a crime already known adds its markers (markers only ever add
    up); the crime's other details stay as first recorded.
    """
    if known is None:
        crime = new_crime_row(details)
        crime.save(force_insert=True)
        return crime
    markers = sorted(set(known.markers) | set(details.markers))
    if markers != known.markers:
        known.markers = markers
        known.save(update_fields=["markers"])
    return known


def new_crime_row(details: CrimeDetails) -> Crime:
    """A crime not known by its reference, as match_crime records it, not yet saved."""
    return Crime(
        reference=details.reference,
        crime_type=details.crime_type,
        offence_date=details.offence_date,
        reported_at=details.reported_at,
        markers=sorted(set(details.markers)),
    )


def high_risk_window_start(offence_date: date) -> date:
    """Triage rule H3 looks back twelve months from the offence for a high-risk referral
    of the same person (the demo year asks this too)."""
    return offence_date - timedelta(days=EARLIER_HIGH_RISK_DAYS)


def earlier_high_risk(*, person: Person, new_person: bool, offence_date: date) -> bool:
    """Whether the person was referred on the high-risk route within a year before this
    offence (a triage rule); a new person has no earlier cases, so nothing is asked."""
    if new_person:
        return False
    since = high_risk_window_start(offence_date)
    return Case.objects.filter(
        person=person, route=Route.HIGH_RISK, referred_at__date__gte=since
    ).exists()


def check_repeat_victim(*, case: Case, new_person: bool) -> None:
    """Flag a repeat victim (cases.services.flag_repeat_victim); a new person has no earlier
    cases to find, so nothing is asked."""
    if not new_person:
        flag_repeat_victim(case=case)
