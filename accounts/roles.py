"""The hub's roles, as Django groups with permissions, and the one table that maps them.

Who uses it (DOMAIN.md): police staff submit IVNAs and see what they submitted, never the
hub's casework; Victim Care Co-ordinators work cases; hub managers do everything a VCC does
plus allocation, audit and users; volunteers see only the victims allocated to them; the
OPCC sees aggregates only.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    POLICE = "police", "Police staff"
    VCC = "vcc", "Victim Care Co-ordinator"
    MANAGER = "manager", "Hub manager"
    VOLUNTEER = "volunteer", "Community Support Volunteer"
    OPCC = "opcc", "OPCC analyst"
    # A machine client only: another force, Action Fraud or British Transport Police sending
    # victims who live here. Separate from the force's own crime system (police): it may
    # send transfers and nothing else, and the crime system may not send transfers.
    TRANSFER_SENDER = "transfer_sender", "Transfer sender (another force, Action Fraud, BTP)"


_VCC = [
    "cases.view_casework",
    "cases.work_case",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.POLICE: ["intake.submit_ivna"],
    Role.TRANSFER_SENDER: ["intake.send_transfers"],
    Role.VCC: _VCC,
    Role.MANAGER: _VCC
    + [
        "accounts.manage_hub",
        "cases.allocate_case",
        "cases.view_case_audit",
        "cases.view_performance",
        "accounts.manage_api_clients",
        "directory.manage_directory",
        "privacy.handle_requests",
    ],
    Role.VOLUNTEER: ["volunteers.visit_victims"],
    Role.OPCC: ["cases.view_performance"],
}


def group_name(role: str) -> str:
    return Role(role).label


def sync_roles() -> None:
    """Create one group per role with exactly the permissions in ROLE_PERMISSIONS."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Permissions are created app by app after migrate; make sure all exist first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def role_of(user) -> str | None:
    """The user's role (the first of their groups that is a role), cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_hub_role", "unset")
    if cached != "unset":
        return cached
    names = {Role(r).label: r for r in Role.values}
    role = None
    for name in user.groups.values_list("name", flat=True):
        if name in names:
            role = names[name]
            break
    user._hub_role = role
    return role


MANAGER_PERMISSION = "accounts.manage_hub"


def is_manager(user) -> bool:
    """Is this person a hub manager? The one way to ask (a permission, given to the hub
    managers' group by ROLE_PERMISSIONS): never compare roles or group names."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(MANAGER_PERMISSION))


def hub_managers():
    """The active people who are hub managers (who hold MANAGER_PERMISSION through a group
    or directly; superusers only if they hold it too), e.g. to be told of a break-glass."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    app_label, codename = MANAGER_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
    )


def role_group(role: str):
    """The role's group, creating the role groups first if they are missing."""
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=group_name(role)).first()
    if group is None:
        sync_roles()
        group = Group.objects.get(name=group_name(role))
    return group
