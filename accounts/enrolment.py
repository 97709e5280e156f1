"""Enrolling an authenticator app through a one-time link a hub manager issues (issue 13).

A password alone never shows an authenticator key: a user without an app gets "Ask a hub
manager for an enrolment link". The manager issues a link (`issue_link`), valid for
HUB_ENROLMENT_LINK_HOURS; the first browser session signed in as that user that opens it holds
it (`claim`), and a new key is made for it, shown to that session only (`key_for`). Entering a
code from the app confirms it (`complete`): the link is used, the session key rotates and
every other session of the user ends. A manager may reset a user's authenticator
(`reset_authenticator`): their devices go, every session ends, and a new link is issued.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentInvite, StaffChange, User, hash_key
from core.errors import DomainError

if TYPE_CHECKING:
    from accounts.http import AuthenticatedRequest

log = logging.getLogger(__name__)

SESSION_KEY = "hub_enrolment"  # {"invite": pk, "binding": secret} in the session that holds it
DEVICE_NAME = "Authenticator app"


def link_hours() -> int:
    return int(getattr(settings, "HUB_ENROLMENT_LINK_HOURS", 24))


def link_path(token: str) -> str:
    return reverse("accounts:enrol", args=[token])


@transaction.atomic
def issue_link(*, user: User, by: User | None, reason: str = EnrolmentInvite.Reason.FIRST,
               base_url: str = "") -> str:
    """A new enrolment link for `user` (any earlier open link is withdrawn). Returns the
    link's path; only its hash is kept, so it is shown once. Emailed to the user where they
    have an address and email is configured."""
    if user.is_api_client:
        raise DomainError("An API client does not sign in with an authenticator app")
    if not user.is_active:
        raise DomainError("Reactivate the account before issuing an enrolment link")
    now = timezone.now()
    with pghistory.context(user=by.pk if by else None, reason="Enrolment link issued"):
        EnrolmentInvite.objects.filter(
            user=user, used_at=None, withdrawn_at=None
        ).update(withdrawn_at=now)
        token = secrets.token_urlsafe(32)
        StaffChange.objects.create(
            user=user, changed_by=by,
            action="authenticator reset" if reason == EnrolmentInvite.Reason.RESET
            else "enrolment link issued",
        )
        EnrolmentInvite.objects.create(
            user=user,
            token_hash=hash_key(token),
            reason=reason,
            issued_by=by,
            issued_at=now,
            expires_at=now + timedelta(hours=link_hours()),
        )
    path = link_path(token)
    if user.email and base_url:
        transaction.on_commit(lambda: _email(user, f"{base_url}{path}"))
    return path


def _email(user: User, url: str) -> None:
    try:
        send_mail(
            "Set up your authenticator app for the Victims' Hub",
            f"A hub manager has sent you a link to set up the authenticator app you sign in "
            f"with. Sign in with your password, then open this link within {link_hours()} "
            f"hours, in the same browser:\n\n{url}\n\nIf you did not expect this, tell a hub "
            "manager.",
            None,
            [user.email],
        )
    except OSError:  # the link is on the manager's screen anyway
        log.warning("Enrolment link email to user %s failed", user.pk)


@transaction.atomic
def claim(*, request: AuthenticatedRequest, token: str) -> EnrolmentInvite:
    """The signed-in user opens their link: this browser session holds it, and a new
    authenticator key is made for it (old unconfirmed keys are deleted)."""
    invite = (
        EnrolmentInvite.objects.select_for_update()
        .filter(token_hash=hash_key(token))
        .first()
    )
    if invite is None or invite.user_id != request.user.pk:
        raise DomainError("This enrolment link is not for your account: ask a hub manager")
    if not invite.is_open():
        raise DomainError(
            "This enrolment link has expired or has been used: ask a hub manager for a new one"
        )
    held = request.session.get(SESSION_KEY) or {}
    if invite.claimed_at is not None:
        if held.get("invite") == invite.pk and hash_key(held.get("binding", "")) == (
            invite.binding_hash
        ):
            return invite  # the same browser opening it again
        raise DomainError(
            "This enrolment link has already been opened in another browser: ask a hub "
            "manager for a new one"
        )
    binding = secrets.token_urlsafe(32)
    TOTPDevice.objects.filter(user=invite.user, confirmed=False).delete()
    invite.device = TOTPDevice.objects.create(user=invite.user, name=DEVICE_NAME, confirmed=False)
    invite.claimed_at = timezone.now()
    invite.binding_hash = hash_key(binding)
    invite.save(update_fields=["device", "claimed_at", "binding_hash"])
    request.session[SESSION_KEY] = {"invite": invite.pk, "binding": binding}
    return invite


def held_invite(request: AuthenticatedRequest) -> EnrolmentInvite | None:
    """The open link this browser session holds for its user, with its new key; else None."""
    held = request.session.get(SESSION_KEY) or {}
    if not held.get("invite") or not held.get("binding"):
        return None
    invite = (
        EnrolmentInvite.objects.select_related("device")
        .filter(pk=held["invite"], user=request.user.pk, binding_hash=hash_key(held["binding"]))
        .first()
    )
    if invite is None or not invite.is_open() or invite.device is None:
        return None
    if invite.device.confirmed:
        return None
    return invite


@transaction.atomic
def complete(*, request: AuthenticatedRequest, invite: EnrolmentInvite, token: str) -> bool:
    """A code from the new app: the key is confirmed, the link used, the session verified
    under a new key, and every other session of the user ends."""
    from accounts.two_factor import _verified

    device = invite.device
    if device is None or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    request.session.pop(SESSION_KEY, None)
    end_sessions(invite.user, keep=request)
    _verified(request, device)
    return True


def end_sessions(user: User, *, keep: AuthenticatedRequest | None = None) -> None:
    """End every session of `user` (raising the epoch in their session hash); `keep`, a
    request of that user, stays signed in (under a new session key)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    if keep is not None and keep.user.pk == user.pk:
        keep.user.session_epoch = user.session_epoch
        update_session_auth_hash(keep, keep.user)


@transaction.atomic
def reset_authenticator(*, user: User, by: User, base_url: str = "") -> str:
    """A manager resets a user's authenticator: every device goes, every session ends, and a
    new enrolment link is issued (returned, to be shown once)."""
    if user.pk == by.pk:
        raise DomainError("Ask another hub manager to reset your own authenticator")
    with pghistory.context(user=by.pk, reason="Authenticator reset"):
        TOTPDevice.objects.filter(user=user).delete()
        end_sessions(user)
    return issue_link(user=user, by=by, reason=EnrolmentInvite.Reason.RESET, base_url=base_url)


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
