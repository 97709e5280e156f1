"""One way to ask "is this person a hub manager?": the manager permission, held through the
hub managers' group (accounts.roles.is_manager), never a comparison of roles or groups."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from accounts.roles import MANAGER_PERMISSION, ROLE_PERMISSIONS, Role, hub_managers, is_manager

pytestmark = pytest.mark.django_db


def test_only_the_manager_role_holds_the_manager_permission():
    holders = {role for role, codes in ROLE_PERMISSIONS.items() if MANAGER_PERMISSION in codes}
    assert holders == {Role.MANAGER}


def test_a_manager_is_a_manager_and_no_other_role_is(
    manager_user, vcc_user, police_user, volunteer_user, opcc_user
):
    assert is_manager(manager_user)
    for user in (vcc_user, police_user, volunteer_user, opcc_user, AnonymousUser()):
        assert not is_manager(user)
    assert list(hub_managers()) == [manager_user]


def test_the_permission_makes_the_manager_not_the_group_name(vcc_user):
    app_label, codename = MANAGER_PERMISSION.split(".")
    vcc_user.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    user = type(vcc_user).objects.get(pk=vcc_user.pk)  # permissions are cached per object
    assert is_manager(user)
    assert user in hub_managers()


def test_an_inactive_manager_is_not_one(manager_user):
    manager_user.is_active = False
    manager_user.save()
    assert not is_manager(manager_user)
    assert not hub_managers().exists()
