"""Transfers in: a victim who lives here but reported elsewhere (another force, Action Fraud,
British Transport Police) becomes a case here (DOMAIN.md, "The flow", step 1)."""

from __future__ import annotations

import logging
import re
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
from cases.workflow import CaseStatus
from contact.services import start_contact
from core.choices import District
from intake.models import Organisation, Transfer, TransferDirection
from intake.services import VictimDetails
from intake.triage import IvnaAnswers, triage

log = logging.getLogger(__name__)

# -- Transfers in ------------------------------------------------------------------------


class TransferInvalid(Exception):
    """The transfer's details do not hold together; `errors` maps field paths to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


SENDERS = (
    Organisation.OTHER_FORCE,
    Organisation.ACTION_FRAUD,
    Organisation.BRITISH_TRANSPORT_POLICE,
)
# How a sender's crime references are told apart from the force's own.
REFERENCE_PREFIX: dict[str, str] = {
    Organisation.ACTION_FRAUD: "AF", Organisation.BRITISH_TRANSPORT_POLICE: "BTP"
}


@dataclass
class InboundTransfer:
    organisation: str
    their_reference: str
    victim: VictimDetails
    crime_type: str
    offence_date: date
    organisation_name: str = ""
    reported_at: datetime | None = None
    markers: list[str] = field(default_factory=list)
    priority_categories: list[str] = field(default_factory=list)
    safe_to_write: bool = True
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    notes: str = ""


@dataclass
class TransferResult:
    case: Case
    transfer: Transfer
    created: bool


def organisation_key(organisation: str, name: str) -> str:
    """Action Fraud and BTP are one sender each whatever name they give; another force (or
    service) is known by its name, without case or extra spaces."""
    if organisation in REFERENCE_PREFIX:
        return organisation
    return f"{organisation}:{' '.join(name.split()).casefold()}"[:230]


def normalise_reference(reference: str) -> str:
    return re.sub(r"\s+", " ", reference.strip()).upper()


def sender_name(details: InboundTransfer) -> str:
    name = " ".join(details.organisation_name.split())
    return name or Organisation(details.organisation).label


def check_transfer_in(details: InboundTransfer) -> None:
    """Rules that tie the answers together; raises TransferInvalid naming each field."""
    errors: dict[str, str] = {}
    if details.organisation not in SENDERS:
        errors["sending_organisation.kind"] = (
            "A transfer comes from another force, Action Fraud or British Transport Police."
        )
    elif details.organisation == Organisation.OTHER_FORCE and not details.organisation_name.strip():
        errors["sending_organisation.name"] = "Give the name of the force that sent it."
    if not normalise_reference(details.their_reference):
        errors["reference"] = "Give the sender's reference."
    if details.victim.district in ("", District.OUT_OF_AREA):
        errors["victim.district"] = (
            "The victim must live in Cambridgeshire or Peterborough to be transferred to "
            "the hub: choose their district."
        )
    today = timezone.localdate()
    if details.offence_date > today:
        errors["crime.offence_date"] = "The offence date cannot be in the future."
    if details.reported_at is not None:
        if details.reported_at > timezone.now() + timedelta(minutes=5):
            errors["crime.reported_at"] = "The time reported cannot be in the future."
        elif timezone.localtime(details.reported_at).date() < details.offence_date:
            errors["crime.reported_at"] = "The crime cannot be reported before the offence date."
    dob = details.victim.date_of_birth
    if dob is not None:
        if dob > details.offence_date:
            errors["victim.date_of_birth"] = "The date of birth must be before the offence date."
        elif dob < date(1900, 1, 1):
            errors["victim.date_of_birth"] = "Enter a real date of birth."
    if errors:
        raise TransferInvalid(errors)


def _lock_transfer(key: str, reference: str) -> None:
    """Serialise arrivals of the same transfer, so two retries cannot both open a case."""
    lock = zlib.crc32(f"transfer|{key}|{reference}".encode()) - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7003, lock])


def _crime_for(details: InboundTransfer, reference: str, now: datetime) -> Crime:
    """The crime as the sender recorded it, under the sender's reference (prefixed, so it is
    never taken for one of the force's own crimes)."""
    prefix = REFERENCE_PREFIX.get(details.organisation) or sender_name(details)
    crime_reference = f"{prefix} {reference}"[:50]
    crime = Crime.objects.select_for_update().filter(reference=crime_reference).first()
    if crime is not None:
        return crime
    return Crime.objects.create(
        reference=crime_reference,
        crime_type=details.crime_type,
        offence_date=details.offence_date,
        reported_at=details.reported_at or now,
        markers=sorted(set(details.markers)),
    )


