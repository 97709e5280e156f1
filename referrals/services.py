"""Referrals to services in the directory, and transfers of victims between police areas.

Service specification (Appendix 2 of the 2016 update):
- the recovery plan may include "a referral/supported signposting to an existing suitable
  specialist victim support service provider (to include those commissioned/not
  commissioned by the PCC locally and nationally) in accordance with the victim's needs";
- the hub must comply with the Data Protection Act: a referral shares only what the victim
  agreed to share with that service (the consent is recorded in the DVNA);
- interoperability: "victims who report crime in another PCC area but who reside in
  Cambridgeshire can have their personal data transferred to the Victims' Hub", with
  "Action Fraud the British Transport Police and other area Victim Referral Services"; and
  victims who live elsewhere are passed to "the support arrangements in place in their area
  of residence".
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pghistory
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import ApiClient, User
from assessments.models import ConsentToShare, Dvna, Level, NeedArea
from assessments.services import VictimDetails
from assessments.triage import IvnaAnswers, triage
from cases.choices import CaseSource, District, Route
from cases.models import Case, Crime, Person
from cases.services import flag_repeat_victim, open_case, transition_case
from cases.workflow import CaseStatus, is_allowed
from contact.letters import html_to_pdf
from contact.services import start_contact
from core.errors import DomainError
from hub.working_days import end_of_working_day
from referrals.models import (
    REFERRAL_TRANSITIONS,
    Organisation,
    Referral,
    ReferralStatus,
    SharedItem,
    SupportService,
    Transfer,
    TransferDirection,
    TransferVia,
)
from scheduling.models import ItemKind, ItemState, ScheduledItem
from scheduling.services import cancel_items, schedule
from support.models import ActionKind, PlanAction

log = logging.getLogger(__name__)

# The plan actions that are referrals or signposting to a service (DOMAIN.md, step 6).
REFERRAL_KINDS = frozenset(
    {
        ActionKind.SPECIALIST_REFERRAL,
        ActionKind.RESTORATIVE_JUSTICE,
        ActionKind.COMMUNITY_SIGNPOSTING,
    }
)


# -- The service directory ---------------------------------------------------------------

DIRECTORY_FIELDS = (
    "name",
    "description",
    "commissioned_by_pcc",
    "national",
    "specialisms",
    "districts",
    "how_to_refer",
    "referral_email",
    "phone",
)


@transaction.atomic
def save_service(*, service: SupportService, by: User) -> SupportService:
    """Add a service to the directory or change one (hub managers: the directory is theirs,
    DOMAIN.md "Who uses it"). The history of every change is kept (pghistory)."""
    if not by.has_perm("referrals.manage_directory"):
        raise DomainError("Only a hub manager can change the service directory.")
    with pghistory.context(user=by.pk):
        service.specialisms = sorted(set(service.specialisms))
        service.districts = sorted(set(service.districts))
        service.save()
    return service


@transaction.atomic
def set_service_active(*, service: SupportService, active: bool, by: User) -> SupportService:
    """Deactivate a service (no new referrals to it; its referrals stay) or bring it back."""
    if not by.has_perm("referrals.manage_directory"):
        raise DomainError("Only a hub manager can change the service directory.")
    locked = SupportService.objects.select_for_update().get(pk=service.pk)
    if locked.active != active:
        with pghistory.context(user=by.pk):
            locked.active = active
            locked.save(update_fields=["active"])
    service.active = active
    return service


# -- Referrals ---------------------------------------------------------------------------


def consent_for(*, case: Case, service: SupportService) -> ConsentToShare | None:
    """The victim's recorded answer about sharing with this service, if there is one."""
    return ConsentToShare.objects.filter(case=case, service=service).first()


def no_consent_message(service: SupportService, consent: ConsentToShare | None) -> str:
    if consent is not None and not consent.given:
        return (
            f"The victim did not consent to share their details with {service.name}. "
            "Consent to share with that service must be recorded in the DVNA first."
        )
    return (
        f"Consent to share with {service.name} must be recorded in the DVNA first: "
        "the hub has no record that the victim agreed to it."
    )


