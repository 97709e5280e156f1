"""Transfers in: a victim who lives here but reported elsewhere (another force, Action Fraud,
British Transport Police) becomes a case here (DOMAIN.md, "The flow", step 1)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pghistory
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import ApiClient, User
from cases.choices import CaseSource, Route
from cases.deadlines import contact_due_at
from cases.models import Case, Crime
from cases.services import open_case
from cases.workflow import CaseStatus
from contact.services import start_contact
from core.choices import District
from core.errors import DomainError
from intake.checks import date_errors
from intake.locks import lock_transfer
from intake.matching import (
    CrimeDetails,
    VictimDetails,
    check_repeat_victim,
    earlier_high_risk,
    known_crime,
    match_crime,
    match_person,
)
from intake.models import Organisation, Transfer, TransferDirection
from intake.triage import IvnaAnswers, triage

log = logging.getLogger(__name__)

# -- Transfers in ------------------------------------------------------------------------


SENDERS = (
    Organisation.OTHER_FORCE,
    Organisation.ACTION_FRAUD,
    Organisation.BRITISH_TRANSPORT_POLICE,
)
# How a sender's crime references are told apart from the force's own.
REFERENCE_PREFIX: dict[str, str] = {
    Organisation.ACTION_FRAUD: "AF",
    Organisation.BRITISH_TRANSPORT_POLICE: "BTP",
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
    return name or str(Organisation(details.organisation).label)


def check_transfer_in(details: InboundTransfer) -> None:
    """Rules that tie the answers together: the sender, the district and the dates
    (intake.checks); raises DomainError naming each field."""
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
    errors |= date_errors(
        offence_date=details.offence_date,
        reported_at=details.reported_at,
        date_of_birth=details.victim.date_of_birth,
    )
    if errors:
        raise DomainError("The transfer's details do not hold together.", fields=errors)


def _crime_for(details: InboundTransfer, reference: str, now: datetime) -> Crime:
    """The crime as the sender recorded it, under the sender's reference (prefixed, so it is
    never taken for one of the force's own crimes)."""
    prefix = REFERENCE_PREFIX.get(details.organisation) or sender_name(details)
    crime_reference = f"{prefix} {reference}"[:50]
    # Taken as it stands when known: the sender's record is theirs to change.
    return known_crime(crime_reference) or match_crime(
        details=CrimeDetails(
            reference=crime_reference,
            crime_type=details.crime_type,
            offence_date=details.offence_date,
            reported_at=details.reported_at or now,
            markers=details.markers,
        ),
        known=None,
    )


def victim_key(victim: VictimDetails) -> str:
    """Which victim of the sender's crime this is: a keyed digest of the name and date of
    birth as sent (case and spacing aside), so the row holds no name (issue 13)."""
    born = victim.date_of_birth.isoformat() if victim.date_of_birth else ""
    parts = [" ".join(victim.first_name.split()).lower(),
             " ".join(victim.last_name.split()).lower(), born]
    return salted_hmac("intake.transfer.victim", "|".join(parts)).hexdigest()


def _already_received(*, key: str, reference: str, victim: str) -> Transfer | None:
    """The transfer in of this victim, from this sender under this reference, already
    opened (senders retry)."""
    return (
        Transfer.objects.filter(
            direction=TransferDirection.IN, organisation_key=key, their_reference=reference,
            victim_key=victim,
        )
        .select_related("case")
        .first()
    )


def _store_transfer(
    *,
    case: Case,
    details: InboundTransfer,
    name: str,
    key: str,
    reference: str,
    by: User,
    via: str,
    victim: str,
) -> Transfer:
    """What the sender told the hub, kept with the case it opened."""
    return Transfer.objects.create(
        case=case,
        victim_key=victim,
        direction=TransferDirection.IN,
        organisation=details.organisation,
        organisation_name=name,
        organisation_key=key,
        their_reference=reference,
        contact_name=details.contact_name.strip(),
        contact_email=details.contact_email.strip(),
        contact_phone=details.contact_phone.strip(),
        notes=details.notes.strip(),
        at=case.referred_at,
        by=by,
        via=via,
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
    first call are set going as for an IVNA; the same sending organisation, reference and
    victim again returns the case already opened and creates nothing (senders retry); another
    victim under the same reference is a new case on the same crime (issue 13).
    """
    check_transfer_in(details)
    key = organisation_key(details.organisation, sender_name(details))
    reference = normalise_reference(details.their_reference)
    context = {"user": by.pk, "via": f"transfer_in_{via}"}
    if api_client is not None:
        context["api_client"] = api_client.name
    with pghistory.context(**context):
        lock_transfer(key=key, reference=reference)
        victim_digest = victim_key(details.victim)
        existing = _already_received(key=key, reference=reference, victim=victim_digest)
        if existing is not None:
            return TransferResult(case=existing.case, transfer=existing, created=False)

        # The sender's person ids are not ours: a transfer is always a new person.
        victim = replace(details.victim, police_person_id="")
        person, new_person = match_person(victim=victim, safe_to_write=details.safe_to_write)
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
                earlier_high_risk_referral=earlier_high_risk(
                    person=person, new_person=new_person, offence_date=details.offence_date
                ),
            )
        )
        enhanced = decision.enhanced_entitlement
        name = sender_name(details)
        case = open_case(
            new_person=new_person,
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
        transfer = _store_transfer(
            case=case, details=details, name=name, key=key, reference=reference, by=by, via=via,
            victim=victim_digest,
        )
        check_repeat_victim(case=case, new_person=new_person)
        start_contact(case=case, new=True)
    return TransferResult(case=case, transfer=transfer, created=True)
