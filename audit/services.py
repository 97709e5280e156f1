"""Recording reads of victims' records (DPA 2018 s.62 logging: consultation and disclosure)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import (
    AccessAction,
    AccessLog,
    CaseAccessGrant,
    GrantKind,
    Notification,
)
from cases.models import Case
from core.errors import DomainError
from scheduling.models import ItemKind
from scheduling.services import offer_on_commit, schedule

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.http import AuthenticatedRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, read as the login lockout reads it (PROXY_COUNT aware)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record_access(
    *,
    request: AuthenticatedRequest,
    action: str,
    case_ids: Iterable[int] = (),
    person_ids: Iterable[int] = (),
    detail: str = "",
) -> AccessLog:
    """Write one access-log row for this request's read, in the request's own transaction.

    Rule: every view of a victim's record is attributable to a user (service specification:
    confidential; DPA 2018 Part 3 logging).
    """
    match = getattr(request, "resolver_match", None)
    return AccessLog.objects.create(
        user=request.user,
        action=action,
        view_name=(match.view_name if match else "")[:100],
        case_ids=sorted(set(case_ids)),
        person_ids=sorted(set(person_ids)),
        ip_address=client_ip(request),
        detail=detail[:200],
    )


# --- Restricted cases: named users and breaking the glass ---------------------------------

# A reason a manager can judge: "checking" is not one (issue: "by giving a reason").
MIN_REASON_LENGTH = 10
# The reason is kept on the grant (shown on the case's audit page, blanked when the case is
# anonymised), never in the access log, which outlives erasure: the log names the grant.
MAX_BREAK_GLASS_REASON = 180


def active_managers() -> QuerySet[User]:
    """Hub managers who can be told about a break-glass grant."""
    from accounts.roles import hub_managers

    return hub_managers().filter(is_api_client=False).order_by("pk")


def _clean_reason(reason: str, *, maximum: int = 500) -> str:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise DomainError(
            f"Give a reason of at least {MIN_REASON_LENGTH} characters.", field="reason"
        )
    if len(reason) > maximum:
        raise DomainError(f"Give a reason of at most {maximum} characters.", field="reason")
    return reason


def may_break_glass(*, case: Case, user: User) -> bool:
    """A user with casework permission facing a restricted case they may not open."""
    from audit.selectors import casework_for

    return (
        case.restricted
        and user.has_perm("cases.view_casework")
        and not casework_for(user).filter(pk=case.pk).exists()
    )


@transaction.atomic
def break_glass(*, request: AuthenticatedRequest, case: Case, reason: str) -> CaseAccessGrant:
    """Open a restricted case for `request.user` for BREAK_GLASS_HOURS, on their reason.

    Rule (issue, restricted cases): only named users and managers may open a restricted
    case; anyone else with casework permission may "break the glass" by giving a reason,
    which is recorded (an access-log row, action "break_glass", with the grant id and the
    reason) and notified to every active manager (a Notification row each, emailed by a
    scheduled item offered after commit: ids and the case reference only, never the
    victim's name or the reason).
    """
    user = request.user
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not may_break_glass(case=case, user=user):
        raise DomainError("You may open this case already, or it is not restricted.")
    reason = _clean_reason(reason, maximum=MAX_BREAK_GLASS_REASON)
    now = timezone.now()
    with pghistory.context(user=user.pk):
        grant = CaseAccessGrant.objects.create(
            case=case,
            user=user,
            kind=GrantKind.BREAK_GLASS,
            reason=reason,
            granted_by=user,
            granted_at=now,
            expires_at=CaseAccessGrant.break_glass_expiry(now),
        )
    record_access(
        request=request,
        action=AccessAction.BREAK_GLASS,
        case_ids=[case.pk],
        person_ids=[case.person_id],
        detail=f"break-glass grant {grant.pk}",  # never the reason (issue 13)
    )
    notices = Notification.objects.bulk_create(
        [Notification(recipient=manager, grant=grant) for manager in active_managers()]
    )
    audit_url = request.build_absolute_uri(reverse("cases:audit", args=[case.pk]))
    for notice in notices:
        _queue_notice_email(notice, audit_url=audit_url)
    return grant


def _queue_notice_email(notice: Notification, *, audit_url: str) -> None:
    """One scheduled item per manager told (audit.handlers sends it), written in the
    break-glass transaction and offered to the workers once it commits: a rolled-back
    grant tells nobody, and the dedupe key schedules each notice once."""
    item = schedule(
        kind=ItemKind.BREAK_GLASS_NOTICE,
        case=notice.grant.case,
        target_id=notice.pk,
        due_at=timezone.now(),
        dedupe_key=f"break_glass_notice:{notice.pk}",
        payload={"audit_url": audit_url},
    )
    offer_on_commit(item)


def break_glass_email(notice: Notification, *, audit_url: str) -> EmailMessage:
    """The managers' email: who, when, which case (reference), a link. No victim details,
    and not the reason either: it is free text and may name someone; it is on the page."""
    grant = notice.grant
    case_reference = grant.case.reference
    context = {
        "hub_name": settings.HUB_NAME,
        "reference": case_reference,
        "user": grant.user,
        "user_name": grant.user.get_full_name() or grant.user.username,
        "granted_at": timezone.localtime(grant.granted_at),
        "expires_at": timezone.localtime(grant.expires_at),
        "audit_url": audit_url,
        "grant": grant,
    }
    return EmailMessage(
        subject=f"{settings.HUB_NAME}: break-glass access to restricted case {case_reference}",
        body=render_to_string("audit/break_glass_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient.email],
    )


def _require_manager(by: User) -> None:
    if not by.has_perm("cases.allocate_case"):
        raise DomainError("Only a hub manager may change who can open a case.")


@transaction.atomic
def name_user_on_case(*, case: Case, user: User, reason: str, by: User) -> CaseAccessGrant:
    """A manager names a user on a restricted case: they may open it until revoked.

    Rule (issue): "only named users and managers may open them". Only users who work cases
    can be named; naming someone already named is refused.
    """
    _require_manager(by)
    reason = _clean_reason(reason)
    if not user.is_active or not user.has_perm("cases.view_casework"):
        raise DomainError(f"{user} does not work cases, so cannot be named on one.",
                          field="user")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if CaseAccessGrant.objects.filter(
        case=case, user=user, kind=GrantKind.NAMED, revoked_at__isnull=True
    ).exists():
        raise DomainError(f"{user} is named on case {case.reference} already.", field="user")
    with pghistory.context(user=by.pk):
        return CaseAccessGrant.objects.create(
            case=case, user=user, kind=GrantKind.NAMED, reason=reason, granted_by=by
        )


@transaction.atomic
def revoke_grant(*, grant: CaseAccessGrant, by: User) -> CaseAccessGrant:
    """A manager ends a named or break-glass grant now (the row stays, stamped)."""
    _require_manager(by)
    grant = CaseAccessGrant.objects.select_for_update().get(pk=grant.pk)
    if not grant.is_active:
        raise DomainError("That access has ended already.")
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    with pghistory.context(user=by.pk):
        grant.save(update_fields=["revoked_at", "revoked_by"])
    return grant


@transaction.atomic
def set_restricted(*, case: Case, restricted: bool, reason: str, by: User) -> bool:
    """A manager marks a case restricted (a victim who is police staff, a public figure, or
    at high risk of being traced) or lifts the restriction. Returns whether it changed.

    pghistory records the change with the manager and the reason in its context, so the
    case's audit history shows who, when and why. Grants are left as they are: a named
    user stays named if the case is restricted again; break-glass grants run out.
    """
    _require_manager(by)
    reason = _clean_reason(reason)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.restricted == restricted:
        return False
    case.restricted = restricted
    with pghistory.context(user=by.pk, reason=reason):
        case.save(update_fields=["restricted", "updated_at"])
    return True


def ending_grant_words(*, grant: CaseAccessGrant, case: Case) -> str:
    """What the manager is told once a grant has ended: true whatever else gives the user
    the case (issue 13: "can no longer open" was shown to a manager whose VCC still held the
    case through its allocation)."""
    from audit.selectors import casework_for

    if casework_for(grant.user).filter(pk=case.pk).exists():
        return (
            f"The access has ended, but {grant.user} can still open case {case.reference}: "
            "it is allocated to them. Reallocate the case to end their access."
        )
    return f"{grant.user} can no longer open case {case.reference}."


@transaction.atomic
def take_case(*, case: Case, by: User) -> Case:
    """A VCC takes an unallocated case for themselves.

    Rule (issue 13): a restricted case only by a VCC a manager has named on it. Breaking the
    glass lets a VCC read the case for a few hours; taking it would keep it open to them
    through the allocation after the grant ended."""
    from accounts.roles import is_manager
    from cases.services import allocate_case

    named = CaseAccessGrant.objects.active().filter(case=case, user=by, kind=GrantKind.NAMED)
    if (case.restricted and not is_manager(by) and case.allocated_to_id != by.pk
            and not named.exists()):
        raise DomainError(
            f"Case {case.reference} is restricted: only someone a hub manager has named on it "
            "can take it. Ask a hub manager to allocate it."
        )
    return allocate_case(case=case, to=by, by=by)