def referral_problems(
    *, case: Case, action: PlanAction, service: SupportService | None
) -> list[str]:
    """Every reason this referral cannot be made now (empty when it can)."""
    problems = []
    if not case.is_open:
        problems.append(
            f"The case is '{CaseStatus(case.status).label}': re-open it before making a "
            "referral."
        )
    if action.kind not in REFERRAL_KINDS:
        problems.append(
            f"'{action.get_kind_display()}' is not a referral: only referral, Restorative "
            "Justice and signposting actions are referred to a service."
        )
    if service is None:
        problems.append("Choose the service to refer to.")
        return problems
    if not service.active:
        problems.append(f"{service.name} is no longer in the directory (deactivated).")
    consent = consent_for(case=case, service=service)
    if consent is None or not consent.given:
        problems.append(no_consent_message(service, consent))
    open_referral = (
        Referral.objects.filter(
            action=action, service=service, status__in=[ReferralStatus.SENT,
                                                        ReferralStatus.ACCEPTED]
        )
        .only("sent_at")
        .first()
    )
    if open_referral is not None:
        problems.append(
            f"This action was already referred to {service.name} on "
            f"{timezone.localtime(open_referral.sent_at):%-d %B %Y}, and that referral is "
            "still open."
        )
    return problems


@dataclass(frozen=True)
class Shared:
    """What a referral document may carry, from the victim's consent."""

    contact_details: bool
    crime_details: bool
    needs: bool

    @classmethod
    def from_consent(cls, consent: ConsentToShare) -> Shared:
        return cls(
            contact_details=consent.share_contact_details,
            crime_details=consent.share_crime_details,
            needs=consent.share_needs,
        )


def _latest_dvna(case: Case) -> Dvna | None:
    return case.dvnas.order_by("-number").prefetch_related("needs").first()


def document_context(
    *,
    case: Case,
    action: PlanAction,
    service: SupportService,
    shared: Shared,
    consent: ConsentToShare,
    by: User,
    today: date | None = None,
) -> dict:
    """What the referral document shows. Only the name and the case reference always; the
    rest only where the victim consented (a field not consented to is never put in the
    context, so no template slip can show it)."""
    person = case.person
    today = today or timezone.localdate()
    context: dict = {
        "hub_name": settings.HUB_NAME,
        "hub_address_lines": [p.strip() for p in settings.HUB_ADDRESS.split(",") if p.strip()],
        "hub_phone": settings.HUB_PHONE,
        "hub_email": settings.HUB_EMAIL,
        "today": today,
        "reference": case.reference,
        "name": person.full_name,
        "service_name": service.name,
        "purpose": action.get_kind_display(),
        "referred_by": by.get_full_name() or by.username,
        "consent_recorded_on": timezone.localtime(consent.recorded_at).date(),
        "shared_labels": [
            label
            for on, label in (
                (shared.contact_details, "contact details"),
                (shared.crime_details, "crime details"),
                (shared.needs, "needs"),
            )
            if on
        ],
        "contact": None,
        "crime": None,
        "needs": None,
    }
    if shared.contact_details:
        address = [person.address_line1, person.address_line2, person.town,
                   person.postcode.upper()]
        context["contact"] = {
            "phone": person.phone,
            "email": person.email,
            "address_lines": [line.strip() for line in address if line and line.strip()],
            "safe_to_call": person.safe_to_call,
            "safe_to_write": person.safe_to_write,
            "may_leave_message": person.may_leave_message,
            "safe_times": [b.replace("_", " ") for b in person.safe_contact_bands],
            "safe_contact_notes": person.safe_contact_notes,
            "first_language": person.first_language_label,
            "interpreter_needed": person.interpreter_needed,
        }
    if shared.crime_details:
        crime = case.crime
        context["crime"] = (
            {
                "reference": crime.reference,
                "type": crime.get_crime_type_display(),
                "offence_date": crime.offence_date,
                "markers": crime.marker_labels,
            }
            if crime is not None
            else {"none": case.get_source_display()}
        )
    if shared.needs:
        dvna = _latest_dvna(case)
        needs = []
        if dvna is not None:
            needs = [
                {"area": n.get_area_display(), "level": n.get_level_display(), "notes": n.notes}
                for n in dvna.needs.all()
                if n.level != Level.NONE
            ]
        context["needs"] = {
            "action": action.description,
            "areas": [NeedArea(a).label for a in action.need_areas if a in NeedArea.values],
            "assessed": needs,
            "communication": dvna.communication_needs if dvna else "",
        }
    return context