@transaction.atomic
def record_transfer_in(
    *,
    details: InboundTransfer,
    by: User,
    via: str,
    api_client: ApiClient | None = None,
) -> TransferResult:
    """Open a hub case for a victim who lives here and reported to another force, Action
    Fraud or British Transport Police.

    Rules: the hub contacts a transferred victim proactively (route hub contact; Victims'
    Code: within one working day with enhanced entitlement, otherwise five, the entitlement
    decided by the triage rules on what the sender gave); the introductory letter and the
    first call are set going as for an IVNA; the same sending organisation and reference
    again returns the case already opened and creates nothing (senders retry).
    """
    check_transfer_in(details)
    key = organisation_key(details.organisation, sender_name(details))
    reference = normalise_reference(details.their_reference)
    context = {"user": by.pk, "via": f"transfer_in_{via}"}
    if api_client is not None:
        context["api_client"] = api_client.name
    with pghistory.context(**context):
        _lock_transfer(key, reference)
        existing = (
            Transfer.objects.filter(
                direction=TransferDirection.IN, organisation_key=key, their_reference=reference
            )
            .select_related("case")
            .first()
        )
        if existing is not None:
            return TransferResult(case=existing.case, transfer=existing, created=False)

        victim = details.victim
        person = Person.objects.create(
            first_name=victim.first_name.strip(),
            last_name=victim.last_name.strip(),
            date_of_birth=victim.date_of_birth,
            gender=victim.gender or "unknown",
            ethnicity=victim.ethnicity or "unknown",
            nationality=victim.nationality,
            phone=victim.phone.strip(),
            email=victim.email.strip(),
            address_line1=victim.address_line1.strip(),
            address_line2=victim.address_line2.strip(),
            town=victim.town.strip(),
            postcode=victim.postcode.strip().upper(),
            district=victim.district,
            first_language=victim.first_language or "en",
            interpreter_needed=bool(victim.interpreter_needed),
            safe_to_call=True if victim.safe_to_call is None else victim.safe_to_call,
            may_leave_message=bool(victim.may_leave_message),
            safe_to_write=details.safe_to_write,
        )
        now = timezone.now()
        crime = _crime_for(details, reference, now)
        decision = triage(
            IvnaAnswers(
                crime_type=details.crime_type,
                offence_date=details.offence_date,
                markers=frozenset(crime.markers),
                date_of_birth=victim.date_of_birth,
                priority_categories=frozenset(details.priority_categories),
                needs_support=True,
            )
        )
        enhanced = decision.enhanced_entitlement
        name = sender_name(details)
        case = open_case(
            to=CaseStatus.AWAITING_CONTACT,
            by=by,
            received=f"Referral received: transfer from {name} (their reference {reference}).",
            reason="Transferred in from another area: for hub contact"
            + (" (enhanced entitlement)." if enhanced else "."),
            person=person,
            crime=crime,
            source=CaseSource.TRANSFER_IN,
            route=Route.HUB_CONTACT,
            enhanced_entitlement=enhanced,
            referred_at=now,
            contact_due_at=contact_due_at(
                route=Route.HUB_CONTACT, enhanced=enhanced, received_at=now
            ),
        )
        transfer = Transfer.objects.create(
            case=case,
            direction=TransferDirection.IN,
            organisation=details.organisation,
            organisation_name=name,
            organisation_key=key,
            their_reference=reference,
            contact_name=details.contact_name.strip(),
            contact_email=details.contact_email.strip(),
            contact_phone=details.contact_phone.strip(),
            notes=details.notes.strip(),
            at=now,
            by=by,
            via=via,
        )
        flag_repeat_victim(case=case)
        start_contact(case=case, new=True)
    return TransferResult(case=case, transfer=transfer, created=True)
