"""Self-referral: a victim, family member, guardian or carer asks the hub for support on the
public page, without a police report.

Service specification (Appendix 2 of the 2016 update): the hub is "available whether or not a
crime has been reported to the police" and is "extended to guardians and carers of victims of
crime". The page is open to anyone on the internet, so it is guarded against spam (a honeypot,
a signed form timestamp, a rate limit per address) and it never matches what a stranger types
to an existing record.

Abuse limits (issue 13): each form token is used once (a replayed POST creates nothing), the
whole page takes at most HUB_SELF_REFERRAL_HOURLY_CEILING requests a clock hour (then it asks
people to phone, and the managers are told once that hour), and the reference the person is
shown is random (SelfReferral.public_reference), so it says nothing of how many ask.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from cases.choices import CaseSource, Route
from cases.deadlines import contact_due_at
from cases.models import Case
from cases.services import open_case
from cases.workflow import CaseStatus
from contact.services import start_contact
from core.errors import DomainError
from intake.matching import VictimDetails, check_repeat_victim, match_person
from intake.models import SelfReferral, UsedFormToken
from scheduling.models import ItemKind, ScheduledItem
from scheduling.services import offer_on_commit, schedule

logger = logging.getLogger(__name__)

# A person fills in the form in more than 3 seconds; a page left open for more than 2 hours
# is sent again rather than trusted.
MIN_FORM_SECONDS = 3
MAX_FORM_SECONDS = 2 * 60 * 60
RATE_WINDOW_SECONDS = 60 * 60
FORM_STARTED_SALT = "intake.selfreferral.form-started"


# A submission that looks automated or too frequent is refused with a DomainError and
# nothing is saved: its message is polite and shown to the person, its `code` (bad_token,
# too_fast, too_old, honeypot, rate_limit) is for the logs.
_TRY_AGAIN = (
    "Sorry, we could not send your request. Check your answers, then select 'Send request' "
    "again."
)


# -- Spam and abuse ------------------------------------------------------------------------


def issue_form_token(*, now: float | None = None) -> str:
    """A signed note of when the form was shown (milliseconds) and a random nonce, sent back
    with the answers: the nonce makes each token single (used once: use_form_token)."""
    started = int((time.time() if now is None else now) * 1000)
    return signing.Signer(salt=FORM_STARTED_SALT).sign(f"{started}.{secrets.token_hex(8)}")


def check_form_token(token: str, *, now: float | None = None) -> None:
    """Refuse a form that was never shown by us, sent back too quickly (a script) or kept
    open too long (a replayed page)."""
    try:
        value = signing.Signer(salt=FORM_STARTED_SALT).unsign(token)
        started = int(value.split(".")[0]) / 1000
    except (signing.BadSignature, ValueError) as error:
        raise DomainError(_TRY_AGAIN, code="bad_token") from error
    age = (time.time() if now is None else now) - started
    if age < MIN_FORM_SECONDS:
        raise DomainError(_TRY_AGAIN, code="too_fast")
    if age > MAX_FORM_SECONDS:
        raise DomainError(
            "This page was open for more than 2 hours, so your request was not sent. "
            "Check your answers, then select 'Send request' again.",
            code="too_old",
        )


def check_honeypot(value: str) -> None:
    """A field people never see: only a script fills it in."""
    if value:
        raise DomainError(_TRY_AGAIN, code="honeypot")


def rate_limit_key(address: str) -> str:
    # A keyed SHA-256 of the address: the cache never holds the address itself, and the
    # small IPv4 space cannot be hashed through to recover it without the key.
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"self-referral|{address}".encode(), hashlib.sha256
    ).hexdigest()
    return f"self-referral:rate:{digest}"


def count_submission(address: str | None) -> int:
    """Count one submission from this address in the current hour and return the count.

    `add` then `incr` is atomic in Redis and in the local-memory cache, so two submissions
    at the same moment cannot both see a count below the limit.
    """
    key = rate_limit_key(address or "unknown")
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        return 1


def check_rate_limit(address: str | None) -> None:
    """At most HUB_SELF_REFERRAL_RATE_LIMIT submissions per address per hour."""
    if count_submission(address) > settings.HUB_SELF_REFERRAL_RATE_LIMIT:
        raise DomainError(
            "We have received several requests from this connection in the last hour, so "
            f"this one was not sent. Please call us free on {settings.HUB_PHONE}, or try "
            "again later.",
            code="rate_limit",
        )


_REPLAYED = (
    "This request was sent already, so it was not sent again. We will contact you in the "
    "ways you told us are safe."
)
# Serialises self-referrals for the ceiling's count (pg_advisory_xact_lock): two requests at
# the same moment cannot both take the last place in the hour.
_CEILING_LOCK = 0x5E1F_4EF1


def use_form_token(token: str) -> None:
    """Record this form token as used, or refuse it (code "replayed") if it was used before.

    INSERT ... ON CONFLICT DO NOTHING on the digest's unique constraint: a replay sent at the
    same moment as the first POST waits for it, then finds the token taken. Runs in the
    caller's transaction, so a refused request leaves its token unused."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    now = timezone.now()
    table = UsedFormToken._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (digest, used_at) VALUES (%s, %s) "  # noqa: S608 - model table
            "ON CONFLICT (digest) DO NOTHING RETURNING id",
            [digest, now],
        )
        inserted = cursor.fetchone() is not None
    if not inserted:
        raise DomainError(_REPLAYED, code="replayed")
    UsedFormToken.objects.filter(
        used_at__lt=now - timedelta(seconds=MAX_FORM_SECONDS + 60)
    ).delete()