def render_referral_document(context: dict) -> bytes:
    """The referral as a PDF, rendered by WeasyPrint with the data-only fetcher (nothing is
    fetched from files or the network) and Django's autoescaping."""
    return html_to_pdf(render_to_string("referrals/document.html", context))


def _chase_times(sent_at: datetime) -> tuple[datetime, datetime]:
    """When a referral the service has not answered is chased: due at the end of the
    HUB_REFERRAL_CHASE_WORKING_DAYS-th working day after it went, to be done by the end of
    the next working day."""
    days = settings.HUB_REFERRAL_CHASE_WORKING_DAYS
    return end_of_working_day(sent_at, days), end_of_working_day(sent_at, days + 1)


def _schedule_chase(referral: Referral, *, after: datetime) -> ScheduledItem:
    due_at, deadline_at = _chase_times(after)
    return schedule(
        kind=ItemKind.REFERRAL_CHASE,
        case=referral.case,
        target_id=referral.pk,
        due_at=due_at,
        deadline_at=deadline_at,
        dedupe_key=f"referral_chase:{referral.pk}:{referral.chases + 1}",
    )


def _close_chases(referral: Referral, *, by: User | None) -> int:
    """The service answered: its chase is no longer work for anyone."""
    return ScheduledItem.objects.filter(
        kind=ItemKind.REFERRAL_CHASE, target_id=referral.pk, state=ItemState.DUE
    ).update(state=ItemState.DONE, done_at=timezone.now(), done_by=by)


@transaction.atomic
def make_referral(
    *, case: Case, action: PlanAction, service: SupportService, by: User
) -> Referral:
    """Refer the victim to a service from an action of their recovery plan.

    Rules: only with the victim's consent to share with that service, recorded in the DVNA
    (ConsentToShare given); the referral document carries only what that consent allows
    (the name and the case reference always); a chase is scheduled for when the service has
    not answered within HUB_REFERRAL_CHASE_WORKING_DAYS working days; the document is
    emailed to the service's referral address once the referral is stored.
    """
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "crime")
        .get(pk=case.pk)
    )
    # Lock the action: two clicks on "send" wait for each other and the second is refused.
    action = PlanAction.objects.select_for_update(of=("self",)).get(pk=action.pk, plan__case=case)
    problems = referral_problems(case=case, action=action, service=service)
    if problems:
        raise DomainError(" ".join(problems))
    consent = consent_for(case=case, service=service)
    shared = Shared.from_consent(consent)
    now = timezone.now()
    document = render_referral_document(
        document_context(
            case=case, action=action, service=service, shared=shared, consent=consent, by=by
        )
    )
    referral = Referral.objects.create(
        case=case,
        action=action,
        service=service,
        consent=consent,
        shared_contact_details=shared.contact_details,
        shared_crime_details=shared.crime_details,
        shared_needs=shared.needs,
        sent_at=now,
        sent_by=by,
        document=document,
        emailed_to=service.referral_email,
    )
    _schedule_chase(referral, after=now)
    if referral.emailed_to:
        _queue_email(referral)
    return referral


