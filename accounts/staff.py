"""Staff accounts, changed by hub managers on Team members (issue 13). Every change is a
StaffChange row with the manager, in the same transaction (and in pghistory's context).

Deactivating someone who holds cases is casework's (casework/team.py): it returns their open
cases to the queue, then calls `deactivate` here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

import pghistory
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts import enrolment
from accounts.models import StaffChange, User
from accounts.roles import Role, is_manager, role_group, role_of
from core.errors import DomainError

# The roles a person signs in with (the transfer sender is a machine client only).
STAFF_ROLES = [(r.value, r.label) for r in Role if r != Role.TRANSFER_SENDER]


def _check_manager(by: User) -> None:
    if not is_manager(by):
        raise DomainError("Only a hub manager can change staff accounts")


def record(*, user: User, by: User, action: str, detail: str = "") -> StaffChange:
    return StaffChange.objects.create(user=user, changed_by=by, action=action, detail=detail)


def _set_role(user: User, role: str) -> None:
    from accounts.roles import group_name

    others = [group_name(r) for r, _ in Role.choices if r != role]
    user.groups.remove(*user.groups.filter(name__in=others))
    user.groups.add(role_group(role))
    user._hub_role = role  # type: ignore[attr-defined]  # role_of's cache


@transaction.atomic
def create_staff(*, by: User, username: str, first_name: str, last_name: str, email: str,
                 role: str, districts: Iterable[str] = (), languages: Iterable[str] = (),
                 specialisms: Iterable[str] = ()) -> tuple[User, str]:
    """A new staff account with a one-off password (returned, shown once to the manager)."""
    _check_manager(by)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("That username is taken", field="username")
    password = secrets.token_urlsafe(12)
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email,
        districts=list(districts), languages=list(languages), specialisms=list(specialisms),
    )
    validate_password(password, user)
    user.set_password(password)
    with pghistory.context(user=by.pk, reason="Staff account created"):
        user.save()
        _set_role(user, role)
        record(user=user, by=by, action="created", detail=f"Role: {Role(role).label}")
    return user, password


@transaction.atomic
def update_staff(*, user: User, by: User, role: str, first_name: str, last_name: str,
                 email: str, districts: Iterable[str] = (), languages: Iterable[str] = (),
                 specialisms: Iterable[str] = ()) -> None:
    """Change a member's details and role (a manager cannot change their own role)."""
    _check_manager(by)
    old_role = role_of(user)
    if role != old_role and user.pk == by.pk:
        raise DomainError("Ask another hub manager to change your own role", field="role")
    changes = []
    new = {"first_name": first_name, "last_name": last_name, "email": email,
           "districts": list(districts), "languages": list(languages),
           "specialisms": list(specialisms)}
    for field, value in new.items():
        if getattr(user, field) != value:
            changes.append(field.replace("_", " "))
            setattr(user, field, value)
    with pghistory.context(user=by.pk, reason="Staff account changed"):
        if changes:
            user.save(update_fields=list(new))
            record(user=user, by=by, action="details changed", detail=", ".join(changes))
        if role != old_role:
            _set_role(user, role)
            before = Role(old_role).label if old_role else "no role"
            record(user=user, by=by, action="role changed",
                   detail=f"{before} → {Role(role).label}")


@transaction.atomic
def deactivate(*, user: User, by: User, detail: str = "") -> None:
    """The account can no longer sign in, and every session of it ends."""
    _check_manager(by)
    if user.pk == by.pk:
        raise DomainError("You cannot deactivate your own account")
    if not user.is_active:
        raise DomainError(f"{user} is deactivated already")
    user.is_active = False
    with pghistory.context(user=by.pk, reason="Staff account deactivated"):
        user.save(update_fields=["is_active"])
        enrolment.end_sessions(user)
        record(user=user, by=by, action="deactivated", detail=detail)


@transaction.atomic
def reactivate(*, user: User, by: User) -> None:
    _check_manager(by)
    if user.is_active:
        raise DomainError(f"{user} is active already")
    user.is_active = True
    with pghistory.context(user=by.pk, reason="Staff account reactivated"):
        user.save(update_fields=["is_active"])
        record(user=user, by=by, action="reactivated")
