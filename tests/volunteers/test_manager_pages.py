"""Managers keep the pool; VCCs and managers allocate a volunteer from the case page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from accounts.roles import Role, role_of
from audit.models import AccessLog
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    HoursFactory,
    PersonFactory,
    VolunteerFactory,
    user_with_role,
)
from volunteers.models import Volunteer, VolunteerAllocation

pytestmark = pytest.mark.django_db


def _profile(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "languages": ["pl", "en"],
        "districts": ["peterborough", "fenland"],
        "hours_per_week": "5",
        "available": "yes",
        "availability_notes": "Evenings",
        "trained_on": (today - timedelta(days=40)).isoformat(),
        "accredited_on": (today - timedelta(days=10)).isoformat(),
        "accreditation_expires_on": (today + timedelta(days=355)).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_manager_adds_a_volunteer_with_a_new_login(client, manager_user):
    client.force_login(manager_user)
    assert client.get(reverse("volunteers:add")).status_code == 200
    response = client.post(reverse("volunteers:add"), _profile(
        first_name="Agnieszka", last_name="Nowak", username="anowak",
        password="a-long-first-password-42",
    ))
    assert response.status_code == 302, response.content.decode()[:2000]
    volunteer = Volunteer.objects.get(user__username="anowak")
    assert role_of(User.objects.get(username="anowak")) == Role.VOLUNTEER
    assert volunteer.languages == ["pl", "en"] and volunteer.hours_per_week == Decimal("5")
    assert volunteer.user.check_password("a-long-first-password-42")
    assert volunteer.user.has_perm("volunteers.visit_victims")


def test_a_manager_gives_a_profile_to_an_existing_volunteer_login(client, manager_user,
                                                                  volunteer_user):
    client.force_login(manager_user)
    page = client.get(reverse("volunteers:add")).content.decode()
    assert f'value="{volunteer_user.pk}"' in page
    response = client.post(reverse("volunteers:add"),
                           _profile(existing_user=volunteer_user.pk))
    assert response.status_code == 302
    assert Volunteer.objects.get().user == volunteer_user


def test_a_new_login_needs_names_username_and_password(client, manager_user):
    client.force_login(manager_user)
    page = client.post(reverse("volunteers:add"), _profile()).content.decode()
    for message in ("Enter the volunteer&#x27;s first name", "Enter a username",
                    "Enter a first password"):
        assert message in page
    assert not Volunteer.objects.exists()


def test_the_accreditation_dates_must_make_sense(client, manager_user):
    today = timezone.localdate()
    client.force_login(manager_user)
    page = client.post(reverse("volunteers:add"), _profile(
        first_name="A", last_name="B", username="ab", password="a-long-first-password-42",
        accreditation_expires_on=(today - timedelta(days=20)).isoformat(),
    )).content.decode()
    assert "The accreditation must expire after the date it was given" in page
    assert not User.objects.filter(username="ab").exists()  # nothing half-saved


def test_a_manager_edits_a_profile(client, manager_user):
    volunteer = VolunteerFactory()
    client.force_login(manager_user)
    url = reverse("volunteers:edit", args=[volunteer.pk])
    assert "Still volunteering with the hub?" in client.get(url).content.decode()
    response = client.post(url, _profile(available="no", active="yes", hours_per_week="6"))
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert not volunteer.available and volunteer.hours_per_week == Decimal("6")


def test_a_volunteer_with_victims_cannot_be_made_inactive(client, manager_user):
    allocation = AllocationFactory()
    client.force_login(manager_user)
    url = reverse("volunteers:edit", args=[allocation.volunteer.pk])
    page = client.post(url, _profile(active="no")).content.decode()
    assert "still supports 1 victim: end those allocations first" in page
    allocation.volunteer.refresh_from_db()
    assert allocation.volunteer.active


def test_only_managers_manage_the_pool(client, vcc_user):
    client.force_login(vcc_user)
    for url in (reverse("volunteers:pool"), reverse("volunteers:add"),
                reverse("volunteers:edit", args=[VolunteerFactory().pk])):
        assert client.get(url).status_code == 403


# --- Allocation from the case --------------------------------------------------------------


def test_the_allocate_page_lists_suggestions_and_allocates(client, vcc_user):
    case = CaseFactory(person=PersonFactory(first_language="pl", district="fenland"))
    VolunteerFactory(user__first_name="Zofia", languages=["pl"], districts=["cambridge"])
    VolunteerFactory(user__first_name="Brenda", languages=["en"], districts=["fenland"])
    VolunteerFactory(user__first_name="Away", available=False)
    client.force_login(vcc_user)
    url = reverse("volunteers:allocate", args=[case.pk])
    page = client.get(url).content.decode()
    main = page[page.index("<main"):]  # the header names the signed-in user
    assert main.index("Zofia") < main.index("Brenda")
    assert "Away" not in main and "Not shown: 1 active volunteer" in main
    assert "Speaks Polish" in page and "Covers Fenland" in page
    assert AccessLog.objects.filter(user=vcc_user, case_ids=[case.pk]).exists()

    zofia = Volunteer.objects.get(user__first_name="Zofia")
    response = client.post(url, {"volunteer": zofia.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk]) + "#volunteer"
    assert VolunteerAllocation.objects.get(case=case, active=True).volunteer == zofia


def test_refusals_are_shown_on_the_allocate_page(client, vcc_user):
    case = CaseFactory()
    expired = VolunteerFactory(
        accredited_on=timezone.localdate() - timedelta(days=400),
        accreditation_expires_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(vcc_user)
    url = reverse("volunteers:allocate", args=[case.pk])
    response = client.post(url, {"volunteer": expired.pk}, follow=True)
    assert "accreditation expired on" in response.content.decode()
    assert not VolunteerAllocation.objects.exists()


def test_the_case_panel_shows_the_volunteer_hours_and_buttons(client, vcc_user):
    allocation = AllocationFactory()
    HoursFactory(allocation=allocation, hours=Decimal("2.5"))
    HoursFactory(allocation=allocation, hours=Decimal("1"),
                 date=timezone.localdate() - timedelta(days=2))
    client.force_login(vcc_user)
    case_url = reverse("cases:detail", args=[allocation.case.pk])
    page = client.get(case_url).content.decode()
    assert escape(allocation.volunteer) in page and "3.5" in page
    assert "End the allocation" in page and "Allocate a volunteer" not in page

    response = client.post(
        reverse("volunteers:end_allocation", args=[allocation.case_id, allocation.pk])
    )
    assert response.status_code == 302
    page = client.get(case_url).content.decode()
    assert "Allocate a volunteer" in page and "Earlier volunteers (1)" in page
    assert "No volunteer is allocated. 3.5 hours were logged by earlier volunteers." in page


def test_no_allocate_button_on_a_closed_case(client, vcc_user):
    case = CaseFactory(status="closed")
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "No volunteer is allocated." in page and "Allocate a volunteer" not in page


def test_the_case_panel_takes_the_same_queries_whatever_the_history(client, vcc_user):
    case = CaseFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
        return len(queries)

    client.force_login(vcc_user)
    client.get(reverse("cases:detail", args=[case.pk]))
    empty = count()
    for _ in range(4):
        ended = AllocationFactory(case=case, active=False, ended_at=timezone.now())
        HoursFactory.create_batch(3, allocation=ended)
    current = AllocationFactory(case=case)
    HoursFactory.create_batch(5, allocation=current)
    assert count() == empty


def test_the_panel_tag_is_one_query(vcc_user, django_assert_num_queries, rf):
    from django.template import Context, Template

    case = CaseFactory()
    for _ in range(3):
        AllocationFactory(case=case, active=False, ended_at=timezone.now())
    AllocationFactory(case=case)
    request = rf.get("/")
    request.user = vcc_user
    vcc_user.has_perm("cases.work_case")  # the permission cache is warm on the case page
    template = Template("{% load volunteer_tags %}{% case_volunteer_panel case %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"case": case, "request": request}))
    assert "Earlier volunteers (3)" in html


def test_another_vcc_cannot_allocate_on_a_restricted_case(client, vcc_user):
    case = CaseFactory(restricted=True, allocated_to=vcc_user)
    allocation = AllocationFactory(case=case)
    client.force_login(user_with_role(Role.VCC))
    assert client.get(reverse("volunteers:allocate", args=[case.pk])).status_code == 404
    assert client.post(
        reverse("volunteers:end_allocation", args=[allocation.case_id, allocation.pk])
    ).status_code == 404
    allocation.refresh_from_db()
    assert allocation.active


def test_ending_an_allocation_is_confirmed_with_a_reason(client, vcc_user):
    allocation = AllocationFactory(
        volunteer__user__first_name="Vic", volunteer__user__last_name="Helper",
        case__person__first_name="Ann",
    )
    client.force_login(vcc_user)
    url = reverse("volunteers:end_allocation", args=[allocation.case_id, allocation.pk])
    page = client.get(url).content.decode()
    assert "End Vic Helper's support of Ann?" in page
    assert allocation.volunteer.allocations.get().active  # a GET changes nothing
    response = client.post(url, {"reason": "Moved to Norfolk"})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert not allocation.active and allocation.end_reason == "Moved to Norfolk"
    assert "Moved to Norfolk" in client.get(
        reverse("cases:detail", args=[allocation.case_id])
    ).content.decode()