def hour_started(now: datetime | None = None) -> datetime:
    return (now or timezone.now()).replace(minute=0, second=0, microsecond=0)


def requests_this_hour(now: datetime | None = None) -> int:
    return SelfReferral.objects.filter(submitted_at__gte=hour_started(now)).count()


def page_is_full(now: datetime | None = None) -> bool:
    """The page has taken HUB_SELF_REFERRAL_HOURLY_CEILING requests this clock hour."""
    return requests_this_hour(now) >= settings.HUB_SELF_REFERRAL_HOURLY_CEILING


def _full_refusal() -> DomainError:
    return DomainError(
        "We cannot take more requests on this page just now. Please call us free on "
        f"{settings.HUB_PHONE}. In an emergency, call 999.",
        code="ceiling",
    )


def alert_managers_page_full(now: datetime | None = None) -> None:
    """Tell the managers, once in the clock hour, that the page reached its ceiling: one
    scheduled item per hour (its dedupe key), emailed by intake.handlers. It carries the
    hour and the ceiling only, nothing about anyone who asked."""
    hour = hour_started(now)
    key = f"self_referral_ceiling:{hour:%Y-%m-%dT%H}"
    with transaction.atomic():
        if ScheduledItem.objects.filter(dedupe_key=key).exists():
            return
        item = schedule(
            kind=ItemKind.SELF_REFERRAL_CEILING,
            due_at=timezone.now(),
            dedupe_key=key,
            payload={
                "hour": hour.isoformat(),
                "ceiling": settings.HUB_SELF_REFERRAL_HOURLY_CEILING,
            },
        )
        offer_on_commit(item)


# -- The referral --------------------------------------------------------------------------


@dataclass
class SelfReferralAnswers:
    asked_by: str
    first_name: str
    under_18: bool
    safe_to_call: bool
    safe_to_write: bool
    may_leave_message: bool = False
    last_name: str = ""
    asker_name: str = ""
    asker_relationship: str = ""
    phone: str = ""
    email: str = ""
    address_line1: str = ""
    town: str = ""
    postcode: str = ""
    district: str = ""
    first_language: str = "en"
    call_bands: list[str] = field(default_factory=list)
    reported_to_police: str = ""
    account: str = ""


RECEIVED = "Referral received: self-referral (public page)."
ROUTED = "Self-referral: they asked for support, so the hub contacts them."


@transaction.atomic
def record_self_referral(*, answers: SelfReferralAnswers, form_token: str = "") -> Case:
    """Open a hub-contact case for a person who asked for support themselves.

    Rules: the hub is available whether or not a crime was reported (service specification),
    so the case has no crime and goes straight to the VCCs' unallocated queue, awaiting
    contact. The person is always a new record (intake.matching: nothing typed on a public
    page may attach a stranger to someone else's history). Under 18 gives the enhanced
    entitlement (Victims' Code: every child is vulnerable), so first contact is due within
    one working day, otherwise five. The introductory letter goes only
    if they said it is safe to write; calls only at the times they said are safe.

    Abuse limits (issue 13): a form token already used is refused (code "replayed"), and so
    is a request once the page has taken its hourly ceiling (code "ceiling"); the request
    that fills the hour tells the managers (alert_managers_page_full).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CEILING_LOCK])
    if form_token:
        use_form_token(form_token)
    taken = requests_this_hour()
    if taken >= settings.HUB_SELF_REFERRAL_HOURLY_CEILING:
        raise _full_refusal()
    with pghistory.context(via="self_referral"):
        person, new_person = match_person(
            victim=VictimDetails(
                first_name=answers.first_name,
                last_name=answers.last_name,
                phone=answers.phone,
                email=answers.email,
                address_line1=answers.address_line1,
                town=answers.town,
                postcode=answers.postcode,
                district=answers.district,
                first_language=answers.first_language,
                safe_to_call=answers.safe_to_call,
                may_leave_message=answers.safe_to_call and answers.may_leave_message,
                safe_contact_bands=(
                    sorted(set(answers.call_bands)) if answers.safe_to_call else []
                ),
            ),
            safe_to_write=answers.safe_to_write,
        )
        now = timezone.now()
        case = open_case(
            new_person=new_person,
            to=CaseStatus.AWAITING_CONTACT,
            by=None,
            received=RECEIVED,
            reason=ROUTED,
            person=person,
            crime=None,
            source=CaseSource.SELF_REFERRAL,
            route=Route.HUB_CONTACT,
            enhanced_entitlement=answers.under_18,
            referred_at=now,
            contact_due_at=contact_due_at(
                route=Route.HUB_CONTACT, enhanced=answers.under_18, received_at=now
            ),
        )
        SelfReferral.objects.create(
            case=case,
            asked_by=answers.asked_by,
            asker_name=answers.asker_name,
            asker_relationship=answers.asker_relationship,
            under_18=answers.under_18,
            reported_to_police=answers.reported_to_police,
            account=answers.account,
            submitted_at=now,
            # The reference the person is shown is the case's own (random, unused).
            public_reference=case.reference,
        )
        check_repeat_victim(case=case, new_person=new_person)
        start_contact(case=case, new=True)
    if taken + 1 >= settings.HUB_SELF_REFERRAL_HOURLY_CEILING:
        alert_managers_page_full(now)
    logger.info("Self-referral received: case %s", case.pk)  # ids only, never names
    return case