def _queue_email(referral: Referral) -> None:
    from referrals.tasks import send_referral_email as task

    # After the commit: a rolled-back referral is never emailed. A broker that is down
    # leaves the email unsent, shown on the case with a button to send it again.
    transaction.on_commit(lambda: task.delay(referral.pk), robust=True)


def email_subject(referral: Referral) -> str:
    # Never the victim's name or the crime: others may read the service's inbox.
    return f"Referral from the {settings.HUB_NAME} – our reference {referral.case.reference}"


def email_body(referral: Referral) -> str:
    return render_to_string("referrals/email.txt", {
        "hub_name": settings.HUB_NAME,
        "hub_phone": settings.HUB_PHONE,
        "hub_email": settings.HUB_EMAIL,
        "reference": referral.case.reference,
        "service_name": referral.service.name,
        "sent_by": referral.sent_by.get_full_name() or referral.sent_by.username,
    })


def send_referral_email(*, referral_id: int) -> bool:
    """Email the referral document to the service. Returns True if this call sent it.

    Safe to run twice: the referral row is locked and an email already sent is not sent
    again. A failure is kept on the referral (never personal data) for a VCC to retry.
    """
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("case", "service", "sent_by")
            .filter(pk=referral_id)
            .first()
        )
        if referral is None or referral.email_sent_at is not None or not referral.emailed_to:
            return False
        try:
            message = EmailMessage(
                subject=email_subject(referral),
                body=email_body(referral),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[referral.emailed_to],
                reply_to=[settings.HUB_EMAIL],
            )
            message.attach(referral.filename, bytes(referral.document), "application/pdf")
            message.send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - every failure is kept on the referral
            referral.email_error = f"{type(error).__name__}: {error}"[:500]
            referral.save(update_fields=["email_error"])
            log.warning("referral %s email failed: %s", referral.pk, type(error).__name__)
            return False
        referral.email_sent_at = timezone.now()
        referral.email_error = ""
        referral.save(update_fields=["email_sent_at", "email_error"])
    return True


@transaction.atomic
def resend_referral_email(*, referral: Referral, by: User) -> Referral:
    """Send the referral email again after it failed (or never left)."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related("service").get(
        pk=referral.pk
    )
    if referral.email_sent_at is not None:
        raise DomainError("The referral has already been emailed to the service.")
    if not referral.emailed_to:
        referral.emailed_to = referral.service.referral_email
        if not referral.emailed_to:
            raise DomainError(
                f"{referral.service.name} has no referral email address in the directory."
            )
    referral.email_error = ""
    referral.save(update_fields=["emailed_to", "email_error"])
    _queue_email(referral)
    return referral


def _move(referral: Referral, to: str) -> Referral:
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("service")
        .get(pk=referral.pk)
    )
    if to not in REFERRAL_TRANSITIONS[locked.status]:
        raise DomainError(
            f"A referral that is '{ReferralStatus(locked.status).label.lower()}' cannot be "
            f"recorded as {ReferralStatus(to).label.lower()}."
        )
    locked.status = to
    return locked


@transaction.atomic
def record_referral_accepted(*, referral: Referral, by: User) -> Referral:
    """The service accepted the referral: dated, and its chase is done."""
    locked = _move(referral, ReferralStatus.ACCEPTED)
    locked.accepted_at, locked.answered_by = timezone.now(), by
    locked.save(update_fields=["status", "accepted_at", "answered_by"])
    _close_chases(locked, by=by)
    return locked


@transaction.atomic
def record_referral_declined(*, referral: Referral, by: User, reason: str) -> Referral:
    """The service declined the referral, with its reason: dated, and its chase is done."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason the service declined the referral.", field="reason")
    locked = _move(referral, ReferralStatus.DECLINED)
    locked.declined_at, locked.answered_by, locked.decline_reason = timezone.now(), by, reason
    locked.save(update_fields=["status", "declined_at", "answered_by", "decline_reason"])
    _close_chases(locked, by=by)
    return locked


