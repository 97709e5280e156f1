"""A hub manager's Team members pages (issue 13): create a staff member with their role,
districts, languages and specialisms; change the role; deactivate (their open cases go back
to the queue, their sessions end); reactivate. Every change is recorded with the manager."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import EnrolmentInvite, StaffChange, User
from accounts.roles import Role, role_of
from tests.factories import CaseFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return user_with_role(Role.MANAGER, username="mgr", first_name="Mo", last_name="Khan")


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


NEW = {
    "username": "nia", "first_name": "Nia", "last_name": "Price", "email": "",
    "role": Role.VCC, "districts": ["fenland", "peterborough"],
    "languages": "Polish, Lithuanian", "specialisms": ["mental_health", "migrant_workers"],
}


def test_a_manager_creates_a_vcc_with_their_areas_and_an_enrolment_link(as_manager, manager):
    page = as_manager.post(reverse("team:new_member"), NEW).content.decode()
    assert "Account created" in page
    nia = User.objects.get(username="nia")
    assert role_of(nia) == Role.VCC
    assert nia.districts == ["fenland", "peterborough"]
    assert nia.languages == ["Polish", "Lithuanian"]
    assert nia.specialisms == ["mental_health", "migrant_workers"]
    password = page.split('data-testid="one-off-password">')[1].split("<")[0]
    assert Client().post(reverse("login"), {"username": "nia", "password": password})[
        "Location"
    ] == reverse("home")  # signs in with it (then enrols through the link)
    assert EnrolmentInvite.objects.get(user=nia).issued_by == manager
    assert list(StaffChange.objects.filter(user=nia).values_list("action", "changed_by")) == [
        ("enrolment link issued", manager.pk), ("created", manager.pk)
    ]


def test_a_taken_username_is_refused(as_manager):
    user_with_role(Role.VCC, username="nia")
    response = as_manager.post(reverse("team:new_member"), NEW)
    assert response.status_code == 400
    assert "That username is taken" in response.content.decode()
    assert User.objects.filter(username="nia").count() == 1


def test_a_manager_changes_a_role_and_it_is_recorded(as_manager, manager):
    vcc = user_with_role(Role.VCC, username="val")
    data = {**NEW, "role": Role.MANAGER}
    data.pop("username")
    response = as_manager.post(reverse("team:member", args=[vcc.pk]), data)
    assert response.status_code == 302
    assert role_of(User.objects.get(pk=vcc.pk)) == Role.MANAGER
    page = as_manager.get(reverse("team:member", args=[vcc.pk])).content.decode()
    assert "Victim Care Co-ordinator → Hub manager" in page
    assert StaffChange.objects.filter(user=vcc, action="role changed",
                                      changed_by=manager).exists()


def test_a_manager_cannot_change_their_own_role(as_manager, manager):
    data = {**NEW, "role": Role.VCC}
    data.pop("username")
    response = as_manager.post(reverse("team:member", args=[manager.pk]), data)
    assert response.status_code == 400
    assert role_of(User.objects.get(pk=manager.pk)) == Role.MANAGER


def test_deactivating_lists_and_returns_open_cases_and_ends_sessions(as_manager, manager):
    vcc = user_with_role(Role.VCC, username="val")
    open_case = CaseFactory(allocated_to=vcc, status="awaiting_contact")
    closed = CaseFactory(allocated_to=vcc, status="closed")
    val = Client()
    val.force_login(vcc)
    assert val.get(reverse("cases:list")).status_code == 200
    confirm = as_manager.get(reverse("team_casework:deactivate", args=[vcc.pk])).content.decode()
    listed = confirm.split('data-testid="cases-to-queue">')[1].split("</ul>")[0]
    assert open_case.reference in listed and closed.reference not in listed
    as_manager.post(reverse("team_casework:deactivate", args=[vcc.pk]))
    vcc.refresh_from_db()
    open_case.refresh_from_db()
    closed.refresh_from_db()
    assert not vcc.is_active
    assert open_case.allocated_to is None  # back in the unallocated queue
    assert closed.allocated_to == vcc
    assert val.get(reverse("cases:list"))["Location"].startswith(reverse("login"))
    change = StaffChange.objects.get(user=vcc, action="deactivated")
    assert change.changed_by == manager and open_case.reference in change.detail


def test_reactivating_lets_them_sign_in_again(as_manager, manager):
    vcc = user_with_role(Role.VCC, username="val", is_active=False)
    as_manager.post(reverse("team:reactivate", args=[vcc.pk]))
    vcc.refresh_from_db()
    assert vcc.is_active
    assert StaffChange.objects.filter(user=vcc, action="reactivated", changed_by=manager).exists()


def test_a_manager_cannot_deactivate_themselves(as_manager, manager):
    response = as_manager.post(reverse("team_casework:deactivate", args=[manager.pk]))
    assert response.status_code == 400
    manager.refresh_from_db()
    assert manager.is_active


def test_a_vcc_cannot_create_staff(client):
    client.force_login(user_with_role(Role.VCC, username="val"))
    assert client.post(reverse("team:new_member"), NEW).status_code == 403
    assert not User.objects.filter(username="nia").exists()


def test_the_team_list_shows_roles_without_a_query_per_member(
    as_manager, django_assert_max_num_queries
):
    as_manager.get(reverse("team:members"))  # warm the session and permission caches
    user_with_role(Role.VCC, username="val")
    with django_assert_max_num_queries(20) as few:
        as_manager.get(reverse("team:members"))
    for n in range(5):
        user_with_role(Role.VCC, username=f"vcc{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = as_manager.get(reverse("team:members")).content.decode()
    assert page.count("Victim Care Co-ordinator</td>") == 6


def test_ask_a_hub_manager_on_the_code_page_has_a_screen_behind_it(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = user_with_role(Role.VCC, username="val")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("login"), {"username": "val", "password": "correct-horse-battery"})
    code_page = client.get(reverse("accounts:two_factor")).content.decode()
    assert f'href="{reverse("accounts:ask_manager")}">Ask a hub manager' in code_page
    help_page = client.get(reverse("accounts:ask_manager")).content.decode()
    assert "Ask a hub manager for an enrolment link" in help_page
    assert "reset your authenticator" in help_page
