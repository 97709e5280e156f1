"""Referrals to services in the directory, and transfers of victims between police areas.

Service specification (Appendix 2 of the 2016 update):
- the recovery plan may include "a referral/supported signposting to an existing suitable
  specialist victim support service provider (to include those commissioned/not
  commissioned by the PCC locally and nationally) in accordance with the victim's needs";
- the hub must comply with the Data Protection Act: a referral shares only what the victim
  agreed to share with that service (asked at the referral: referrals.consent);
- interoperability: "victims who report crime in another PCC area but who reside in
  Cambridgeshire can have their personal data transferred to the Victims' Hub", with
  "Action Fraud the British Transport Police and other area Victim Referral Services"; and
  victims who live elsewhere are passed to "the support arrangements in place in their area
  of residence".
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import cast

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from assessments.episodes import live_actions
from assessments.models import ActionKind, ConsentToShare, Dvna, Level, NeedArea, PlanAction
from cases.models import Case, Person
from cases.services import transition_case
from cases.workflow import CaseStatus, is_allowed
from contact.letters import html_to_pdf
from core.choices import District
from core.errors import DomainError
from core.working_days import end_of_working_day
from directory.models import SupportService
from intake.models import Organisation, SharedItem, Transfer, TransferDirection, TransferVia
from intake.transfers import organisation_key
from referrals.consent import Shared, consent_for, no_consent_message
from referrals.models import REFERRAL_TRANSITIONS, Referral, ReferralStatus
from scheduling.models import OWED_KINDS, ItemKind, ItemState, ScheduledItem
from scheduling.services import cancel_items, offer_on_commit, schedule

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


# -- Referrals ---------------------------------------------------------------------------


def referral_problems(
    *, case: Case, action: PlanAction, service: SupportService | None,
    consent_asked: bool = True,
) -> list[str]:
    """Every reason this referral cannot be made now (empty when it can). `consent_asked`
    False leaves out the victim's consent: the referral page is where it is asked."""
    problems = []
    if not case.is_open:
        problems.append(
            f"The case is '{CaseStatus(case.status).label}': re-open it before making a "
            "referral."
        )
    if action.pk and not live_actions(PlanAction.objects.filter(pk=action.pk)).exists():
        problems.append(
            "This action is on the plan of an earlier support episode, which is a record: "
            "add it to the current plan to refer it."
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
    consent = consent_for(case=case, service=service) if consent_asked else None
    if consent_asked and (consent is None or not consent.given):
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


def _latest_dvna(case: Case) -> Dvna | None:
    return case.dvnas.order_by("-number").prefetch_related("needs").first()


def _shared_contact(person: Person) -> dict:
    """How to reach the victim safely: given only with consent to share contact details."""
    address = [person.address_line1, person.address_line2, person.town, person.postcode.upper()]
    return {
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


def _shared_crime(case: Case) -> dict:
    """The crime: given only with consent to share crime details (a self-referral has none)."""
    crime = case.crime
    if crime is None:
        return {"none": case.get_source_display()}
    return {
        "reference": crime.reference,
        "type": crime.get_crime_type_display(),
        "offence_date": crime.offence_date,
        "markers": crime.marker_labels,
    }


def _shared_needs(case: Case, action: PlanAction) -> dict:
    """What the referral is for and the needs the latest DVNA found: only with consent to
    share needs."""
    dvna = _latest_dvna(case)
    needs = []
    if dvna is not None:
        needs = [
            {"area": n.get_area_display(), "level": n.get_level_display(), "notes": n.notes}
            for n in dvna.needs.all()
            if n.level != Level.NONE
        ]
    return {
        "action": action.description,
        "areas": [NeedArea(a).label for a in action.need_areas if a in NeedArea.values],
        "assessed": needs,
        "communication": dvna.communication_needs if dvna else "",
    }


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
        context["contact"] = _shared_contact(person)
    if shared.crime_details:
        context["crime"] = _shared_crime(case)
    if shared.needs:
        context["needs"] = _shared_needs(case, action)
    return context


def render_referral_document(context: dict) -> bytes:
    """The referral as a PDF, rendered by WeasyPrint with the data-only fetcher (nothing is
    fetched from files or the network) and Django's autoescaping."""
    return html_to_pdf(render_to_string("referrals/document.html", context))


def referral_chase_due(*, after: datetime) -> tuple[datetime, datetime]:
    """When a referral the service has not answered is chased, as (due, deadline): due at
    the end of the HUB_REFERRAL_CHASE_WORKING_DAYS-th working day after it went (or after
    the last chase), to be done by the end of the next working day. The one place the
    chase deadline is computed (the demo year asks it too)."""
    days = settings.HUB_REFERRAL_CHASE_WORKING_DAYS
    return end_of_working_day(after, days), end_of_working_day(after, days + 1)


def chase_key(referral_pk: int, chase: int) -> str:
    return f"referral_chase:{referral_pk}:{chase}"


def _schedule_chase(referral: Referral, *, after: datetime) -> ScheduledItem:
    due_at, deadline_at = referral_chase_due(after=after)
    return schedule(
        kind=ItemKind.REFERRAL_CHASE,
        case=referral.case,
        target_id=referral.pk,
        due_at=due_at,
        deadline_at=deadline_at,
        dedupe_key=chase_key(referral.pk, referral.chases + 1),
    )


def _close_chases(referral: Referral, *, by: User | None) -> int:
    """The service answered: its chase is no longer work for anyone."""
    return ScheduledItem.objects.filter(
        kind=ItemKind.REFERRAL_CHASE, target_id=referral.pk, state=ItemState.DUE
    ).update(state=ItemState.DONE, done_at=timezone.now(), done_by=by)


@transaction.atomic
def make_referral(
    *, case: Case, action: PlanAction, service: SupportService, by: User,
    consent_recorded_at: datetime | None = None,
) -> Referral:
    """Refer the victim to a service from an action of their recovery plan.

    Rules: only with the victim's consent to share with that service, asked at the referral
    (referrals.consent: ConsentToShare given), and, when `consent_recorded_at` is given, only
    with the answers recorded then, the ones the VCC was shown (an answer changed since is
    refused, not sent); the referral document carries only what that consent allows
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
    # Given: referral_problems refuses a referral without it.
    consent = cast(ConsentToShare, consent_for(case=case, service=service))
    if consent_recorded_at is not None and consent.recorded_at != consent_recorded_at:
        raise DomainError(
            f"The victim's answers about sharing with {service.name} changed after you checked "
            "them: check what will be shared again."
        )
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


def _queue_email(referral: Referral) -> ScheduledItem:
    """Schedule the referral's email (scheduled work, as letters are: referrals.handlers
    sends it) in this transaction, and offer it to the workers once it commits.

    A rolled-back referral is never emailed (its item rolls back with it). One item per
    sending: an item still due is offered again rather than doubled, so a second call (a
    double click on "send again", a retried transaction) schedules nothing more.
    """
    waiting = (
        ScheduledItem.objects.filter(
            kind=ItemKind.REFERRAL_EMAIL, target_id=referral.pk, state=ItemState.DUE
        )
        .order_by("pk")
        .first()
    )
    if waiting is None:
        sendings = ScheduledItem.objects.filter(
            kind=ItemKind.REFERRAL_EMAIL, target_id=referral.pk
        ).count()
        waiting = schedule(
            kind=ItemKind.REFERRAL_EMAIL,
            case=referral.case,
            target_id=referral.pk,
            due_at=timezone.now(),
            dedupe_key=f"referral_email:{referral.pk}:{sendings}",
        )
    offer_on_commit(waiting)
    return waiting


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


def referral_email(referral: Referral) -> EmailMessage:
    """The email to the service: the reference (never the victim's name) and the document."""
    message = EmailMessage(
        subject=email_subject(referral),
        body=email_body(referral),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[referral.emailed_to],
        reply_to=[settings.HUB_EMAIL],
    )
    message.attach(referral.filename, bytes(referral.document), "application/pdf")
    return message


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
    cancel_items(case=case, kinds=set(ItemKind.values) - OWED_KINDS)
    return transfer