@transaction.atomic
def record_referral_completed(*, referral: Referral, by: User) -> Referral:
    """The service finished its work with the victim."""
    locked = _move(referral, ReferralStatus.COMPLETED)
    locked.completed_at, locked.completed_by = timezone.now(), by
    locked.save(update_fields=["status", "completed_at", "completed_by"])
    _close_chases(locked, by=by)
    return locked


@transaction.atomic
def record_referral_chased(*, referral: Referral, by: User) -> Referral:
    """The VCC chased the service: this chase is done and the next one is scheduled for
    when the service has still not answered, the same number of working days on."""
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=referral.pk)
    )
    if locked.status != ReferralStatus.SENT:
        raise DomainError("The service has answered: there is nothing to chase.")
    now = timezone.now()
    _close_chases(locked, by=by)
    locked.chases += 1
    locked.last_chased_at = now
    locked.save(update_fields=["chases", "last_chased_at"])
    _schedule_chase(locked, after=now)
    return locked


# -- Transfers out -----------------------------------------------------------------------


def can_transfer_out(case: Case) -> bool:
    return case.person.district == District.OUT_OF_AREA and is_allowed(
        case.status, CaseStatus.TRANSFERRED_OUT
    )


@transaction.atomic
def record_transfer_out(
    *,
    case: Case,
    area: str,
    organisation_name: str,
    shared: list[str],
    by: User,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    their_reference: str = "",
    notes: str = "",
) -> Transfer:
    """Record that a victim who lives in another police area was passed to that area's
    victim service: to whom, what was sent, when and by whom. The case moves to
    transferred_out and its open scheduled work is cancelled (the other area contacts the
    victim now, not the hub)."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=case.pk)
    )
    if case.person.district != District.OUT_OF_AREA:
        district = case.person.get_district_display() or "not recorded"
        raise DomainError(
            "Only a victim who lives outside Cambridgeshire and Peterborough is transferred "
            f"to another area: this victim's district is {district}."
        )
    shared = [s for s in SharedItem.values if s in set(shared)]  # in the form's order
    if not shared:
        raise DomainError("Select what was sent to the other area.", field="shared")
    if not (area.strip() and organisation_name.strip()):
        raise DomainError("Give the receiving area and service.")
    transfer = Transfer.objects.create(
        case=case,
        direction=TransferDirection.OUT,
        organisation=Organisation.VICTIM_SERVICE,
        organisation_name=organisation_name.strip(),
        organisation_key=organisation_key(Organisation.VICTIM_SERVICE, organisation_name),
        area=area.strip(),
        their_reference=their_reference.strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        shared=shared,
        notes=notes.strip(),
        by=by,
        via=TransferVia.WEB,
    )
    # Raises DomainError (code ILLEGAL_TRANSITION) if the case cannot be transferred from here.
    transition_case(
        case=case,
        to=CaseStatus.TRANSFERRED_OUT,
        by=by,
        reason=f"Transferred to {transfer.organisation_name} ({transfer.area}).",
    )
    cancel_items(case=case, kinds=ItemKind.values)
    return transfer


# -- Transfers in ------------------------------------------------------------------------


SENDERS = (
    Organisation.OTHER_FORCE,
    Organisation.ACTION_FRAUD,
    Organisation.BRITISH_TRANSPORT_POLICE,
)
# How a sender's crime references are told apart from the force's own.
REFERENCE_PREFIX = {Organisation.ACTION_FRAUD: "AF", Organisation.BRITISH_TRANSPORT_POLICE: "BTP"}


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
    """Rules that tie the answers together; raises DomainError naming each field by its
    path in the API's request ("victim.district")."""
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
        raise DomainError("The transfer's details do not hold together.", fields=errors)


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
            contact_due_at=end_of_working_day(now, 1 if enhanced else 5),
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
